"""The shipped story, proven: every scene and ending reachable, no player stuck."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from ana_story.loader import load_story
from ana_story.paths import shipped_story
from ana_story.tools.lint import lint


@pytest.fixture(scope="module")
def report(shipped_exploration):
    """The shipped story's proof, through the real `ana-story explore` (run once per test run)."""
    assert Path(shipped_story()).resolve() == (ROOT / "scenes").resolve()
    result, found = shipped_exploration
    assert found, result.stdout[-2000:] + result.stderr
    return result, found


def test_shipped_story_explores_completely(report):
    _, found = report
    assert found["complete"] and found["cut"] == 0, f"cut at {found['states']} States"


def test_every_scene_choice_and_ending_of_the_shipped_story_is_reachable(report):
    _, found = report
    assert found["unreached"] == {"scenes": [], "endings": [], "choices": []}
    story = load_story(shipped_story())
    reached = [e for e, v in found["endings"].items() if v["reached"] and v["path"] is not None]
    assert sorted(reached) == sorted(e.id for e in story.endings)
    assert len(story.endings) >= 5


def test_no_player_can_get_stuck_in_the_shipped_story(report):
    result, found = report
    assert found["softlocks"] == []
    assert found["errors"] == []
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr


def test_shipped_story_has_no_warnings():
    assert [f"{d.file}:{d.line}: {d.code}" for d in lint(load_story(shipped_story()))] == []
