"""The numbers a vector (vectors.py) holds in place of a string value or of its
once-only choices taken, so that a vector is numbers only: one queued while it
waits is then ``bytes(w)`` (a byte a place, where a tuple takes 8 and its header),
when every number is 0..255, else the tuple as before (vecloop.py).

A bool place may hold True/False or 1/0 alike (a vector read back from bytes
holds 1/0): memo keys and key tables are dicts, where ``True == 1``; the State a
vector stands for (Vectors.state) and a key table (``Decoded``) are given the
bool itself. A string place holds the string's number in one table for the
story's strings (``Codes``: numbered as met, one number a value, the same
number for equal strings), the once-only choices taken their sorted tuple's
number in another; each is one-to-one, so a memo keyed by numbers answers as one
keyed by the values would.
"""
from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from typing import Any

BOOLS = (False, True)  # a bool place's number -> the bool (True == 1: True -> True)


class Codes(dict):
    """value -> its number, in the order met; ``back`` the reverse (a list)."""

    __slots__ = ("back",)

    def __init__(self, first: tuple = ()) -> None:
        super().__init__()
        self.back: list = []
        for x in first:
            self[x]  # noqa: B018  (numbered: 0, 1, ...)

    def __missing__(self, x):
        n = self[x] = len(self.back)
        self.back.append(x)
        return n


class Decoded(dict):
    """A key table (key.py's, by value) read by number: number -> the table's
    number of the value ``back[number]`` (asked of the table the first time, so
    it numbers values as met in the same order as read by value)."""

    __slots__ = ("table", "back")

    def __init__(self, table: dict, back: list | tuple) -> None:
        super().__init__()
        self.table, self.back = table, back

    def __missing__(self, n):
        got = self[n] = self.table[self.back[n]]
        return got


class OnceBits(dict):
    """The number of a set of once-only choices taken -> the bits of a scene's key
    (key.py: each of the scene's once-only choices its bit), ``width`` bytes."""

    __slots__ = ("bits", "onces", "width")

    def __init__(self, bits: dict, width: int, onces: list) -> None:
        super().__init__()
        self.bits, self.width, self.onces = bits, width, onces

    def __missing__(self, n):
        got = self[n] = sum(map(self.bits.get, self.onces[n], repeat(0))).to_bytes(
            self.width, "little")
        return got


class OnceAdded(dict):
    """The number of a set of once-only choices taken -> the number of that set
    with once-only choice ``key`` added (Extra: a once-only choice taken)."""

    __slots__ = ("key", "onces")

    def __init__(self, key: str, onces: Codes) -> None:
        super().__init__()
        self.key, self.onces = key, onces

    def __missing__(self, n):
        got = self[n] = self.onces[tuple(sorted({*self.onces.back[n], self.key}))]
        return got


class Lazy(dict):
    """key -> ``made(key)``, made the first time it is asked for (vectors.py: the
    parts of the scenes and choices the search reaches, of a story's many)."""

    __slots__ = ("made",)

    def __init__(self, made: Callable[[Any], Any]) -> None:
        super().__init__()
        self.made = made

    def __missing__(self, key):
        got = self[key] = self.made(key)
        return got


def coders(kinds: tuple[type, ...], strings: Codes) -> tuple[tuple, tuple]:
    """Per variable (of starting type ``kinds``): how a vector holds its value (the
    table numbering it, a string's; None: as it is), and what gives it back."""
    encode = tuple(strings if k is str else None for k in kinds)
    decode = tuple(strings.back.__getitem__ if k is str else bool if k is bool else None
                   for k in kinds)
    return encode, decode
