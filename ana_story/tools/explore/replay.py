"""Replaying a found path through the real engine, and the seed that replays it."""
from __future__ import annotations

from ... import engine
from ...errors import AnaStoryError
from ...model import Story
from ...state import State
from .report import PathStep


def replay_state(story: Story, path: list[PathStep], seed: int,
                 start: dict | None = None) -> State | None:
    """Play a path by choice keys with ``seed`` (``start``: the start scene's 'let:'
    values); None when it does not replay. When it does, each step's number becomes
    what is typed with that seed (the dice may offer other choices before it than
    the search's seed did)."""
    numbers = []
    try:
        state = engine.new_state(story, seed, start)
        for step in path:
            available = engine.present(story, state).available
            n = next((i for i, c in enumerate(available, 1) if c.key == step.choice), 0)
            if not n:
                return None
            numbers.append(n)
            state = engine.choose(story, state, available[n - 1].index, let=step.let)
            if state.scene != step.scene:
                return None
    except AnaStoryError:
        return None
    for i, (step, n) in enumerate(zip(path, numbers, strict=True)):
        if step.number != n:
            path[i] = PathStep(step.choice, n, step.scene, step.let)
    return state


def replay_seed(story: Story, path: list[PathStep], seed: int, tries: int = 1000,
                start: dict | None = None) -> int | None:
    """A seed with which typing the path's numbers plays exactly that path.

    The search's own seed works unless the path passes a random goto that the
    search sent the other way; then the next seeds are tried."""
    for s in range(seed, seed + tries):
        if replay_state(story, path, s, start) is not None:
            return s
    return None

