"""The disk under the store: whether a file is there, reading one safely, and
an OS error in one plain line."""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

from .. import oserrors
from ..errors import SaveError
from .fileformat import Damaged, parse

MAX_FILE_BYTES = 16 * 1024 * 1024  # no real save comes near; a bigger file is refused unread


def there(path: Path) -> bool:
    """Whether something is at ``path``: False only when nothing is, SaveError when
    the folder cannot be looked into (permission denied, a name too long), so a
    save that may be there is never taken for missing, nor overwritten."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        raise SaveError(f"cannot look for the save '{path.name}' in {path.parent}: "
                        f"{os_reason(e)}", file=str(path)) from None
    return True


def read_limited(path: Path) -> bytes:
    """The file's bytes, refusing (OSError) anything but a regular file: a named
    pipe or a device put where a save should be must not hang or flood us."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb", closefd=True) as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file")
        raw = f.read(MAX_FILE_BYTES + 1)
    return raw


def read_save(path: Path) -> Any:
    """The parsed JSON of a save file; OSError when it cannot be read, Damaged
    when it is too big or not JSON."""
    raw = read_limited(path)
    if len(raw) > MAX_FILE_BYTES:
        raise Damaged(f"it is larger than {size(MAX_FILE_BYTES)}")
    return parse(raw)


def stamp(st: os.stat_result) -> tuple:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def size(n: int) -> str:
    return f"{n / 2**20:g} MB" if n >= 2**20 else f"{n / 1024:g} KB"


def os_reason(e: OSError) -> str:
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
    }.get(e.errno or 0) or oserrors.reason(e)
