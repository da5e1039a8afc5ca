"""Vectors.key compiled: per scene, one small function reading a successor's key
from its vector, ``bytes((t0[w[p0]], t1[w[p1]], ...))``, with the key's tables as
its locals and the places as constants.

The search reads a key for every way on (948,111 on the story as at 389dc23):
``bytes(map(dict.__getitem__, tables, itemgetter(*places)(w)))`` built a tuple
and called a method per part; the compiled form indexes in the bytecode. The
parts are read in the same order (each table numbers a value it meets first the
same way: key.py), and a number past 255 gives key.py's long key, so the bytes
are Vectors.key's. The source is built from the places (numbers) alone: nothing
a story file says becomes code, and one source serves every scene whose key
reads the same places.
"""
from __future__ import annotations

from collections.abc import Callable
from struct import Struct

Key = Callable[[list], bytes]
_LONG = b"\xff"  # key.Keyer.of's long key: this, then eight bytes a number
_made: dict[tuple[str, tuple[int, ...]], Callable[..., Key]] = {}


def _maker(kind: str, places: tuple[int, ...]) -> Callable[..., Key]:
    """``make(t0, t1, ..., slow)`` -> the key function of ``places`` (compiled once
    per kind and places)."""
    made = _made.get((kind, places))
    if made is not None:
        return made
    args = "".join(f"t{j}, " for j in range(len(places)))
    parts = "".join(f"t{j}[w[{p}]], " for j, p in enumerate(places))
    if kind == "short":  # one byte a number; past 255 (ValueError) the long key
        body = f"        try:\n            return bytes(({parts}))\n" \
               "        except ValueError:\n            return slow(w)\n"
    else:  # key.py's long key: 0xff, then each number in eight bytes
        body = f"        return LONG + pack({parts})\n"
    src = f"def make({args}slow, LONG, pack):\n    def key(w):\n{body}    return key\n"
    space: dict = {}
    exec(compile(src, "<keyfn>", "exec"), space)  # numbers only (module docstring)
    made = _made[kind, places] = space["make"]
    return made


def short(places: list[int], tables: tuple, slow: Key) -> Key:
    """The key of a scene whose numbers are all below 255 but for a value's number:
    one byte each; ``slow(w)`` (Vectors.key) when one is past 255."""
    return _maker("short", tuple(places))(*tables, slow, _LONG, None)


def long(places: list[int], tables: tuple) -> Key:
    """The key of a scene numbered 255 or more (nothing but its parts): key.py's long
    key, eight bytes a number in the machine's order, as ``array('Q')`` has it."""
    pack = Struct(f"={len(places)}Q").pack
    return _maker("long", tuple(places))(*tables, None, _LONG, pack)
