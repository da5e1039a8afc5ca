"""How the search records its ways on and keeps the States it finds (the part
of search.Search that stores: the table of keys, the queue, the tree; see
store.py), apart from what a step means (search.py)."""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from ...errors import AnaStoryError
from ...state import State
from .key import Keyer
from .report import Finding, Report
from .step import Stepper, build
from .store import Packer, Visited
from .tree import Tree


class Ways:
    """Search's recording of ways on (a mixin: Search sets these attributes)."""

    key: Keyer
    step: Stepper
    ids: Visited
    pack: Packer
    queue: deque
    tree: Tree
    codes: dict[str, int]
    good: bytearray
    report: Report
    max_states: int
    finding: Callable[..., Finding]
    random_outcomes: Callable[..., list[State]]
    draws: Callable[[Any], bool]

    def take_all(self, sid: int, state: State, available: Sequence) -> None:
        """Follow each available choice of a State in a scene that draws nothing:
        ``link`` inlined for a step.py Move (the common way on)."""
        after, codes, of, ids = self.step.after, self.codes, self.key.of, self.ids
        choice_hits, succ, via, visits = self.report.choice_hits, self.tree.succ, \
            self.tree.via, state.visits
        for number, c in enumerate(available, 1):
            try:
                nxt = after(state, c)
            except AnaStoryError as e:
                self.report.errors.append(self.finding(
                    sid, state, f"choice {number} ({c.key}): {e}", c.index))
                self.good[sid] = 1
                continue
            choice_hits[c.key] = choice_hits.get(c.key, 0) + 1
            code = codes[c.key] + min(number, 255)
            if type(nxt) is not tuple:
                nexts = [nxt] if not c.goto.random else \
                    self.random_outcomes(sid, state, number, c, [nxt])
                self.link(sid, state, c.key, number, code, nexts)
                continue
            k = of(nxt[0], nxt[1], visits, nxt[3], nxt[2], nxt[4])
            nid = ids.find(k)  # (not kept in a local: a growing table makes a new find)
            if nid < 0:
                if len(ids.hashes) >= self.max_states:  # len(ids), without a call
                    self.cut(sid)
                    continue
                nid = self.new(nid, k, sid, code, nxt[0], self.pack.move(state, nxt))
            succ.append(nid)
            via.append(code)

    def cut(self, sid: int) -> None:
        """A new State past --max-states: counted, not kept."""
        self.report.cut += 1
        self.report.complete = False
        self.good[sid] = 1

    def new(self, place: int, k: bytes, sid: int, code: int, scene: str, packed) -> int:
        """Number a new State (found from ``sid`` by ``code``) and queue it."""
        nid = self.ids.add(place, k)
        self.queue.append(packed)
        self.tree.add_code(sid, code, scene)
        hits = self.report.scene_hits
        hits[scene] = hits.get(scene, 0) + 1
        return nid

    def take_each(self, sid: int, state: State, available: Sequence) -> None:
        """take_all by way of ``link`` for every way on (worker.py's)."""
        after, link, codes = self.step.after, self.link, self.codes
        choice_hits = self.report.choice_hits
        for number, c in enumerate(available, 1):
            try:
                nxt = after(state, c)
            except AnaStoryError as e:
                self.report.errors.append(self.finding(
                    sid, state, f"choice {number} ({c.key}): {e}", c.index))
                self.good[sid] = 1
                continue
            choice_hits[c.key] = choice_hits.get(c.key, 0) + 1
            nexts = [nxt] if not c.goto.random or not isinstance(nxt, State) else \
                self.random_outcomes(sid, state, number, c, [nxt])
            link(sid, state, c.key, number, codes[c.key] + min(number, 255), nexts)

    def link(self, sid: int, state: State, key: str, number: int, code: int,
             nexts: list) -> None:
        """Record the ways on from State ``sid``; queue each State not met before
        (a Move is built into a State only then)."""
        ids, tree, keyer, pack = self.ids, self.tree, self.key, self.pack
        framed = keyer.framed
        for nxt in nexts:
            k = key_of(keyer, state, nxt)
            nid = ids.find(k)
            if nid < 0:
                if len(ids) >= self.max_states:
                    self.cut(sid)
                    continue
                if type(nxt) is tuple:  # step.py's Move
                    nid = self.new(nid, k, sid, code, nxt[0], pack.move(state, nxt))
                else:
                    nid = self.new(nid, k, sid, code, nxt.scene, pack.state(nxt))
                    if framed and self.draws(nxt):
                        tree.lets[nid] = nxt.let  # the draws its path replays
            tree.succ.append(nid)
            tree.via.append(code)


def key_of(keyer: Keyer, state: State, nxt: Any) -> bytes:
    """The key of ``nxt``, a State or a Move from ``state`` (shared with parallel.py)."""
    if type(nxt) is tuple:  # step.py's Move: the key without building the State
        return keyer.of(nxt[0], nxt[1], state.visits, nxt[3], nxt[2], nxt[4])
    k = keyer.of(nxt.scene, nxt.variables, nxt.visits, None, nxt.once, nxt.taken)
    return k + keyer.frame(nxt) if keyer.framed else k


def fresh(state: State, nxt: Any) -> State:
    """The State to queue for ``nxt`` (a State or a Move from ``state``), without
    a path: the search keeps paths as parent links."""
    if type(nxt) is tuple:
        return build(state, nxt)
    return State(nxt.scene, nxt.variables, nxt.visits, nxt.once, (), nxt.turn, nxt.seed,
                 nxt.taken, "", nxt.let, nxt.began, nxt.stack, nxt.entered, nxt.dice)
