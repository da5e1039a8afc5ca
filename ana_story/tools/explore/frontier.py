"""The States met but not yet explored, packed: the search's queue.

A breadth-first search holds a whole level of States at once; as dicts, a
State's variables and visit counts take some 2 KB, as tuples of their values a
quarter of that. The key order of the visit counts is kept (shared by the many
States that have it), so each State unpacks exactly as it was packed.
"""
from __future__ import annotations

from collections import deque
from operator import itemgetter

from ...model import Story
from ...state import State


class Frontier:
    """A first-in first-out queue of path-less States, stored as tuples."""

    def __init__(self, story: Story, first: State):
        self.names = tuple(story.initial_variables())
        self.values = itemgetter(*self.names) if len(self.names) > 1 else None
        self.orders: dict[tuple, tuple] = {}
        self.queue: deque[tuple] = deque()
        self.push(first)

    def __len__(self) -> int:
        return len(self.queue)

    def push(self, s: State) -> None:
        v = s.variables
        # packed only when the variables are the declared ones in their order
        vals = self.values(v) if self.values is not None and tuple(v) == self.names else v
        keys = tuple(s.visits)
        keys = self.orders.setdefault(keys, keys)
        self.queue.append((s.scene, vals, keys, tuple(s.visits.values()), s.once, s.turn,
                           s.seed))

    def pop(self) -> State:
        scene, vals, keys, counts, once, turn, seed = self.queue.popleft()
        v = vals if type(vals) is dict else dict(zip(self.names, vals, strict=True))
        return State(scene, v, dict(zip(keys, counts, strict=True)), once, (), turn, seed)
