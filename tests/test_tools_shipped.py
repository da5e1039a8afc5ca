"""The shipped story, proven: every scene and ending reachable, no player stuck."""
from __future__ import annotations

from pathlib import Path

import pytest

from ana_story.loader import load_story
from ana_story.paths import shipped_story
from ana_story.tools.explore import explore
from ana_story.tools.lint import lint
from conftest import ROOT


@pytest.fixture(scope="module")
def report():
    assert Path(shipped_story()).resolve() == (ROOT / "scenes").resolve()
    return explore(load_story(shipped_story()))


def test_shipped_story_explores_completely(report):
    assert report.complete, f"cut at {report.states} States: {report.widest}"


def test_every_scene_choice_and_ending_of_the_shipped_story_is_reachable(report):
    assert report.unreached_scenes == []
    assert report.unreached_endings == []
    assert report.unreached_choices == []
    assert len(report.ending_paths) == len(report.story.endings) >= 5


def test_no_player_can_get_stuck_in_the_shipped_story(report):
    assert report.softlocks == []
    assert report.errors == []
    assert report.exit_code() == 0


def test_shipped_story_has_no_warnings():
    assert [f"{d.file}:{d.line}: {d.code}" for d in lint(load_story(shipped_story()))] == []
