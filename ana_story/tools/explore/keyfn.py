"""Vectors.key compiled: per scene, one small function reading a successor's key
from its vector, ``bytes((t0[w[p0]], t1[w[p1]], ...))``, with the key's tables
and places as the variables of its closure.

The search reads a key for every way on (948,111 on the story as at 389dc23):
``bytes(map(dict.__getitem__, tables, itemgetter(*places)(w)))`` built a tuple
and called a method per part; the compiled form indexes in the bytecode. The
parts are read in the same order (each table numbers a value it meets first the
same way: key.py), and a number past 255 gives key.py's long key, so the bytes
are Vectors.key's. The source is built from how many parts a key has: nothing a
story file says becomes code, and one source serves every scene whose key has as
many parts (compiled once: a story of 1,000 scenes compiles a handful).
"""
from __future__ import annotations

from collections.abc import Callable

from .key import long_key

Key = Callable[[list], bytes]
_made: dict[tuple[str, int], Callable[..., Key]] = {}
Lazy = Callable[[tuple, tuple], bytes]
_lazy: dict[tuple[bool, str], Callable[..., Lazy]] = {}


def _maker(kind: str, size: int) -> Callable[..., Key]:
    """``make(t0, t1, ..., p0, p1, ..., slow)`` -> the key function of a
    key of ``size`` parts (compiled once per kind and size)."""
    made = _made.get((kind, size))
    if made is not None:
        return made
    args = "".join(f"t{j}, " for j in range(size)) + "".join(f"p{j}, " for j in range(size))
    parts = "".join(f"t{j}[w[p{j}]], " for j in range(size))
    if kind == "short":  # one byte a number; past 255 (ValueError) the long key
        body = f"        try:\n            return bytes(({parts}))\n" \
               "        except ValueError:\n            return slow(w)\n"
    else:  # key.py's long key (``slow`` is key.long_key)
        body = f"        return slow([{parts}])\n"
    src = f"def make({args}slow):\n    def key(w):\n{body}    return key\n"
    space: dict = {}
    exec(compile(src, "<keyfn>", "exec"), space)  # numbers only (module docstring)
    made = _made[kind, size] = space["make"]
    return made


def short(places: list[int], tables: tuple, slow: Key) -> Key:
    """The key of a scene whose numbers are all below 255 but for a value's number:
    one byte each; ``slow(w)`` (Vectors.key) when one is past 255."""
    return _maker("short", len(places))(*tables, *places, slow)


def long(places: list[int], tables: tuple) -> Key:
    """The key of a scene numbered 255 or more (nothing but its parts): key.py's long
    key (key.long_key: 0xff, the width of its numbers, then the numbers)."""
    return _maker("long", len(places))(*tables, *places, long_key)


def successor(short: bool, shape: str, tables: list, places: list[int],
              slow: Callable[[tuple, tuple], bytes]) -> Lazy:
    """``key(v, c)``: the key of the vector a way on leads to, read from the vector
    ``v`` it leads from, the way's written parts given: ``shape`` has a letter a
    part of the target's key, ``r`` read from ``v`` (``tables`` and ``places`` are
    theirs, in order), ``p`` a count one higher than ``v``'s, ``c`` a number the
    way writes (``c``, in order; its last item the way's). The parts are read in
    the key's order. ``short``: past 255, ``slow(v, c)``; else key.py's long key."""
    made = _lazy.get((short, shape))
    if made is None:
        args = "".join(f"t{j}, p{j}, " for j, s in enumerate(shape) if s != "c")
        consts = iter(range(len(shape)))
        parts = "".join(f"c[{next(consts)}], " if s == "c" else
                        f"t{j}[v[p{j}] + 1], " if s == "p" else f"t{j}[v[p{j}]], "
                        for j, s in enumerate(shape))
        if short:
            body = f"        try:\n            return bytes(({parts}))\n" \
                   "        except ValueError:\n            return slow(v, c)\n"
        else:
            body = f"        return long_key([{parts}])\n"
        src = f"def make({args}slow):\n    def key(v, c):\n{body}    return key\n"
        space: dict = {"long_key": long_key}
        exec(compile(src, "<keyfn>", "exec"), space)  # letters and numbers only
        made = _lazy[short, shape] = space["make"]
    return made(*[x for pair in zip(tables, places, strict=True) for x in pair], slow)


_reads: dict[int, Callable[..., Callable[[tuple], list]]] = {}


def answers(ways: tuple) -> Callable[[tuple], list]:
    """``afters(v)``: per way of ``ways`` ((getter, memo) each), its memo's answer
    for vector ``v`` (None if none): ``[m0.get(g0(v)), m1.get(g1(v)), ...]``,
    compiled once per number of ways."""
    made = _reads.get(len(ways))
    if made is None:
        args = "".join(f"g{j}, m{j}, " for j in range(len(ways)))
        parts = "".join(f"m{j}(g{j}(v)), " for j in range(len(ways)))
        src = f"def make({args}):\n    def afters(v):\n        return [{parts}]\n" \
              "    return afters\n"
        space: dict = {}
        exec(compile(src, "<keyfn>", "exec"), space)  # numbers only
        made = _reads[len(ways)] = space["make"]
    return made(*[x for get, memo in ways for x in (get, memo.get)])


_built: dict[tuple, Callable[[tuple, list], tuple]] = {}


def builder(size: int, places: tuple[int, ...], count: int) -> Callable[[tuple, list], tuple]:
    """``build(v, a)``: vecloop._successor's tuple of ``size`` items for a way ``a``
    (Vectors.after) that changes nothing but its writes (their places ``places``, in
    order) and the visit count at ``count`` (0: none): each item in the bytecode, the
    scene's number a[4], the turns v[2] + 1, a write, a count one higher or v's own
    (compiled once per shape)."""
    made = _built.get((size, places, count))
    if made is None:
        write = {p: j for j, p in enumerate(places)}
        items = ["a[4]", "v[1]", "t", "t"] + [
            f"w[{write[i]}][1]" if i in write else f"v[{i}] + 1" if i == count else f"v[{i}]"
            for i in range(4, size)]
        src = f"def build(v, a):\n    w = a[2]\n    t = v[2] + 1\n" \
              f"    return ({', '.join(items)},)\n"
        space: dict = {}
        exec(compile(src, "<keyfn>", "exec"), space)  # numbers only
        made = _built[size, places, count] = space["build"]
    return made
