"""The faster step gives the same screens as before: every Passage, every State after a
choice and every error of seeded random playthroughs (tests/step_screens.py), against
digests recorded from c712ede's engine, and with the scenes' plans against without."""
from __future__ import annotations

import json

import pytest
from conftest import ROOT, checked_story
from step_screens import DATA, FIXTURES, STORIES, digests, playthroughs

from ana_story import engine, plans
from ana_story.expressions import MAX_OUTPUT
from ana_story.loader import load_story


def test_every_recorded_story_is_checked():
    assert sorted(json.loads(DATA.read_text(encoding="utf-8"))) == sorted(STORIES)


@pytest.mark.slow
def test_the_screens_are_those_of_the_engine_before_the_faster_step():
    want = json.loads(DATA.read_text(encoding="utf-8"))
    got = digests({name: FIXTURES / name for name in STORIES})
    assert {n for n in STORIES if got[n] != want[n]} == set()


def _without_plans(monkeypatch):
    """Every scene's plan empty: present and choose then work each view and goto out
    one by one, as the engine did before plans."""
    made = plans.plan_of

    def blank(scene, view, scenes):
        plan = made(scene, view, scenes)
        plan.fixed = plan.simple = plan.ready = plan.cond = None
        plan.most = MAX_OUTPUT + 1  # as if it might not fit: one by one
        plan.targets = (None,) * len(plan.targets)
        plan.moves = (None,) * len(plan.moves)  # choose() takes each part in turn
        return plan
    monkeypatch.setattr(plans, "PLANS", {})
    monkeypatch.setattr(engine, "PLANS", {})  # never found: plan_of every time
    monkeypatch.setattr(engine, "plan_of", blank)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["shipped", "features", "explore-fallible", "satchel",
                                  "let-turns", "tunnel-photograph"])
def test_the_plans_change_no_screen(name, monkeypatch):
    """The shipped story as it stands, and fixtures with once-only choices, fallbacks,
    locked reasons and conditions that fail: the same lines with and without plans."""
    folder = ROOT / "scenes" if name == "shipped" else FIXTURES / name
    story = load_story(folder)
    with_plans = playthroughs(story, 40, seed=3, steps=120)
    with monkeypatch.context() as m:
        _without_plans(m)
        without = playthroughs(story, 40, seed=3, steps=120)
    assert len(with_plans) > 100
    assert with_plans == without


def test_a_plan_is_for_its_own_scene_only(tmp_path, monkeypatch):
    """Plans are kept by the scene's id (its name) with the story's scenes they are of:
    a plan of another story's scenes under that name is made anew; the plans are of
    one story at a time (a story played after another lets the first one's scenes go);
    a full table is emptied."""
    story = checked_story(FIXTURES / "features", warnings_ok=True)
    state = engine.new_state(story)
    scene = story.scenes[state.scene]
    other = checked_story(FIXTURES / "satchel", warnings_ok=True)
    stale = plans.ScenePlan(next(iter(other.scenes.values())), engine.ChoiceView,
                            other.scenes)
    monkeypatch.setitem(plans.PLANS, scene.id, stale)
    stale_screen = engine.present(story, state)
    assert plans.PLANS[scene.id].scene is scene
    plans.PLANS.clear()
    assert stale_screen == engine.present(story, state)
    first, second = list(story.scenes.values())[:2]
    plans.plan_of(first, engine.ChoiceView, story.scenes)
    plans.plan_of(second, engine.ChoiceView, story.scenes)
    assert {p.scene.id for p in plans.PLANS.values()} >= {first.id, second.id}
    engine.present(other, engine.new_state(other))  # another story's: the first's go
    assert [p.scene for p in plans.PLANS.values()] == [other.scenes[other.start]]
    monkeypatch.setattr(plans, "MAX_PLANS", 1)
    plans.plan_of(list(other.scenes.values())[1], engine.ChoiceView, other.scenes)
    assert len(plans.PLANS) == 1
