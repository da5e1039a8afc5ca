"""Save slots: versioned JSON files that never lose a player's progress.

Layout: ``<folder>/<story id>/<slot>.json`` holds a slot, ``<slot>.prev.json``
the copy it replaced (the previous good save), ``_profile.json`` what the story
keeps across playthroughs, and ``damaged/`` the files that could not be read,
moved aside rather than deleted. Every write is atomic and durable (see
atomicfile), so a crash leaves each slot either old or new, never half-written.

A save is data: it is parsed with ``json`` and checked field by field against
the story before anything uses it; nothing in it is ever run. The format
(``FORMAT_VERSION``) and the oldest reader that understands it
(``min_reader_version``) are recorded, as are the story's id, version and a
fingerprint of its structure, so a save made with an older story is migrated
(see ``migrate``) and the player told what changed.
"""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import math
import os
import re
import stat
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import atomicfile, oserrors, savefields
from .errors import SaveError
from .model import Story
from .sanitize import visible
from .savefile import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MIN_READER_VERSION,
    Damaged,
    Incompatible,
    delta,
    dumps,
    parse,
    state_from_json,
    undo_states,
    want,
    want_text,
)
from .savemigrate import fingerprint, migrate
from .state import State

_migrate = migrate  # the name ui/game.py imports for live reload

AUTOSAVE = "autosave"
QUICKSAVE = "quicksave"

MAX_SLOT_LEN = 64
MAX_FILE_BYTES = 16 * 1024 * 1024  # no real save comes near; a bigger file is refused unread
MAX_UNDO = savefields.MAX_UNDO  # earlier States kept in a save; older ones are dropped
PROFILE_FILE = "_profile.json"
DAMAGED_DIR = "damaged"
ENV_VAR = "ANA_STORY_SAVES"
STALE_TEMP_SECONDS = 600

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}  # names Windows will not create


@dataclass(frozen=True)
class SaveData:
    state: State
    undo: tuple[State, ...] = ()  # earlier States, oldest first: what undo and history need
    play_seconds: float = 0.0


@dataclass(frozen=True)
class SaveInfo:
    slot: str
    chapter: str
    scene_title: str
    turn: int
    play_seconds: float
    saved_at: datetime  # timezone-aware
    story_id: str
    story_version: str


@dataclass(frozen=True)
class LoadResult:
    data: SaveData
    info: SaveInfo
    changes: tuple[str, ...]  # plain sentences for the player; empty if nothing changed


@dataclass(frozen=True)
class BrokenSave:
    slot: str
    file: str
    reason: str
    moved_to: str | None


# --- where saves live -------------------------------------------------------------

def default_saves_dir() -> Path:
    """``$ANA_STORY_SAVES``; else the platform's user data folder (e.g.
    ~/.local/share/ana-story/saves), however ana-story is installed, so saves
    never move when it is reinstalled (older places: see savewhere)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs
    return Path(platformdirs.user_data_dir("ana-story", appauthor=False)) / "saves"


def check_slot_name(slot: Any) -> str:
    """Return ``slot`` if it is a safe slot name, else raise SaveError saying why.

    A slot name becomes a file name, so it must not be able to point anywhere
    else: letters, digits, spaces, '-' and '_' only, starting with a letter or
    digit, at most MAX_SLOT_LEN characters, and not a name Windows reserves.
    """
    if not isinstance(slot, str) or not slot:
        raise SaveError("a save needs a name", slot="")
    slot = unicodedata.normalize("NFC", slot)  # macOS lists names decomposed (NFD)
    shown = visible(slot[:80])  # a name that cannot be a save's is still shown, safely
    if len(slot) > MAX_SLOT_LEN:
        raise SaveError(f"the save name '{shown}' is longer than {MAX_SLOT_LEN} characters",
                        slot=slot)
    if not savefields.slot_bytes_ok(slot):  # file names are limited in bytes, not letters
        raise SaveError(f"the save name '{shown}' is too long for a file name (over "
                        f"{savefields.MAX_SLOT_BYTES} bytes in UTF-8); choose a shorter one",
                        slot=slot)
    bad = [c for c in slot if not (c.isalnum() or c in " -_")
           or unicodedata.category(c).startswith("C")]
    if bad or not slot[0].isalnum() or slot != slot.strip():
        raise SaveError(f"'{shown}' cannot be a save name: use letters, digits, spaces, "
                        "'-' and '_', starting with a letter or digit", slot=slot)
    if slot.lower() in _RESERVED:
        raise SaveError(f"'{slot}' cannot be a save name on every system; choose another",
                        slot=slot)
    return slot


def _safe_name(name: Any) -> str | None:
    try:
        return check_slot_name(name)
    except SaveError:
        return None


def _dir_name(story_id: str) -> str:
    """A folder name for a story id that is always safe (the id is author data)."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", story_id) and ".." not in story_id:
        return story_id
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", story_id).strip("-")[:40] or "story"
    return f"{slug}-{hashlib.sha256(story_id.encode()).hexdigest()[:8]}"


# --- the store --------------------------------------------------------------------

class SaveStore:
    """The save slots of one story in one folder."""

    def __init__(self, story: Story, folder: Path | None = None, *,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.story = story
        self.root = Path(folder) if folder is not None else default_saves_dir()
        self.folder = self.root / _dir_name(story.id)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._fingerprint = fingerprint(story)
        self._deltas: dict = {}  # (id(earlier), id(later)) -> (earlier, later, delta)
        self._written: dict = {}  # path -> _stamp of the file this store wrote there
        self._trim = savefields.PathTrim()  # paths stay within what load accepts

    # paths
    def path(self, slot: str) -> Path:
        return self.folder / f"{check_slot_name(slot)}.json"

    def previous_path(self, slot: str) -> Path:
        return self.folder / f"{check_slot_name(slot)}.prev.json"

    # public API
    def save(self, slot: str, data: SaveData) -> SaveInfo:
        """Write ``data`` to ``slot`` atomically and durably; the save it replaces
        is kept as the slot's previous copy. Raises SaveError (bad name, disk
        full, read-only folder, ...) and then every existing save is intact."""
        slot = check_slot_name(slot)
        path = self.path(slot)
        doc = self._encode(slot, data)
        try:
            blob = dumps(doc)
        except (TypeError, ValueError) as e:  # a value JSON cannot hold: a caller's bug
            raise SaveError(f"could not save '{slot}': the game holds a value a save "
                            f"cannot keep ({e})", slot=slot, file=str(path)) from None
        if len(blob) > MAX_FILE_BYTES:
            raise SaveError(f"could not save '{slot}': the save would be larger than "
                            f"{_size(MAX_FILE_BYTES)}", slot=slot, file=str(path))
        self._write(slot, path, blob, keep=self._make_way(slot, path))
        return self._info(slot, doc)

    def load(self, slot: str) -> LoadResult:
        """Read ``slot``. A damaged file is moved aside and, when the previous copy
        is good, that copy is restored and loaded (the player is told). Raises
        SaveError when there is no such save, or none of it can be used."""
        got = self._load(slot)
        if isinstance(got, BrokenSave):
            moved = f"; it was moved to {got.moved_to}" if got.moved_to else ""
            raise SaveError(f"cannot load '{slot}' ({got.file}): {got.reason}{moved}",
                            slot=slot, file=got.file)
        return got

    def list(self) -> list[SaveInfo | BrokenSave]:
        """Every slot, newest first, then the ones that could not be used. Damaged
        files are moved aside and reported; this never raises for one."""
        infos: list[SaveInfo] = []
        broken: list[BrokenSave] = []
        for slot in self._slots():
            try:
                got = self._load(slot, undo=False)
            except SaveError:  # deleted by another process since the folder was read
                continue
            if isinstance(got, BrokenSave):
                broken.append(got)
            else:
                infos.append(got.info)
        infos.sort(key=lambda i: i.saved_at, reverse=True)
        return [*infos, *broken]

    def _load(self, slot: str, *, undo: bool = True) -> LoadResult | BrokenSave:
        """Load ``slot``, moving a damaged file aside and falling back to the previous
        copy. Without ``undo`` the earlier moments are not rebuilt (listing needs only
        the summary; a fault among them is found, and handled, on a real load)."""
        path = self.path(slot)
        prev = self.previous_path(slot)
        notes: list[str] = []
        if not _there(path) and not _there(prev):
            raise SaveError(f"there is no save named '{slot}'", slot=slot, file=str(path))
        if _there(path):
            try:
                return self._read(path, undo)
            except OSError as e:  # unreadable, but maybe not damaged: left where it is
                if not _there(prev):
                    return BrokenSave(slot, str(path), f"cannot read it: {_os_reason(e)}",
                                      None)
                notes.append(f"Your latest save in '{slot}' could not be read "
                             f"({_os_reason(e)}), so you resume from the save before it.")
            except Incompatible as e:
                return BrokenSave(slot, str(path), str(e), None)
            except Damaged as e:
                moved = self._move_aside(slot, path)
                if not _there(prev):
                    return BrokenSave(slot, str(path), f"damaged: {e}", moved)
                notes.append(f"Your latest save in '{slot}' was damaged ({e}), so you "
                             "resume from the save before it.")
        try:
            result = self._read(prev, undo)
        except OSError as e:
            return BrokenSave(slot, str(prev), f"cannot read it: {_os_reason(e)}", None)
        except Incompatible as e:
            return BrokenSave(slot, str(prev), str(e), None)
        except Damaged as e:
            moved = self._move_aside(slot, prev)
            return BrokenSave(slot, str(prev), f"damaged, and so is the copy before it: {e}",
                              moved)
        if not os.path.lexists(path):
            self._restore(path, prev)
        info = dataclasses.replace(result.info, slot=slot)
        return LoadResult(result.data, info, tuple(notes) + result.changes)

    def delete(self, slot: str) -> None:
        path, prev = self.path(slot), self.previous_path(slot)
        if not _there(path) and not _there(prev):
            raise SaveError(f"there is no save named '{slot}'", slot=slot, file=str(path))
        try:
            for p in (path, prev):
                if _there(p):
                    p.unlink()
            atomicfile.fsync_dir(self.folder)
        except OSError as e:
            raise SaveError(f"could not delete '{slot}' ({path}): {_os_reason(e)}",
                            slot=slot, file=str(path)) from None

    def exists(self, slot: str) -> bool:
        try:
            path, prev = self.path(slot), self.previous_path(slot)
        except SaveError:  # not a name a save can have
            return False
        return _there(path) or _there(prev)

    def load_profile(self) -> dict:
        """What the story keeps across playthroughs; {} when none or damaged (a
        damaged profile is moved aside)."""
        path = self.folder / PROFILE_FILE
        try:
            doc = _read_save(path)
            if not (isinstance(doc, dict) and doc.get("format") == FORMAT_NAME + "-profile"
                    and isinstance(doc.get("profile"), dict)):
                raise Damaged("not a profile")
            seen = doc["profile"].get("endings_seen", [])
            if not (isinstance(seen, list) and all(isinstance(s, str) for s in seen)):
                raise Damaged("'endings_seen' is not a list of scene ids")
        except OSError:  # none yet, or unreadable: nothing to go on
            return {}
        except Damaged:
            self._move_aside("_profile", path)
            return {}
        return doc["profile"]

    def save_profile(self, profile: dict) -> None:
        path = self.folder / PROFILE_FILE
        if not isinstance(profile, dict):
            raise SaveError("the profile must be a dictionary", file=str(path))
        doc = {"format": FORMAT_NAME + "-profile", "format_version": FORMAT_VERSION,
               "story": self.story.id, "profile": profile}
        try:
            blob = dumps(doc)
        except (TypeError, ValueError) as e:
            raise SaveError(f"could not save the profile ({path}): {e}",
                            file=str(path)) from None
        if self._profile_in_the_way(path) and self._move_aside("_profile", path) is None:
            raise SaveError(f"could not save the profile: the unreadable file {path} is in "
                            "the way and could not be moved aside", file=str(path))
        self._write("profile", path, blob, keep=False)

    def _profile_in_the_way(self, path: Path) -> bool:
        """Whether something other than a readable profile sits at ``path``."""
        try:
            if self._written.get(path) == _stamp(os.stat(path)):
                return False
        except OSError:
            return os.path.lexists(path)
        try:
            doc = _read_save(path)
        except (OSError, Damaged):
            return True
        return not (isinstance(doc, dict) and doc.get("format") == FORMAT_NAME + "-profile")

    # extras for `ana-story saves export/import`
    def export(self, slot: str, target: Path) -> SaveInfo:
        """Copy ``slot`` (checked first) to the file ``target``."""
        info = self.load(slot).info
        path = self.path(slot)
        try:
            blob = _read_limited(path)
        except OSError as e:
            raise SaveError(f"could not read '{slot}' ({path}): {_os_reason(e)}",
                            slot=slot, file=str(path)) from None
        target = Path(target)
        try:
            atomicfile.write_atomic(target, blob)
        except OSError as e:
            raise SaveError(f"could not write {target}: {_os_reason(e)}", slot=slot,
                            file=str(target)) from None
        return info

    def import_file(self, source: Path, slot: str | None = None, *,
                    replace: bool = False) -> LoadResult:
        """Check the save file ``source`` and copy it into ``slot`` (by default the
        slot it was saved from). Refuses to overwrite a slot unless ``replace``."""
        source = Path(source)
        try:
            doc = _read_save(source)
            if slot is not None:
                name = check_slot_name(slot)
            else:  # the name it was saved under, else the file's; never anything unsafe
                name = _safe_name(doc.get("slot") if isinstance(doc, dict) else None) \
                    or _safe_name(source.stem)
                if name is None:
                    raise SaveError(f"{source}: give the save a name (--as NAME)",
                                    file=str(source))
            result = self._decode(name, doc)
        except OSError as e:
            raise SaveError(f"could not read {source}: {_os_reason(e)}",
                            file=str(source)) from None
        except (Damaged, Incompatible) as e:
            raise SaveError(f"{source} is not a save this story can use: {e}",
                            file=str(source)) from None
        if self.exists(name) and not replace:
            raise SaveError(f"there is already a save named '{name}': add --as NAME to import "
                            "it under another name, or --replace to replace it", slot=name,
                            file=str(self.path(name)))
        doc["slot"] = name
        path = self.path(name)
        self._write(name, path, dumps(doc), keep=self._make_way(name, path))
        return result

    # --- inside ---------------------------------------------------------------------
    def _slots(self) -> list[str]:
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):  # no folder, so no saves
            return []
        except OSError as e:  # "no saves" would be a lie: say why they cannot be seen
            raise SaveError(f"cannot read the save folder {self.folder}: {_os_reason(e)}",
                            file=str(self.folder)) from None
        slots = set()
        for n in names:
            if n.startswith(atomicfile.TMP_PREFIX):
                self._remove_if_stale(n)
                continue
            if not n.endswith(".json") or n.startswith((".", "_")):
                continue
            stem = n[:-len(".json")]
            if stem.endswith(".prev"):
                stem = stem[:-len(".prev")]
            try:
                slots.add(check_slot_name(stem))
            except SaveError:
                continue
        return sorted(slots)

    def _remove_if_stale(self, name: str) -> None:
        """A temporary file left by a process killed mid-save: remove it once it is
        older than any save could take (a live writer's is never that old)."""
        path = self.folder / name
        try:
            if time.time() - path.stat().st_mtime > STALE_TEMP_SECONDS:
                path.unlink()
        except OSError:
            pass

    def _write(self, slot: str, path: Path, blob: bytes, *, keep: bool) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomicfile.write_atomic(path, blob, keep_previous=(
                path.with_name(path.name[:-len(".json")] + ".prev.json") if keep else None))
            self._written[path] = _stamp(os.stat(path))
            if keep:  # the copy just kept was judged good: no second read next time
                prev = self.previous_path(slot)
                self._written[prev] = _stamp(os.stat(prev))
        except OSError as e:
            raise SaveError(f"could not save '{slot}' ({path}): {_os_reason(e)}; "
                            "your earlier saves are untouched", slot=slot,
                            file=str(path)) from None

    def _good_on_disk(self, path: Path) -> bool:
        """Whether the file now at ``path`` is a readable save worth keeping as the
        previous copy (a damaged one must not push out a good previous copy).
        A file this store wrote and nobody touched since needs no second look."""
        try:
            if self._written.get(path) == _stamp(os.stat(path)):
                return True
        except OSError:
            return False
        try:
            doc = _read_save(path)
        except (OSError, Damaged):
            return False
        return (isinstance(doc, dict) and doc.get("format") == FORMAT_NAME
                and self._ours(doc))

    def _restore(self, path: Path, prev: Path) -> None:
        """Put the previous copy back in the slot's place (best effort)."""
        try:
            atomicfile.write_atomic(path, _read_limited(prev))
        except OSError:
            pass

    def _make_way(self, slot: str, path: Path) -> bool:
        """Before writing ``path``: True if what is there is a good save to keep as
        the previous copy; a file we cannot read is moved aside first, and when it
        cannot be, SaveError: nothing is ever overwritten unread."""
        if self._good_on_disk(path):
            self._keep_aside_unread(slot, self.previous_path(slot))
            return True
        if os.path.lexists(path) and self._move_aside(slot, path) is None:
            raise SaveError(f"could not save '{slot}': the unreadable file {path} is in "
                            f"the way and could not be moved to {self.folder / DAMAGED_DIR}"
                            "; move it yourself, or save under another name",
                            slot=slot, file=str(path))
        return False

    def _keep_aside_unread(self, slot: str, prev: Path) -> None:
        """The previous copy is about to be replaced: when it is not a save this
        store can load (a newer ana-story's, another story's, damaged), move it
        aside first, so that it is never lost (SaveError when it cannot be)."""
        if not os.path.lexists(prev) or self._good_on_disk(prev):
            return
        if self._move_aside(slot, prev) is None:
            raise SaveError(f"could not save '{slot}': the file {prev} cannot be used "
                            f"and could not be moved to {self.folder / DAMAGED_DIR}; "
                            "move it yourself, or save under another name",
                            slot=slot, file=str(prev))

    def _ours(self, doc: dict) -> bool:
        """Whether a parsed save is one this store could load: a save of another story,
        or made by a newer ana-story, is kept rather than replaced."""
        meta = doc.get("story")
        minimum = doc.get("min_reader_version", doc.get("format_version"))
        return (isinstance(meta, dict) and meta.get("id") == self.story.id
                and type(minimum) is int and minimum <= FORMAT_VERSION)

    def _damaged_dir(self) -> Path | None:
        """The folder for files moved aside: ``damaged/``, or when that name is taken
        by a file or a symlink, ``damaged-2/``, ``damaged-3/``, ... (never into
        something that is not our own folder)."""
        for n in range(1, 50):
            d = self.folder / (DAMAGED_DIR if n == 1 else f"{DAMAGED_DIR}-{n}")
            try:
                d.mkdir()
            except FileExistsError:
                if d.is_symlink() or not d.is_dir():
                    continue
            except OSError:
                return None
            return d
        return None

    def _move_aside(self, slot: str, path: Path) -> str | None:
        stamp = self._clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        stem = path.name[:-len(".json")] if path.name.endswith(".json") else path.name
        folder = self._damaged_dir()
        if folder is None:
            return None
        target = folder / f"{stem}.{stamp}.json"
        n = 1
        while os.path.lexists(target):  # never replace what was moved aside before
            n += 1
            target = target.with_name(f"{stem}.{stamp}-{n}.json")
        try:
            os.replace(path, target)
            atomicfile.fsync_dir(self.folder)
        except OSError:
            return None
        return str(target)

    def _read(self, path: Path, undo: bool = True) -> LoadResult:
        slot = path.name.split(".")[0]
        return self._decode(slot, _read_save(path), undo=undo)

    def _encode(self, slot: str, data: SaveData) -> dict:
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
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "min_reader_version": MIN_READER_VERSION,
            "slot": slot,
            "saved_at": self._clock().astimezone(timezone.utc).isoformat(),
            "story": {"id": self.story.id, "title": self.story.title,
                      "version": self.story.version, "fingerprint": self._fingerprint},
            "chapter": scene.chapter if scene else "",
            "scene_title": scene.title if scene else state.scene,
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
        budget = savefields.MAX_PATH_STEPS  # for paths written out in full (load's bound)
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
            if not chain:  # newest steps first to go within the budget (see savefields)
                d = {k: v for k, v in d.items() if k != "path_len"}
                steps = earlier.path[len(earlier.path) - min(budget, len(earlier.path)):]
                budget -= len(steps)
                d["path"] = [[s.choice, s.scene] for s in steps]
            out.append(d)
        self._deltas = fresh
        out.reverse()
        return out

    def _info(self, slot: str, doc: dict) -> SaveInfo:
        return SaveInfo(slot, doc["chapter"], doc["scene_title"], doc["state"]["turn"],
                        doc["play_seconds"], datetime.fromisoformat(doc["saved_at"]),
                        doc["story"]["id"], doc["story"]["version"])

    def _decode(self, slot: str, doc: Any, *, undo: bool = True) -> LoadResult:
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
            when = savefields.saved_at(want_text(doc, "saved_at"))
            seconds = savefields.play_seconds(doc.get("play_seconds", 0.0))
        except savefields.FieldError as e:
            raise Damaged(str(e)) from None
        chapter = want_text(doc, "chapter", "")
        want_text(doc, "scene_title", "")  # checked; the story's own title is shown
        state = state_from_json(want(doc, "state", dict))
        undo_raw = want(doc, "undo", list, [])
        if len(undo_raw) > MAX_UNDO:
            raise Damaged(f"it holds more than {MAX_UNDO} earlier moments")
        undo = undo_states(undo_raw, state) if undo else ()
        same = fp == self._fingerprint
        state, undo, changes = migrate(self.story, state, undo, chapter, strict=same)
        if changes:
            was = (f"version {story_version}" if story_version != self.story.version
                   else "an earlier draft")
            changes = [f"This save was made with {was} of {self.story.title}; "
                       f"you are playing version {self.story.version}.", *changes]
        scene = self.story.scenes[state.scene]
        info = SaveInfo(slot, scene.chapter, scene.title, state.turn, float(seconds), when,
                        story_id, story_version)
        return LoadResult(SaveData(state, undo, float(seconds)), info, tuple(changes))


# --- the disk ---------------------------------------------------------------------

def _there(path: Path) -> bool:
    """Whether something is at ``path``: False only when nothing is, SaveError when
    the folder cannot be looked into (permission denied, a name too long), so a
    save that may be there is never taken for missing, nor overwritten."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        raise SaveError(f"cannot look for the save '{path.name}' in {path.parent}: "
                        f"{_os_reason(e)}", file=str(path)) from None
    return True


def _read_limited(path: Path) -> bytes:
    """The file's bytes, refusing (OSError) anything but a regular file: a named
    pipe or a device put where a save should be must not hang or flood us."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb", closefd=True) as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file")
        raw = f.read(MAX_FILE_BYTES + 1)
    return raw


def _read_save(path: Path) -> Any:
    """The parsed JSON of a save file; OSError when it cannot be read, Damaged
    when it is too big or not JSON."""
    raw = _read_limited(path)
    if len(raw) > MAX_FILE_BYTES:
        raise Damaged(f"it is larger than {_size(MAX_FILE_BYTES)}")
    return parse(raw)


def _stamp(st: os.stat_result) -> tuple:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _size(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n / 1024:g} KB"


def _os_reason(e: OSError) -> str:
    """One plain line for what went wrong on disk."""
    return {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the save folder is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOENT: "the folder does not exist",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EISDIR: "it is a folder, not a file",
        errno.EIO: "the disk reported an input/output error",
        errno.EINVAL: e.strerror or "invalid",
    }.get(e.errno) or oserrors.reason(e)
