"""The look of the game, in one place: every style the renderer uses has a name
here, so changing the feel of the whole game is an edit to this table."""
from __future__ import annotations

MEASURE = 70  # a comfortable line length for prose, in columns

STYLES = {
    "story.title": "bold",
    "story.author": "italic",
    "chapter.label": "dim",
    "chapter.title": "bold",
    "scene.title": "bold",
    "prose": "",
    "choice.number": "bold cyan",
    "choice.text": "",
    "choice.selected": "reverse",
    "choice.marker": "bold cyan",
    "choice.locked": "dim",
    "menu.hint": "dim",
    "status": "dim",
    "hint": "dim",
    "note": "italic",
    "warning": "yellow",
    "error": "bold red",
    "ending.label": "dim",
    "ending.title": "bold",
    "ending.found": "green",
    "ending.unknown": "dim",
    "history.choice": "cyan",
    "table.header": "bold",
    "rule": "dim",
}


def theme():
    """The Rich Theme built from STYLES (imported lazily: Rich costs start-up time)."""
    from rich.theme import Theme
    return Theme(STYLES, inherit=True)


def console(**kw):
    """A Console set up for story text: no markup, emoji or number highlighting is
    ever read out of strings, so author text shows exactly as written."""
    from rich.console import Console
    kw.setdefault("theme", theme())
    kw.setdefault("highlight", False)
    kw.setdefault("markup", False)
    kw.setdefault("emoji", False)
    return Console(**kw)
