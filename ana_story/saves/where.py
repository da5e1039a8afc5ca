"""Where saves live: one rule, and the older places saves may still be.

The rule: the folder named by ``--saves`` or ``$ANA_STORY_SAVES``; else the
platform's user data folder (``default_saves_dir``), however ana-story was
installed (editable or not) and whatever the current folder. So reinstalling the
game another way, updating it or running it from elsewhere never moves the saves.

Before this rule an editable install kept its saves in the checkout's ``saves/``.
Those are still found (the checkout the code runs from, and a checkout in the
current folder): ``searching.SearchingStore`` lists and loads them beside the ones in the
user data folder and says where each is; every new save goes to the one folder.
A folder named by ``--saves`` or the variable is taken as meant: nothing else is
searched, which also keeps the tests' saves apart from the player's.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ANA_STORY_SAVES"
_PACKAGE = Path(__file__).resolve().parent.parent  # ana_story/


def default_saves_dir() -> Path:
    """``$ANA_STORY_SAVES``; else the platform's user data folder (e.g.
    ~/.local/share/ana-story/saves), however ana-story is installed, so saves
    never move when it is reinstalled (older places: see legacy_roots)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from ..paths import user_folder
    return user_folder("data") / "saves"


def _is_checkout(folder: Path) -> bool:
    """A folder holding an ana-story source tree (its pyproject.toml names it)."""
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return 'name = "ana-story"' in text


def legacy_roots() -> list[Path]:
    """The ``saves/`` folders earlier versions used: the checkout this code runs
    from, and one in the current folder; only those that exist."""
    found: list[Path] = []
    for checkout in (_PACKAGE.parent, Path.cwd()):
        folder = checkout / "saves"
        try:
            if _is_checkout(checkout) and folder.is_dir() and \
                    all(folder.resolve() != f.resolve() for f in found):
                found.append(folder)
        except OSError:
            continue
    return found
