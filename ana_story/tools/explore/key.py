"""The de-duplication key of a State: what can still change play from its scene on.

The key is a short ``bytes``: the scene's number, then one small number per part
of the State that still matters there (a value's number in its variable's table
of values met, a tally's place among the thresholds ahead, a visit count, the
once-only choices taken as bits). Two States get the same bytes exactly when
the old tuple key (scene, values, places, counts, choices) was equal: each
variable's table is a dict, so values equal in Python share a number. Bytes
hash and compare in C and take some 50 bytes, a tuple of tuples some 500.

In a story with conversations (Story.talks) the key ends with the taken()
counts, capped as visits are (takencaps.py). What 'enter:' sets or reads is kept
exactly in every scene (analysis.entry_reads).
"""
from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Set
from itertools import accumulate, compress, islice, pairwise, repeat
from operator import add, itemgetter, ne, sub
from typing import Any

from ...expressions.language import TURNS_CAP
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


class _Clamp(dict):
    """value -> its number in its variable's table, every value below ``low`` read
    as one (-inf) and every value above ``high`` as another (inf): the abstraction
    the story declares with ``exact: [low, high]`` (Variable.exact)."""

    __slots__ = ("high", "low", "table")

    def __init__(self, table: dict, ends: tuple):
        super().__init__()
        self.table, (self.low, self.high) = table, ends

    def __missing__(self, x):
        y = -math.inf if x < self.low else math.inf if x > self.high else x
        self[x] = n = self.table[y]
        return n


_item = dict.__getitem__  # as t[x], with a table's __missing__, in C over map()
Numbering = Callable[[str, object], int]  # (variable, value) -> its number


class _Met(list):
    """number -> value, the reverse of a _Table: a list (8 bytes a value, where a
    dict took some 30 more), as the numbers are 0, 1, 2, ... in the order met; set
    past its end (explore --jobs' shared numbers, a kept table put back), it grows."""

    __slots__ = ()

    def __setitem__(self, n, x) -> None:
        if type(n) is int and n >= len(self):
            self.extend(repeat(None, n + 1 - len(self)))
        super().__setitem__(n, x)

    def update(self, pairs: Iterable[tuple[int, object]]) -> None:
        for n, x in pairs:
            self[n] = x


class _Table(dict):
    """value -> its number, in the order values are met (or by ``number``: the
    numbering the processes of explore --jobs share); ``met`` the reverse."""

    __slots__ = ("met", "name", "number")

    def __init__(self, name: str = "", number: Numbering | None = None) -> None:
        super().__init__()
        self.met = _Met()
        self.name, self.number = name, number

    def __missing__(self, x):
        if self.number is None:
            n = self[x] = len(self.met)
            self.met.append(x)
        else:
            n = self[x] = self.number(self.name, x)
            self.met[n] = x
        return n


SMALL = 256  # counts a _Cap remembers: below this, one byte of a short key


class _Cap(dict):
    """visit count -> itself, or the cap past which counting higher changes nothing.
    Only counts below SMALL are kept: a count past them makes a long key anyway, and
    in a story that counts a scene's visits without a cap (a text shows the count)
    keeping each one took some 50 bytes a State (the dict's entry, the count's int)."""

    __slots__ = ("cap",)

    def __init__(self, cap: int | None):
        super().__init__()
        self.cap = cap

    def __missing__(self, n: int) -> int:
        m = n if self.cap is None else min(n, self.cap)
        if n < SMALL:
            self[n] = m
        return m


def getter(names: tuple) -> Callable[[dict], tuple]:
    """The values of ``names`` from a variables dict, as a tuple (fast for 0 and 1)."""
    if not names:
        return lambda v: ()
    if len(names) == 1:
        name = names[0]
        return lambda v: (v[name],)
    return itemgetter(*names)


def _split(names: Set[str], bounds: dict, risky: Set[str]
           ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(kept exactly, kept by their place among the thresholds ahead)."""
    exact = tuple(sorted({n for n in names if bounds.get(n) is None} | risky))
    tallied = tuple(sorted(n for n in names if bounds.get(n) is not None
                           and n not in risky))
    return exact, tallied


class Keyer:
    """Builds the de-duplication key of a State (see the module docstring): per
    scene, only what can still matter from that scene on (analysis.live_sets),
    tallies by their place among the thresholds still ahead (analysis.thresholds)."""

    def __init__(self, story: Story, numbering: Numbering | None = None):
        """``numbering``: how values are numbered (default: in the order met, which
        differs between processes; explore --jobs passes a shared numbering)."""
        caps = dict(visit_caps(story))  # (shared while the story is remembered)
        counted_too = fallible_scenes(story)  # soundness.py: counts a failure reads
        caps.update({sc: None for sc in counted_too})
        bounds = thresholds(story)
        self.variables = relevant_variables(story)
        self.counted = tuple(sorted(caps))
        self.tables: dict[str, _Table] = {}
        self.per_scene: dict[str, tuple] = {}
        self.layout: list[tuple] = []  # scene number -> (exact, tallied, counted)
        risky = fallible_live(story)  # soundness.py: values a failure may hinge on
        declared = {n: v.exact for n, v in story.variables.items() if v.exact}
        self.abstracted: set[str] = set()  # declared 'exact:' some scene's key applies
        for number, (sid, (names, counted, once)) in enumerate(live_sets(story).items()):
            exact, tallied = _split(names, bounds[sid], risky[sid])
            cells = tuple(_Cells(bounds[sid][n] or ()) for n in tallied)  # never None here
            self.abstracted |= declared.keys() & set(exact)
            every = tuple(sorted(set(counted) | counted_too))
            bits = {k: 1 << i for i, k in enumerate(sorted(once))}
            self.layout.append((exact, tallied, every, (len(bits) + 7) // 8))
            tables = tuple(self.table(n, numbering, declared) for n in exact) + cells
            self.per_scene[sid] = (number, getter(exact + tallied), tables, every,
                                   tuple(_Cap(caps[c]) for c in every), bits,
                                   (len(bits) + 7) // 8, {c: i for i, c in enumerate(every)})
        caps_taken = sorted(taken_caps(story).items())  # capped like visits
        self.taken = tuple(k for k, _ in caps_taken)
        self.taken_caps = tuple(_Cap(c) for _, c in caps_taken)
        self.framed = story.framed
        self.timed = story.timed
        # (let, stack, turns_since values) -> its number, alike in every process (--jobs)
        self.frames = _Table("(frames)", numbering)  # not a variable name

    def table(self, name: str, numbering: Numbering | None, declared: dict) -> dict:
        """The numbering of ``name``'s values; clamped to its declared 'exact:'."""
        table = self.tables.setdefault(name, _Table(name, numbering))
        return _Clamp(table, declared[name]) if name in declared else table

    def __call__(self, s: State) -> bytes:
        k = self.of(s.scene, s.variables, s.visits, None, s.once, s.taken)
        return k + self.frame(s) if self.framed else k

    def frame(self, s: State) -> bytes:
        """What a story with 'let:', calls or turns_since() adds to the key, as 8 bytes
        at its end: the live 'let:' frame, the calls waiting (each caller, choice and
        'let:' frame) and each turns_since() value, capped at TURNS_CAP."""
        t = s.turn
        since = tuple(min(t - s.entered[k], TURNS_CAP) if k in s.entered else -1
                      for k in self.timed)
        part = (tuple(sorted(s.let.items())),
                tuple((f.scene, f.choice, tuple(sorted(f.let.items()))) for f in s.stack),
                since)
        return array("Q", [self.frames[part]]).tobytes()

    def of(self, scene: str, v: dict, visits: dict, plus: str | None,
           once: frozenset, taken: dict) -> bytes:
        """The key of the State at ``scene`` with variables ``v``, visit counts
        ``visits`` (plus one for ``plus``: the scene just entered, not yet counted),
        once-only choices ``once`` taken and choices counted ``taken`` times."""
        number, read, tables, counted, caps, bits, width, at = self.per_scene[scene]
        codes = [number]
        if tables:  # each value's number (a table's __missing__ numbers a new one)
            codes += map(_item, tables, read(v))
        if counted:
            n = len(codes)
            codes += map(_item, caps, map(visits.get, counted, repeat(0)))
            i = at.get(plus) if plus is not None else None
            if i is not None:  # the scene just entered counts one more
                codes[n + i] = caps[i][visits.get(plus, 0) + 1]
        if width:  # each key taken once at most, its bit its own: the sum is the OR
            codes += sum(map(bits.get, once, repeat(0))).to_bytes(width, "little")
        if self.taken:  # as the tuple key had it: no counts yet, or every count
            if taken:
                codes.append(1)
                codes += map(_item, self.taken_caps, map(taken.get, self.taken, repeat(0)))
            else:
                codes.append(0)
        # one byte a number when all are below 255; else a long key (long_key)
        try:
            if number < 255:
                return bytes(codes)
        except ValueError:
            pass
        return long_key(codes)

    def fields(self, key: bytes) -> list[tuple[str, object]]:
        """(what, value) of each part of a key (for ``growing``)."""
        codes = codes_of(key)
        exact, tallied, counted, _ = self.layout[codes[0]]
        at = 1
        out: list[tuple[str, object]] = []
        for name in exact:
            out.append((f"variable '{name}'", self.tables[name].met[codes[at]]))
            at += 1
        for name in tallied:
            out.append((f"variable '{name}'", codes[at]))
            at += 1
        for scene in counted:
            out.append((f"visits('{scene}')", codes[at]))
            at += 1
        return out


_KINDS = {2: "H", 4: "I", 8: "Q"}  # a long key's second byte -> its numbers' kind


def long_key(codes: list[int]) -> bytes:
    """A key with a number past 254 (or a scene numbered past 254): 0xff, the width
    of its numbers in bytes, then each number in that width, the narrowest of 2, 4
    and 8 bytes that holds them all (a short key never starts with 0xff: its first
    number, the scene's, is below 255). Most such numbers are below 65,536: two
    bytes each, where eight each took 29 bytes more a State on
    tests/fixtures/features. (No max(): an array refuses a number too wide.)"""
    try:
        return b"\xff\x02" + array("H", codes).tobytes()
    except OverflowError:
        pass
    try:
        return b"\xff\x04" + array("I", codes).tobytes()
    except OverflowError:
        return b"\xff\x08" + array("Q", codes).tobytes()  # (OverflowError past 2**64)


def codes_of(key: bytes) -> list[int]:
    """The numbers of a key, short or long (a framed key's frame read as more)."""
    if key[0] != 255:
        return list(key)
    return list(array(_KINDS[key[1]], key[2:]))


def growing(ids: Iterable[bytes], key: Keyer) -> list[dict]:
    """When the bound cut the search: which parts of the State took the most values."""
    return rank(gathered(ids, key))


def gathered(ids: Iterable[bytes], key: Keyer) -> dict[str, set]:
    """The values each part of the State took in keys ``ids`` (read from the keys as
    stored one after another: store.Visited's data and ends). The keys come in runs
    of one length: a scene's short keys all have its length, and in most searches
    the runs are few and long, each a block whose columns are slices (``_by_runs``);
    else the short keys are grouped by scene (``_by_scene``)."""
    data, ends = getattr(ids, "data", None), getattr(ids, "ends", None)
    if data is None or ends is None:
        keys = list(ids)
        data, ends = b"".join(keys), list(accumulate(map(len, keys), initial=0))
    values: dict[str, set] = {}
    n = len(ends) - 1
    sizes = map(sub, islice(ends, 1, None), ends)  # (each key's: none kept, no copy)
    starts = [0, *compress(range(1, n), map(ne, map(sub, islice(ends, 2, None),
                                                     islice(ends, 1, None)), sizes))]
    if n > 0 and len(starts) * RUN <= n:
        _by_runs(data, ends, pairwise([*starts, n]), key, values)
    else:
        _by_scene(data, ends, key, values)
    return values


RUN = 64  # keys a run holds on average, at the least, for growing to read them by runs


def _by_runs(data: bytes | bytearray, ends: Any, runs: Iterable, key: Keyer,
             values: dict[str, set]) -> None:
    """growing's values, a run of keys of one length at a time: its column of scene
    numbers and each other column, paired as two-byte numbers, their distinct pairs."""
    names: dict[int, list] = {}  # scene number -> (what, its table or None) per part
    with memoryview(data) as view:  # (a column copied at a time, not the keys)
        for lo, hi in runs:
            block = view[ends[lo]:ends[hi]]
            size = ends[lo + 1] - ends[lo]
            firsts = bytes(block[::size])
            at = firsts.find(255)
            while at >= 0:  # a long key (long_key): one at a time
                for what, value in key.fields(bytes(block[at * size:(at + 1) * size])):
                    values.setdefault(what, set()).add(value)
                at = firsts.find(255, at + 1)
            for part in range(1, size):
                pairs = bytearray(2 * (hi - lo))
                pairs[0::2], pairs[1::2] = firsts, bytes(block[part::size])
                for pair in set(array("H", pairs)):
                    _add(values, names, key, part, *_split_pair(pair))


def _by_scene(data: bytes | bytearray, ends: Any, key: Keyer, values: dict[str, set]
              ) -> None:
    """growing's values, the short keys grouped by scene, each part's codes gathered
    a column at a time; a long key's one at a time."""
    by_scene: dict[int, list[int]] = {}  # scene number -> where its keys start
    for n in range(len(ends) - 1):  # (nothing kept per State but a short key's start)
        at = ends[n]
        first = data[at]
        if first == 255:  # a long key (long_key): one at a time
            for what, value in key.fields(bytes(data[at:ends[n + 1]])):
                values.setdefault(what, set()).add(value)
        else:
            by_scene.setdefault(first, []).append(at)
    get = data.__getitem__
    for number, starts in by_scene.items():
        exact, tallied, counted, _ = key.layout[number]
        names = [(f"variable '{n}'", key.tables[n].met) for n in exact] + \
            [(f"variable '{n}'", None) for n in tallied] + \
            [(f"visits('{c}')", None) for c in counted]
        for at, (what, met) in enumerate(names, 1):
            codes = set(map(get, map(add, starts, repeat(at))))
            values.setdefault(what, set()).update(
                codes if met is None else map(met.__getitem__, codes))


def _split_pair(pair: int) -> tuple[int, int]:
    """(scene number, code) of two bytes read as one number (the scene's first)."""
    return (pair & 255, pair >> 8) if sys.byteorder == "little" else (pair >> 8, pair & 255)


def _add(values: dict[str, set], names: dict[int, list], key: Keyer, part: int,
         number: int, code: int) -> None:
    """Add the value of a short key's part ``part`` (its code) for scene ``number``."""
    if number == 255:  # (a long key's: read whole)
        return
    parts = names.get(number)
    if parts is None:
        exact, tallied, counted, _ = key.layout[number]
        parts = names[number] = [(f"variable '{n}'", key.tables[n].met) for n in exact] + \
            [(f"variable '{n}'", None) for n in tallied] + \
            [(f"visits('{c}')", None) for c in counted]
    if part <= len(parts):
        what, met = parts[part - 1]
        values.setdefault(what, set()).add(code if met is None else met[code])


def rank(values: dict[str, set]) -> list[dict]:
    """The three parts of the State with the most values (more than one)."""
    ranked = sorted(values.items(), key=lambda x: (-len(x[1]), x[0]))
    return [{"what": name, "values": len(vals)} for name, vals in ranked[:3]
            if len(vals) > 1]
