"""`ana-story test`: transcript plans played through the real engine."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

from ana_story.loader import load_story
from ana_story.paths import shipped_story
from ana_story.tools.playtest import run_plan

MARKET = FIXTURES / "tools-explore"
PLANS = FIXTURES / "tools-plans"


def test_passing_plans_in_the_story_folder_run_by_default():
    r = run_cli("test", str(MARKET))
    assert r.returncode == 0, r.stdout
    assert r.stdout.splitlines() == [
        f"PASS {MARKET.relative_to(ROOT)}/playthroughs/ferry.yaml: Sell the bread and take "
        "the ferry home (8 steps)",
        f"PASS {MARKET.relative_to(ROOT)}/playthroughs/late.yaml: Start at the square with "
        "bread (3 steps)",
        "2 passed, 0 failed",
    ]


@pytest.mark.parametrize("plan, line, message", [
    ("wrong-text", 4, "expected to see 'The baker smiles' in scene 'stall'"),
    ("no-such-choice", 3, "no available choice matches 'Steal a loaf' in scene 'stall'; "
                          "the choices are: 1. Beg"),
    ("wrong-ending", 6, "expected the ending 'The Golden Frame', but this is 'Home Again' "
                        "(home)"),
    ("bad-step", 3, "each step is one of: 'see:', 'not_see:', 'choose:', 'locked:', "
                    "'scene:', 'ending:', 'variables:'"),
])
def test_each_failing_plan_names_its_line_and_why(plan, line, message):
    result = run_plan(load_story(MARKET), PLANS / f"{plan}.yaml")
    assert result.failures == [(line, message)]


def test_cli_fails_when_any_plan_fails():
    r = run_cli("test", str(MARKET), "--plans", str(PLANS))
    assert r.returncode == 1
    assert r.stdout.splitlines()[-1] == "0 passed, 4 failed"
    assert (f"FAIL {PLANS.relative_to(ROOT)}/wrong-text.yaml:4: expects text that is not "
            "there: expected to see 'The baker smiles' in scene 'stall'") in r.stdout


def test_a_plan_pins_a_path_while_the_story_changes(tmp_path):
    """Edit the story so the pinned path breaks: the plan says so at the right step."""
    import shutil
    folder = tmp_path / "market"
    shutil.copytree(MARKET, folder)
    scenes = folder / "01-market.yaml"
    scenes.write_text(scenes.read_text().replace("- text: Sell the bread",
                                                 "- text: Give away the bread"))
    r = run_cli("test", str(folder))
    assert r.returncode == 1
    assert "ferry.yaml:8: Sell the bread and take the ferry home: no available choice " \
           "matches 'Sell' in scene 'stall'" in r.stdout


def test_no_plans_is_a_usage_error(tmp_path):
    r = run_cli("test", str(FIXTURES / "tools-random"))
    assert r.returncode == 2 and "no playthroughs found" in r.stderr


def test_shipped_story_playthroughs_pass():
    plans = ROOT / "tests" / "playthroughs"
    assert Path(shipped_story()).resolve() == (ROOT / "scenes").resolve()
    assert sorted(plans.glob("*.yaml")), "tests/playthroughs has no plans"
    r = run_cli("test")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1].endswith(" passed, 0 failed")
