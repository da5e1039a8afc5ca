"""The re-check of an incremental proof (incremental.py): rebuild the kept States
of the changed scenes along the kept tree, and visit each again as the search did.

Each State is rebuilt from its parent along the choice the tree records: as a
vector (vectors.py) by the choice's memo (step.py's step, memoized by what the
choice reads, as the search's loop vecloop.py takes it), else (a State no vector
holds, a step the memo leaves to the engine) by the engine's own step (step.py's, as
the search takes it); the key of each State of a changed scene must be the kept one.
Only a State visited below is built as a State (vectors.Vectors.state). A visit runs
search.Search.visit itself, against stand-ins for the key table (only the States
known when the search visited it, ``_Known``) and the tree (``_Ways``), so it says
exactly what the search would have added there."""
from __future__ import annotations

import json
from bisect import bisect_left
from operator import itemgetter
from typing import Any, cast

from ...errors import AnaStoryError
from ...state import State
from . import search as searching
from .report import Finding
from .vectors import Vectors
from .ways import key_of

Node = tuple | State  # a rebuilt State: a vector (vectors.py) or a State
UNSEEN = object()  # not in a choice's memo yet


class Replay:
    """The kept tree (memo arrays) and a Search to step and visit with."""


    def __init__(self, search: Any, arrays: list, changed: set[str],
                 alike: bool = False) -> None:
        (self.parent, self.step, self.first, self.succ, self.via, self.good, self.data,
         self.ends, self.at) = arrays
        self.search = search
        self.changed = changed
        # no effect changed (incremental.py made sure) and no error kept there: a State
        # whose conditions and texts read what an earlier one's read, with the same
        # once-only choices and counts taken and the same ways on kept, is offered the
        # same choices, leading alike, and renders alike (step.py renders texts once per
        # such values itself): one of them is visited
        self.reads = {s: _reads(search.story.scenes[s]) for s in changed} \
            if alike else None
        self.choices = {c.key: c for s in search.story.scenes.values() for c in s.choices}
        self.vectors = _vectors(search)
        self.vias = bytes(self.via)  # (a State's codes sliced from it, for its mark)
        # scene number -> the getter of a vector's part of its mark (None: the State's)
        self.marks = {self.vectors.ids.index(s): _mark_getter(self.vectors, *self.reads[s])
                      for s in changed} if self.reads is not None and self.vectors else {}
        n = len(self.parent)
        if not (len(self.step) == len(self.at) == len(self.good) == len(self.first) == n
                and len(self.ends) == n + 1 and len(self.succ) == len(self.via)):
            raise ValueError("the kept arrays do not agree")

    def key(self, n: int) -> bytes:
        return bytes(self.data[self.ends[n]:self.ends[n + 1]])

    def verified(self, kept_errors: list[Finding]) -> bool:
        """Whether every State of a changed scene steps as it did (module docstring)."""
        names = list(self.search.story.scenes)
        wanted = {i for i, s in enumerate(names) if s in self.changed}
        targets = [n for n, a in enumerate(self.at) if a in wanted]
        nodes = self._rebuild(self.to_build(targets))
        if nodes is None or not self.ways_hold(targets, nodes):
            return False
        search = self.search
        search.good = bytearray(len(self.parent))
        shown = self.to_visit(targets)
        for sid in self._alike(shown, nodes) if self.reads is not None else shown:
            node = nodes[sid]
            state = node if isinstance(node, State) else self._state(node)
            if not self._visit(sid, state):
                return False
        got = [(f.scene, f.message, f.fails, json.loads(json.dumps(f.variables)))
               for f in search.report.errors]
        want = [(f.scene, f.message, f.fails, f.variables) for f in kept_errors]
        return got == want

    def to_build(self, targets: list[int]) -> list[int]:
        """The States of the changed scenes to rebuild (here: each one)."""
        return targets

    def to_visit(self, targets: list[int]) -> list[int]:
        """The States of the changed scenes to visit again (here: each one, one per
        mark when no effect changed)."""
        return targets

    def ways_hold(self, targets: list[int], nodes: dict[int, Node]) -> bool:
        """Whether the kept ways on of ``targets`` hold beyond what a visit checks:
        here always (no effect changed); reshape.py's check of an effect edit."""
        return True

    def checks(self, targets: list[int], need: set[int]) -> bytearray:
        """Per State, 1 when the key it is rebuilt with is to be checked (``keyed``):
        each State of a changed scene."""
        check = bytearray(len(self.parent))
        for n in targets:
            check[n] = 1
        return check

    def keyed(self, n: int, k: bytes) -> bool:
        """Whether ``k``, the key State ``n`` was rebuilt with, is the one it may have
        (here: its kept one)."""
        return k == self.data[self.ends[n]:self.ends[n + 1]]

    def _alike(self, targets: list[int], nodes: dict[int, Node]) -> list[int]:
        """The first of ``targets`` of each mark (see __init__): what its texts and
        conditions read, its once-only choices taken and its kept ways on; of a vector
        by one getter (inline: this runs once per State), else the State's (_mark)."""
        first, size, vias, marks = self.first, self.via.itemsize, self.vias, self.marks
        ends = [*first[1:], len(self.succ)]  # where each State's kept ways on end
        seen: set = set()
        out = []
        for sid in targets:
            node = nodes[sid]
            via = vias[first[sid] * size:ends[sid] * size]
            get = marks.get(node[0]) if isinstance(node, tuple) else None
            mark = (node[0], get(node), node[1], via) if get is not None and \
                isinstance(node, tuple) else self._mark(node, via)
            if mark not in seen:
                seen.add(mark)
                out.append(sid)
        return out

    def _mark(self, node: Node, via: bytes) -> tuple:
        """A State's mark (_alike) read from the State."""
        state = node if isinstance(node, State) else self._state(node)
        assert self.reads is not None
        read, counted = self.reads[state.scene]
        return (state.scene, tuple(map(state.variables.get, read)),
                tuple(map(state.visits.get, counted)), tuple(state.taken.items()), state.once,
                via)

    def _state(self, vec: tuple) -> State:
        assert self.vectors is not None
        return self.vectors.state(vec)

    def _rebuild(self, targets: list[int]) -> dict[int, Node] | None:
        """The States ``targets`` and their ancestors, stepped along the tree."""
        parent, need = self.parent, set()
        for n in targets:
            while n >= 0 and n not in need:
                need.add(n)
                n = parent[n]
        check = self.checks(targets, need)
        nodes: dict[int, Node] = {}
        try:
            return nodes if self._walk(sorted(need), nodes, check) else None
        except AnaStoryError:
            return None

    def _walk(self, order: list[int], nodes: dict[int, Node], check: bytearray) -> bool:
        """Rebuild the States ``order`` (each after its parent) into ``nodes``: from a
        vector by the choice's memo, as vecloop.py's step (inline: most of the re-check's
        time), else by ``_next``; False when a State of a changed scene has another key."""
        parent, steps = self.parent, self.step
        vectors = cast(Vectors, self.vectors)  # (None: every node is a State)
        memos, flag = getattr(vectors, "choices", {}), getattr(vectors, "flag", 0)
        keys = self.search.tree.keys
        roots = [self.search.pack.unpack(p) for p in self.search.queue]
        for n in order:
            p = parent[n]
            node = nodes[p] if p >= 0 else None
            if type(node) is tuple:
                get, memo, c = memos[keys[steps[n] >> 8]]
                e = None if get is None else memo.get(get(node), UNSEEN)
                if e is UNSEEN:  # (the memo keeps OLD as None, as vecloop's)
                    e = memo[get(node)] = vectors.after(vectors.state(node), c) or None
                if e is not None:
                    w = successor(node, e)
                    if check[n] and not self.keyed(n, e[1][w[flag]](w)):
                        return False
                    nodes[n] = tuple(w)
                    continue
            s = self._next(node, n, check[n]) if node is not None else \
                self._root(roots[n] if n < len(roots) else None, n, check[n])
            if s is None:
                return False
            nodes[n] = s
        return True

    def _root(self, s: State | None, n: int, check: int) -> Node | None:
        if s is None or (check and not self.keyed(n, self.search.key(s))):
            return None
        return self._node(s)

    def _node(self, s: State) -> Node:
        """A State as a vector, as the search's loop (vecloop.py) queues it, if it can."""
        vec = self.vectors.vector(s) if self.vectors is not None else None
        return s if vec is None else vec

    def _next(self, node: Node, n: int, check: int) -> Node | None:
        """State ``n`` from its parent ``node`` by the engine's step (_child), along
        the choice the tree records: a step the choice's memo leaves to it."""
        if type(node) is tuple:
            node = self._state(node)
        assert isinstance(node, State)
        k = self.key(n)
        s = self._child(node, self.step[n], k)
        if s is None or (check and not self.keyed(n, self.search.key(s))):
            return None
        return self._node(s)

    def _child(self, state: State, code: int, k: bytes) -> State | None:
        """The State the choice ``code`` leads to from ``state``, the one of key ``k``."""
        search = self.search
        c = self.choices[search.tree.keys[code // 256]]
        nxt = search.step.after(state, c)
        if type(nxt) is tuple:
            return search.pack.unpack(search.pack.move(state, nxt))
        nexts = [nxt] if not c.goto.random else \
            search.random_outcomes(0, state, code % 256, c, [nxt])
        for x in nexts:
            if key_of(search.key, state, x) == k:
                return search.pack.unpack(search.pack.state(x))
        return None

    def _end(self, sid: int) -> int:
        return self.first[sid + 1] if sid + 1 < len(self.first) else len(self.succ)

    def _ways(self, sid: int) -> tuple[tuple, tuple]:
        """The kept successors of State ``sid`` and the choice codes leading there."""
        start, end = self.first[sid], self._end(sid)
        return tuple(self.succ[start:end]), tuple(self.via[start:end])

    def _visit(self, sid: int, state: State) -> bool:
        search = self.search
        succ, via = map(list, self._ways(sid))
        known = _Known(self, sid, {self.key(n): n for n in succ},
                       bisect_left(self.parent, sid))
        ways = _Ways(search.tree.keys, search.tree.index)
        search.ids, search.queue = known, []
        tree, search.tree = search.tree, ways
        try:
            search.visit(sid, state)
        finally:
            search.tree = tree
        return not known.bad and ways.succ == succ and ways.via == via \
            and search.good[sid] == self.good[sid] \
            and ways.added == [self.step[n] for n in range(known.m, known.m + known.added)]


def _vectors(search: Any) -> Vectors | None:
    """The search's vectors and memos, where its loop is vecloop.py's (Search.run)."""
    if not (searching.VECTORS and search.fast and not search.story.framed):
        return None
    return Vectors(search.story, search.key, search.step, search.pack.kept or frozenset(),
                   search.codes, search.drawing, search.report.seed)


def _mark_getter(vectors: Vectors | None, read: tuple, counted: tuple) -> Any:
    """A getter of a vector's values ``read``, counts of ``counted`` and taken()
    counts (with their flag); None when a vector does not hold one of them."""
    if vectors is None or not set(read) <= vectors.at.keys() \
            or not set(counted) <= vectors.count_at.keys():
        return None
    at = [vectors.at[n] for n in read] + [vectors.count_at[s] for s in counted] + \
        list(range(vectors.taken_lo, vectors.flag + 1))
    return itemgetter(*at) if at else len


def successor(vec: tuple, after: tuple) -> list:
    """The vector a way on leads to from ``vec``, by a choice's memo's answer
    (vectors.Vectors.after): as vecloop.py's ``record`` makes it."""
    _, _, writes, count, tno, extra = after[:6]
    w = list(vec)
    w[2] = w[3] = vec[2] + 1  # an entry: its visit begins on the new turn
    w[0] = tno
    for i, x in writes:
        w[i] = x
    if count:
        w[count] += 1
    if extra is not None:
        extra(w, vec[1], vec[3])
    return w


def _reads(scene: Any) -> tuple[tuple, tuple]:
    """(variables, scenes counted) the scene's texts and conditions read: titles,
    texts, choices' texts, locked reasons, replies, conditions, routes' conditions."""
    texts = [scene.text, scene.title_template] + \
        [t for c in scene.choices for t in (c.text, c.locked, c.reply, c.condition)] + \
        [r.condition for c in scene.choices for r in c.goto.routes]
    names: set[str] = set()
    scenes: set[str] = set()
    for t in texts:
        if t is not None:
            names |= t.reads
            scenes |= t.scenes
    return tuple(sorted(names)), tuple(sorted(scenes))


class _Known:
    """The search's key table as it stood when one kept State was visited: the
    State numbers below ``m`` known; only that State's kept successors expected."""

    def __init__(self, replay: Replay, sid: int, expected: dict[bytes, int], m: int):
        self.replay, self.sid, self.expected, self.m = replay, sid, expected, m
        self.added = 0
        self.bad = False

    def find(self, k: bytes) -> int:
        n = self.expected.get(k)
        if n is None:
            self.bad = True
            return ~0
        return n if n < self.m + self.added else ~0

    def add(self, place: int, k: bytes) -> int:
        n = self.m + self.added
        self.added += 1
        r = self.replay
        if n >= len(r.parent) or r.key(n) != k or r.parent[n] != self.sid:
            self.bad = True
        return n

    def __len__(self) -> int:
        return self.m + self.added

    @property
    def hashes(self) -> range:
        """What ways.take_all measures a key table by (store.Visited's hash column)."""
        return range(self.m + self.added)


class _Ways:
    """The tree's part a visit writes: its ways on, the States it adds."""

    def __init__(self, keys: list[str], index: dict[str, int]) -> None:
        self.keys, self.index = keys, index
        self.succ: list[int] = []
        self.via: list[int] = []
        self.added: list[int] = []
        self.lets: dict = {}

    def add_code(self, parent: int, code: int, scene: str) -> None:
        self.added.append(code)

    def add(self, parent: int, choice: str, number: int, scene: str) -> None:
        self.added.append(self.index[choice] * 256 + min(number, 255))
