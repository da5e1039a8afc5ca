"""A ceiling on the size of the space, from the story alone: no search can find more.

Two States are one when their keys are equal (key.py), so a scene holds at most
as many States as its key can take values: the product, over what the key keeps
there, of how many values each part can take. Summed over the scenes reachable in
the scene graph, that is a ceiling, a fact (projection.py says it as one):
- a variable kept exact: the integers of its range (ranges.flow_ranges; a side it
  widened to no bound is bounded when every effect that sets the variable keeps it
  within what one of them gives alone, abstraction.side_bound: min(x + 1, 100)),
  at most its declared ``exact: [low, high]`` and the one value each side counts as;
  true or false for a flag;
- a tally kept by its place among the thresholds ahead: two places a threshold, and one;
- a visit count: its cap and every count below it (plus the count zero);
- the once-only choices: each taken or not.
None (no ceiling) when any part has no bound: a text, a number with no bound or
not whole, an uncapped count, the frames of a story with 'let:', calls or turns.
"""
from __future__ import annotations

import math

from ...model import Story
from ..analysis import reachable
from ..ranges import flow_ranges
from .abstraction import side_bound
from .key import Keyer


def ceiling(story: Story, keyer: Keyer) -> int | None:
    """The most States the search can find, or None when some part is unbounded."""
    if keyer.framed or keyer.timed or keyer.taken:
        return None
    ranges = flow_ranges(story)
    sizes: dict[str, float] = {}
    total = 0
    for sid in reachable(story):
        entry = keyer.per_scene.get(sid)
        if entry is None:
            continue
        number, _, tables, every, caps, bits, _, _ = entry
        exact, tallied = keyer.layout[number][0], keyer.layout[number][1]
        n = 2.0 ** len(bits)
        for name in exact:
            if name not in sizes:
                sizes[name] = _values(story, name, ranges)
            n *= sizes[name]
        for cells in tables[len(exact):len(exact) + len(tallied)]:
            n *= 2 * len(cells.points) + 1
        for cap in caps:
            n *= math.inf if cap.cap is None else cap.cap + 1
        if not math.isfinite(n):
            return None
        total += int(n)
    return total or None


def _values(story: Story, name: str, ranges: dict) -> float:
    """How many values variable ``name`` can take in a key (inf: no bound known)."""
    v = story.variables[name]
    if v.type == "bool":
        return 2.0
    if v.type != "int" or name not in ranges:
        return math.inf
    lo, hi = side_bound(story, name, ranges[name])
    if v.exact:  # below low one value, above high another
        return min(hi - lo + 1, v.exact[1] - v.exact[0] + 3) if math.isfinite(hi - lo) \
            else float(v.exact[1] - v.exact[0] + 3)
    return hi - lo + 1 if math.isfinite(hi - lo) else math.inf
