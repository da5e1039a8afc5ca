"""The story's designed stats screen in Rich: bars with their number and scale,
opposed pairs with both labels. (A story without ``stats:`` keeps render.stats's
plain table.)

Where the grid would leave a bar too short to read (a narrow terminal), each
stat takes two lines instead: its label, then its bar and number below.
"""
from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .layout import measure
from .markup import literal, to_text
from .views import StatRow

MIN_BAR = 10  # cells: a shorter bar is drawn on a line of its own
MAX_BAR = 24


def bar(fill: float, cells: int) -> Text:
    """``cells`` cells, the first ``fill`` of them full."""
    full = round(max(0.0, min(1.0, fill)) * cells)
    out = Text("█" * full, style="stat.bar")
    out.append("░" * (cells - full), style="rule")
    return out


def _number(r: StatRow) -> Text:
    return literal(r.detail if r.kind == "bar" else r.value)


def designed(rows: Sequence[StatRow], width: int) -> RenderableType:
    """The rows as a grid (label, bar, number) where it fits, else stacked."""
    label_w = max(len(to_text(r.label).plain) for r in rows)
    right_w = max((len(r.right) + len(r.other) + 1 for r in rows if r.kind == "opposed"),
                  default=0)
    number_w = max((len(r.detail) for r in rows if r.kind == "bar"), default=0)
    number_w = max(number_w, right_w, *(len(r.value) for r in rows if r.kind == "value"))
    room = measure(width) - label_w - number_w - 4
    if room < MIN_BAR:
        return _stacked(rows, measure(width))
    cells = min(MAX_BAR, room)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    for r in rows:
        grid.add_row(*_cells(r, cells))
    return grid


def _cells(r: StatRow, cells: int) -> tuple[Text, Text, Text]:
    if r.kind == "bar":
        return to_text(r.label), bar(r.fill, cells), _number(r)
    if r.kind == "opposed":
        shown = literal(f"{r.value} ")
        shown.append_text(bar(r.fill, max(1, cells - len(r.value) - len(r.other) - 2)))
        shown.append_text(literal(f" {r.other}"))
        return to_text(r.label), shown, to_text(r.right)
    return to_text(r.label), Text(""), literal(r.value)


def _stacked(rows: Sequence[StatRow], columns: int) -> RenderableType:
    """Each stat on two lines: its label; then its bar and number, indented."""
    grid = Table.grid()
    grid.add_column(width=columns)
    words = max(len(r.detail) if r.kind == "bar" else len(r.value) + len(r.other) + 1
                for r in rows)
    cells = max(4, min(MAX_BAR, columns - 3 - words))  # one length for all: they line up
    for r in rows:
        grid.add_row(to_text(r.label) if r.kind != "opposed" else _pair_names(r))
        if r.kind == "value":
            line = literal(r.value)
        elif r.kind == "bar":
            line = bar(r.fill, cells)
            line.append_text(literal(" " + r.detail))
        else:
            line = literal(f"{r.value} ")
            line.append_text(bar(r.fill, cells))
            line.append_text(literal(f" {r.other}"))
        grid.add_row(Padding(line, (0, 0, 0, 2)))
    return grid


def _pair_names(r: StatRow) -> Text:
    out = to_text(r.label)
    out.append_text(literal(" / "))
    out.append_text(to_text(r.right))
    return out
