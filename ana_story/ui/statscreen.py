"""What the stats screen shows for a State: the story's own design (story.yaml's
``stats:``) when it has one, else each visible variable as it is.

Pure (no terminal): the Rich, plain, screen-reader and web front ends each draw
the same rows their own way.
"""
from __future__ import annotations

from typing import Any

from ..errors import StoryRuntimeError
from ..expressions import EVAL_ERRORS
from ..model import Stat, Story, Variable
from ..state import State
from ..wording import show_held
from .markup import clean
from .views import StatRow


def stat_rows(story: Story, state: State) -> list[StatRow]:
    if not story.stats:
        return [StatRow(var.label, _show(state.variables.get(name), var))
                for name, var in story.variables.items() if var.visible]
    return [_row(s, state.variables.get(s.variable), story.variables.get(s.variable))
            for s in story.stats if _shown(s, state)]


def _shown(s: Stat, state: State) -> bool:
    if s.condition is None:
        return True
    try:
        return bool(s.condition.fn(state.variables, state))
    except EVAL_ERRORS as e:
        where = s.condition.where or s.where
        raise StoryRuntimeError(
            f"the condition of the stat '{s.label}' could not be worked out: {e}",
            file=where.file if where else "", line=where.line if where else 0,
            column=where.column if where else 0, scene=state.scene) from None


def _row(s: Stat, value: Any, var: Variable | None = None) -> StatRow:
    if s.kind in ("value", "list") or not isinstance(value, (int, float)) \
            or isinstance(value, bool):
        return StatRow(s.label, _show(value, var))
    if s.kind == "bar":
        fill = (min(max(value, s.low), s.high) - s.low) / (s.high - s.low)
        scale = f"of {_show(s.high)}" if s.low == 0 else \
            f"from {_show(s.low)} to {_show(s.high)}"
        return StatRow(s.label, _show(value), "bar", fill, scale)
    left = min(max(value, 0), 100)  # opposed: the left reads the value, the right the rest
    return StatRow(s.label, f"{_show(left)}%", "opposed", left / 100, "",
                   s.labels[1], f"{_show(100 - left)}%")


def _show(value: object, var: Variable | None = None) -> str:
    """A stat's value: as story text shows it (a list by its labels), never markup; a
    dash when missing."""
    return clean(show_held(var, value)) if value is not None else "—"
