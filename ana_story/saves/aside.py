"""Moving aside a file the store cannot use: into ``damaged/`` beside the slots,
never deleted, never replacing what was moved aside before."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import atomicfile

if TYPE_CHECKING:  # datetime is imported when a file is moved aside, not to start
    from datetime import datetime

DAMAGED_DIR = "damaged"


def damaged_dir(folder: Path) -> Path | None:
    """The folder for files moved aside: ``damaged/``, or when that name is taken
    by a file or a symlink, ``damaged-2/``, ``damaged-3/``, ... (never into
    something that is not our own folder)."""
    for n in range(1, 50):
        d = folder / (DAMAGED_DIR if n == 1 else f"{DAMAGED_DIR}-{n}")
        try:
            d.mkdir()
        except FileExistsError:
            if d.is_symlink() or not d.is_dir():
                continue
        except OSError:
            return None
        return d
    return None


def move_aside(folder: Path, path: Path, clock: Callable[[], datetime]) -> str | None:
    """Move ``path`` into the damaged folder of ``folder``; where it went, or None
    when it could not be moved (then it is left where it is)."""
    from datetime import timezone
    stamp = clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    stem = path.name[:-len(".json")] if path.name.endswith(".json") else path.name
    into = damaged_dir(folder)
    if into is None:
        return None
    target = into / f"{stem}.{stamp}.json"
    n = 1
    while os.path.lexists(target):  # never replace what was moved aside before
        n += 1
        target = target.with_name(f"{stem}.{stamp}-{n}.json")
    try:
        os.replace(path, target)
        atomicfile.fsync_dir(folder)
    except OSError:
        return None
    return str(target)
