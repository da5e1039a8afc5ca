"""The player's comforts, mixed into ui.game.Game: redo, `repeat`, skipping text
read before, the endings gallery, starting from a chapter reached, the
"Previously…" recap, and hiding locked choices.

What outlasts a playthrough lives in the save store's profile, next to the
``endings_seen`` list older versions wrote (still read and still written, so an
old profile loads and an old version still reads a new one):

- ``endings_found``: ending scene id -> ISO date it was first reached;
- ``chapters``: chapter title -> {"first": date, "scene": id, "state": State JSON},
  the State the player had when they last entered that chapter (path dropped);
- ``seen``: keys of the passages read, oldest first, at most SEEN_MAX.

Every value read from a profile is checked: it is a file anyone could edit.
"""
from __future__ import annotations

import time
from typing import Any

from .. import engine
from ..digests import blake2s
from ..engine import Passage
from ..errors import AnaStoryError
from ..records import replace
from ..state import State
from .frontend import GameParts
from .views import MenuItem

SEEN_MAX = 5000  # passages remembered as read; the oldest are forgotten first
RECAP_CHOICES = 3  # how many of the last choices "Previously…" recalls
SKIPPED = "*(You have read this before. Type 'repeat' to read it again.)*"


def passage_key(p: Passage) -> str:
    """A passage as read: the scene and a hash of its text, so a scene whose text
    depends on the story's variables counts as unread when it reads differently."""
    digest = blake2s(p.text.encode("utf-8"), 6).hexdigest()
    return f"{p.scene}:{digest}"


def _today() -> str:
    return time.strftime("%Y-%m-%d")  # date.today().isoformat(), without datetime


def _date(text: Any) -> str:
    """'first reached 02 Dec 2026' from a profile's ISO date; an older profile has
    none, and says so."""
    try:
        from datetime import date
        return "first reached " + date.fromisoformat(str(text)).strftime("%d %b %Y")
    except ValueError:
        return "date not recorded"


def _merge_seen(old: Any, new: dict) -> list[str]:
    """The profile's list of passages read, with ``new`` moved to the end (the most
    recent), the oldest dropped past SEEN_MAX."""
    seen = dict.fromkeys(k for k in (old if isinstance(old, list) else [])
                         if isinstance(k, str))
    for k in new:
        seen.pop(k, None)
        seen[k] = None
    return list(seen)[-SEEN_MAX:]


class Comforts(GameParts):
    """Methods and state Game gains; Game calls _init_comforts() in __init__."""

    def _init_comforts(self) -> None:
        self.redo_stack: list[State] = []  # nearest future last; cleared by a new choice
        self.show_locked = True  # the show_locked preference
        self.skipping = False
        self.repeat_next = False  # 'repeat': show the next scene in full, even if read
        self.last_passage: Passage | None = None
        self._seen: dict[str, None] | None = None  # an ordered set, read lazily
        self._seen_new: dict[str, None] = {}
        self._chapter_marks: dict[str, dict] = {}
        self._warned_profile = False

    # --- what a scene looks like ------------------------------------------------

    def view(self, p: Passage) -> Passage:
        """The passage as this player wants it: locked choices hidden if they say so."""
        if self.show_locked:
            return p
        return replace(p, choices=tuple(c for c in p.choices if c.available))

    def showing(self, p: Passage) -> Passage:
        """Called as a scene is shown: remember it as read and, when it begins a
        chapter, the State to start that chapter from. While skipping, a passage
        read before comes back collapsed to a line; the first unread one stops it."""
        key = passage_key(p)
        read = key in self.seen_keys()
        self._seen_new[key] = None
        self._mark_chapter(p)
        self.last_passage = p
        if p.ended:  # plain play ends here, before any other autosave
            self.flush_profile()
        full, self.repeat_next = self.repeat_next, False
        if self.skipping and not full:
            if read and not p.ended:
                return replace(p, text=SKIPPED)
            self.skipping = False
            self.ui.say("An ending: skipping stops." if read else
                        "Here is text you have not read: skipping stops.", "note")
        return p

    def seen_keys(self) -> dict:
        if self._seen is None:
            raw = self._profile().get("seen", [])
            keys = raw if isinstance(raw, list) else []
            self._seen = dict.fromkeys(k for k in keys[-SEEN_MAX:] if isinstance(k, str))
        return self._seen

    # --- commands -----------------------------------------------------------------

    def cmd_redo(self, arg: str) -> str:
        n = 1
        if arg:
            if not arg.isdigit() or int(arg) < 1:
                self.ui.say("Type 'redo' to take again one choice you took back, or "
                            "'redo 3' for three.")
                return "stay"
            n = int(arg)
        if not self.redo_stack:
            self.ui.say("Nothing to redo: 'redo' takes again the choices 'undo' took "
                        "back, until you make a new choice.")
            return "stay"
        n = min(n, len(self.redo_stack))
        for _ in range(n):
            self.undo_stack.append(self.state)
            self.state = self.redo_stack.pop()
        self.ui.say(f"Took again {n} choice{'s' if n != 1 else ''}.")
        self.chapter = None
        self.autosave()
        return "moved"

    def cmd_repeat(self, arg: str) -> str:
        """Read the current scene again, in full (for a screen reader, or after a skip)."""
        self.repeat_next = True
        self.chapter = None  # and say which chapter it is in
        return "moved"

    def cmd_skip(self, arg: str) -> str:
        if self.skipping:
            self.skipping = False
            self.ui.say("Skipping stopped: every scene is shown in full again.")
            return "stay"
        self.skipping = True
        had = len(self.seen_keys())
        self.ui.say("Skipping what you have read: from here, a scene you read before shows "
                    "only its choices, until the first text you have not read. Type 'skip' "
                    "again to stop." + ("" if had else " (You have not finished reading "
                                        "anything before this game yet.)"))
        return "stay"

    def cmd_endings(self, arg: str) -> str:
        found = self.endings_found()
        rows = list(found)
        left = len(self.story.endings) - len(found)
        footer = (f"{len(found)} of {len(self.story.endings)} endings found"
                  + (f"; {left} still to find." if left else ". You found them all."))
        self.ui.listing("Endings found", rows, footer)
        return "stay"

    def cmd_chapters(self, arg: str) -> str:
        return "moved" if self.pick_chapter() else "stay"

    # --- endings gallery ------------------------------------------------------------

    def endings_found(self) -> list[tuple[str, str]]:
        """(ending title, when first reached) of every ending found, in story order."""
        profile = self._profile()
        dates = profile.get("endings_found")
        dates = dates if isinstance(dates, dict) else {}
        seen = profile.get("endings_seen")
        seen = {self.story.renamed.get(s, s) for s in seen if isinstance(s, str)} \
            if isinstance(seen, list) else set()
        dated = {self.story.renamed.get(k, k): v for k, v in dates.items()
                 if isinstance(k, str)}
        return [(e.ending or e.title, _date(dated.get(e.id)))
                for e in self.story.endings if e.id in seen or e.id in dated]

    def stamp_ending(self, profile: dict, scene: str) -> None:
        """Note the date an ending was first reached (called as it is recorded)."""
        dates = profile.get("endings_found")
        if not isinstance(dates, dict):
            dates = profile["endings_found"] = {}
        dates.setdefault(scene, _today())

    # --- chapters -------------------------------------------------------------------

    def _mark_chapter(self, p: Passage) -> None:
        """A scene that begins a chapter (the first of the game, or reached from a
        scene of another chapter) is where 'chapters' can later start that chapter."""
        if not p.chapter or self.autosave_slot != "autosave":
            return  # `play --from/--set` (an author's test) sets no chapter's start
        prev = self.undo_stack[-1] if self.undo_stack else None
        if prev is None:
            entering = not self.state.path
        else:
            sc = self.story.scenes.get(prev.scene)
            entering = sc is None or sc.chapter != p.chapter
        if entering:
            s = self.state  # at turn 0: its visit, frames and entry turns begin there
            snap = replace(s, path=(), turn=0, seed=0, reply="", began=0,
                           stack=tuple(replace(f, began=0) for f in s.stack),
                           entered={k: 0 for k in s.entered if k == s.scene})
            self._chapter_marks[p.chapter] = {"scene": s.scene, "state": snap.to_json()}

    def chapters_reached(self) -> list[tuple[str, dict]]:
        """(title, record) of each chapter reached, in the story's order."""
        marks = self._profile().get("chapters")
        marks = dict(marks) if isinstance(marks, dict) else {}
        for title, mark in self._chapter_marks.items():
            marks.setdefault(title, dict(mark, first=_today()))
        return [(c.title, marks[c.title]) for c in self.story.chapters
                if isinstance(marks.get(c.title), dict)]

    def pick_chapter(self) -> bool:
        reached = self.chapters_reached()
        if not reached:
            self.ui.say("No chapter reached yet: the chapters you reach can be started "
                        "again from here.")
            return False
        items = [MenuItem(title, title, _date(mark.get("first")))
                 for title, mark in reached]
        picked = self.ui.pick("Start again from which chapter?", items)
        if picked is None:
            return False
        title, mark = reached[picked]
        self.start_chapter(title, mark)
        return True

    def start_chapter(self, title: str, mark: dict) -> None:
        """Begin a new playthrough at the start of a chapter, with the variables,
        visits and once-only choices the player had when they last entered it; if
        the story changed so that no longer fits, the chapter's first scene with the
        story's starting values."""
        from .game import new_seed
        seed = self.seed if self.seed is not None else new_seed()
        state = self._chapter_state(title, mark, seed)
        self.state = state
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.chapter = None
        self.fresh = True  # the story in progress is kept as 'previous'
        self.autosave()

    def _chapter_state(self, title: str, mark: dict, seed: int) -> State:
        """The recorded State, checked by the same rules as a save's (types, bounds,
        fitted to the story as it is now), at turn 0 with ``seed``."""
        from ..saves.fileformat import Damaged, state_from_json
        from ..saves.migration import migrate
        chapter = next(c for c in self.story.chapters if c.title == title)
        try:
            raw = mark.get("state")
            snap = state_from_json(raw if isinstance(raw, dict) else {})
            snap, _, _ = migrate(self.story, snap, (), title, strict=False)
            state = replace(snap, path=(), turn=0, seed=seed, reply="", began=0)
            engine.present(self.story, state)
            return state
        except (AnaStoryError, Damaged):
            first = chapter.scenes[0]
            base = engine.new_state(self.story, seed)
            from ..startfrom import at_scene  # only when a chapter is started again
            return at_scene(self.story, State(first, base.variables, {first: 1},
                                              frozenset(), (), 0, base.seed))

    # --- "Previously…" --------------------------------------------------------------

    def recap(self) -> None:
        """A few lines before the scene on Continue: the last choices and where Ana is."""
        entries = self.history_entries()
        taken = [e for e in entries if e.chosen is not None][-RECAP_CHOICES:]
        rows = [(e.title or "…", f"you chose: {e.chosen}") for e in taken]
        p = engine.present(self.story, self.state)
        where = " · ".join(b for b in (p.chapter, p.title) if b)
        if not rows and not self.state.path:
            return  # nothing has happened yet: no recap to give
        footer = f"Now: {where}." if where else ""
        if not rows:
            footer = f"You have made {self.state.turn} choices. " + footer
        self.ui.listing("Previously…", rows, footer)

    # --- title screen ---------------------------------------------------------------

    def title_extras(self) -> list[MenuItem]:
        items = []
        found = len(self.endings_found())
        if found:
            items.append(MenuItem("endings", "Endings found",
                                  f"{found} of {len(self.story.endings)}"))
        if self.chapters_reached():
            items.append(MenuItem("chapters", "Chapters", "start from one you reached"))
        return items

    def title_extra(self, key: str) -> bool:
        """Act on a title-screen item of title_extras; True when play should start."""
        if key == "endings":
            self.cmd_endings("")
        elif key == "chapters":
            return self.pick_chapter()
        return False

    # --- the profile ------------------------------------------------------------------

    def _profile(self) -> dict:
        if self.store is None:
            return {}
        try:
            return self.store.load_profile()
        except AnaStoryError:
            return {}

    def flush_profile(self) -> None:
        """Write what this session added (passages read, chapters entered) into the
        profile. Called with each autosave; a failure is said once, play goes on."""
        if self.store is None or not (self._seen_new or self._chapter_marks):
            return
        try:
            profile = self.store.load_profile()
            profile["seen"] = _merge_seen(profile.get("seen"), self._seen_new)
            marks = profile.get("chapters")
            marks = marks if isinstance(marks, dict) else {}
            for title, mark in self._chapter_marks.items():
                before = marks.get(title)
                first = before.get("first") if isinstance(before, dict) else None
                marks[title] = dict(mark, first=first or _today())
            profile["chapters"] = marks
            self.store.save_profile(profile)
        except AnaStoryError as e:
            if not (self._warned_profile or self.warned_autosave):  # said once, at most
                self.ui.say(f"What you have read could not be recorded: {e}", "warning")
                self._warned_profile = True
            return
        if self._seen is not None:
            self._seen.update(self._seen_new)
        self._seen_new.clear()
        self._chapter_marks.clear()
