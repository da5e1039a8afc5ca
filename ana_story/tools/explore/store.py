"""How the search keeps millions of States in little memory.

- ``Visited``: the key of every State met (key.py's bytes, kept whole: two States
  share a number only when their keys are equal, never by a digest) in one
  bytearray, found by an open-addressing table of State numbers. About 20 bytes
  a State besides the key's own bytes, where a dict of bytes objects takes some
  130 (the key object, its entry, the number's int object).
- ``Packer``: a State waiting in the queue as a small tuple, its variables as a
  tuple of values in the story's order (a dict of 50 variables takes 1.6 KB, the
  tuple 0.4 KB) and its visit counts as the counts of the State it was found
  from (one dict for all the States found from one) and the scene it adds a
  visit to; rebuilt into the very State when taken, but that in a story step.py
  covers only the counts of the scenes something reads are kept (step.visits_read:
  no condition, effect or text can tell the others apart), so most States of a
  story that reads few counts share one small dict.
- ``Scenes``: the scene of each State as a 2-byte number, not an 8-byte reference.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from typing import Any

from ...model import Story
from ...state import DICE, NONE, State

SHARED = 1024  # visit counts Packer.unpack remembers, to share them
_LOW = 0xFFFFFFFF  # the part of a key's hash kept per State (32 bits)


FIRST_TABLE = 1 << 18  # the most slots a table starts with (1 MB): see table_size


def table_size(max_states: int) -> int:
    """The slots Visited starts with in a search of at most ``max_states`` States:
    enough that it never grows (each growth puts every key in its place again, in
    Python: some 0.02 s of 0.9 on the benchmark story cut at 100,000), up to
    FIRST_TABLE, so that a small story's search does not hold a big table."""
    size = 1 << 12
    while size < 2 * max_states and size < FIRST_TABLE:
        size *= 2
    return size


class Visited:
    """bytes key -> State number (0, 1, 2, ... in the order added); ``find`` then
    ``add`` at the place it gives, so a new key is hashed and probed once.
    ``find`` is rebuilt when the table grows: call it as ``ids.find``, never keep it."""

    __slots__ = ("data", "ends", "hashes", "slots", "mask", "find", "table")

    def __init__(self, size: int = 1 << 12) -> None:
        self.data = bytearray()  # every key, one after another
        self.ends = array("I", [0])  # key n is data[ends[n]:ends[n + 1]]
        self.hashes = array("I")  # key n's hash, its low 32 bits
        self.slots = array("i", [-1]) * size  # State number, or -1: empty
        self.mask = size - 1
        self.find = self._finder()

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[bytes]:
        data, ends = self.data, self.ends
        for n in range(len(self.hashes)):
            yield bytes(data[ends[n]:ends[n + 1]])

    def _finder(self) -> Callable[[bytes], int]:
        """``find(k)``: the number of key ``k``; if it was never added, ~(its place)
        (negative). The table's parts are its own locals (the hot path of the search)."""
        mask, slots, hashes, ends, data = self.mask, self.slots, self.hashes, self.ends, self.data
        # (slots, ends, mask, where it is half full) for vecloop.py's inline find and add
        self.table = (slots, ends, mask, len(slots) >> 1)

        def find(k: bytes) -> int:
            h = hash(k) & _LOW
            i = h & mask
            while True:
                n = slots[i]
                if n < 0:
                    return ~i
                if hashes[n] == h and data[ends[n]:ends[n + 1]] == k:
                    return n
                i = (i + 1) & mask

        return find

    def add(self, place: int, k: bytes) -> int:
        """Add key ``k`` at ``place`` (``find``'s negative answer); its number."""
        n = len(self.hashes)
        self.slots[~place] = n
        self.hashes.append(hash(k) & _LOW)
        self.data += k
        self.ends.append(len(self.data))
        self.settle(n)
        return n

    def settle(self, n: int) -> None:
        """After key ``n`` was added: the table grown when half full (probes stay
        short), the key ends made 8-byte numbers past 2 GB of keys."""
        if self.ends.typecode == "I" and len(self.data) > 0x7FFFFFFF:
            self.ends = array("q", self.ends)
            self.find = self._finder()
        if 2 * (n + 1) > len(self.slots):
            self._grow()

    def number(self, k: bytes) -> int:
        """The number of key ``k``, added if new."""
        n = self.find(k)
        return n if n >= 0 else self.add(n, k)

    def get(self, k: bytes) -> int | None:
        n = self.find(k)
        return n if n >= 0 else None

    def __getitem__(self, k: bytes) -> int:
        n = self.find(k)
        if n < 0:
            raise KeyError(k)
        return n

    def __setitem__(self, k: bytes, n: int) -> None:
        """``ids[k] = len(ids)``, as with the dict this replaces: numbers go in order."""
        place = self.find(k)
        if place >= 0 or n != len(self):
            raise ValueError("Visited numbers each new key in turn")
        self.add(place, k)

    def __contains__(self, k: object) -> bool:
        return isinstance(k, bytes) and self.find(k) >= 0

    def _grow(self) -> None:
        size = 2 * len(self.slots)
        slots = array("i", [-1]) * size
        mask = size - 1
        for n, h in enumerate(self.hashes):
            i = h & mask
            while slots[i] >= 0:
                i = (i + 1) & mask
            slots[i] = n
        self.slots, self.mask = slots, mask
        self.find = self._finder()


# A queued State: (scene, visits, plus, once, turn, seed, taken, began, dice, *values),
# its visit counts those of the State it was found from (packed by Packer.counts),
# plus one for the scene ``plus`` (None: none); or a State itself when it has
# 'let:' values, calls waiting or scenes entered (rare).
Packed = tuple | State


class Packer:
    """States to and from the queue's small form (see the module docstring)."""

    def __init__(self, story: Story, kept: frozenset[str] | None = None) -> None:
        """``kept``: the only scenes whose visit counts are kept (step.visits_read:
        nothing reads the others), or None: all."""
        self.names = tuple(story.variables)
        self.kept = kept
        self.scenes = list(story.scenes)
        self.kind = "H" if len(self.scenes) < 1 << 16 else "I"
        self.width = array(self.kind).itemsize
        self.number = {s: array(self.kind, [i]).tobytes() for i, s in enumerate(self.scenes)}
        self.last: tuple[Any, Any] = (None, None)  # (the counts packed last, packed)
        # (id of the counts found from, scene added) -> (those counts, the new ones):
        # States taken one after another share their counts; at most SHARED kept
        self.shared: dict[tuple[Any, str | None], tuple[Any, dict]] = {}

    def move(self, state: State, move: tuple) -> Packed:
        """The State a step.py Move from ``state`` makes (step.build), packed: its
        visit counts are ``state``'s, shared by every State found from it, until
        it is taken from the queue."""
        target, v, once, plus, taken = move
        if len(v) != len(self.names):
            from .step import build
            return build(state, move)
        turn = state.turn + 1
        visits = self.counts(state.visits)
        if plus is None:  # a stay: its visit and dice go on
            return (target, visits, None, once, turn, state.seed, taken, state.began,
                    state.dice, *v.values())
        return (target, visits, plus, once, turn, state.seed, taken, turn, DICE, *v.values())

    def counts(self, visits: dict) -> bytes | dict:
        """Visit counts as bytes: each scene's number, then each count (the dict
        itself when a count passes 255), of the scenes ``kept`` only; the States
        found from one share them."""
        last, packed = self.last
        if visits is last:
            return packed
        kept, counts = self.kept, visits
        if kept is not None:
            counts = {s: n for s, n in visits.items() if s in kept} if kept else {}
        try:
            packed = b"".join(map(self.number.__getitem__, counts)) + bytes(counts.values())
        except ValueError:
            packed = counts
        self.last = (visits, packed)
        return packed

    def _shared(self, packed: bytes | dict, plus: str | None) -> dict:
        """The counts ``packed`` stands for, plus one for ``plus``: the same dict for
        the same counts while remembered (at most SHARED)."""
        mark = packed if type(packed) is bytes else id(packed)
        got = self.shared.get((mark, plus))
        if got is not None:
            return got[1]
        if len(self.shared) >= SHARED:
            self.shared = {}
        new = self._visits(packed) if isinstance(packed, bytes) else dict(packed)
        if plus is not None and (self.kept is None or plus in self.kept):
            new[plus] = new.get(plus, 0) + 1
        self.shared[mark, plus] = (packed, new)  # holding a dict keeps its id
        return new

    def _visits(self, packed: bytes) -> dict:
        cut = len(packed) // (self.width + 1) * self.width
        numbers = array(self.kind)
        numbers.frombytes(packed[:cut])
        return dict(zip(map(self.scenes.__getitem__, numbers), packed[cut:], strict=True))

    def state(self, s: State) -> Packed:
        """A State the engine built, packed without its path and reply (the search
        keeps paths as parent links)."""
        if s.let or s.stack or s.entered or len(s.variables) != len(self.names):
            return State(s.scene, s.variables, s.visits, s.once, (), s.turn, s.seed,
                         s.taken, "", s.let, s.began, s.stack, s.entered, s.dice)
        return (s.scene, s.visits, None, s.once, s.turn, s.seed, s.taken, s.began, s.dice,
                *s.variables.values())

    def unpack(self, p: Packed) -> State:
        if type(p) is not tuple:
            return p  # type: ignore[return-value]
        scene, visits, plus, once, turn, seed, taken, began, dice = p[:9]
        if type(visits) is bytes or plus is not None:
            visits = self._shared(visits, plus)
        v = dict(zip(self.names, p[9:], strict=True))
        return State(scene, v, visits, once, (), turn, seed, taken, "", NONE, began, (), NONE,
                     dice)


class Scenes:
    """The scene of each State by number: scene ids as 2-byte numbers (4 bytes past
    65,535 scenes), read back as the ids."""

    __slots__ = ("ids", "no", "at")

    def __init__(self, ids: list[str], first: str) -> None:
        self.ids = ids
        self.no = {s: i for i, s in enumerate(ids)}
        self.at = array("H" if len(ids) < 1 << 16 else "I", [self.no[first]])

    def append(self, scene: str) -> None:
        self.at.append(self.no[scene])

    def __getitem__(self, n: int) -> str:
        return self.ids[self.at[n]]

    def __len__(self) -> int:
        return len(self.at)

    def __iter__(self) -> Iterator[str]:
        ids = self.ids
        return (ids[i] for i in self.at)

