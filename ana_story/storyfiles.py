"""Which files of a story folder are read, and how much of them.

A story folder comes from a stranger, so it reads only itself: a file that is a
symbolic link to somewhere outside the folder is refused (``02.yaml ->
/etc/passwd`` would otherwise show that file's first line in a diagnostic), and the
whole story is bounded in size, not only each file. Files in subfolders are not
read; a subfolder holding YAML files is reported, so no chapter goes missing without
a word (``playthroughs/``, where `ana-story test` looks for plans, is expected).
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import stat
from pathlib import Path

from .errors import Diagnostic

# A 500-scene chapter of the benchmark story is about 0.4 MB and the whole
# 10,000-scene benchmark 8 MB; War and Peace is about 3 MB of text.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_STORY_BYTES = 24 * 1024 * 1024
# Memory goes with the number of YAML nodes, not bytes: 8 MB of 'a,' composed into
# 4 million nodes, 1.3 GB and 7 s. Each node needs one of the marks counted by
# entries(); a 500-scene benchmark chapter has about 10,000 of them, and the whole
# 10,000-scene benchmark 190,000. At the bounds, a file composes in under 2 s and
# 150 MB, and the whole story in a few seconds.
MAX_FILE_ENTRIES = 400_000
MAX_STORY_ENTRIES = 1_000_000
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


class NotRegular(OSError):
    """A story file that is a folder, a named pipe or a device: never opened for
    reading as it is (a pipe would wait for a writer for ever, /dev/zero never ends)."""


def read_limited(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``: the caller sees it
    was too large. Opened without waiting and checked after opening, so a file
    swapped for a pipe between a look and the read cannot hang the tools."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb", closefd=True) as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular("it is not a regular file (a folder, a named pipe or a "
                             "device), so it is not read")
        return f.read(limit + 1)


def is_candidate(path: Path) -> bool:
    """Whether a ``.yaml`` entry of the folder is named as a story file: a regular
    file, or something else under that name (a link out, a pipe, a folder with no
    YAML in it), which is then refused aloud rather than skipped without a word."""
    try:
        return path.is_file() or not path.is_dir() or not any(
            n.endswith(SUFFIXES) for n in os.listdir(path))
    except OSError:
        return True


def size_of(paths: list[Path]) -> int:
    """The bytes the given files hold together (files that vanish count as 0)."""
    total = 0
    for p in paths:
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    return total


def sizes(n: int, limit: int) -> tuple[str, str]:
    """``n`` and ``limit`` for a message, in MB, or in bytes when MB would look equal."""
    mb = 1024 * 1024
    if f"{n / mb:.1f}" == f"{limit / mb:.1f}":
        return f"{n:,} bytes", f"{limit:,} bytes"
    return f"{n / mb:.1f} MB", f"{limit // mb} MB"


def entries(text: str) -> int:
    """An upper bound, up to a small factor, on the YAML nodes ``text`` composes into:
    every key, value and item needs a ':', ',', '-', '[', '{' or '?' of its own."""
    return sum(text.count(c) for c in ":,-[{?")


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
            for walked, (_dirpath, dirnames, filenames) in enumerate(os.walk(p)):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                n += sum(1 for name in filenames if name.endswith(SUFFIXES))
                if n > 999 or walked > 999:  # enough to say so; a stranger's tree is big
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


_KEY = re.compile(r"^[ \t]*(?:- )?([A-Za-z0-9_][A-Za-z0-9_-]*)[ \t]*:", re.M)
_HUGE = "a story this large is almost surely a mistake: look for a huge file"


def total_problem(paths: list[Path]) -> tuple[str, str] | None:
    """(message, hint) when the files add up past MAX_STORY_BYTES."""
    total = size_of(paths)
    if total <= MAX_STORY_BYTES:
        return None
    size, limit = sizes(total, MAX_STORY_BYTES)
    return f"the story's files add up to {size}; the limit is {limit}", _HUGE


class EntryBudget:
    """The YAML entries a file, and the story so far, may compose into (see
    MAX_FILE_ENTRIES), counted before composing."""

    def __init__(self) -> None:
        self.used = 0
        self.over = False  # the story's budget is spent: files after are not read

    def take(self, text: str) -> tuple[str, str] | None:
        """None when ``text`` may be composed; else (message, hint), with an empty
        message once the story's bound has been reported on an earlier file."""
        if self.over:
            return "", ""
        n = entries(text)
        self.used += n
        if n > MAX_FILE_ENTRIES:
            return (f"the file holds too many YAML entries (about {n:,} ':', ',' and '-'; "
                    f"the limit is {MAX_FILE_ENTRIES:,})", "split it into several chapter files")
        if self.used > MAX_STORY_ENTRIES:
            self.over = True
            return ("the story's files hold too many YAML entries together (the limit is "
                    f"{MAX_STORY_ENTRIES:,} ':', ',' and '-'), so this file and the ones after "
                    "it are not read", _HUGE)
        return None


class Unread:
    """Files that could not be read, and the references into them that therefore went
    unchecked: one broken file must not make every reference into it an error."""

    def __init__(self) -> None:
        self.files: list[tuple[str, str]] = []  # (display path, text: "" if never read)
        self.ids: dict[str, set[str]] = {}  # display path -> scene ids left unchecked

    def add(self, path: str, text: str) -> None:
        self.files.append((path, text))

    def explains(self, sid: str) -> bool:
        """True (and noted) when an unread file may define ``sid``."""
        for path, text in self.files:
            if not text or defines(text, sid):  # never read: anything may be there
                self.ids.setdefault(path, set()).add(sid)
                return True
        return False

    def keys(self) -> set[str]:
        """Every word used as a key in the unread files: the ids they may define, for
        did-you-means that do not point away from them."""
        out: set[str] = set()
        for _path, text in self.files:
            out.update(_KEY.findall(text))
        return out

    def annotate(self, diags: list[Diagnostic]) -> None:
        """Say once, in the hint of each such file's first error, what went unchecked."""
        for path, ids in self.ids.items():
            shown = ", ".join(sorted(ids)[:5]) + (", ..." if len(ids) > 5 else "")
            note = (f"the references to {shown}, which this file may define, were not "
                    "checked until it reads")
            for i, d in enumerate(diags):
                if d.file == path and d.severity == "error":
                    diags[i] = dataclasses.replace(d, hint=f"{d.hint}; {note}" if d.hint
                                                   else note)
                    break
