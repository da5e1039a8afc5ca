"""A store that also reads the saves earlier versions left in other folders
(see where): every slot found, each read from where its newest copy is, and every
new save written to the one folder.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import SaveError
from ..model import Story
from .records import BrokenSave, LoadResult, SaveInfo
from .store import PROFILE_FILE, SaveStore
from .where import ENV_VAR, legacy_roots


def open_store(story: Story, folder: str | os.PathLike | None = None) -> SearchingStore:
    """The save store for ``story``: ``folder`` when given (--saves), else the one
    rule, with the legacy folders searched too unless $ANA_STORY_SAVES names one."""
    if folder:
        return SearchingStore(story, Path(folder).expanduser())
    store = SearchingStore(story)
    if not os.environ.get(ENV_VAR):
        try:
            home = store.root.resolve()
        except OSError:
            home = store.root
        store.add_elsewhere([r for r in legacy_roots() if r.resolve() != home])
    return store


def _readable(store: SaveStore) -> list[SaveInfo | BrokenSave]:
    """The slots of a legacy folder, or none when that folder cannot be read: an old
    folder we only look into must never stop the player's own saves being listed."""
    try:
        return SaveStore.list(store)
    except SaveError:
        return []


class SearchingStore(SaveStore):
    """A SaveStore that also reads the saves left in other folders.

    Writes go to its own folder only. A slot found in several folders is the newest
    copy (its own on a tie); the older copies are listed by ``shadowed`` so that
    `saves list` can point at them. ``where(slot)`` is the folder a slot is read from.
    """

    def __init__(self, story: Story, folder: Path | None = None, **kw) -> None:
        super().__init__(story, folder, **kw)
        self.others: list[SaveStore] = []

    def add_elsewhere(self, roots: Sequence[Path]) -> None:
        self.others += [SaveStore(self.story, r) for r in roots]

    # where each slot is read from
    def _holder(self, slot: str) -> SaveStore:
        holders = [s for s in (self, *self.others) if SaveStore.exists(s, slot)]
        if len(holders) <= 1:
            return holders[0] if holders else self
        return max(holders, key=lambda s: (_saved_at(s, slot), s is self))

    def where(self, slot: str) -> Path:
        """The folder the slot ``slot`` is read from."""
        return self._holder(slot).folder

    def elsewhere(self, slot: str) -> Path | None:
        """The other folder ``slot`` is read from, or None when it is in this one."""
        holder = self._holder(slot)
        return None if holder is self else holder.folder

    def shadowed(self) -> list[tuple[SaveInfo, Path]]:
        """Older copies of slots, in other folders, that a newer copy hides."""
        out = []
        for other in self.others:
            for e in _readable(other):
                if isinstance(e, SaveInfo) and self._holder(e.slot) is not other:
                    out.append((e, other.path(e.slot)))
        return out

    # the SaveStore API, reading across folders
    def list(self) -> list[SaveInfo | BrokenSave]:
        entries = SaveStore.list(self)
        if not self.others:
            return entries
        best: dict[str, SaveInfo] = {e.slot: e for e in entries if isinstance(e, SaveInfo)}
        broken = [e for e in entries if isinstance(e, BrokenSave)]
        for other in self.others:
            for e in _readable(other):
                if isinstance(e, BrokenSave):
                    if e.slot not in best:
                        broken.append(e)
                elif e.slot not in best or e.saved_at > best[e.slot].saved_at:
                    best[e.slot] = e
        infos = sorted(best.values(), key=lambda i: i.saved_at, reverse=True)
        return [*infos, *broken]

    def load(self, slot: str) -> LoadResult:
        holder = self._holder(slot)
        return SaveStore.load(self, slot) if holder is self else holder.load(slot)

    def exists(self, slot: str) -> bool:
        return any(SaveStore.exists(s, slot) for s in (self, *self.others))

    def delete(self, slot: str) -> None:
        holder = self._holder(slot)
        SaveStore.delete(holder, slot)

    def export(self, slot: str, target: Path) -> SaveInfo:
        holder = self._holder(slot)
        return SaveStore.export(self, slot, target) if holder is self \
            else holder.export(slot, target)

    def load_profile(self) -> dict:
        """This folder's profile, with the endings found in the other folders added
        (so the count of endings found does not drop either)."""
        profile = SaveStore.load_profile(self)
        if not self.others:
            return profile
        seen = list(profile.get("endings_seen", []))
        for other in self.others:
            if not (other.folder / PROFILE_FILE).is_file():
                continue
            for e in SaveStore.load_profile(other).get("endings_seen", []):
                if isinstance(e, str) and e not in seen:
                    seen.append(e)
        if seen:
            profile = {**profile, "endings_seen": seen}
        return profile


def _saved_at(store: SaveStore, slot: str):
    """When ``slot`` in ``store`` was saved; the earliest time if it cannot be read."""
    from datetime import datetime, timezone
    try:
        got = SaveStore.summary(store, slot)
    except SaveError:
        got = None
    if got is None or isinstance(got, BrokenSave):
        return datetime.min.replace(tzinfo=timezone.utc)
    return got.saved_at
