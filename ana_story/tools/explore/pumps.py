"""The loops a proof played for real (loops.pump_loops), kept for the next run:
after an edit of a scene such a loop passes through, incremental.py plays it
again (soundness.pump), since the loop is played past the States explored, where
the re-check of the explored States does not reach."""
from __future__ import annotations

from ...model import Story
from ..soundness import pump
from .replay import replay_seed, replay_state
from .report import PathStep


def to_data(played: tuple) -> list:
    """(the path to the loop, its start's draws, the keys a round takes) as data."""
    prefix, begins, keys = played
    return [[[p.choice, p.number, p.scene, p.let] for p in prefix], begins, list(keys)]


def through(story: Story, loops: list, changed: set[str]) -> list:
    """The kept loops that take a choice of a ``changed`` scene."""
    owner = {c.key: sid for sid in changed for c in story.scenes[sid].choices}
    return [loop for loop in loops if any(k in owner for k in loop[2])]


def still_bounded(story: Story, loops: list, seed: int) -> bool:
    """Whether each loop, played again as the proof played it, still neither grows
    a value without bound nor fails (what the kept report said of it)."""
    for steps, begins, keys in loops:
        prefix = [PathStep(c, n, sc, let) for c, n, sc, let in steps]
        s = replay_seed(story, prefix, seed, start=begins)
        start = replay_state(story, prefix, s, begins) if s is not None else None
        if start is not None and pump(story, start, keys) is not None:
            return False
    return True
