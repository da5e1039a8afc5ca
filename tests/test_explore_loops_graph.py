"""loops.py's one depth-first pass (Pearce's variant of Tarjan, with what can reach
an ending gathered as components close) against the textbook: Tarjan's recursive
algorithm for the components that hold a cycle, in the order it closes them, and a
backward search from the good States for what can reach one. On seeded random
graphs shaped like explore's: States numbered as found, some found but not
explored (the bound), ways on back to a State itself, dead ends."""
from __future__ import annotations

import random
import sys
from array import array
from collections import deque

import pytest

from ana_story.tools.explore.loops import _components


class _Tree:
    """The flat arrays loops.py reads (tree.Tree's first, succ, scene_of)."""

    def __init__(self, n: int, total: int, ways: list[list[int]]):
        self.first, self.succ = array("i"), array("i")
        for ws in ways:
            self.first.append(len(self.succ))
            self.succ.extend(ws)
        self.scene_of = [0] * total
        self.n, self.ways = n, ways


def _textbook(tree: _Tree, good: bytearray) -> tuple[list[list[int]], bytearray]:
    n, ways = tree.n, tree.ways
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on: set[int] = set()
    comps: list[list[int]] = []

    def visit(v: int) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in ways[v]:
            if w >= n:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in ways[v]:
                comps.append(sorted(comp))

    for v in range(n):
        if v not in index:
            visit(v)
    return comps, _can_end(tree, good)


def _can_end(tree: _Tree, good: bytearray) -> bytearray:
    n, ways = tree.n, tree.ways
    total = len(tree.scene_of)
    alive = bytearray(good) + bytearray(b"\x01" * (total - n))
    back: dict[int, list[int]] = {}
    for v in range(n):
        for w in ways[v]:
            back.setdefault(w, []).append(v)
    todo = deque(i for i in range(total) if alive[i])
    while todo:
        for a in back.get(todo.popleft(), ()):
            if not alive[a]:
                alive[a] = 1
                todo.append(a)
    return alive


def _graph(rng: random.Random) -> tuple[_Tree, bytearray]:
    n = rng.randint(1, 80)
    total = n + rng.choice([0, 0, 1, 4])
    ways = []
    for v in range(n):
        out = []
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 6])):
            near = max(0, min(total - 1, v + rng.randint(-4, 5)))
            out.append(rng.randrange(total) if rng.random() < 0.4 else near)
        ways.append(out)
    good = bytearray(rng.random() < 0.08 for _ in range(n))
    return _Tree(n, total, ways), good


@pytest.mark.parametrize("seed", range(8))
def test_components_and_what_can_end_are_the_textbooks(seed: int):
    rng = random.Random(seed)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 2000))
    try:
        for _ in range(400):
            tree, good = _graph(rng)
            comps, alive = _components(tree, good)  # type: ignore[arg-type]
            want_comps, want_alive = _textbook(tree, good)
            assert [sorted(c) for c in comps] == want_comps
            assert alive == want_alive
    finally:
        sys.setrecursionlimit(limit)


def test_a_long_chain_needs_no_recursion():
    n = 200_000  # far deeper than Python's recursion limit
    ways = [[v + 1] for v in range(n - 1)] + [[0]]  # one cycle through every State
    tree = _Tree(n, n, ways)
    comps, alive = _components(tree, bytearray(n))  # type: ignore[arg-type]
    assert [len(c) for c in comps] == [n]
    assert not any(alive)
    ways[-1] = []  # now a chain to a good end
    good = bytearray(n)
    good[-1] = 1
    comps, alive = _components(_Tree(n, n, ways), good)  # type: ignore[arg-type]
    assert comps == [] and all(alive)


def _round(ways: list[list[int]], a: int, b: int, members: set) -> list[tuple[int, int]] | None:
    """The textbook's shortest round a -> b -> ... -> a inside ``members``: (State,
    place among its ways on) of each step after the first."""
    back: dict[int, tuple[int, int] | None] = {b: None}
    todo = deque([b])
    while todo and a not in back:
        x = todo.popleft()
        for j, y in enumerate(ways[x]):
            if y in members and y not in back:
                back[y] = (x, j)
                todo.append(y)
    if a not in back:
        return None
    steps = []
    link = back[a]
    while link is not None:
        steps.append(link)
        link = back[link[0]]
    return steps[::-1]


@pytest.mark.parametrize("seed", range(4))
def test_a_loops_round_is_the_textbooks(seed: int):
    """tree.cycle on the flat arrays, States with no way on among them (where a
    successor's place is read back to its State), against a walk over the lists."""
    from ana_story.tools.explore.tree import cycle
    rng = random.Random(seed)
    checked = 0
    for _ in range(300):
        tree, good = _graph(rng)
        tree.via = array("i", [0]) * len(tree.succ)  # type: ignore[attr-defined]
        tree.keys = []  # type: ignore[attr-defined]
        for v, ws in enumerate(tree.ways):
            for j in range(len(ws)):
                tree.via[tree.first[v] + j] = len(tree.keys) * 256  # type: ignore[attr-defined]
                tree.keys.append(f"{v}.{j}")  # type: ignore[attr-defined]
        comps = _components(tree, good)[0]  # type: ignore[arg-type]
        owner = array("i", [-1]) * len(tree.scene_of)  # per State its component (loops._loops)
        for number, comp in enumerate(comps):
            for c in comp:
                owner[c] = number
        for number, comp in enumerate(comps):
            members = set(comp)
            a = min(comp)
            b = next(w for w in tree.ways[a] if w in members)
            want = _round(tree.ways, a, b, members)
            assert want is not None
            got = cycle(tree, a, b, "k", (owner, number))  # type: ignore[arg-type]
            assert got == ["k"] + [f"{x}.{j}" for x, j in want]
            checked += 1
    assert checked > 50


def _scened(tree: _Tree, rng: random.Random, scenes: int) -> _Tree:
    """The tree with a scene for each State (store.Scenes, as tree.Tree keeps them)."""
    from ana_story.tools.explore.store import Scenes
    ids = [f"s{i}" for i in range(scenes)]
    of = Scenes(ids, ids[0])
    for _ in range(len(tree.scene_of) - 1):
        of.append(rng.choice(ids))
    tree.scene_of = of  # type: ignore[assignment]
    return tree


@pytest.mark.parametrize("seed", range(6))
def test_no_cycle_says_so_only_when_the_full_pass_finds_none(seed: int):
    """acyclic.no_cycle, every scene on a cycle of the scene graph: an answer exactly
    when _components finds no component and every State can end, and then its
    ``alive``; on graphs with and without cycles (ways on only to later States)."""
    from ana_story.tools.explore.acyclic import no_cycle
    rng = random.Random(seed)
    answered = 0
    for k in range(400):
        tree, good = _graph(rng)
        if k % 2:  # no cycle: every way on to a later State
            tree = _Tree(tree.n, len(tree.scene_of),
                         [[w for w in ws if w > v] for v, ws in enumerate(tree.ways)])
            if rng.random() < 0.7:  # most often every State with no way on is good
                good = bytearray(not ws or good[v] for v, ws in enumerate(tree.ways))
        tree = _scened(tree, rng, 3)
        comps, alive = _components(tree, good)  # type: ignore[arg-type]
        got = no_cycle(tree, good, {"s0", "s1", "s2"})  # type: ignore[arg-type]
        if got is None:
            assert comps or not all(alive)
        else:
            answered += 1
            assert comps == [] and got == alive
    assert answered > 50


def test_no_cycle_looks_only_at_the_scenes_on_a_cycle():
    """A cycle of States in scenes the scene graph has no cycle through is not looked
    for (the scene graph says it cannot be); one in a scene on a cycle is found."""
    from ana_story.tools.explore.acyclic import no_cycle
    from ana_story.tools.explore.store import Scenes
    tree = _Tree(3, 3, [[1], [2, 1], []])  # State 1 leads back to itself
    tree.scene_of = Scenes(["a", "b"], "a")  # type: ignore[assignment]
    tree.scene_of.append("b")  # type: ignore[attr-defined]
    tree.scene_of.append("a")  # type: ignore[attr-defined]
    good = bytearray([0, 0, 1])
    assert no_cycle(tree, good, {"b"}) is None  # type: ignore[arg-type]
    assert no_cycle(tree, good, {"a"}) == bytearray(b"\x01\x01\x01")  # type: ignore[arg-type]
