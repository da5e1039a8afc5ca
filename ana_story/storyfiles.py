"""Which files of a story folder are read, and how much of them.

A story folder comes from a stranger, so it reads only itself: a file that is a
symbolic link to somewhere outside the folder is refused (``02.yaml ->
/etc/passwd`` would otherwise show that file's first line in a diagnostic), and the
whole story is bounded in size, not only each file. Files in subfolders are not
read; a subfolder holding YAML files is reported, so no chapter goes missing without
a word (``playthroughs/``, where `ana-story test` looks for plans, is expected).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

# A 500-scene chapter of the benchmark story is about 0.4 MB and the whole
# 10,000-scene benchmark 8 MB; War and Peace is about 3 MB of text.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_STORY_BYTES = 24 * 1024 * 1024
SUFFIXES = (".yaml", ".yml")
# Subfolders the tools themselves use; YAML files there are not scenes.
KNOWN_SUBFOLDERS = {"playthroughs"}


def outside(root: Path, path: Path) -> bool:
    """True when ``path`` (a link, or through links) resolves outside ``root``."""
    try:
        real = path.resolve(strict=True)
        return not real.is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):  # a dangling or looping link: not inside either
        return True


def size_of(paths: list[Path]) -> int:
    """The bytes the given files hold together (files that vanish count as 0)."""
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n % (1024 * 1024) else f"{n // (1024 * 1024)} MB"


def ignored_subfolders(root: Path, entries: list[Path]) -> list[tuple[str, int]]:
    """(name, number of YAML files) for each subfolder whose YAML files are not read."""
    out = []
    for p in entries:
        if p.name.startswith(".") or p.name in KNOWN_SUBFOLDERS or p.is_symlink():
            continue
        try:
            if not p.is_dir():
                continue
            n = 0
            for _dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                n += sum(1 for name in filenames if name.endswith(SUFFIXES))
                if n > 999:
                    break
        except OSError:
            continue
        if n:
            out.append((p.name, n))
    return out


def defines(text: str, sid: str) -> bool:
    """True when a file that YAML could not read seems to define the scene ``sid``.

    Used only to keep quiet about references into such a file: a loose match (the id
    followed by ':' anywhere) errs on the side of silence, never of a false error."""
    return re.search(r"(?<![\w-])" + re.escape(sid) + r"[ \t]*:", text) is not None
