"""Shared helpers for the save tests: real playthroughs of real stories."""
from __future__ import annotations

from pathlib import Path

from ana_story import engine
from ana_story.loader import load_story
from ana_story.saves.records import SaveData

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FEATURES = FIXTURES / "features"


def features():
    return load_story(FEATURES)


def play(story, steps: int, *, seed: int = 7, pick: int = 0):
    """Take ``steps`` choices (the ``pick``-th available one each time) and return
    (state, earlier states), the way a UI keeps them for undo."""
    state = engine.new_state(story, seed)
    undo = []
    for _ in range(steps):
        p = engine.present(story, state)
        if p.ended or not p.available:
            break
        undo.append(state)
        state = engine.choose(story, state, p.available[pick].index)
    return state, tuple(undo)


def data_after(story, steps: int, **kw) -> SaveData:
    state, undo = play(story, steps, **kw)
    return SaveData(state, undo, 60.0 * steps)
