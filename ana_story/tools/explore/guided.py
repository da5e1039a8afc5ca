"""After a search the bound cut: random playthroughs aimed at what it did not cover.

A cut search proves nothing about the States it left out. These runs go on from
where proof stopped with evidence: at each step a run takes a choice no State
explored and no earlier run took, if one is offered, else a random one; what
they reach that the search did not (scenes, endings, choices) is reported apart
from what is proven. Seeded, so the same story and seed give the same runs.
"""
from __future__ import annotations

import random as _random

from ... import engine
from ...errors import AnaStoryError
from ...model import Story
from .report import Report

RUNS = 200
MAX_TURNS = 500


def guided_runs(story: Story, report: Report, seed: int = 0, runs: int = RUNS) -> dict:
    """Play ``runs`` playthroughs aimed at the choices the report never took;
    what they reached that the search had not."""
    rng = _random.Random(seed)
    taken = {k for k, n in report.choice_hits.items() if n}
    seen = {s for s, n in report.scene_hits.items() if n}
    new_scenes: list[str] = []
    new_choices: list[str] = []
    for _ in range(runs):
        try:
            _run(story, rng, taken, seen, new_scenes, new_choices)
        except AnaStoryError:  # the search reports errors; these runs only cover
            continue
    endings = {s.id for s in story.endings}
    return {"runs": runs, "scenes": new_scenes, "choices": new_choices,
            "endings": [s for s in new_scenes if s in endings]}


def _run(story: Story, rng: _random.Random, taken: set, seen: set, new_scenes: list,
         new_choices: list) -> None:
    """One playthrough: a choice not taken yet whenever one is offered."""
    state = engine.new_state(story, rng.getrandbits(32))
    for _ in range(MAX_TURNS):
        p = engine.present(story, state)
        if p.ended or not p.available:
            return
        fresh = [v for v in p.available if v.key not in taken]
        view = rng.choice(fresh or p.available)
        if view.key not in taken:
            taken.add(view.key)
            new_choices.append(view.key)
        state = engine.choose(story, state, view.index)
        if state.scene not in seen:
            seen.add(state.scene)
            new_scenes.append(state.scene)
