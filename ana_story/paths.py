"""Where the shipped story lives, from a checkout or from an installed wheel."""
from __future__ import annotations

import os
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
