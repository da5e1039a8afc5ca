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
(see codec and migration) and the player told what changed.
"""
from __future__ import annotations

import builtins
import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import atomicfile
from ..errors import SaveError
from ..model import Story
from . import aside, disk
from .codec import SaveCodec
from .disk import os_reason, read_limited, read_save, size, stamp, there
from .fileformat import FORMAT_NAME, FORMAT_VERSION, Damaged, Incompatible, dumps
from .names import check_slot_name, dir_name, safe_name
from .records import BrokenSave, LoadResult, SaveData, SaveInfo
from .where import default_saves_dir

if TYPE_CHECKING:  # datetime is imported when a save is made or read, not to start
    from datetime import datetime


def _now() -> datetime:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)

AUTOSAVE = "autosave"
QUICKSAVE = "quicksave"

PROFILE_FILE = "_profile.json"
STALE_TEMP_SECONDS = 600


class SaveStore:
    """The save slots of one story in one folder."""

    def __init__(self, story: Story, folder: Path | None = None, *,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.story = story
        self.root = Path(folder) if folder is not None else default_saves_dir()
        self.folder = self.root / dir_name(story.id)
        self._clock = clock or _now
        self.codec = SaveCodec(story, self._clock)
        self._written: dict = {}  # path -> stamp of the file this store wrote there

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
        doc = self.codec.encode(slot, data)
        try:
            blob = dumps(doc)
        except (TypeError, ValueError) as e:  # a value JSON cannot hold: a caller's bug
            raise SaveError(f"could not save '{slot}': the game holds a value a save "
                            f"cannot keep ({e})", slot=slot, file=str(path)) from None
        if len(blob) > disk.MAX_FILE_BYTES:
            raise SaveError(f"could not save '{slot}': the save would be larger than "
                            f"{size(disk.MAX_FILE_BYTES)}", slot=slot, file=str(path))
        self._write(slot, path, blob, keep=self._make_way(slot, path))
        return self.codec.info(slot, doc)

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
        infos: builtins.list[SaveInfo] = []  # `list` here is the method below
        broken: builtins.list[BrokenSave] = []
        for slot in self._slots():
            try:
                got = self.summary(slot)
            except SaveError:  # deleted by another process since the folder was read
                continue
            if isinstance(got, BrokenSave):
                broken.append(got)
            else:
                infos.append(got)
        infos.sort(key=lambda i: i.saved_at, reverse=True)
        return [*infos, *broken]

    def summary(self, slot: str) -> SaveInfo | BrokenSave:
        """What a list shows of ``slot``, or why it cannot be used (a damaged file is
        moved aside as on a load); SaveError when there is no such save."""
        got = self._load(slot, undo=False)
        return got if isinstance(got, BrokenSave) else got.info

    def _load(self, slot: str, *, undo: bool = True) -> LoadResult | BrokenSave:
        """Load ``slot``, moving a damaged file aside and falling back to the previous
        copy. Without ``undo`` the earlier moments are not rebuilt (listing needs only
        the summary; a fault among them is found, and handled, on a real load)."""
        path = self.path(slot)
        prev = self.previous_path(slot)
        notes: list[str] = []
        if not there(path) and not there(prev):
            raise SaveError(f"there is no save named '{slot}'", slot=slot, file=str(path))
        if there(path):
            try:
                return self._read(path, undo)
            except OSError as e:  # unreadable, but maybe not damaged: left where it is
                if not there(prev):
                    return BrokenSave(slot, str(path), f"cannot read it: {os_reason(e)}",
                                      None)
                notes.append(f"Your latest save in '{slot}' could not be read "
                             f"({os_reason(e)}), so you resume from the save before it.")
            except Incompatible as e:
                return BrokenSave(slot, str(path), str(e), None)
            except Damaged as e:
                moved = self._move_aside(path)
                if not there(prev):
                    return BrokenSave(slot, str(path), f"damaged: {e}", moved)
                notes.append(f"Your latest save in '{slot}' was damaged ({e}), so you "
                             "resume from the save before it.")
        try:
            result = self._read(prev, undo)
        except OSError as e:
            return BrokenSave(slot, str(prev), f"cannot read it: {os_reason(e)}", None)
        except Incompatible as e:
            return BrokenSave(slot, str(prev), str(e), None)
        except Damaged as e:
            moved = self._move_aside(prev)
            return BrokenSave(slot, str(prev), f"damaged, and so is the copy before it: {e}",
                              moved)
        if not os.path.lexists(path):
            self._restore(path, prev)
        info = result.info._replace(slot=slot)
        return LoadResult(result.data, info, tuple(notes) + result.changes)

    def delete(self, slot: str) -> None:
        path, prev = self.path(slot), self.previous_path(slot)
        if not there(path) and not there(prev):
            raise SaveError(f"there is no save named '{slot}'", slot=slot, file=str(path))
        try:
            for p in (path, prev):
                if there(p):
                    p.unlink()
            atomicfile.fsync_dir(self.folder)
        except OSError as e:
            raise SaveError(f"could not delete '{slot}' ({path}): {os_reason(e)}",
                            slot=slot, file=str(path)) from None

    def exists(self, slot: str) -> bool:
        try:
            path, prev = self.path(slot), self.previous_path(slot)
        except SaveError:  # not a name a save can have
            return False
        return there(path) or there(prev)

    def load_profile(self) -> dict:
        """What the story keeps across playthroughs; {} when none or damaged (a
        damaged profile is moved aside)."""
        path = self.folder / PROFILE_FILE
        try:
            doc = read_save(path)
            if not (isinstance(doc, dict) and doc.get("format") == FORMAT_NAME + "-profile"
                    and isinstance(doc.get("profile"), dict)):
                raise Damaged("not a profile")
            seen = doc["profile"].get("endings_seen", [])
            if not (isinstance(seen, list) and all(isinstance(s, str) for s in seen)):
                raise Damaged("'endings_seen' is not a list of scene ids")
        except OSError:  # none yet, or unreadable: nothing to go on
            return {}
        except Damaged:
            self._move_aside(path)
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
        if self._profile_in_the_way(path) and self._move_aside(path) is None:
            raise SaveError(f"could not save the profile: the unreadable file {path} is in "
                            "the way and could not be moved aside", file=str(path))
        self._write("profile", path, blob, keep=False)

    def _profile_in_the_way(self, path: Path) -> bool:
        """Whether something other than a readable profile sits at ``path``."""
        try:
            if self._written.get(path) == stamp(os.stat(path)):
                return False
        except OSError:
            return os.path.lexists(path)
        try:
            doc = read_save(path)
        except (OSError, Damaged):
            return True
        return not (isinstance(doc, dict) and doc.get("format") == FORMAT_NAME + "-profile")

    # extras for `ana-story saves export/import`
    def export(self, slot: str, target: Path) -> SaveInfo:
        """Copy ``slot`` (checked first) to the file ``target``."""
        info = self.load(slot).info
        path = self.path(slot)
        try:
            blob = read_limited(path)
        except OSError as e:
            raise SaveError(f"could not read '{slot}' ({path}): {os_reason(e)}",
                            slot=slot, file=str(path)) from None
        target = Path(target)
        try:
            atomicfile.write_atomic(target, blob)
        except OSError as e:
            raise SaveError(f"could not write {target}: {os_reason(e)}", slot=slot,
                            file=str(target)) from None
        return info

    def import_file(self, source: Path, slot: str | None = None, *,
                    replace: bool = False) -> LoadResult:
        """Check the save file ``source`` and copy it into ``slot`` (by default the
        slot it was saved from). Refuses to overwrite a slot unless ``replace``."""
        source = Path(source)
        name: str | None
        try:
            doc = read_save(source)
            if slot is not None:
                name = check_slot_name(slot)
            else:  # the name it was saved under, else the file's; never anything unsafe
                name = safe_name(doc.get("slot") if isinstance(doc, dict) else None) \
                    or safe_name(source.stem)
                if name is None:
                    raise SaveError(f"{source}: give the save a name (--as NAME)",
                                    file=str(source))
            result = self.codec.decode(name, doc)
        except OSError as e:
            raise SaveError(f"could not read {source}: {os_reason(e)}",
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
    def _slots(self) -> builtins.list[str]:
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):  # no folder, so no saves
            return []
        except OSError as e:  # "no saves" would be a lie: say why they cannot be seen
            raise SaveError(f"cannot read the save folder {self.folder}: {os_reason(e)}",
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
            self._written[path] = stamp(os.stat(path))
            if keep:  # the copy just kept was judged good: no second read next time
                prev = self.previous_path(slot)
                self._written[prev] = stamp(os.stat(prev))
        except OSError as e:
            raise SaveError(f"could not save '{slot}' ({path}): {os_reason(e)}; "
                            "your earlier saves are untouched", slot=slot,
                            file=str(path)) from None

    def _good_on_disk(self, path: Path) -> bool:
        """Whether the file now at ``path`` is a readable save worth keeping as the
        previous copy (a damaged one must not push out a good previous copy).
        A file this store wrote and nobody touched since needs no second look."""
        try:
            if self._written.get(path) == stamp(os.stat(path)):
                return True
        except OSError:
            return False
        try:
            doc = read_save(path)
        except (OSError, Damaged):
            return False
        return (isinstance(doc, dict) and doc.get("format") == FORMAT_NAME
                and self.codec.ours(doc))

    def _restore(self, path: Path, prev: Path) -> None:
        """Put the previous copy back in the slot's place (best effort)."""
        with contextlib.suppress(OSError):
            atomicfile.write_atomic(path, read_limited(prev))

    def _make_way(self, slot: str, path: Path) -> bool:
        """Before writing ``path``: True if what is there is a good save to keep as
        the previous copy; a file we cannot read is moved aside first, and when it
        cannot be, SaveError: nothing is ever overwritten unread."""
        if self._good_on_disk(path):
            self._keep_aside_unread(slot, self.previous_path(slot))
            return True
        if os.path.lexists(path) and self._move_aside(path) is None:
            raise SaveError(f"could not save '{slot}': the unreadable file {path} is in "
                            f"the way and could not be moved to {self.folder / aside.DAMAGED_DIR}"
                            "; move it yourself, or save under another name",
                            slot=slot, file=str(path))
        return False

    def _keep_aside_unread(self, slot: str, prev: Path) -> None:
        """The previous copy is about to be replaced: when it is not a save this
        store can load (a newer ana-story's, another story's, damaged), move it
        aside first, so that it is never lost (SaveError when it cannot be)."""
        if not os.path.lexists(prev) or self._good_on_disk(prev):
            return
        if self._move_aside(prev) is None:
            raise SaveError(f"could not save '{slot}': the file {prev} cannot be used "
                            f"and could not be moved to {self.folder / aside.DAMAGED_DIR}; "
                            "move it yourself, or save under another name",
                            slot=slot, file=str(prev))

    def _read(self, path: Path, undo: bool = True) -> LoadResult:
        slot = path.name.split(".")[0]
        return self.codec.decode(slot, read_save(path), undo=undo)

    def _move_aside(self, path: Path) -> str | None:
        """Move the unusable file ``path`` into ``damaged/``; where it went, or None."""
        return aside.move_aside(self.folder, path, self._clock)
