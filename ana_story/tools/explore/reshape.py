"""The re-check of an edit to choices' effects (incremental.py): when the edited
story's graph of States is the kept one, only some keys renamed, the kept proof is
reused without a new search.

A fresh search numbers States in the order it meets them, each State's ways on in
turn, so the graph it builds is the kept one, State for State, when:

- every State of an unchanged scene has its kept key. Its ways on depend only on its
  key, its scene and the scenes they lead to (rerun.py's premise: the key merges only
  States that play alike, no 'exact:'), none of which changed when the changed scenes
  changed only in their choices (``frame_id``: no 'enter:' and such changed);
- the States of the changed scenes, rebuilt along the kept tree by the edited story
  (recheck.py), have keys of their own (a value set otherwise gives another key, say
  'mama2' for 'mama': the State is renamed), no way on from an unchanged scene leads
  to a renamed one (it would lead to its kept key, another State now), and each of
  their kept ways on, stepped again, leads to the key (kept or renamed) of its kept
  successor; and one State per mark is visited again as the search would (the
  choices offered, texts, errors: recheck.Replay);
- the choices that change a value (the loop checks' candidates) are the kept ones.

Then the search's counts, paths, soft-locks and loops are the kept ones; what a
finding shows of a State (its values) is played again along its path when the path
passes through a changed scene, and so are the loops the proof played for real.
When the changed scenes changed only in their choices' effects (shown_id), a State
of theirs no changed choice leads to (on its tree path) is the kept State itself:
it is not rebuilt nor visited, unless a changed choice leads on from it.
A choice of a changed scene with a random goto is left to a new search (rerun.py),
and so is a story with an 'exact:' declaration (incremental.py)."""
from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from dataclasses import replace
from typing import Any

from ...errors import AnaStoryError
from ...model import Story
from ...state import State
from ..soundness import changing_choices
from . import pumps
from .fingerprint import frame_id, shown_id, ways_id
from .recheck import UNSEEN, Node, Replay, successor
from .replay import replay_seed, replay_state
from .report import Finding, Report
from .ways import key_of


class Reshape(Replay):
    """recheck.Replay, the keys of a changed scene's States may be renamed, and
    their kept ways on stepped again where they may lead elsewhere (module
    docstring); ``moved``: the choices whose effects changed."""

    def __init__(self, search: Any, arrays: list, changed: set[str], moved: set[str],
                 shown: bool = False) -> None:
        super().__init__(search, arrays, changed, alike=True)
        self.shown = shown  # the changed scenes changed only in their choices' effects
        self.tainted: bytearray | None = None
        names = list(search.story.scenes)
        self.inside = bytes(names[i] in changed for i in range(len(names)))  # per scene
        self.moved = bytes(k in moved for k in search.tree.keys)  # per choice
        self.renamed: dict[int, bytes] = {}  # State -> its key now, where not the kept
        self.check = bytearray()
        vectors = self.vectors  # each choice's memo (vectors.py), by its number
        self.memos = [vectors.choices[k] for k in search.tree.keys] if vectors else []
        self.flag = getattr(vectors, "flag", 0)

    def key(self, n: int) -> bytes:
        k = self.renamed.get(n)
        return k if k is not None else bytes(self.data[self.ends[n]:self.ends[n + 1]])

    def checks(self, targets: list[int], need: set[int]) -> bytearray:
        """The States rebuilt along a choice whose effects changed (``keyed`` adds the
        children of a renamed one): any other is led to by a choice as it was from a
        State of its kept key, so it has its kept key."""
        moved, step = self.moved, self.step
        self.check = bytearray(len(self.parent))
        for n in need:
            if step[n] >= 0 and moved[step[n] >> 8]:
                self.check[n] = 1
        return self.check

    def keyed(self, n: int, k: bytes) -> bool:
        if k == self.data[self.ends[n]:self.ends[n + 1]]:
            return True
        if not self.inside[self.at[n]]:
            return False  # a State of an unchanged scene keeps its key
        self.renamed[n] = bytes(k)
        parent = self.parent
        for c in range(bisect_left(parent, n, n + 1), bisect_right(parent, n, n + 1)):
            self.check[c] = 1
        return True

    def to_build(self, targets: list[int]) -> list[int]:
        """When the changed scenes changed only in their choices' effects (``shown``):
        the States the tree leads to through a changed choice (``tainted``) and those
        with a way on by a changed choice. Any other is the very State the kept proof
        visited (every step to it as it was), showing and offering what it did, its
        ways on by unchanged choices to the kept keys: neither rebuilt nor visited."""
        if not self.shown:
            return targets
        parent, step, moved = self.parent, self.step, self.moved
        need: set[int] = set()
        for n in targets:
            while n >= 0 and n not in need:
                need.add(n)
                n = parent[n]
        tainted = self.tainted = bytearray(len(parent))
        for n in sorted(need):
            p = parent[n]
            if p >= 0 and (tainted[p] or moved[step[n] >> 8]):
                tainted[n] = 1
        by_code = bytearray(256 * len(moved))  # a way on's code -> 1: a changed choice
        for i, m in enumerate(moved):
            if m:
                by_code[256 * i:256 * i + 256] = b"\x01" * 256
        ways = bytes(map(by_code.__getitem__, self.via))
        first, total = self.first, len(self.succ)
        return [n for n in targets if tainted[n] or ways.find(
            1, first[n], first[n + 1] if n + 1 < len(first) else total) >= 0]

    def to_visit(self, targets: list[int]) -> list[int]:
        tainted = self.tainted
        return targets if tainted is None else [n for n in targets if tainted[n]]

    def ways_hold(self, targets: list[int], nodes: dict[int, Node]) -> bool:
        """Whether every kept way on of ``targets`` (the changed scenes' States) leads
        to its successor's key (``_leads``); that no way on from elsewhere leads to a
        renamed State; and that no two States share a key."""
        renamed = bytearray(len(self.parent))
        for n in self.renamed:
            renamed[n] = 1
        into = 0  # ways on from the targets to a renamed State
        try:
            for n in targets:
                got = self._leads(n, nodes.get(n), renamed)
                if got < 0:
                    return False
                into += got
        except AnaStoryError:
            return False
        if self.renamed and bytes(map(renamed.__getitem__, self.succ)).count(1) != into:
            return False
        key = self.key
        return not self.renamed or len({key(n) for n in targets}) == len(targets)

    def _leads(self, n: int, node: Node | None, renamed: bytearray) -> int:
        """How many of State ``n``'s kept ways on lead to a renamed State; -1 when one
        does not lead to its successor's key: stepped again when the State was renamed
        or the choice changed (a way on the tree took to a State whose key was checked,
        ``checks``, was stepped by the rebuild), else to a successor not renamed."""
        first, succ, via, moved = self.first, self.succ, self.via, self.moved
        parent, step, check, way, key = self.parent, self.step, self.check, self._way, self.key
        own, into = renamed[n], 0
        end = first[n + 1] if n + 1 < len(first) else len(succ)
        for j in range(first[n], end):
            v = succ[j]
            into += renamed[v]
            if own or moved[via[j] >> 8]:
                if parent[v] == n and check[v] and step[v] == via[j]:
                    continue  # (its key is the one stepped to)
                if way(node, via[j]) != key(v):
                    return -1
            elif renamed[v]:
                return -1
        return into

    def _way(self, node: Node | None, code: int) -> bytes:
        """The key of the State choice ``code`` leads to from ``node``: by the choice's
        memo, as recheck's _walk, else by the engine's step."""
        if type(node) is tuple:
            get, memo, c = self.memos[code >> 8]
            e = None if get is None else memo.get(get(node), UNSEEN)
            if e is UNSEEN:
                vectors = self.vectors
                assert vectors is not None
                e = memo[get(node)] = vectors.after(vectors.state(node), c) or None
            if e is not None:
                w = successor(node, e)
                return e[1][w[self.flag]](w)
            node = self._state(node)
        assert isinstance(node, State)  # (rebuilt: see to_build)
        search = self.search
        nxt = search.step.after(node, self.choices[search.tree.keys[code >> 8]])
        if type(nxt) is tuple:
            return search.key(search.pack.unpack(search.pack.move(node, nxt)))
        return key_of(search.key, node, nxt)

    def keys(self) -> tuple[bytes, array]:
        """The kept keys, the renamed ones replaced: (keys, their ends)."""
        data, ends = bytearray(self.data), self.ends
        if all(len(k) == ends[n + 1] - ends[n] for n, k in self.renamed.items()):
            for n, k in self.renamed.items():
                data[ends[n]:ends[n + 1]] = k
            return bytes(data), ends
        out, new = bytearray(), array(ends.typecode, [0])
        for n in range(len(ends) - 1):
            out += self.key(n)
            new.append(len(out))
        return bytes(out), new


def moved(story: Story, meta: dict, changed: set[str], keys: list[str]) -> set[str] | None:
    """The choices whose effects changed, when the edit may be re-checked here (the
    changed scenes' frames and the story's choices are the kept ones, the choices
    changing a value too, and no choice of a changed scene has a random goto);
    else None."""
    if story.timed or keys != meta["choices"]:
        return None
    if any(frame_id(story.scenes[s]) != meta["frames"][s] for s in changed):
        return None
    if any(c.goto.random for s in changed for c in story.scenes[s].choices) \
            or sorted(changing_choices(story)) != meta["changing"]:
        return None
    out = set()
    for s in changed:
        choices = story.scenes[s].choices
        out |= {c.key for c, a, b in zip(choices, ways_id(story.scenes[s]), meta["ways"][s],
                                          strict=True) if a != b}
    return out


def shown(story: Story, meta: dict, changed: set[str]) -> bool:
    """Whether the changed scenes changed only in their choices' effects."""
    return all(shown_id(story.scenes[s]) == meta["shown"][s] for s in changed)


def _through(story: Story, steps: list, changed: set[str]) -> bool:
    """Whether a path (PathSteps or their data) passes through a changed scene."""
    return story.start in changed or any(
        (s.scene if not isinstance(s, list) else s[2]) in changed for s in steps)


def bounded(story: Story, loops: list, changed: set[str], seed: int) -> bool:
    """Whether each kept loop played for real whose path or round passes through a
    changed scene still neither grows nor fails."""
    owner = {c.key for s in changed for c in story.scenes[s].choices}
    again = [loop for loop in loops
             if _through(story, loop[0], changed) or any(k in owner for k in loop[2])]
    return pumps.still_bounded(story, again, seed)


def refreshed(story: Story, report: Report, changed: set[str]) -> bool:
    """The values of each finding whose path passes through a changed scene, played
    again along the path (as the search and loops.py find them); False when one
    does not play."""
    for ending, f in report.ending_paths.items():
        if _through(story, f.path, changed):
            state = replay_state(story, f.path, report.seed, f.start)
            if state is None:
                return False
            report.ending_paths[ending] = replace(f, variables=dict(state.variables))
    report.softlocks = [_softlock(story, f, report.seed)
                        if _through(story, f.path, changed) else f for f in report.softlocks]
    return True


def _softlock(story: Story, f: Finding, seed: int) -> Finding:
    """A soft-lock's values and seed, as loops._softlocks finds them."""
    again = replay_seed(story, f.path, seed, start=f.start)
    state = replay_state(story, f.path, again, f.start) if again is not None else None
    return replace(f, seed=again, variables=dict(state.variables) if state else {})
