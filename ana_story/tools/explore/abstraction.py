"""When the space is too big: which variables blow it up, and the abstraction an
author can declare for each (``exact: [low, high]`` on the variable, storyformat).

A variable explore keeps exact (a loop moves it, so the thresholds ahead never
settle: analysis.thresholds) multiplies the States by the values it takes. When
every condition and route compares it only with constants, the values below the
lowest constant (or its start) all answer those comparisons alike, and so do the
values above the highest: ``exact: [low, high]`` tells explore to count each side
as one value. What explore proves then holds under that abstraction (key.py
applies it; the report says so). The suggestion names the variable, why, and the
YAML to add; a variable read any other way gets the advice to cap it instead.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from ...expressions import Expr
from ...model import Story, Variable
from ..analysis import compared, transition_exprs
from ..exprrange import ranger
from ..ranges import flow_ranges
from ..storymemo import remembered
from .key import Keyer

NUMERIC = ("int", "float")


def _show(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def _said(values: list[float]) -> str:
    shown = [_show(v) for v in sorted(values)]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _reads(story: Story, name: str) -> tuple[set[float], list[str], set[str]]:
    """(the constants conditions and routes compare ``name`` with, the other ways
    they use it, the chapters whose conditions read it)."""
    numeric = {n for n, v in story.variables.items() if v.type in NUMERIC}
    consts: set[float] = set()
    other: list[str] = []
    chapters: set[str] = set()
    for chapter, e in _tests(story):
        if name not in e.reads:
            continue
        chapters.add(chapter)
        comp, uses = compared(e, numeric)
        consts |= comp.get(name, set())
        if name in uses:
            other.append(e.source.strip())
    return consts, other, chapters


@remembered
def _tests(story: Story) -> list[tuple[str, Expr]]:
    """(chapter, expression) of each condition of a choice, then of a route, scene by
    scene (worked out once while explore remembers the story: per variable suggested)."""
    out = []
    for scene in story.scenes.values():
        exprs = [c.condition for c in scene.choices if c.condition is not None]
        exprs += [r.condition for c in scene.choices for r in c.goto.routes
                  if r.condition is not None]
        out += [(scene.chapter, e) for e in exprs]
    return out


@remembered
def _sets(story: Story) -> list[tuple[str, Expr]]:
    """(variable, effect) of each 'set:' and 'enter:' (analysis.transition_exprs)."""
    return [(k[4:], e) for k, e in transition_exprs(story) if k.startswith("set:")]


def _feeds(story: Story, name: str) -> list[str]:
    """The other variables whose effects read ``name`` (its value then matters
    through theirs)."""
    return sorted({k for k, e in _sets(story) if k != name and name in e.reads})


def suggest(story: Story, widest: list[dict], endless: Sequence[str] = ()) -> list[dict]:
    """For each variable among those that took the most values (``widest``), then
    those a loop moves without bound (``endless``): why it blows the space up, and
    the ``exact:`` to declare (``yaml``), when one fits."""
    counts: dict[str, int | None] = {}
    for w in widest:
        if w["what"].startswith("variable '"):
            counts[w["what"][len("variable '"):-1]] = w["values"]
    for name in endless:
        counts.setdefault(name, None)
    return [_one(story, story.variables[n], v) for n, v in counts.items()
            if n in story.variables]


def _one(story: Story, var: Variable, values: int | None) -> dict:
    name = var.name
    s: dict = {"variable": name, "values": values}
    took = f"all {values:,} of its values" if values else "every value"
    if var.exact:
        s["why"] = (f"it already has exact: [{_show(var.exact[0])}, {_show(var.exact[1])}] "
                    f"and {took} within it still count: narrow it")
        return s
    if var.type not in NUMERIC:
        s["why"] = "a text or list told apart by value: give it fewer values"
        return s
    consts, other, chapters = _reads(story, name)
    feeds = _feeds(story, name)
    if other or feeds or not consts:
        how = (f"a condition uses it other than against a number ('{other[0]}')" if other
               else f"its value feeds {', '.join(repr(f) for f in feeds)}" if feeds
               else "no condition compares it with a number")
        s["why"] = f"{how}: cap it instead, e.g. '{name}: min({name} + 1, 10)'"
        return s
    low = min(consts | {var.initial})
    high = max(consts | {var.initial})
    where = f" ({var.where})" if var.where else ""
    s["exact"] = [low, high]
    s["why"] = (f"conditions compare it only with {_said(list(consts))} (in "
                f"{', '.join(sorted(chapters))}), yet explore tells {took} "
                f"apart (a loop or an effect like min() keeps the thresholds ahead from "
                f"settling); below {_show(low)} and above {_show(high)} every value answers "
                f"those conditions alike")
    s["yaml"] = (f"variables:\n  {name}:\n    value: {_show(var.initial)}\n"
                 f"    exact: [{_show(low)}, {_show(high)}]")
    s["where"] = where.strip(" ()")
    return s


def endless(story: Story, keyer: Keyer) -> list[str]:
    """The variables explore keeps exact in some scene that a loop can move without
    bound (ranges.flow_ranges) and no 'exact:' holds in: the space may have no end."""
    exact = {n for layout in keyer.layout for n in layout[0]
             if not story.variables[n].exact}
    if not exact:
        return []
    ranges = flow_ranges(story)
    sets: dict[str, list] = {}
    for name, e in _sets(story):
        sets.setdefault(name, []).append(e)
    return sorted(n for n in exact if n in ranges and _unbounded(
        n, _size(story.variables[n].initial), ranges[n], sets.get(n, [])))


def _size(value: object) -> float:
    """A starting value as flow_ranges measures it: a number, or a text's length."""
    return float(len(value)) if isinstance(value, str) else float(value)  # type: ignore[arg-type]


def _unbounded(name: str, start: float, have: tuple, sets: list) -> bool:
    """Whether a range flow_ranges widened to no bound really has none: not when the
    effects that set the variable keep that side within the most any of them gives
    on its own (min(x + 1, 100) with max(x - 2, 0): at most 100)."""
    bounded = _bounded(name, start, have, sets)
    return any(math.isinf(x) for x in bounded)


def _bounded(name: str, start: float, have: tuple, sets: list) -> tuple[float, float]:
    """``have`` with each side flow_ranges widened to no bound replaced by the
    bound the effects that set the variable keep (see _unbounded), when they do."""
    if any(e.tree is None for e in sets):
        return have
    # each tree once, in the order first met (a story repeats its effects' expressions:
    # 18 among 2,826 in the benchmark story): the same ends, the same first largest
    trees = list({id(e.tree): e.tree for e in sets}.values())
    out = list(have)
    for side in (0, 1):
        if not math.isinf(have[side]):
            continue
        alone = [ranger(t)({})[side] for t in trees]
        finite = [x for x in alone if math.isfinite(x)] + [start]
        edge = max(finite) if side else min(finite)
        env = {name: (have[0], edge) if side else (edge, have[1])}
        ends = [ranger(t)(env)[side] for t in trees]
        if not any(x > edge if side else x < edge for x in ends):
            out[side] = edge
    return out[0], out[1]


def side_bound(story: Story, name: str, have: tuple) -> tuple[float, float]:
    """The range of variable ``name`` (``have``: flow_ranges'), each side it
    widened to no bound bounded when the effects that set it keep it (ceiling.py)."""
    sets = [e for kind, e in transition_exprs(story) if kind == f"set:{name}"]
    return _bounded(name, _size(story.variables[name].initial), have, sets)


def declared(story: Story, keyer: Keyer) -> list[dict]:
    """The 'exact:' declarations the search applied (key.py): what its proof holds under."""
    return [{"variable": n, "exact": list(story.variables[n].exact),
             "where": str(story.variables[n].where or "")}
            for n in sorted(keyer.abstracted)]
