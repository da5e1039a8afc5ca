"""`play --watch`: notice when a story's files change on disk."""
from __future__ import annotations

import os
from pathlib import Path


class Watcher:
    """Compares the size and modification time of every YAML file of a story
    folder with the last look. Polling (a few stat calls) keeps it dependency-free
    and works on every file system."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.last = self._look()

    def _look(self) -> dict:
        seen = {}
        for path in sorted(self.folder.rglob("*.y*ml")):
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
