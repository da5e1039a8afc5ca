"""Explore --random: many seeded random playthroughs, and what each one hit."""
from __future__ import annotations

import random as _random
import time

from ... import engine
from ...errors import AnaStoryError
from ...model import Story
from .key import Keyer
from .report import Finding, PathStep, Progress, Report


def random_runs(story: Story, runs: int, *, seed: int = 0, max_turns: int = 1000,
                progress: Progress | None = None) -> Report:
    """Play ``runs`` seeded random playthroughs and count what each one hit."""
    t0 = time.perf_counter()
    rng = _random.Random(seed)
    report = Report(story, "random", seed, runs=runs, max_turns=max_turns)
    hits, choice_hits, endings = report.scene_hits, report.choice_hits, report.ending_hits
    keyer = Keyer(story)
    states: set = set()
    stuck: dict[str, Finding] = {}
    for run in range(runs):
        state = engine.new_state(story, rng.getrandbits(32))
        hits[state.scene] = hits.get(state.scene, 0) + 1
        steps: list[PathStep] = []
        try:
            for _ in range(max_turns + 1):
                states.add(keyer(state))
                p = engine.present(story, state)
                if p.ended:
                    endings[p.scene] = endings.get(p.scene, 0) + 1
                    break
                available = p.available
                if not available:
                    f = stuck.get(p.scene)
                    if f is None:
                        stuck[p.scene] = Finding(p.scene, steps, dict(state.variables),
                                                 stuck=True, seed=state.seed)
                    else:
                        f.states += 1
                    break
                if len(steps) >= max_turns:
                    report.long_runs += 1
                    if len(report.long) < 20:
                        report.long.append(Finding(
                            p.scene, steps, dict(state.variables), seed=state.seed,
                            message=f"still going after {max_turns} choices: a loop the "
                            "random player did not leave"))
                    break
                number = rng.randrange(len(available))
                view = available[number]
                state = engine.choose(story, state, view.index)
                steps.append(PathStep(view.key, number + 1, state.scene))
                choice_hits[view.key] = choice_hits.get(view.key, 0) + 1
                hits[state.scene] = hits.get(state.scene, 0) + 1
        except AnaStoryError as e:
            report.errors.append(Finding(state.scene, steps, dict(state.variables),
                                         message=str(e), seed=state.seed))
        if progress is not None and (run + 1) % 50 == 0:
            progress(run + 1, runs)
    report.softlocks = sorted(stuck.values(), key=lambda f: (len(f.path), f.scene))
    report.states = len(states)
    report.complete = True
    report.seconds = time.perf_counter() - t0
    return report
