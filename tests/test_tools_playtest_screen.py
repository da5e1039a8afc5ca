"""`ana-story test` matches what the player sees (issue 13.7): emphasis marks are
not text, a choose: matching two choices names both, and a failure between a
text and a number says which is which. Run through the installed command."""
from __future__ import annotations

import pytest
from conftest import run_cli

STORY = "tests/fixtures/plans-screen"
PLANS = STORY + "/playthroughs/"


def _test(plan: str):
    return run_cli("test", STORY, "--plans", PLANS + plan)


def test_see_matches_the_text_as_shown_without_emphasis_marks():
    r = _test("as-shown.yaml")
    assert r.returncode == 0, r.stdout
    assert r.stdout.startswith(f"PASS {PLANS}as-shown.yaml")


@pytest.mark.parametrize("plan, line, message", [
    ("two-choices.yaml", 4, "'Open the door' matches 2 choices: 'Open the door' (shop.0) "
                            "and 'Open the door quietly' (shop.1); write more of the text, "
                            "or the choice's number or key"),
    ("number-or-text.yaml", 3, 'expected code to be the number 41, but it is the text "41"'),
    ("hidden-not-locked.yaml", 5, "choice 'Pick the lock' is not shown at all: it is not "
                                  "available and has no 'locked:' text (use not_see: to "
                                  "pin that it is hidden)"),
    ("true-or-one.yaml", 3, "expected tries to be false (true/false), but it is the "
                            "number 0"),
])
def test_each_mismatch_says_exactly_what_differs(plan, line, message):
    r = _test(plan)
    assert r.returncode == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith(f"FAIL {PLANS}{plan}:{line}: "), first
    assert first.endswith(message), first


def test_emphasis_marks_are_not_on_screen(tmp_path):
    plan = tmp_path / "marks.yaml"
    plan.write_text("steps:\n  - see: '*very* old'\n")
    r = run_cli("test", STORY, "--plans", str(plan))
    assert r.returncode == 1
    assert "expected to see '*very* old' in scene 'shop'" in r.stdout


def test_a_locked_choices_reason_is_on_screen(tmp_path):
    # play shows "Oil the hinges (locked: You have no oil)": see: finds the reason
    plan = tmp_path / "reason.yaml"
    plan.write_text("steps:\n  - see: You have no oil\n  - locked: Oil the hinges\n")
    r = run_cli("test", STORY, "--plans", str(plan))
    assert r.returncode == 0, r.stdout
    plan.write_text("steps:\n  - not_see: You have no oil\n")
    r = run_cli("test", STORY, "--plans", str(plan))
    assert r.returncode == 1 and "did not expect to see 'You have no oil'" in r.stdout, r.stdout


def test_the_choices_a_failure_lists_are_as_shown(tmp_path):
    plan = tmp_path / "nine.yaml"
    plan.write_text("steps:\n  - choose: 9\n")
    r = run_cli("test", STORY, "--plans", str(plan))
    assert r.returncode == 1
    assert "the choices are: 1. Open the door; 2. Open the door quietly" in r.stdout, r.stdout
    assert "*" not in r.stdout


def test_a_misspelt_step_and_a_tab_in_a_plan_are_named(tmp_path):
    plan = tmp_path / "typo.yaml"
    plan.write_text("steps:\n  - chose: Open the door\n")
    r = run_cli("test", STORY, "--plans", str(plan))
    assert r.returncode == 1
    assert f"FAIL {plan}:2: typo: 'chose' is not a step; did you mean 'choose'? each step " \
        "is one of:" in r.stdout, r.stdout
    plan.write_text("steps:\n\t- see: x\n")
    r = run_cli("test", STORY, "--plans", str(plan))
    assert f"FAIL {plan}:2: typo: YAML syntax: " in r.stdout, r.stdout
    assert "(YAML indents with spaces, not tabs)" in r.stdout
