"""Small words said the same way everywhere: counts with their plural, play
time, and a story's values. One formatter each, so `saves list`, the game and the
tools agree."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def show_value(value: Any) -> str:
    """A story's value as the player reads it: ``true``/``false``, ``2.5`` not
    ``2.50000001``, ``3`` not ``3.0``. This is what ``{{ flag }}`` in story text has
    always rendered, so every other place (stats, saves, migration notes) says it
    the same way instead of story text changing to match them."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    return str(value)


def show_list(items: Iterable[str], labels: Mapping[str, str], empty: str = "") -> str:
    """A list's items as the player reads them: their labels in declaration order
    (``items`` is kept in that order), "a, b and c"; ``empty`` when it holds none.
    What ``{{ satchel }}``, ``joined()`` and the stats screen all say."""
    shown = [labels.get(i, i) for i in items]
    if not shown:
        return empty
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def show_held(var: Any, value: Any) -> str:
    """A variable's value as the player reads it outside story text (stats, saves):
    a list's labels joined ("nothing" when empty), any other value by show_value."""
    if getattr(var, "items", ()):
        return show_list(value, dict(zip(var.items, var.labels, strict=True)), "nothing")
    return show_value(value)


def plural(n: int, word: str, words: str | None = None) -> str:
    """``"1 warning"``, ``"2 warnings"``, ``"0 warnings"``; ``words`` when the plural
    is not just ``word + "s"``."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def duration(seconds: float) -> str:
    """A play time as people say it: "under a minute", "12 min", "1 h 5 min"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
