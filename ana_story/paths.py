"""Where the shipped story lives, from a checkout or from an installed wheel."""
from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_story() -> Path:
    """The story that `ana-story` plays when given none.

    From a checkout (or an editable install) that is the top-level `scenes/`
    folder; a wheel carries the same files as `ana_story/_story/`.
    """
    checkout = _PACKAGE.parent / "scenes"
    if (checkout / "story.yaml").is_file():
        return checkout
    return _PACKAGE / "_story"


def display_path(path: Path) -> str:
    """A path as the user would like to read it: relative to here when inside."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def user_folder(kind: str) -> Path:
    """The user's ``kind`` folder for ana-story ("data" or "config"), as platformdirs
    gives it. On Linux and the BSDs that is the XDG rule, computed here: platformdirs
    and what it imports cost about 5 ms on the way to the first screen (a test holds
    the two to the same answer). Elsewhere, or with an odd HOME, platformdirs decides."""
    home = os.environ.get("HOME", "")
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) \
            and os.path.isabs(home) and "ANDROID_DATA" not in os.environ:
        var, default = _XDG[kind]
        base = os.environ.get(var, "")
        if not os.path.isabs(base):
            base = os.path.join(home.rstrip("/") or "/", default)
        return Path(os.path.join(base, "ana-story"))
    import platformdirs
    find = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
    return Path(find("ana-story", appauthor=False))


_XDG = {"data": ("XDG_DATA_HOME", ".local/share"), "config": ("XDG_CONFIG_HOME", ".config")}
