"""Start anywhere: state_from and `play --from SCENE --set var=value`."""
from __future__ import annotations

import pytest
from conftest import FIXTURES, run_cli

from ana_story import engine
from ana_story.errors import UsageError
from ana_story.loader import load_story
from ana_story.startfrom import state_from

FEATURES = FIXTURES / "features"


@pytest.fixture(scope="module")
def story():
    return load_story(FEATURES)


def test_state_from_places_the_player_with_typed_values(story):
    s = state_from(story, "stairs", ["gold=7", "has_key=true", "lamp_oil=0.5",
                                     "name='Ana the Bold'"], seed=4)
    assert s.scene == "stairs" and s.visits == {"stairs": 1} and s.seed == 4
    assert s.variables == {"courage": 0, "lamp_oil": 0.5, "has_key": True,
                           "name": "Ana the Bold", "gold": 7}
    assert engine.present(story, s).scene == "stairs"


def test_state_from_without_a_scene_starts_at_the_start(story):
    s = state_from(story, None, ["courage=2"])
    assert s.scene == "shore" and s.variables["courage"] == 2


def test_the_set_values_change_what_the_player_can_choose(story):
    plain = engine.present(story, state_from(story, "shore", []))
    brave = engine.present(story, state_from(story, "shore", ["courage=2"]))
    assert not plain.choices[1].available and brave.choices[1].available


@pytest.mark.parametrize("scene, sets, message", [
    ("stairz", [], "the story has no scene 'stairz'; did you mean 'stairs'?"),
    ("stairs", ["gould=1"], "the story has no variable 'gould'; did you mean 'gold'?"),
    ("stairs", ["gold=many"], "'gold' holds a whole number, not 'many'"),
    ("stairs", ["gold=\uff11\uff12"], "'gold' holds a whole number"),  # full-width digits
    ("stairs", ["gold=\u00b2"], "'gold' holds a whole number"),  # passes isdigit()
    ("stairs", ["gold=1_000"], "'gold' holds a whole number"),  # one rule: digits only
    ("stairs", ["lamp_oil=\u0661.5"], "'lamp_oil' holds a number"),  # Arabic-Indic one
    ("stairs", ["has_key=perhaps"], "'has_key' holds true or false, not 'perhaps'"),
    ("stairs", ["gold"], "write it as name=value"),
])
def test_bad_from_or_set_is_a_usage_error(story, scene, sets, message):
    with pytest.raises(UsageError) as info:
        state_from(story, scene, sets)
    assert message in str(info.value)


def test_play_from_a_late_scene_with_values():
    r = run_cli("play", str(FEATURES), "--plain", "--seed", "1", "--from", "stairs",
                "--set", "has_key=true", "--set", "gold=9", input="2\n")
    assert r.returncode == 0, r.stderr
    assert "The stairs wind up." in r.stdout
    # seen('shore') is false when starting at the stairs, so the door stays locked
    assert "The door at the top will not open." in r.stdout


def test_play_from_an_unknown_scene_is_one_clear_line():
    r = run_cli("play", str(FEATURES), "--plain", "--from", "stairz")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "ana-story: --from stairz: the story has no scene 'stairz'; did you mean 'stairs'?"]
