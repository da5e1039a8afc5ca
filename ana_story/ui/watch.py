"""`play --watch`: notice when a story's files change on disk, and fit the
player's State to the edited story."""
from __future__ import annotations

import os
from pathlib import Path

from ..model import Story
from ..state import State


class Watcher:
    """Compares the size and modification time of every YAML file of a story
    folder with the last look. Polling (a few stat calls) keeps it dependency-free
    and works on every file system."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.last = self._look()

    def _look(self) -> dict:
        seen = {}
        try:
            paths = sorted(self.folder.rglob("*.y*ml"))
        except OSError:  # the folder went away or was locked: no change seen, play on
            return getattr(self, "last", {})
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            seen[str(path)] = (st.st_mtime_ns, st.st_size)
        return seen

    def changed(self) -> bool:
        """True once for each change since the last call."""
        now = self._look()
        if now != self.last:
            self.last = now
            return True
        return False


def carry_over(new: Story, old: Story, state: State, undo: tuple[State, ...]
               ) -> tuple[State, tuple[State, ...], list[str]]:
    """Fit the player's State (and undo) to an edited story by the rules a save from
    an older story version follows (saves._migrate): new variables start at their
    starting values, removed ones go, a renamed scene is followed, and a vanished
    scene gives way to the start of its chapter. Returns the fitted State and undo,
    and one sentence for the player per change."""
    from ..saves import _migrate
    chapter = old.scenes[state.scene].chapter if state.scene in old.scenes else ""
    return _migrate(new, state, undo, chapter, strict=False)
