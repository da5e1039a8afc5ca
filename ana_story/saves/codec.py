"""A save as a document for one story: the State and its undo to the save's
fields and back, every field checked and the save fitted to the story (see
migration). No disk here (see store)."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..engine import scene_title
from ..errors import AnaStoryError, SaveError
from ..model import Scene, Story
from ..state import State
from . import fields
from .fileformat import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MIN_READER_VERSION,
    Damaged,
    Incompatible,
    delta,
    state_from_json,
    undo_states,
    want,
    want_text,
)
from .migration import fingerprint, migrate
from .records import LoadResult, SaveData, SaveInfo

if TYPE_CHECKING:  # datetime is imported when a save is made or read, not to start
    from datetime import datetime

MAX_UNDO = fields.MAX_UNDO  # earlier States kept in a save; older ones are dropped


class SaveCodec:
    """Encodes and decodes the saves of one story; remembers the undo differences
    of the last save, which the next autosave mostly repeats."""

    def __init__(self, story: Story, clock: Callable[[], datetime]) -> None:
        self.story = story
        self._clock = clock
        self._fingerprint = fingerprint(story)
        self._deltas: dict = {}  # (id(earlier), id(later)) -> (earlier, later, delta)
        self._trim = fields.PathTrim()  # paths stay within what load accepts

    def ours(self, doc: dict) -> bool:
        """Whether a parsed save is one this store could load: a save of another story,
        or made by a newer ana-story, is kept rather than replaced."""
        meta = doc.get("story")
        minimum = doc.get("min_reader_version", doc.get("format_version"))
        return (isinstance(meta, dict) and meta.get("id") == self.story.id
                and type(minimum) is int and minimum <= FORMAT_VERSION)

    def encode(self, slot: str, data: SaveData) -> dict:
        """The save document for ``data`` (paths trimmed, undo kept to MAX_UNDO
        moments), ready for fileformat.dumps; SaveError when there is no State."""
        if not isinstance(data, SaveData) or not isinstance(data.state, State):
            raise SaveError(f"could not save '{slot}': nothing to save", slot=slot)
        state, undo = self._trim.apply(data.state, tuple(data.undo)[-MAX_UNDO:])
        scene = self.story.scenes.get(state.scene)
        try:
            seconds = float(data.play_seconds)
        except (TypeError, ValueError):
            seconds = 0.0
        if not math.isfinite(seconds) or seconds < 0:
            seconds = 0.0
        from datetime import timezone
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "min_reader_version": MIN_READER_VERSION,
            "slot": slot,
            "saved_at": self._clock().astimezone(timezone.utc).isoformat(),
            "story": {"id": self.story.id, "title": self.story.title,
                      "version": self.story.version, "fingerprint": self._fingerprint},
            "chapter": scene.chapter if scene else "",
            "scene_title": _title(scene, state) if scene else state.scene,
            "play_seconds": round(seconds, 3),
            "state": state.to_json(),
            "undo": self._undo_deltas(undo, state),
        }

    def _undo_deltas(self, undo: tuple[State, ...], now: State) -> list[dict]:
        """Each earlier State as its difference from the one after it, with its path
        as a length when it is the start of the current path (as it is unless a
        path was rewritten). An autosave after a choice meets the same pairs
        again, so they are cached by identity: only the newest step is new work."""
        cache = self._deltas
        fresh: dict = {}
        out = []
        chain = True  # every State after this one starts the current path
        budget = fields.MAX_PATH_STEPS  # for paths written out in full (load's bound)
        for i in range(len(undo) - 1, -1, -1):
            earlier = undo[i]
            later = undo[i + 1] if i + 1 < len(undo) else now
            key = (id(earlier), id(later))
            hit = cache.get(key)
            if hit is None or hit[0] is not earlier or hit[1] is not later:
                n = len(earlier.path)
                d = delta(earlier, later)
                if n <= len(later.path) and later.path[:n] == earlier.path:
                    d["path_len"] = n
                hit = (earlier, later, d)
            fresh[key] = hit
            d = hit[2]
            chain = chain and "path_len" in d
            if not chain:  # newest steps first to go within the budget (see fields)
                d = {k: v for k, v in d.items() if k != "path_len"}
                steps = earlier.path[len(earlier.path) - min(budget, len(earlier.path)):]
                budget -= len(steps)
                d["path"] = [[s.choice, s.scene] for s in steps]
            out.append(d)
        self._deltas = fresh
        out.reverse()
        return out

    def info(self, slot: str, doc: dict) -> SaveInfo:
        """The summary of a document this codec encoded (so trusted unchecked)."""
        from datetime import datetime
        return SaveInfo(slot, doc["chapter"], doc["scene_title"], doc["state"]["turn"],
                        doc["play_seconds"], datetime.fromisoformat(doc["saved_at"]),
                        doc["story"]["id"], doc["story"]["version"])

    def decode(self, slot: str, doc: Any, *, undo: bool = True) -> LoadResult:
        """Check every field of a parsed save and migrate it to this story."""
        if not isinstance(doc, dict):
            raise Damaged("it is not a save (the file holds no JSON object)")
        if doc.get("format") != FORMAT_NAME:
            raise Damaged("it is not an ana-story save")
        version = want(doc, "format_version", int)
        minimum = doc.get("min_reader_version", version)
        if type(minimum) is not int:
            raise Damaged("'min_reader_version' should be a whole number")
        if minimum > FORMAT_VERSION:
            raise Incompatible(f"it was made by a newer ana-story (save format {version}); "
                               "update ana-story to load it")
        meta = want(doc, "story", dict)
        story_id = want_text(meta, "id")
        story_version = want_text(meta, "version")
        fp = want_text(meta, "fingerprint")
        if story_id != self.story.id:
            raise Incompatible(f"it belongs to the story '{story_id}', not "
                               f"'{self.story.id}'")
        try:
            when = fields.saved_at(want_text(doc, "saved_at"))
            seconds = fields.play_seconds(doc.get("play_seconds", 0.0))
        except fields.FieldError as e:
            raise Damaged(str(e)) from None
        chapter = want_text(doc, "chapter", "")
        want_text(doc, "scene_title", "")  # checked; the story's own title is shown
        state = state_from_json(want(doc, "state", dict))
        undo_raw = want(doc, "undo", list, [])
        if len(undo_raw) > MAX_UNDO:
            raise Damaged(f"it holds more than {MAX_UNDO} earlier moments")
        earlier = undo_states(undo_raw, state) if undo else ()
        same = fp == self._fingerprint
        state, earlier, changes = migrate(self.story, state, earlier, chapter, strict=same)
        if changes:
            was = (f"version {story_version}" if story_version != self.story.version
                   else "an earlier draft")
            changes = [f"This save was made with {was} of {self.story.title}; "
                       f"you are playing version {self.story.version}.", *changes]
        scene = self.story.scenes[state.scene]
        info = SaveInfo(slot, scene.chapter, _title(scene, state), state.turn, float(seconds), when,
                        story_id, story_version)
        return LoadResult(SaveData(state, earlier, float(seconds)), info, tuple(changes))


def _title(scene: Scene, state: State) -> str:
    """The scene's title as the player read it there; its source if it cannot be
    worked out (the save itself stays good)."""
    try:
        return scene_title(scene, state)
    except AnaStoryError:
        return scene.title
