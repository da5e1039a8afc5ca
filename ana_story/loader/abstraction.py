"""A number variable's ``exact: [low, high]``: explore's declared abstraction.

``courage: {value: 0, exact: [0, 4]}`` tells explore to tell apart only the values
from 0 to 4: every value below 0 counts as one, every value above 4 as one
(tools/explore/key.py keys it so, and explore says its proof holds under it). Why
apart from storyfile.py: each check (two numbers, low not above high, a number
variable) points at the exact value with a hint.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from .. import yamlread
from ..yamlread import FLOAT, INT
from .reader import Walked, YamlFile, node_kind

if TYPE_CHECKING:
    from .storyfile import StoryFile

_HINT = ("write the lowest and the highest value explore should tell apart, such as "
         "exact: [0, 4]")


def exact_on_a_list(rd: StoryFile, f: YamlFile, name: str, w: Walked) -> None:
    """Said when a list variable is given 'exact'."""
    if "exact" in w:
        rd.error(f, w.nodes["exact"][0], "not-a-number", f"'exact' is for number "
                 f"variables, and '{name}' is a list",
                 "remove 'exact': explore keys a list by the items it holds")


def read_exact(rd: StoryFile, f: YamlFile, name: str, w: Walked, value: Any,
               kind: str) -> tuple[float, ...]:
    """(low, high) of the number variable ``name``'s ``exact:`` (starting at
    ``value``), or () when it is wrong (said: the variable is kept without it)."""
    if kind not in ("int", "float"):
        exact_not_a_number(rd, f, name, w, kind)
        return ()
    ends = _ends(rd, f, name, w.node("exact"))
    if ends:
        start_outside(rd, f, name, w, value, ends)
    return ends


def _ends(rd: StoryFile, f: YamlFile, name: str, node: Any) -> tuple[float, ...]:
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != 2:
        got = f"{len(node.value)} value{'' if len(node.value) == 1 else 's'}" \
            if isinstance(node, yaml.SequenceNode) \
            else node_kind(node)
        rd.error(f, node, "bad-exact", f"the 'exact' of '{name}' should be a list of two "
                 f"numbers, [low, high], not {got}", _HINT)
        return ()
    ends: list[float] = []
    for n in node.value:
        x = _number(n)
        if x is None:
            shown = repr(n.value) if isinstance(n, yaml.ScalarNode) else node_kind(n)
            rd.error(f, n, "bad-exact", f"the 'exact' of '{name}' should hold numbers, "
                     f"not {shown}", _HINT)
            return ()
        ends.append(x)
    if ends[0] > ends[1]:
        rd.error(f, node.value[1], "bad-exact", f"the 'exact' of '{name}' should be [low, "
                 f"high]: {_show(ends[1])} is below {_show(ends[0])}",
                 f"swap them: exact: [{_show(ends[1])}, {_show(ends[0])}]")
        return ()
    return tuple(ends)


def exact_not_a_number(rd: StoryFile, f: YamlFile, name: str, w: Any, kind: str) -> None:
    """Said when 'exact' is given to a true/false or text variable."""
    what = {"bool": "true/false", "str": "text"}.get(kind, kind)
    rd.error(f, w.nodes["exact"][0], "not-a-number", f"'exact' is for number variables, "
             f"and '{name}' holds {what}",
             "remove 'exact': explore tells each of its values apart, and there are few")


def start_outside(rd: StoryFile, f: YamlFile, name: str, w: Any, value: float,
                  ends: tuple[float, ...]) -> None:
    """A warning when the starting value lies outside [low, high]: explore counts
    every value on that side as one, so a step from the start there looks like no
    change and the values up to the window are never told apart."""
    low, high = ends
    if low <= value <= high:
        return
    side, edge = ("below", low) if value < low else ("above", high)
    rd.error(f, w.node("exact"), "exact-misses-start", f"'{name}' starts at {_show(value)}, "
             f"{side} its 'exact' [{_show(low)}, {_show(high)}]: explore counts every value "
             f"{side} {_show(edge)} as one, so it never sees '{name}' move there",
             f"widen it to take in the start: exact: [{_show(min(low, value))}, "
             f"{_show(max(high, value))}]", severity="warning")


def _number(n: Any) -> float | None:
    if not (isinstance(n, yaml.ScalarNode) and n.tag in (INT, FLOAT)):
        return None
    x = yamlread.scalar_value(n)
    if isinstance(x, bool) or not isinstance(x, (int, float)) or x != x \
            or abs(x) == float("inf"):
        return None
    return x


def _show(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)
