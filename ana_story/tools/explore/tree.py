"""The explored States as a graph in flat arrays: parent links and successors."""
from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Mapping

from ...model import Story
from .report import PathStep
from .store import Scenes


class Tree:
    """Parent links and successor lists of the explored States, in flat arrays of
    4-byte numbers (a few bytes a State), so millions of States fit in memory."""

    def __init__(self, story: Story, start_scene: str):
        self.keys = [c.key for s in story.scenes.values() for c in s.choices]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.parent = array("i", [-1])
        self.step = array("i", [0])  # choice index * 256 + number typed
        self.scene_of = Scenes(list(story.scenes), start_scene)
        self.first = array("i")  # explored State -> start of its successors in succ
        self.succ = array("i")
        self.via = array("i")  # per successor: choice index * 256 + number typed
        self.lets: dict[int, Mapping] = {}  # State -> the 'let:' values it was entered with

    def root(self, scene: str) -> None:
        """One more start State (one per outcome of the start scene's 'let:' draws)."""
        self.parent.append(-1)
        self.step.append(0)
        self.scene_of.append(scene)

    def add(self, parent: int, choice: str, number: int, scene: str) -> None:
        self.parent.append(parent)
        self.step.append(self.index[choice] * 256 + min(number, 255))
        self.scene_of.append(scene)

    def add_code(self, parent: int, code: int, scene: str) -> None:
        """``add`` with the choice and number as one code (choice index * 256 + number)."""
        self.parent.append(parent)
        self.step.append(code)
        self.scene_of.append(scene)

    def path(self, sid: int) -> list[PathStep]:
        steps = []
        while self.parent[sid] >= 0:
            code = self.step[sid]
            let = self.lets.get(sid)
            steps.append(PathStep(self.keys[code // 256], code % 256, self.scene_of[sid],
                                  None if let is None else dict(let)))
            sid = self.parent[sid]
        steps.reverse()
        return steps

    def start(self, sid: int) -> dict | None:
        """The start scene's 'let:' values the path to ``sid`` begins with, when drawn."""
        while self.parent[sid] >= 0:
            sid = self.parent[sid]
        let = self.lets.get(sid)
        return None if let is None else dict(let)

    def successors(self, sid: int):
        end = self.first[sid + 1] if sid + 1 < len(self.first) else len(self.succ)
        return self.succ[self.first[sid]:end]

    def edges(self, sid: int):
        """(successor, choice key) of each way on from an explored State."""
        start = self.first[sid]
        end = self.first[sid + 1] if sid + 1 < len(self.first) else len(self.succ)
        return [(self.succ[i], self.keys[self.via[i] // 256]) for i in range(start, end)]


def cycle(tree: Tree, a: int, b: int, key: str, members: tuple[array, int]
          ) -> list[str] | None:
    """Choice keys of a shortest round a -(key)-> b -> ... -> a inside the component
    ``members`` (per State its component's number, the component's: loops._loops).
    (A breadth-first walk over the flat arrays: per State reached, the place in
    ``succ`` of the way on that reached it, in an array, not a dict: a round in a
    component of 700,000 States reached most of them; the keys are read only for
    the round.)"""
    succ, first, n = tree.succ, tree.first, len(tree.first)
    owner, number = members
    back = array("i", [_UNSEEN]) * len(owner)
    back[b] = -1
    todo = deque([b])
    while todo and back[a] == _UNSEEN:
        x = todo.popleft()
        end = first[x + 1] if x + 1 < n else len(succ)
        for i in range(first[x], end):
            y = succ[i]
            if owner[y] == number and back[y] == _UNSEEN:
                back[y] = i
                todo.append(y)
    if back[a] == _UNSEEN:
        return None
    keys = []
    i = back[a]
    while i >= 0:
        keys.append(tree.keys[tree.via[i] // 256])
        i = back[_source(first, i)]
    return [key] + keys[::-1]


_UNSEEN = -2  # cycle's mark of a State its walk has not reached


def _source(first: array, i: int) -> int:
    """The explored State whose ways on hold place ``i`` of ``succ``."""
    return bisect_right(first, i) - 1
