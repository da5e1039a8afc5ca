"""The backward fixpoint of analysis.thresholds: each variable's threshold points
carried back along the scene graph, one variable at a time.

A choice from scene S to scene T that adds d to a variable makes each point p
of T a point p - d of S; a choice that sets it afresh stops it. The points of a
scene are the least sets closed under that. A variable is left exact (unstable)
when some scene would hold more than MAX_POINTS of them, which is always so when
a loop the points flow round adds to it (the points shift on every round, for
ever): that loop is found first, from the graph alone (integer steps only:
steps that are floats are carried as values), so a story whose tallies a loop
pumps costs no memory here. Otherwise the points are carried by a worklist
until nothing moves. The answer is the one a round-by-round sweep gives: the
least sets are the same in any order, and a sweep never settles when a loop
shifts the points.
"""
from __future__ import annotations

from collections import deque

MAX_POINTS = 200  # thresholds kept per variable and scene before it is left exact

# (scene, target, {var: step}, vars it sets afresh): one way back per choice target
Edge = tuple[str, str, dict, set]


def ways_back(local: dict[str, list[tuple]]) -> list[Edge]:
    """Each (scene, target, steps, set afresh) of analysis's choice rows."""
    return [(sid, t, delta, killed) for sid, rows in local.items()
            for targets, delta, killed, _, _ in rows for t in targets]


def propagate(edges: list[Edge], pts: dict[str, dict[str, set]], cx: dict[str, set],
              numeric: set[str]) -> set[str]:
    """Close ``cx`` (the variables used any other way) and ``pts`` (per scene, per
    variable, its points) backwards along ``edges``; the unstable variables."""
    into: dict[str, list[Edge]] = {}
    for e in edges:
        into.setdefault(e[1], []).append(e)
    _close_complex(into, cx)
    unstable: set[str] = set()
    parts: dict[tuple, list[set[str]]] = {}  # _pumped's components, by graph (alike for most)
    for k in sorted(numeric):
        sets = {sid: got.pop(k) for sid, got in pts.items() if k in got}
        if not any(sets.values()):
            continue
        ways = [e for e in edges if k not in e[3]]
        graph = len(ways) == len(edges) or frozenset(i for i, e in enumerate(edges) if k in e[3])
        if _pumped(k, ways, sets, parts, graph) or not _carry(k, into, sets):
            unstable.add(k)
            continue
        for sid, got in sets.items():
            pts[sid][k] = got
    return unstable


def _close_complex(into: dict[str, list[Edge]], cx: dict[str, set]) -> None:
    """cx[S] takes in cx[T] less what the choice sets afresh, until nothing moves."""
    todo = deque(into)
    queued = set(todo)
    while todo:
        t = todo.popleft()
        queued.discard(t)
        for sid, _, _, killed in into.get(t, ()):
            new = cx[t] - killed - cx[sid]
            if new:
                cx[sid] |= new
                if sid not in queued:
                    queued.add(sid)
                    todo.append(sid)


def _carry(k: str, into: dict[str, list[Edge]], sets: dict[str, set]) -> bool:
    """Carry k's points back until they settle; False when a scene would hold more
    than MAX_POINTS of them."""
    todo = deque(sid for sid, got in sets.items() if got)
    queued = set(todo)
    while todo:
        t = todo.popleft()
        queued.discard(t)
        vals = sets[t]
        for sid, _, delta, killed in into.get(t, ()):
            if k in killed:
                continue
            d = delta.get(k, 0)
            mine = sets.setdefault(sid, set())
            before = len(mine)
            mine.update([v - d for v in vals] if d else list(vals))
            if len(mine) != before:
                if len(mine) > MAX_POINTS:
                    return False
                if sid not in queued:
                    queued.add(sid)
                    todo.append(sid)
    return True


def _pumped(k: str, ways: list[Edge], sets: dict[str, set],
            parts: dict[tuple, list[set[str]]], graph: object) -> bool:
    """Whether a loop that adds to k (in whole steps) lies where k's points flow:
    among the scenes that lead to a point, a strongly connected part whose steps
    do not agree round every cycle. ``parts``: the components of each graph met
    (``graph``: which edges it has, True for all) on each set of scenes."""
    fwd: dict[str, list[tuple[str, int]]] = {}
    back: dict[str, list[str]] = {}
    for sid, t, delta, _ in ways:
        d = delta.get(k, 0)
        if type(d) is not int:
            return False  # a float step: carried as values (rounding decides)
        fwd.setdefault(sid, []).append((t, d))
        back.setdefault(t, []).append(sid)
    live = {sid for sid, got in sets.items() if got}
    todo = deque(live)
    while todo:
        t = todo.popleft()
        for sid in back.get(t, ()):
            if sid not in live:
                live.add(sid)
                todo.append(sid)
    key = (graph, frozenset(live))
    if key not in parts:
        parts[key] = _components(live, fwd)
    for part in parts[key]:
        looped = len(part) > 1 or any(t == s for s in part for t, _ in fwd.get(s, ()))
        if looped and not _consistent(part, fwd):
            return True
    return False


def _consistent(part: set[str], fwd: dict[str, list[tuple[str, int]]]) -> bool:
    """Whether every cycle inside ``part`` adds 0: a level per scene that each
    step inside it moves by exactly its amount."""
    level: dict[str, int] = {}
    for s0 in part:
        if s0 in level:
            continue
        level[s0] = 0
        todo = [s0]
        while todo:
            s = todo.pop()
            for t, d in fwd.get(s, ()):
                if t not in part:
                    continue
                if t not in level:
                    level[t] = level[s] + d
                    todo.append(t)
                elif level[t] != level[s] + d:
                    return False
            # the steps into s from inside the part are checked from their own scene
    return True


def _components(nodes: set[str], fwd: dict[str, list[tuple[str, int]]]) -> list[set[str]]:
    """Strongly connected components of the graph on ``nodes`` (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(fwd.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w, _ in it:
                if w not in nodes:
                    continue
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(fwd.get(w, ()))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = set()
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.add(w)
                        if w == v:
                            break
                    out.append(comp)
    return out
