"""explore's fast step (tools/explore/step.py) on stories that talk: replies, stays,
once-only stays, taken(), 'enter:' and 'next:' give the very report the engine's own
step gives (search.FAST_STEP False), failures included; a story with a model field
or a function the shortcut does not know takes every step by the engine."""
from __future__ import annotations

import pytest
from conftest import FIXTURES, ROOT

from ana_story.loader import load_story
from ana_story.tools import analysis
from ana_story.tools.explore import explore, search, step
from ana_story.tools.explore.step import Stepper, covers

PORCH = FIXTURES / "explore-talk-porch"
FAIL = FIXTURES / "explore-talk-fail"
WELL = FIXTURES / "explore-talk-enter"
TALKING = [PORCH, FAIL, WELL, FIXTURES / "conversation", FIXTURES / "conversation-order"]


def _report(story, fast: bool, monkeypatch, **kw) -> dict:
    monkeypatch.setattr(search, "FAST_STEP", fast)
    data = explore(story, **kw).to_json()
    del data["seconds"]
    return data


def _fast_steps(monkeypatch) -> list:
    """Count the steps step.py takes (so a test knows the shortcut was used)."""
    calls: list = []
    after = Stepper.after

    def counted(self, state, c):
        calls.append(c.key)
        return after(self, state, c)

    monkeypatch.setattr(Stepper, "after", counted)
    return calls


@pytest.mark.parametrize("folder", TALKING, ids=lambda p: p.name)
def test_the_fast_step_reports_what_the_engine_step_does(folder, monkeypatch):
    story = load_story(folder)
    assert story.talks and covers(story)
    slow = _report(story, False, monkeypatch)
    used = _fast_steps(monkeypatch)
    fast = _report(story, True, monkeypatch)
    assert used, "the fast step was not used"
    assert fast == slow


def test_replies_stays_and_taken_are_followed(monkeypatch):
    r = explore(load_story(PORCH))
    assert r.complete and r.clean and not r.unreached_choices
    # the secret needs two answers about the war (a counted stay with a reply) and a
    # second cup (enter: on the porch's second visit): the shortest way is exactly that
    assert [s.choice for s in r.ending_paths["told"].path] == \
        ["porch.war", "porch.war", "porch.tea", "porch.secret", "yard.next"]
    assert [s.choice for s in r.ending_paths["inside"].path] == ["porch.leave", "hall.next"]


def test_a_failing_reply_and_a_failing_enter_are_the_engines_errors():
    """Found in the search itself: ink, which no condition reads, is kept exact because
    a reply divides by it (soundness.py reads replies as it reads texts)."""
    r = explore(load_story(FAIL))
    where = "tests/fixtures/explore-talk-fail/01-desk.yaml"
    messages = {f.message for f in r.errors}
    assert messages == {
        f"choice 1 (desk.read): {where}:15:26: the reply of choice 1 could not be worked "
        "out: division by zero (in scene 'desk')",
        f"choice 2 (desk.dip): {where}:21:22: the reply of choice 2 could not be worked "
        "out: division by zero (in scene 'desk')",
        f"choice 3 (desk.study): {where}:31:13: 'enter' of scene 'study' could not be "
        "worked out: division by zero (in scene 'study')"}
    read = next(f for f in r.errors if "(desk.read)" in f.message)
    assert [s.choice for s in read.path] == ["desk.read", "desk.read"]
    assert read.variables == {"debt": 0, "pages": 2, "ink": 0}
    dip = next(f for f in r.errors if "(desk.dip)" in f.message)
    assert [s.choice for s in dip.path] == ["desk.dip"] and dip.variables["ink"] == 1


def test_enter_effects_are_live_and_exact_so_the_search_stays_sound(monkeypatch):
    """No condition reads stones, but the well's enter: makes bucket of it: the yard
    must keep stones apart; echo doubles on each entry until it overflows."""
    story = load_story(WELL)
    assert analysis.entry_reads(story) == (frozenset({"bucket", "stones", "echo"}),
                                           frozenset())
    assert "stones" in analysis.live_sets(story)["yard"][0]
    assert analysis.thresholds(story)["yard"]["stones"] is None
    r = explore(story)
    assert r.complete and not r.unreached_endings
    assert [s.choice for s in r.ending_paths["drunk"].path] == \
        ["yard.0", "yard.0", "yard.0", "yard.1", "well.0"]
    overflow = [f for f in r.errors if "'echo' would become" in f.message]
    assert overflow and "01-yard.yaml:20:13: 'enter' of scene 'well'" in overflow[0].message
    # the same search with 'enter:' left out of the analysis misses both: the test can fail
    monkeypatch.setattr(analysis, "entry_reads", lambda story: (frozenset(), frozenset()))
    blind = explore(load_story(WELL))
    assert blind.unreached_endings == ["drunk"] and not blind.errors


def test_a_model_field_or_function_it_does_not_know_makes_the_story_the_engines(
        monkeypatch):
    story = load_story(PORCH)
    assert covers(story)
    known = {k: set(v) for k, v in step.KNOWN_FIELDS.items()}
    known[step.Choice].discard("locked")  # a field it does not know, at its default: fine
    monkeypatch.setattr(step, "KNOWN_FIELDS", known)
    assert covers(story)
    known[step.Scene].discard("enter")  # set, as a field added later (let:) would be
    assert not covers(story)
    used = _fast_steps(monkeypatch)
    explore(story)
    assert not used
    monkeypatch.undo()
    monkeypatch.setattr(step, "KNOWN_FUNCTIONS", step.KNOWN_FUNCTIONS - {"taken"})
    assert not covers(story)


@pytest.mark.slow
def test_the_shipped_story_gives_one_report_by_either_step(monkeypatch):
    """Bounded, so the engine's step stays affordable; the cut falls at the same State."""
    story = load_story(ROOT / "scenes")
    assert covers(story)
    slow = _report(story, False, monkeypatch, max_states=25_000)
    fast = _report(story, True, monkeypatch, max_states=25_000)
    assert fast == slow and fast["states"] == 25_000
