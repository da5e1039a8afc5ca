"""An incremental proof after an edit that changed a step (incremental.py): the
real search again, but a State of an unchanged scene whose key the kept proof
holds takes its kept ways on instead of being stepped.

A State's ways on (its successors' keys, the choices leading there) depend only on
its key, its scene and the scenes it leads to (their 'enter:' and their part of the
key's layout), given the story-wide declarations and the key's story-wide layout,
which incremental.py and ``searcher`` check are the kept proof's, and when the key
merges only States that play alike. A scene whose own layout changed is searched as
a changed one, and no State takes kept ways on into it. Under an
'exact:' declaration it does not (a key's ways on are those of the first State met):
then kept ways are taken only for a State that is the kept one itself, met first by
the kept tree's own way on from a State that is (``alike``), never by key alone;
every other State is visited for real. Lookups are by whole key, so an edit that
changes what is read downstream gives other keys and nothing is wrongly reused.
Reachability, numbering, paths, soft-lock and loop checks stay the new search's own.
The kept search's first States, those it visited before the first that may step
otherwise, are the new search's first ones, in the same order to the same numbers:
copied whole (rerunstart.py). Past them a State reached by kept ways is queued as its
kept number, its successors numbered already known by a kept -> new table without
their keys looked up, and it is only built (by the engine's step along the new
tree, exactly the State a fresh search queues) when it must be visited for real: in
a changed scene, in an ending (its finding gives the State's values), or with no
kept ways. A State visited for real is visited as Search.run would: by the memos'
loop (vecloop.py) where the step is the memos'."""
from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any

from ...errors import AnaStoryError
from ...model import Story
from ...state import State
from . import rerunloop, rerunstart
from .abstraction import endless
from .fingerprint import keyer_id, layout_ids
from .key import Keyer
from .report import Progress
from .search import Search
from .ways import key_of


class Mismatch(Exception):
    """A State built along the new tree has not the key the search gave it: the
    kept ways do not hold (the caller proves afresh)."""


def searcher(story: Story, meta: dict, arrays: list, changed: set[str],
             keyer: Keyer | None = None) -> Any:
    """A maker of the Rerun search (explore's ``searcher``), or why not (then a fresh
    proof): the key's story-wide layout is not the kept proof's, say. A scene whose own
    layout changed (a tally's thresholds moved by an edited effect) is searched as a
    changed one, and no kept way on into it is taken: its kept keys are in the old
    layout. ``keyer``: one made for ``story`` and not used yet, if any."""
    keyer = keyer or Keyer(story)
    relaid = relaid_scenes(keyer, meta)
    if relaid is None or story.timed or story.framed:
        return "what the search keeps of a State changed"
    if endless(story, keyer) != meta["endless"]:
        return "which variables a loop may move without bound changed"
    try:
        for name, values in meta["tables"].items():  # the values numbered as they were
            table = keyer.tables[name]
            for n, x in enumerate(values):
                table[x] = n
                table.met[n] = x
    except (KeyError, TypeError, IndexError):
        return "the values the kept proof numbered do not fit"

    def make(story: Story, max_states: int, seed: int, strict: bool) -> Rerun:
        return Rerun(story, max_states, seed, strict, keyer, arrays, changed | relaid,
                     meta["choices"], relaid)
    return make


def relaid_scenes(keyer: Keyer, meta: dict) -> set[str] | None:
    """The scenes whose part of the key's layout is not the kept proof's; None when
    the story-wide part differs (or the kept proof does not say)."""
    if keyer_id(keyer) == meta["keyer"]:
        return set()
    now, kept = layout_ids(keyer), meta.get("layouts")
    if type(kept) is not dict or kept.keys() != now.keys() or kept[""] != now[""]:
        return None
    return {s for s, d in now.items() if d != kept[s]}


class Rerun(Search):
    """The search, taking kept ways on where they hold (module docstring)."""

    OWN_LEVELS = True  # vecloop.run calls ``levels`` below, not its own loop

    vectors: Any = None  # Search.run's (vectors.py), when the step is the memos'

    def __init__(self, story: Story, max_states: int, seed: int, strict: bool,
                 keyer: Keyer, arrays: list, changed: set[str], choices: list[str],
                 relaid: AbstractSet[str] = frozenset()) -> None:
        super().__init__(story, max_states, seed, strict, keyer=keyer)
        (self.k_parent, self.k_step, self.k_first, self.k_succ, self.k_via, self.k_good,
         data, self.k_ends, self.k_at) = arrays
        self.k_data = bytes(data)  # a slice of it is a key as the table holds it
        self.entering = story.entering
        self.names = list(story.scenes)
        self.moved = bytearray(s in changed for s in self.names)  # changed scenes
        # no kept way on is taken into these: a changed scene's 'enter:' may differ,
        # a relaid scene's kept keys are in the old layout
        self.guard = bytearray(s in relaid or bool(self.entering) and s in changed
                               for s in self.names)
        self.guarded = any(self.guard)
        self.relaid = bytearray(s in relaid for s in self.names)
        self.plain = bytearray(s not in changed and story.scenes[s].ending is None
                               for s in self.names)  # may take kept ways
        self.by_key: dict[bytes, int] | None = None
        self.copied = 0  # the kept States copied whole are 0 to this (rerunstart.py)
        self.anchors: dict[int, Any] = {}  # States (or their queued forms) to build from
        self.choices = {c.key: c for s in story.scenes.values() for c in s.choices}
        self.reused = 0
        # under 'exact:' a key merges States that do not play alike (its ways on are
        # those of the first State met): kept ways are taken only for a State that is
        # the kept one (``alike``: met first by the kept tree's own way to it, from one
        # that is), not for any State of the same key
        self.exact = bool(keyer.abstracted)
        # kept State -> its number in this search (-1: not met yet, or met only by a
        # State visited for real: then the table of keys has it)
        self.new_of = array("i", [-1]) * len(self.k_first)
        self.took = array("i")  # the ways taken by kept ways on (once per choice and State)
        self.hit_at = array(self.k_at.typecode)  # the scenes of the States ``replay`` numbered
        self.taken = array("i", [0]) * len(self.tree.keys)  # ways taken per choice
        self.real: Callable[[int, Any], None] = self._visit
        self.replay: Callable[[int, int], bool] = lambda sid, n: False  # (``levels`` makes it)
        self.randoms = any(c.goto.random for c in self.choices.values())
        self._renumber(choices)

    def _renumber(self, choices: list[str]) -> None:
        """A kept code names a choice by its place among all the story's choices then
        (an added or removed choice moves the later ones): renumbered by its key."""
        index = self.tree.index
        self.recode = [index.get(k, -1) for k in choices]
        if self.recode != list(range(len(self.recode))):
            self.k_via, self.k_step = (array("i", (self.recode[c >> 8] * 256 + (c & 255)
                                                   if self.recode[c >> 8] >= 0 else -1
                                                   for c in codes))
                                       for codes in (self.k_via, self.k_step))

    def run(self, progress: Progress | None) -> int:
        """Search.run (by the memos' loop, vecloop.py, where it would be), each State
        taken by ``_take``; the choices taken by kept ways counted in the report."""
        explored = super().run(progress)
        taken = self.taken
        for code, n in Counter(self.took).items():
            taken[code >> 8] += n
        hits, keys = self.report.choice_hits, self.tree.keys
        for i, n in enumerate(self.taken):
            if n:
                hits[keys[i]] = hits.get(keys[i], 0) + n
        return explored

    def levels(self, progress: Progress | None, take: Callable[[int, Any], None],
               start: tuple[int, int, int] | None = None) -> int:
        """Search.levels, from where the kept search's first States, taken whole
        (rerunstart.py), leave off: a kept State's number queued (by rerunloop.py's
        ``number`` or the copy) takes its kept ways on there, anything else is
        ``_take``'s; ``take``: Search.run's way to visit a State for real. The
        scene counts of the States numbered by kept ways are added at the end of
        each level (``_hits``), before the projection reads them."""
        self.real = take
        return rerunloop.levels(self, progress, *rerunstart.copy(self))

    def _hits(self) -> None:
        """The scene counts of the States ``replay`` numbered since last added."""
        if self.hit_at:
            hits, names = self.report.scene_hits, self.names
            for s, n in Counter(self.hit_at).items():
                hits[names[s]] = hits.get(names[s], 0) + n
            del self.hit_at[:]

    def _visit(self, sid: int, entry: Any) -> None:
        self.visit(sid, self.pack.unpack(entry))

    def _take(self, sid: int, entry: Any) -> None:
        """Visit one queued State ``levels`` did not take by kept ways: a kept
        State's number (one whose kept ways may not hold, or ~ it: not the kept State
        itself, under 'exact:') by the State built along the new tree; a State queued
        by a visit for real by its kept ways when its key's hold, else for real."""
        if type(entry) is int:
            self.real(sid, self.pack.state(self.built(sid)))
            return
        if self.plain[self.tree.scene_of.at[sid]] and not self.exact:
            n = self._kept(sid)
            if n is not None and self.replay(sid, n):
                self.anchors[sid] = entry
                return
        self.real(sid, entry)

    def _kept(self, sid: int) -> int | None:
        """The kept number of the State of key ``sid``'s, if the kept proof met it."""
        if self.by_key is None:
            data, ends = self.k_data, self.k_ends
            self.by_key = {data[ends[n]:ends[n + 1]]: n  # (a copied one's is in ids)
                           for n in range(self.copied, len(ends) - 1)}
        ids = self.ids
        n = self.by_key.get(bytes(ids.data[ids.ends[sid]:ids.ends[sid + 1]]))
        if n is not None:
            self.new_of[n] = sid
        return n

    def built(self, sid: int) -> State:
        """State ``sid`` as a fresh search queues it: stepped along the new tree
        from the nearest State taken for real whose kept ways on were taken."""
        tree, anchors, ids = self.tree, self.anchors, self.ids
        chain = []
        n = sid
        while n not in anchors:
            chain.append(n)
            n = tree.parent[n]
            if n < 0:
                raise Mismatch
        state = anchors[n] = self._state(anchors[n])
        try:
            for m in reversed(chain):
                k = bytes(ids.data[ids.ends[m]:ids.ends[m + 1]])
                state = anchors[m] = self._child(state, tree.step[m], k)
        except AnaStoryError:  # the kept ways on led here without an error
            raise Mismatch from None
        return state

    def _state(self, entry: Any) -> State:
        """The State a queued entry stands for (a State, a vector, a packed State)."""
        if isinstance(entry, State):
            return entry
        if (type(entry) in (bytes, array) or type(entry) is tuple and entry
                and type(entry[0]) is int) and self.vectors:
            return self.vectors.state(entry)
        return self.pack.unpack(entry)

    def _child(self, state: State, code: int, k: bytes) -> State:
        """The State the choice ``code`` leads to from ``state``, the one of key ``k``."""
        c = self.choices[self.tree.keys[code >> 8]]
        nxt = self.step.after(state, c)
        if type(nxt) is tuple:
            if key_of(self.key, state, nxt) == k:
                return self.pack.unpack(self.pack.move(state, nxt))
            raise Mismatch
        nexts: list = [nxt] if not c.goto.random else \
            self.random_outcomes(0, state, code & 255, c, [nxt])
        for x in nexts:
            if key_of(self.key, state, x) == k:
                return self.pack.unpack(self.pack.state(x))
        raise Mismatch

