"""The search's step memoized, over States kept as flat vectors.

A State of a story step.py covers (no 'let:', call, conversation or draw on the
way) is queued as a tuple ``(scene number, once, turn, seed, began, dice,
*values, *counts)``: its variables' values in the story's order, then the visit
counts of the scenes anything reads (step.visits_read). Which choices a scene
offers depends only on what its texts and conditions read (those values and
counts, which of its once-only choices were taken), and where a choice leads
and what it writes only on what its effects and routes read. So two memos,
filled the first time by step.py's own ``available`` and ``after`` (texts
rendered, errors found, as before): per scene, (what it reads) -> its available
choices; per choice, (what it reads) -> its target and the values it writes.
Met again, the step is the memos': the successor's vector is the State's with
the writes applied, its key (key.py's bytes, the same) read straight from the
vector by a per-scene getter; no State, dict or call per part is built.

A memo's key is values, and ``1 == 1.0 == True``: so only a variable whose
starting value is an int, a str or a bool is read through a memo, and a vector
holds at each place only values of that place's starting type (else the State
is left as a State). Whatever is unusual the engine's own step decides, as
before: a scene whose texts draw, a choice whose step fails or is handed to
the engine (a value near the bounds, a random goto), a State with something a
vector does not hold: ``Search.visit`` takes it, built from its vector.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Collection
from itertools import repeat
from operator import itemgetter
from typing import Any

from ...errors import AnaStoryError
from ...expressions import Template
from ...model import Story
from ...state import DICE, NONE, State
from .key import Keyer, _item
from .step import Stepper, _parts

H = 6  # a vector's header: scene number, once, turn, seed, began, dice
OLD = 0  # a memo's answer: the step is Search.visit's (anything unusual)
ENDED = 1  # a memo's answer: an ending
_PLAIN = (int, str, bool)  # the starting types whose equal values are the same value


def _indices(at: list[int]) -> Callable[[Any], tuple]:
    """A getter of the items at ``at`` of a sequence, always as a tuple."""
    if not at:
        return lambda v: ()
    if len(at) == 1:
        i = at[0]
        return lambda v: (v[i],)
    return itemgetter(*at)


def _long(codes: list[int]) -> bytes:
    """key.Keyer.of's form of a key with a number past 254."""
    return b"\xff" + array("Q", codes).tobytes()


def _reads(parts: list) -> tuple[set[str], set[str]]:
    names: set[str] = set()
    scenes: set[str] = set()
    for p in parts:
        if p is not None:
            names |= p.reads
            scenes |= p.scenes
    return names, scenes


class Vectors:
    """The vectors of one story and the memos of its steps (module docstring)."""

    def __init__(self, story: Story, keyer: Keyer, step: Stepper, kept: frozenset[str],
                 codes: dict[str, int], drawing: Collection[str]) -> None:
        self.names = tuple(story.variables)
        self.kinds = tuple(type(v.initial) for v in story.variables.values())
        self.counts = tuple(sorted(kept))
        self.ids = list(story.scenes)
        self.number = {s: i for i, s in enumerate(self.ids)}
        self.at = {n: H + i for i, n in enumerate(self.names)}
        self.count_at = {s: H + len(self.names) + i for i, s in enumerate(self.counts)}
        self.step, self.codes, self.drawing = step, codes, drawing
        self.keys = [self._key(keyer, sid) for sid in self.ids]  # scene number -> its key
        self.choices: dict[str, list] = {}  # choice key -> [getter, memo, choice]
        self.scenes = [self._scene(story, sid) for sid in self.ids]

    def _getter(self, names: set[str], scenes: set[str]) -> Callable[[Any], tuple] | None:
        """What a memo reads of a vector; None when it reads what a vector does not
        hold plainly (module docstring)."""
        at, cat = self.at, self.count_at
        plain = {n for n in names if n in at and self.kinds[at[n] - H] in _PLAIN}
        if plain != names or not scenes <= cat.keys():
            return None
        return _indices([at[n] for n in sorted(names)] + [cat[s] for s in sorted(scenes)])

    def _scene(self, story: Story, sid: str) -> tuple:
        """(getter, its once-only choices, memo) of a scene (getter None: no memo)."""
        scene = story.scenes[sid]
        texts = [scene.text, scene.title_template] + \
            [t for c in scene.choices for t in (c.text, c.locked, c.condition)]
        get = self._getter(*_reads(texts))
        if sid in self.drawing or self.step.scenes[sid][6] or any(isinstance(p, Template) and p.site0
                                           for p in _parts(scene)):
            get = None  # it draws (dice.py), or its texts do: by Search.visit
        for c in scene.choices:
            parts = [e for _, e in c.effects] + [r.condition for r in c.goto.routes]
            self.choices[c.key] = [self._getter(*_reads(parts)), {}, c]
        return get, frozenset(c.key for c in scene.choices if c.once), {}

    def _key(self, keyer: Keyer, sid: str) -> tuple:
        """(number, getter, tables, once bits, width): key.Keyer.of's parts of the
        scene's key, read from a vector."""
        number, _, tables, every, caps, bits, width, _ = keyer.per_scene[sid]
        exact, tallied, _, _ = keyer.layout[number]
        return (number, _indices([self.at[n] for n in exact + tallied] +
                                 [self.count_at[s] for s in every]), tables + caps, bits, width)

    def vector(self, s: State) -> tuple | None:
        """State ``s`` as a vector; None when it has what a vector does not hold."""
        if s.let or s.stack or s.entered or s.taken or len(s.variables) != len(self.names) \
                or tuple(map(type, s.variables.values())) != self.kinds:
            return None
        visits = s.visits
        return (self.number[s.scene], s.once, s.turn, s.seed, s.began, s.dice,
                *s.variables.values(), *[visits.get(c, 0) for c in self.counts])

    def state(self, vec: tuple) -> State:
        """The State a vector stands for (its visit counts: those kept, when not 0)."""
        nv = len(self.names)
        v = dict(zip(self.names, vec[H:H + nv], strict=True))
        visits = {c: n for c, n in zip(self.counts, vec[H + nv:], strict=True) if n}
        return State(self.ids[vec[0]], v, visits, vec[1], (), vec[2], vec[3], {}, "", NONE,
                     vec[4], (), NONE, vec[5])

    def offered(self, state: State) -> Any:
        """OLD, ENDED, or per available choice of ``state`` (code, key, [getter,
        memo, choice]), as step.py offers them."""
        try:
            available = self.step.available(state)
        except AnaStoryError:
            return OLD
        if self.step.scenes[state.scene][0].ending is not None:
            return ENDED
        choices, codes = self.choices, self.codes
        return tuple((codes[c.key] + min(number, 255), c.key, choices[c.key])
                     for number, c in enumerate(available, 1))

    def after(self, state: State, c: Any) -> Any:
        """OLD, or where choice ``c`` leads from ``state`` as step.py takes it: (target,
        the target's key parts, writes, once-only key added, the place of the target's
        count)."""
        if c.goto.random:
            return OLD
        try:
            nxt = self.step.after(state, c)
        except AnaStoryError:
            return OLD
        if type(nxt) is not tuple or len(nxt[1]) != len(self.names) or \
                nxt[3] != nxt[0] or nxt[4] is not state.taken:
            return OLD
        target, v, was, at, kinds = nxt[0], nxt[1], state.variables, self.at, self.kinds
        writes = tuple((at[n], x) for n, x in v.items() if x is not was[n])  # else kept
        if any(type(x) is not kinds[i - H] for i, x in writes):
            return OLD  # a value of another type than the variable started with
        tno = self.number[target]
        return (target, self.keys[tno], writes, frozenset((c.key,)) if c.once else None,
                self.count_at.get(target, 0), tno)

    def taker(self, search: Any) -> Callable[[int, Any], None]:
        """Search.levels' ``take`` by the memos: a vector, or anything else queued (a
        start State, a State the engine built) as a vector when it can be one; what
        the memos leave (OLD) by ``Search.visit``."""
        unpack, visit, good, report = search.pack.unpack, search.visit, search.good, \
            search.report
        scenes, ids, follow = self.scenes, self.ids, self.follow

        def take(sid: int, entry: Any) -> None:
            state = None
            if type(entry) is tuple and type(entry[0]) is int:
                vec = entry
            else:
                state = unpack(entry)
                got = self.vector(state)
                if got is None:
                    visit(sid, state)
                    return
                vec = got
            get, once, memo = scenes[vec[0]]
            ways = OLD
            if get is not None:
                mk = (get(vec), once & vec[1]) if once else get(vec)
                ways = memo.get(mk)
                if ways is None:
                    state = state or self.state(vec)
                    ways = memo[mk] = self.offered(state)
            if type(ways) is tuple:
                state = follow(search, sid, vec, ways, state)
                if state is None:
                    return
            elif ways is ENDED:
                good[sid] = 1
                if ids[vec[0]] in report.ending_paths:
                    return
                state = state or self.state(vec)
                report.ending_paths[state.scene] = search.finding(sid, state)
                return
            visit(sid, state or self.state(vec))

        return take

    def follow(self, search: Any, sid: int, vec: tuple, ways: tuple,
               state: State | None) -> State | None:
        """Record the ways on of State ``sid`` (vector ``vec``) by the memos, as
        ways.take_all records them; when a choice's step is not the memo's, record
        nothing and give the State to visit (``state``, or built)."""
        afters: list[Any] = []
        for _, _, (get, memo, c) in ways:
            mk = get(vec) if get is not None else None
            e = memo.get(mk) if get is not None else OLD
            if e is None:
                state = state or self.state(vec)
                e = memo[mk] = self.after(state, c)
            if e is OLD:
                return state or self.state(vec)
            afters.append(e)
        ids, queue, tree, report = search.ids, search.queue, search.tree, search.report
        succ, via, hits, scene_hits = tree.succ, tree.via, report.choice_hits, \
            report.scene_hits
        base = list(vec)
        base[2] = base[4] = vec[2] + 1
        base[5] = DICE
        once = vec[1]
        for (code, ckey, _), (target, (number, get, tabs, bits, width), writes, once1,
                              place, tno) in zip(ways, afters, strict=True):
            hits[ckey] = hits.get(ckey, 0) + 1
            w = base.copy()
            w[0] = tno
            for i, x in writes:
                w[i] = x
            if place:
                w[place] += 1
            o = once
            if once1 is not None:
                w[1] = o = once | once1
            codes = [number]
            codes += map(_item, tabs, get(w))
            if width:
                codes += sum(map(bits.get, o, repeat(0))).to_bytes(width, "little")
            try:
                k = bytes(codes) if number < 255 else _long(codes)
            except ValueError:
                k = _long(codes)
            nid = ids.find(k)
            if nid < 0:
                if len(ids.hashes) >= search.max_states:
                    search.cut(sid)
                    continue
                nid = ids.add(nid, k)
                queue.append(tuple(w))
                tree.add_code(sid, code, target)
                scene_hits[target] = scene_hits.get(target, 0) + 1
            succ.append(nid)
            via.append(code)
        return None
