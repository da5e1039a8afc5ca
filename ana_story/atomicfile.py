"""Atomic, durable file replacement: the one place that knows how.

A reader of ``path`` sees either the old complete file or the new complete file,
never a mix, even if the process is killed or the machine loses power midway:
the bytes go to a temporary file in the same folder, are flushed and fsynced,
renamed over ``path`` (atomic on POSIX and Windows), and the folder is fsynced
so the rename itself survives a power cut.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]  # no such module on Windows: _sync checks

TMP_PREFIX = ".tmp-"  # temporary files start with this; readers ignore them


def _sync(fd: int) -> None:
    """fsync; on macOS, where fsync stops at the drive's cache, F_FULLFSYNC."""
    full = getattr(fcntl, "F_FULLFSYNC", None) if fcntl else None
    if full is not None:  # pragma: no cover - macOS only
        try:
            fcntl.fcntl(fd, full)
            return
        except OSError:
            pass
    os.fsync(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename or new file in ``folder`` durable (a no-op where folders
    cannot be opened, as on Windows)."""
    if os.name == "nt":  # pragma: no cover - Windows cannot fsync a folder
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        _sync(fd)
    finally:
        os.close(fd)


def temp_path(folder: Path, name: str) -> Path:
    return folder / f"{TMP_PREFIX}{name}.{os.getpid()}.{os.urandom(4).hex()}"


def write_atomic(path: Path, data: bytes | Callable[[BinaryIO], None], *,
                 keep_previous: Path | None = None, sync_folder: bool = True,
                 durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically and (unless not ``durable``) durably.

    ``data`` is the bytes, or a function that writes them to the open temporary
    file (which it may seek in: the compiled-story cache streams its scenes and
    writes its header last). Without ``durable``, nothing is fsynced: a reader still
    sees the old or the new whole file, but a power cut may lose the new one (for a
    cache, which is only rebuilt). With ``keep_previous``, the file ``path`` held
    until now becomes that file (by a hard link, or a copy where links are not
    supported) before the new data takes its place, so at every moment ``path`` is
    a complete file. Raises OSError (or whatever ``data`` raises); on failure
    ``path`` and ``keep_previous`` are unchanged (or ``keep_previous`` already holds
    the current ``path``) and no temporary file is left behind.
    """
    folder = path.parent
    tmp = temp_path(folder, path.name)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o644)
        try:
            if callable(data):
                with os.fdopen(os.dup(fd), "wb") as out:
                    data(out)
            else:
                view = memoryview(data)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
            if durable:
                _sync(fd)
        finally:
            os.close(fd)
        if keep_previous is not None:
            _keep(path, keep_previous)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_folder and durable:
        fsync_dir(folder)


def _keep(path: Path, previous: Path) -> None:
    """Make ``previous`` a durable copy of ``path`` (if ``path`` exists)."""
    link = temp_path(path.parent, previous.name)
    try:
        os.link(path, link)
    except FileNotFoundError:
        return
    except OSError:  # no hard links here (some network and FAT file systems)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        write_atomic(previous, data, sync_folder=False)
        return
    try:
        os.replace(link, previous)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(link)
        raise
