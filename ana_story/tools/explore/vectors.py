"""The search's step memoized, over States kept as flat vectors.

A State of a story step.py covers (no 'let:', call or draw on the way) is kept
as a vector ``(scene number, once, turn, began, *values, *counts, *taken, flag)``:
the once-only choices taken (the number of their sorted tuple: codes.py), the
turn its visit began (its turn but after a stay), its variables' values in the
story's order (a string by its number: codes.py), the visit counts of the
scenes anything reads (step.visits_read), the taken() counts of the counted
choices, then 1 when any of those is above 0 (key.py's marker); its seed is the
search's and its dice are DICE (else it is left a State). Numbers only (but a
value of another plain kind, a float): queued as ``bytes`` when each fits a
byte (vecloop.py), else as a tuple, which the cyclic garbage collector stops
following after it first meets it (a frozenset in it would have it followed at
every collection). Which choices a scene offers depends only on what its texts and
conditions read (those values and counts, which of its once-only choices were
taken), and where a choice leads and what it writes only on what its effects,
routes, reply (rendered for its errors) and the next scenes' 'enter:' read. So
two memos, filled the first time by step.py's own ``available`` and ``after``
(texts and replies rendered, errors found, as before): per scene, (what it
reads) -> its available choices; per choice, (what it reads) -> its target, the
values it writes ('enter:' too), whether it stays (no visit added) and the
taken() count it adds. Met again, the step is the memos': the successor's vector
is the State's with the writes applied, its key (key.py's bytes, the same) read
straight from the vector by a per-scene getter (one for vectors with no taken()
count yet, one for those with some); no State, dict or call per part is built.

A memo's key is values, and ``1 == 1.0 == True``: so only a variable whose
starting value is an int, a str or a bool is read through a memo, and a vector
holds at each place only values of that place's starting type (else the State
is left as a State). Whatever is unusual the engine's own step decides, as
before: a scene whose texts draw, a reply or an 'enter:' that draws, a choice
whose step fails or is handed to the engine (a value near the bounds, a random
goto), a State with something a vector does not hold: ``Search.visit`` takes
it, built from its vector.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial
from operator import itemgetter
from typing import Any

from ...errors import AnaStoryError
from ...expressions import Template
from ...model import Story
from ...state import DICE, NONE, State
from . import keyfn
from .codes import BOOLS, Codes, Decoded, Lazy, OnceAdded, OnceBits, coders
from .key import Keyer, long_key
from .step import Stepper, parts, taken_keys

H = 4  # a vector's header: scene number, once-only choices taken, turn, turn its visit began
OLD = 0  # a memo's answer: the step is Search.visit's (anything unusual)
ENDED = 1  # a memo's answer: an ending
LAZY = 6  # a way's (after's) key read from the vector it leads from (vecloop.py): at
# LAZY and LAZY + 1 for a vector of flag 0, past them for flag 1; None and 0 until made
item = dict.__getitem__  # as key.py's: t[x], with a table's __missing__, in C over map()
_PLAIN = (int, str, bool)  # the starting types whose equal values are the same value


def _indices(at: list[int]) -> Callable[[Any], tuple]:
    """A getter of the items at ``at`` of a sequence, always as a tuple."""
    if not at:
        return lambda v: ()
    if len(at) == 1:
        i = at[0]
        return lambda v: (v[i],)
    return itemgetter(*at)


def _memo_key(at: list[int]) -> Callable[[Any], Any]:
    """What a memo is keyed by: the items at ``at`` of a vector, in C (one item:
    itself; none: the vector's length, the same for every vector)."""
    return itemgetter(*at) if at else len


def _reads(parts: list) -> tuple[set[str], set[str], set[str]]:
    """(variables, visit counts, taken() counts) the parts read."""
    names: set[str] = set()
    scenes: set[str] = set()
    taken: set[str] = set()
    for p in parts:
        if p is not None:
            names |= p.reads
            scenes |= p.scenes
            if "taken" in p.source:  # (its tree walked only then: the story's words)
                taken.update(taken_keys(p))
            shown = p.place.shown if isinstance(p, Template) and p.place is not None else ()
            if shown and shown[0] in ("visits", "taken"):  # a variation block's count
                (scenes if shown[0] == "visits" else taken).add(shown[1])
    return names, scenes, taken


def _nearly_short(w: list, info: tuple) -> bytes:
    """Vectors.key of a key short but for its once-only bits or taken() counts
    (ValueError: a number past 255, the key is a long one); the bits of each set of
    once-only choices remembered per scene."""
    _, get, tabs, _, width, taken, _, met = info
    k = bytes(map(item, tabs, get(w)))
    if width:
        k += met[w[1]]
    if taken is not None:
        k += bytes((1, *map(item, taken[2], taken[1](w)))) if w[taken[0]] else b"\0"
    return k


class Extra:
    """What a step changes of a successor ``w`` besides its writes and a visit: the
    once-only choice taken (or None: its codes.OnceAdded) added to ``once`` (the
    State's, by number), the choice's
    taken() count at ``count`` (0: not counted), and a stay goes on with the visit
    it stays in (no visit added, the State's turn of entry ``began`` kept)."""

    __slots__ = ("count", "once", "stay")

    def __init__(self, once: OnceAdded | None, count: int, stay: bool) -> None:
        self.once, self.count, self.stay = once, count, stay

    def __call__(self, w: list, once: int, began: int) -> None:
        if self.once is not None:
            w[1] = self.once[once]
        if self.count:
            w[self.count] += 1
        if self.stay:
            w[3] = began


class Vectors:
    """The vectors of one story and the memos of its steps (module docstring)."""

    def __init__(self, story: Story, keyer: Keyer, step: Stepper, kept: frozenset[str],
                 codes: dict[str, int], drawing: Collection[str], seed: int) -> None:
        self.names = tuple(story.variables)
        self.kinds = tuple(type(v.initial) for v in story.variables.values())
        self.counts = tuple(sorted(kept))
        self.ids = list(story.scenes)
        self.number = {s: i for i, s in enumerate(self.ids)}
        self.at = {n: H + i for i, n in enumerate(self.names)}
        self.plain = {n for n, k in zip(self.names, self.kinds, strict=True) if k in _PLAIN}
        self.count_at = {s: H + len(self.names) + i for i, s in enumerate(self.counts)}
        # the taken() counts: of every counted choice (and any key taken() names)
        self.taken = tuple(sorted({c.key for sc in story.scenes.values() for c in sc.choices
                                   if c.counted} | set(keyer.taken)))
        self.taken_lo = H + len(self.names) + len(self.counts)
        self.taken_at = {k: self.taken_lo + i for i, k in enumerate(self.taken)}
        self.flag = self.taken_lo + len(self.taken)  # last: 1 when any is above 0, else 0
        self.enters = {sid: sc.enter for sid, sc in story.scenes.items()}
        self.step, self.codes, self.drawing, self.seed = step, codes, drawing, seed
        # numbers in place of strings and of the once-only choices taken (codes.py);
        # per variable, the table numbering its values (None: held as they are), and
        # what reads them back
        self.strings, self.onces = Codes(), Codes(((),))
        self.encode, self.decode = coders(self.kinds, self.strings)
        self.raw = not any(self.decode)  # (no value to read back: ``state`` zips)
        self.decoded: dict[int, Decoded] = {}  # id(key table) -> it read by number
        self.added: dict[str, OnceAdded] = {}  # once-only choice -> codes.OnceAdded
        self.plans: dict[tuple, tuple] = {}  # (choice, target, stays) -> Vectors._plan
        # made when first asked for (codes.Lazy: a cut search may reach few of a story's
        # scenes): per scene number its compiled keys' (places, tables) and its key; per
        # choice key [getter, memo, choice]; per scene number ``_scene``'s
        self.specs: dict[int, tuple] = {}
        self.keys = Lazy(lambda tno: self._key(keyer, self.ids[tno]))
        self.keyfns: list[tuple | None] = [None] * len(self.ids)  # compiled: ``compiled``
        by_key = {c.key: c for sc in story.scenes.values() for c in sc.choices}
        self.choices = Lazy(lambda k: [self._choice_getter(by_key[k]), {}, by_key[k]])
        self.scenes = Lazy(lambda tno: self._scene(story, self.ids[tno]))
        # one answer per distinct list of ways on, shared by the memo entries that give it
        # (its count of ways followed is then theirs together, the report counts per
        # choice: the same totals): a talking story's scene memo has most entries alike
        self.answers: dict[tuple[int, ...], list] = {}

    def _getter(self, names: set[str], scenes: set[str], taken: set[str]
                ) -> Callable[[Any], Any] | None:
        """What a memo reads of a vector; None when it reads what a vector does not
        hold plainly (module docstring)."""
        at, cat, tat = self.at, self.count_at, self.taken_at
        if not names <= self.plain or not scenes <= cat.keys() or not taken <= tat.keys():
            return None
        return _memo_key([at[n] for n in sorted(names)] + [cat[s] for s in sorted(scenes)]
                         + [tat[k] for k in sorted(taken)])

    def _scene(self, story: Story, sid: str) -> tuple:
        """(getter, its once-only choices, memo) of a scene (getter None: no memo)."""
        scene = story.scenes[sid]
        texts = [scene.text, scene.title_template] + \
            [t for c in scene.choices for t in (c.text, c.locked, c.condition)]
        get = self._getter(*_reads(texts))
        if sid in self.drawing or self.step.scenes[sid][6] or \
                any(isinstance(p, Template) and p.site0 for p in parts(scene)):
            get = None  # it draws (dice.py), or its texts do: by Search.visit
        return get, frozenset(c.key for c in scene.choices if c.once), {}

    def _choice_getter(self, c: Any) -> Callable[[Any], Any] | None:
        """What a choice's memo reads: what its effects, routes, reply (rendered for its
        errors: step.Stepper._reply) and the next scenes' 'enter:' read; None when a
        reply or an 'enter:' draws (by Search.visit)."""
        exprs = [e for _, e in c.effects] + [r.condition for r in c.goto.routes] + [c.reply]
        if not c.stay:  # whichever scene is next
            exprs += [e for r in c.goto.routes for _, e in self.enters[r.scene]]
        if any(p is not None and p.site0 for p in exprs):
            return None
        return self._getter(*_reads(exprs))

    def _key(self, keyer: Keyer, sid: str) -> tuple:
        """(short, getter, tables, once bits, width, taken, number below 255, the once
        bits met): key.Keyer.of's parts of the scene's key, read from a vector, the
        scene number its first part (its vector's first item, by a table of one
        entry); short: no once-only bits and a number below 255. A pair of them: for
        a vector with no taken() count above 0 (its flag 0), and for one with some:
        alike, but when the key ends with the counts (key.py); short, the flag and
        counts are then among the getter's items, else ``taken`` is (the flag's
        place, a getter of the counts, their caps). The places and tables each
        short or long-only one reads are kept for ``compiled``."""
        number, _, tables, every, caps, bits, width, _ = keyer.per_scene[sid]
        exact, tallied, _, _ = keyer.layout[number]
        places = [0] + [self.at[n] for n in exact + tallied] + [self.count_at[s] for s in every]
        tabs = ({self.number[sid]: number},) + \
            tuple(map(self._by_number, tables, exact + tallied)) + caps
        short = number < 255 and not width
        once = OnceBits(bits, width, self.onces.back)  # (shared by both)
        info: tuple = (short, _indices(places), tabs, bits, width, None, number < 255, once)
        plain = (places, tabs) if number >= 255 and not width and not keyer.taken else None
        if not keyer.taken:
            self.specs[self.number[sid]] = ((places, tabs) if short else plain,) * 2
            return (info, info)
        at = [self.taken_at[k] for k in keyer.taken]
        if short:
            pair = ((places + [self.flag], tabs + ({0: 0},)),
                    (places + [self.flag] + at, tabs + ({1: 1},) + keyer.taken_caps))
            self.specs[self.number[sid]] = pair
            return tuple((True, _indices(p), t) for p, t in pair)
        info = (False, _indices(places), tabs, bits, width,
                (self.flag, _indices(at), keyer.taken_caps), number < 255, once)
        self.specs[self.number[sid]] = (None, None)
        return (info, info)

    def _by_number(self, table: dict, name: str) -> dict:
        """Key table ``table`` of variable ``name`` as read from a vector: by a string's
        number, or a bool's (True or 1), through a codes.Decoded (one per table)."""
        kind = self.kinds[self.at[name] - H]
        if kind is not str and kind is not bool:
            return table
        got = self.decoded.get(id(table))
        if got is None:
            got = self.decoded[id(table)] = Decoded(
                table, self.strings.back if kind is str else BOOLS)
        return got

    def compiled(self, tno: int) -> tuple[Callable[[list], bytes], ...]:
        """The key functions (keyfn.py) of scene number ``tno``, the pair as
        ``keys[tno]``: compiled the first time a way leads there."""
        got = self.keyfns[tno]
        if got is None:
            keys = self.keys[tno]  # (its specs made with it)
            got = self.keyfns[tno] = tuple(self._compile(spec, info) for spec, info in
                                           zip(self.specs[tno], keys, strict=True))
        return got

    @staticmethod
    def _compile(spec: tuple | None, info: tuple) -> Callable[[list], bytes]:
        if spec is None:  # once-only bits, taken() counts past a short key: as before
            return partial(_slow, info=info)
        places, tabs = spec
        return keyfn.short(places, tabs, partial(_slow, info=info)) if info[0] \
            else keyfn.long(places, tabs)

    def vector(self, s: State) -> tuple | None:
        """State ``s`` as a vector; None when it has what a vector does not hold."""
        if s.let or s.stack or s.entered or len(s.variables) != len(self.names) \
                or tuple(map(type, s.variables.values())) != self.kinds or \
                (s.seed, s.dice) != (self.seed, DICE) or not s.taken.keys() <= self.taken_at.keys():
            return None
        visits, taken, enc = s.visits, s.taken, self.encode
        return (self.number[s.scene], self.onces[tuple(sorted(s.once))], s.turn, s.began,
                *[x if e is None else e[x] for e, x in zip(enc, s.variables.values(), strict=True)],
                *[visits.get(c, 0) for c in self.counts],
                *[taken.get(k, 0) for k in self.taken], 1 if taken else 0)

    def state(self, vec: Any) -> State:
        """The State a vector (a tuple, or bytes) stands for (visit counts kept, not 0)."""
        nv, lo = len(self.names), self.taken_lo
        v = dict(zip(self.names, vec[H:H + nv], strict=True)) if self.raw else \
            {n: x if d is None else d(x)
             for n, d, x in zip(self.names, self.decode, vec[H:H + nv], strict=True)}
        visits = {c: n for c, n in zip(self.counts, vec[H + nv:lo], strict=True) if n} \
            if self.counts else {}
        taken = {k: n for k, n in zip(self.taken, vec[lo:lo + len(self.taken)], strict=True)
                 if n} if self.taken else {}
        return State(self.ids[vec[0]], v, visits, frozenset(self.onces.back[vec[1]]), (),
                     vec[2], self.seed, taken, "", NONE, vec[3], (), NONE, DICE)

    def offered(self, state: State) -> Any:
        """OLD, ENDED, or [0, per available choice of ``state`` (code, key, [getter,
        memo, choice]), (getter, memo) of each, their codes, a function reading each
        one's memo's answer for a vector (keyfn.answers)], as step.py offers them."""
        try:
            available = self.step.available(state)
        except AnaStoryError:
            return OLD
        if self.step.scenes[state.scene][0].ending is not None:
            return ENDED
        choices, codes = self.choices, self.codes
        ways = tuple([(codes[c.key] + min(number, 255), c.key, choices[c.key])
                      for number, c in enumerate(available, 1)])
        if None in [get for _, _, (get, _, _) in ways]:
            return OLD  # a choice reads what a vector does not hold plainly
        sign = tuple([code for code, _, _ in ways])  # (a code: the choice and its number)
        answer = self.answers.get(sign)
        if answer is None:  # how often followed by the memo (_flush), the ways, their memos
            memos = tuple((get, memo) for _, _, (get, memo, _) in ways)
            answer = self.answers[sign] = [0, ways, memos, sign, keyfn.answers(memos)]
        return answer

    def after(self, state: State, c: Any) -> Any:
        """OLD, or where choice ``c`` leads from ``state`` as step.py takes it: [target,
        the target's key functions (``compiled``), the (place, value) written (a string
        by its number), the place of the target's visit count or 0, the target's number,
        None or an Extra: what else it changes, then its key read from the vector it
        leads from (LAZY: vecloop.py fills them)]."""
        moved = self._moved(state, c)
        if moved is None:
            return OLD
        target, v, stay = moved
        plan = self.plans.get((c.key, target, stay))
        if plan is None:
            plan = self.plans[c.key, target, stay] = self._plan(c, target, stay)
        places, more, head, tail = plan
        for _, n, kind, _ in places:
            if type(v[n]) is not kind:
                return OLD  # a value of another type than the variable started with
        writes = tuple([(i, v[n] if e is None else e[v[n]]) for i, n, _, e in places]) + more
        return [*head, writes, *tail, None, 0, None, 0]

    def _plan(self, c: Any, target: str, stay: bool) -> tuple:
        """``after``'s answer for choice ``c`` to ``target`` but the values: the (place,
        name, starting type, encoder) of each variable the effects ('enter:' too) set
        (its value before: no part of the memo's key), the taken() count's writes."""
        at, kinds, enc = self.at, self.kinds, self.encode
        names = [n for n, _ in c.effects] + [n for n, _ in self.enters[target] if not stay]
        places = tuple((at[n], n, kinds[at[n] - H], enc[at[n] - H]) for n in dict.fromkeys(names))
        tno, more = self.number[target], ((self.flag, 1),) if c.counted else ()  # key.py's flag
        once = self.added.setdefault(c.key, OnceAdded(c.key, self.onces)) if c.once else None
        count = self.taken_at[c.key] if c.counted else 0
        return (places, more, (target, self.compiled(tno)),
                (0 if stay else self.count_at.get(target, 0), tno,
                 Extra(once, count, stay) if once is not None or count or stay else None))

    def _moved(self, state: State, c: Any) -> tuple[str, dict, bool] | None:
        """(target, variables, whether it stays) after choice ``c`` by step.py's
        ``after``; None when the step is the engine's (or fails)."""
        if c.goto.random:
            return None
        try:
            nxt = self.step.after(state, c)
        except AnaStoryError:
            return None
        if isinstance(nxt, tuple):
            target, v, stay = nxt[0], nxt[1], nxt[3] is None
            if not stay and nxt[3] != target:
                return None
        elif nxt.path or nxt.reply or nxt.let or nxt.stack:
            return None  # the engine's State: the step was handed to it
        else:  # step.Stepper._talking's entry with 'enter:' run
            target, v, stay = nxt.scene, nxt.variables, False
        if len(v) != len(self.names) or (c.stay and not stay):
            return None
        return target, v, stay

    @staticmethod
    def key(w: list, info: tuple) -> bytes:
        """key.Keyer.of's key of vector ``w``."""
        if info[0]:
            try:
                return bytes(map(item, info[2], info[1](w)))
            except ValueError:
                return long_key(list(map(item, info[2], info[1](w))))
        _, get, tabs, _, width, taken, below, met = info
        if below:  # a short key but for its once-only bits or taken() counts
            try:
                return _nearly_short(w, info)
            except ValueError:
                pass
        if not width and taken is None:
            return long_key(list(map(item, tabs, get(w))))
        codes = list(map(item, tabs, get(w)))
        if width:
            codes += met[w[1]]
        if taken is not None:  # as key.py: 0 (nothing counted yet), or 1 and the counts
            flag, tget, caps = taken
            if w[flag]:
                codes.append(1)
                codes += map(item, caps, tget(w))
            else:
                codes.append(0)
        return bytes(codes) if codes[0] < 255 and max(codes) < 256 else long_key(codes)


def _slow(w: list, info: tuple) -> bytes:
    """Vectors.key (a partial of it: a compiled key's way past 255, or any other)."""
    return Vectors.key(w, info)
