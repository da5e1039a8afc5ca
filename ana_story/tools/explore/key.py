"""The de-duplication key of a State: what can still change play from its scene on."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from operator import itemgetter

from ...model import Story
from ...state import State
from ..analysis import live_sets, relevant_variables, thresholds, visit_caps
from ..soundness import fallible_live, fallible_scenes
from .takencaps import taken_caps


class _Cells(dict):
    """value -> its place among the thresholds ahead: 2i for the gap below the
    i-th threshold, 2i+1 for the threshold itself. Computed once per value."""

    __slots__ = ("points",)

    def __init__(self, points: tuple):
        super().__init__()
        self.points = points

    def __missing__(self, x):
        i = bisect_left(self.points, x)
        cell = 2 * i + (1 if i < len(self.points) and self.points[i] == x else 0)
        self[x] = cell
        return cell


def _getter(names: tuple) -> Callable[[dict], tuple]:
    if not names:
        return lambda v: ()
    if len(names) == 1:
        name = names[0]
        return lambda v: (v[name],)
    return itemgetter(*names)


class Keyer:
    """Builds the de-duplication key of a State (see the module docstring): per
    scene, only what can still matter from that scene on (analysis.live_sets),
    tallies by their place among the thresholds still ahead (analysis.thresholds)."""

    def __init__(self, story: Story):
        caps = visit_caps(story)
        counted_too = fallible_scenes(story)  # soundness.py: counts a failure reads
        caps.update({sc: None for sc in counted_too})
        bounds = thresholds(story)
        self.variables = relevant_variables(story)
        self.counted = tuple(sorted(caps))
        self.per_scene = {}
        risky = fallible_live(story)  # soundness.py: values a failure may hinge on
        for sid, (names, counted, once) in live_sets(story).items():
            exact = tuple(sorted({n for n in names if bounds[sid].get(n) is None}
                                 | risky[sid]))
            tallied = tuple(sorted(n for n in names if bounds[sid].get(n) is not None
                                   and n not in risky[sid]))
            cells = tuple(_Cells(bounds[sid][n] or ()) for n in tallied)  # never None here
            every = tuple(sorted(set(counted) | counted_too))
            self.per_scene[sid] = (exact, tallied, every, _getter(exact),
                                   _getter(tallied), cells,
                                   tuple(caps[c] for c in every), once)
        if story.entering:
            self._exactly(story)
        self.taken = tuple(sorted(taken_caps(story).items()))  # capped like visits

    def _exactly(self, story: Story) -> None:
        """'enter:' effects are outside the live-variable analysis above: every
        variable is kept exactly (visit counts and once-only choices as before), so
        no two States merge that could play differently."""
        names = tuple(sorted(story.variables))
        exact = _getter(names)
        self.per_scene = {sid: (names, (), row[2], exact, _getter(()), (), *row[6:])
                          for sid, row in self.per_scene.items()}
    def __call__(self, s: State) -> tuple:
        _, _, counted, exact, tallied, cells, caps, once = self.per_scene[s.scene]
        v, visits = s.variables, s.visits
        return (s.scene, exact(v),
                tuple([m[x] for m, x in zip(cells, tallied(v), strict=True)]),
                tuple([visits.get(sc, 0) if cap is None else min(visits.get(sc, 0), cap)
                       for sc, cap in zip(counted, caps, strict=True)]) if counted else (),
                s.once & once if s.once else s.once,
                tuple([t.get(k, 0) if cap is None else min(t.get(k, 0), cap)
                       for k, cap in self.taken]) if (t := s.taken) else ())

def growing(ids: dict, key: Keyer) -> list[dict]:
    """When the bound cut the search: which parts of the State took the most values."""
    values: dict[str, set] = {}
    for k in ids:
        exact, tallied, counted = key.per_scene[k[0]][:3]
        for name, value in [*zip(exact, k[1], strict=True), *zip(tallied, k[2], strict=True)]:
            values.setdefault(f"variable '{name}'", set()).add(value)
        for scene, value in zip(counted, k[3], strict=True):
            values.setdefault(f"visits('{scene}')", set()).add(value)
    ranked = sorted(values.items(), key=lambda x: (-len(x[1]), x[0]))
    return [{"what": name, "values": len(vals)} for name, vals in ranked[:3]
            if len(vals) > 1]

