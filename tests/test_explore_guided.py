"""guided.py's runs against the runs as first written (a choice not taken yet when
one is offered, else mostly the way nearest to a scene not reached): the same runs,
seed for seed, on stories cut by the bound, with runs that get stuck or fail."""
from __future__ import annotations

import copy
import random

import pytest
from conftest import FIXTURES, ROOT, write_story

from ana_story import engine
from ana_story.errors import AnaStoryError
from ana_story.loader import load_story
from ana_story.tools.explore import guided, search
from ana_story.tools.explore.guided import AIM, KEEP, MAX_TURNS, _Aim


def _textbook(story, report, seed: int, runs: int = guided.RUNS) -> dict:
    rng = random.Random(seed)
    taken = {k for k, n in report.choice_hits.items() if n}
    aim = _Aim(story, {s for s, n in report.scene_hits.items() if n})
    out: dict = {"runs": runs, "scenes": [], "choices": [], "stuck": [], "errors": []}
    for _ in range(runs):
        state = engine.new_state(story, rng.getrandbits(32))
        numbers: list[int] = []
        try:
            for _ in range(MAX_TURNS):
                p = engine.present(story, state)
                if p.ended:
                    break
                available = p.available
                if not available:
                    same = [x for x in out["stuck"] if x["scene"] == state.scene]
                    if same:
                        same[0]["runs"] += 1
                    elif len(out["stuck"]) < KEEP:
                        out["stuck"].append({"scene": state.scene, "seed": state.seed,
                                             "numbers": numbers, "runs": 1})
                    break
                number = _pick(story, rng, available, state.scene, taken, aim)
                view = available[number]
                numbers.append(number + 1)
                if view.key not in taken:
                    taken.add(view.key)
                    out["choices"].append(view.key)
                state = engine.choose(story, state, view.index)
                if state.scene not in aim.seen:
                    aim.seen.add(state.scene)
                    out["scenes"].append(state.scene)
                    aim.stale = True
        except AnaStoryError as e:
            if len(out["errors"]) < KEEP:
                out["errors"].append({"scene": state.scene, "seed": state.seed,
                                      "numbers": numbers, "message": str(e)})
    endings = {s.id for s in story.endings}
    out["endings"] = [s for s in out["scenes"] if s in endings]
    return out


def _pick(story, rng, available, scene, taken, aim) -> int:
    fresh = [i for i, v in enumerate(available) if v.key not in taken]
    if fresh:
        return rng.choice(fresh)
    if rng.random() < AIM:
        far = aim.far(scene)
        near = [far[v.index] for v in available]
        best = min(near)
        return rng.choice([i for i, d in enumerate(near) if d == best])
    return rng.randrange(len(available))


DEAD_END = """\
scenes:
  a:
    text: A.
    choices:
      - text: Go
        if: n > 2
        goto: b
      - text: Stay
        set:
          n: n + 1
        goto: a
      - text: Risk
        if: n > 4
        set:
          n: 10 // (n - 7)
        goto: a
  b:
    text: "B{{ 10 // (n - 3) }}."
    choices:
      - text: On
        if: n > 50
        goto: c
      - text: Back
        if: n > 8
        goto: a
  c:
    text: C.
    ending: C
"""


def _dead_end(tmp_path):
    return write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  n: 0\n",
                       **{"01-a.yaml": DEAD_END})


@pytest.mark.parametrize("where, cut", [(None, 3), (FIXTURES / "explore-blowup", 2000),
                                        (FIXTURES / "features", 2000), (ROOT / "scenes", 3000)])
def test_the_runs_are_the_textbooks_seed_for_seed(tmp_path, monkeypatch, where, cut):
    story = load_story(where or _dead_end(tmp_path))
    kept: list = []
    monkeypatch.setattr(search, "guided_runs",
                        lambda story, report, seed: kept.append(copy.deepcopy(report)) or {})
    search.explore(story, max_states=cut)
    [report] = kept
    for seed in range(3):
        want = _textbook(story, copy.deepcopy(report), seed)
        assert guided.guided_runs(story, copy.deepcopy(report), seed) == want
        if where is None:  # the dead end and the error are met, and counted
            assert want["stuck"] and want["stuck"][0]["runs"] > 1 and want["errors"]
