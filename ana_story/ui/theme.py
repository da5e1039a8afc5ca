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
    "stat.bar": "cyan",
}


# The `theme` preference: changes over STYLES. High contrast drops every dim
# style and uses bright colours and bold; mono keeps only bold, italic, underline
# and reverse, for terminals (or eyes) where colour does not help.
THEMES = {
    "default": {},
    "high-contrast": {
        "chapter.label": "bold", "choice.number": "bold bright_yellow",
        "choice.marker": "bold bright_yellow", "choice.locked": "italic",
        "menu.hint": "bright_white", "status": "bright_white", "hint": "bright_white",
        "note": "bold", "warning": "bold bright_yellow", "error": "bold bright_red",
        "ending.label": "bright_white", "ending.found": "bold bright_green",
        "ending.unknown": "bright_white", "history.choice": "bold bright_cyan",
        "rule": "bright_white",
    },
    "mono": {
        "choice.number": "bold", "choice.marker": "bold", "warning": "bold",
        "error": "bold reverse", "ending.found": "bold", "history.choice": "italic",
        "choice.locked": "italic", "menu.hint": "italic",
    },
}
_active = {"theme": "default"}


def use(name: str, measure: int | None = None) -> None:
    """Apply the theme and page-width preferences for this run. The measure is a
    module constant that render and plain import by name: a module imported later
    gets the new value, one imported already is set here (without importing Rich,
    which piped play never loads)."""
    _active["theme"] = name if name in THEMES else "default"
    if measure is not None:
        import sys
        global MEASURE
        MEASURE = measure
        for module in ("ana_story.ui.render", "ana_story.ui.plain"):
            if module in sys.modules:
                setattr(sys.modules[module], "MEASURE", measure)  # noqa: B010  mypy cannot see a module's globals


def styles() -> dict[str, str]:
    """Every style by name, in the theme in use."""
    return {**STYLES, **THEMES[_active["theme"]]}


def theme():
    """The Rich Theme built from STYLES and the theme in use (imported lazily: Rich
    costs start-up time)."""
    from rich.theme import Theme
    return Theme(styles(), inherit=True)


def console(**kw):
    """A Console set up for story text: no markup, emoji or number highlighting is
    ever read out of strings, so author text shows exactly as written."""
    from rich.console import Console
    kw.setdefault("theme", theme())
    kw.setdefault("highlight", False)
    kw.setdefault("markup", False)
    kw.setdefault("emoji", False)
    return Console(**kw)
