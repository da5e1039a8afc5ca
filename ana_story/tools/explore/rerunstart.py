"""The first States of an incremental search (rerun.py), taken whole from the kept
search: every State the kept search visited before the first one that may not
step as it did (one of a changed scene, or one leading into a changed scene when a
scene has 'enter:', or into one whose key's layout changed). A breadth-first search
numbers States in the order it meets them, so the new search visits those States in
the same order, with the same ways on, to States of the same numbers: their tree,
keys, levels and counts are the kept ones, copied without a State built (but the
first of each ending, for its finding)."""
from __future__ import annotations

import contextlib
from array import array
from bisect import bisect_left
from collections import Counter
from typing import Any

from . import rerunloop


def unchanged(search: Any) -> int:
    """How many of the kept search's first States the new one visits alike: up to
    the first State of a changed scene, or up to the one that met it first when it
    may not be met alike (a changed scene when a scene has 'enter:', a relaid one)."""
    at, moved, parent = search.k_at, search.moved, search.k_parent
    total = len(search.k_first)
    first = total
    for s, m in enumerate(moved):
        if m:
            with contextlib.suppress(ValueError):  # none (before ``first``)
                if search.guard[s]:  # (met first by a State before ``first``, maybe)
                    first = min(first, parent[at.index(s)])
                else:
                    first = at.index(s, 0, first)
    return first


def copy(search: Any) -> tuple[int, int, int]:
    """Take the first ``unchanged`` States of the kept search; (the States visited,
    the end of the level being visited, the ways on before it), where the new
    search's loop goes on from."""
    roots = len(search.queue)
    p = unchanged(search)
    ids, data, ends = search.ids, search.k_data, search.k_ends
    if p <= roots or search.k_parent[roots - 1] >= 0 or search.k_parent[roots] < 0 \
            or search.tree.scene_of.at.typecode != search.k_at.typecode \
            or ids.data[:ids.ends[roots]] != data[:ends[roots]]:  # the same start States
        return 0, roots, 0
    kp, kf, known = search.k_parent, search.k_first, bisect_left(search.k_parent, p)
    ways = kf[p] if p < len(kf) else len(search.k_succ)
    tree = search.tree
    start = search.pack.unpack(search.queue[0])
    # in place: the search's loop (vecloop.py) holds their appends
    tree.parent[:], tree.step[:] = kp[:known], search.k_step[:known]
    tree.scene_of.at[:] = search.k_at[:known]
    tree.first[:], tree.succ[:], tree.via[:] = kf[:p], search.k_succ[:ways], search.k_via[:ways]
    search.good[:] = search.k_good[:p]
    rerunloop.lay(search, roots, known)
    search.new_of[roots:known] = array("i", range(roots, known))
    search.copied = known
    search.queue.clear()
    search.queue.extend(range(p, known))
    _count(search, ways)
    search.anchors[0] = start
    _endings(search, p)
    search.reused += p
    return p, *_levels(search, roots, p)


def _count(search: Any, ways: int) -> None:
    """The choices the copied States took (one count per State and choice: a random
    goto's several ways count once)."""
    taken, via = search.taken, search.tree.via
    for code, n in Counter(via).items():
        taken[code >> 8] += n
    if search.randoms:
        firsts = set(search.tree.first)
        for j in range(1, ways):
            if via[j] == via[j - 1] and j not in firsts:
                taken[via[j] >> 8] -= 1


def _endings(search: Any, p: int) -> None:
    """The finding of the first State of each ending among the copied ones."""
    at, names, paths = search.k_at, search.names, search.report.ending_paths
    found = []
    for s, sc in enumerate(search.story.scenes.values()):
        if sc.ending is not None:
            with contextlib.suppress(ValueError):
                found.append(at.index(s, 0, p))
    for n in sorted(found):
        paths[names[at[n]]] = search.finding(n, search.built(n))


def _levels(search: Any, roots: int, p: int) -> tuple[int, int]:
    """The levels done among the copied States, told to the projection with the
    scene counts then; (the end of the level the new search goes on in, the ways
    on before that level)."""
    kp, at, names = search.k_parent, search.tree.scene_of.at, search.names
    hits, projection = search.report.scene_hits, search.projection

    def ways_before(n: int) -> int:
        return search.k_first[n] if n < len(search.k_first) else len(search.k_succ)

    start, end, counted = 0, roots, roots
    while end <= p:  # the level [start, end) copied whole
        known = bisect_left(kp, end)
        _hits(hits, names, at, counted, known)
        counted = known
        projection.level(ways_before(end) - ways_before(start), known - end, known, hits)
        if end == p:
            return known, ways_before(p)
        start, end = end, known
    _hits(hits, names, at, counted, bisect_left(kp, p))  # the States met so far
    return end, ways_before(start)


def _hits(hits: dict, names: list, at: array, a: int, b: int) -> None:
    """The scene counts of States ``a`` to ``b`` added to ``hits``."""
    for s, n in Counter(at[a:b]).items():
        hits[names[s]] = hits.get(names[s], 0) + n
