"""An operating-system error as one plain line, wherever the CLI meets it.

The save store words its own errors (saves/store.py); everything else that touches the
file system (story folders, the cache, export targets, `new`) reaches cli.main as an
OSError, and this module says what went wrong without a traceback or an errno.
"""
from __future__ import annotations

import errno

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "there is no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EIO: "the disk reported an input/output error",
    errno.ENAMETOOLONG: "a name in the path is too long for the file system",
    errno.ELOOP: "too many symbolic links in the path",
    errno.EMFILE: "too many files are open",
    errno.ENFILE: "too many files are open",
}


def reason(e: OSError) -> str:
    """The plain reason, without the file."""
    known = _REASONS.get(e.errno) if e.errno is not None else None
    return known or e.strerror or str(e) or type(e).__name__


def message(e: OSError) -> str:
    """``file: reason`` (or the reason alone when the error names no file)."""
    where = f"{e.filename}: " if e.filename is not None else ""
    return f"{where}{reason(e)}"
