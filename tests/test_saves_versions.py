"""A save made with version 1 of a story, loaded after the story moved to version 2
(tests/fixtures/versions-v1 and versions-v2)."""
from __future__ import annotations

import shutil

import pytest
from conftest import run_cli
from saves_helpers import FIXTURES

from ana_story import engine
from ana_story.errors import SaveError
from ana_story.loader import load_story
from ana_story.saves.migration import fingerprint
from ana_story.saves.records import SaveData
from ana_story.saves.store import AUTOSAVE, SaveStore

V1, V2 = FIXTURES / "versions-v1", FIXTURES / "versions-v2"


@pytest.fixture
def v1():
    return load_story(V1)


@pytest.fixture
def v2():
    return load_story(V2)


def walk(story, *choice_texts):
    """Play by the choices' words, keeping the earlier States for undo."""
    state, undo = engine.new_state(story, 1), []
    for words in choice_texts:
        p = engine.present(story, state)
        [view] = [c for c in p.available if c.text == words]
        undo.append(state)
        state = engine.choose(story, state, view.index)
    return SaveData(state, tuple(undo), 30.0)


def save_v1_load_v2(v1, v2, tmp_path, data):
    SaveStore(v1, tmp_path).save(AUTOSAVE, data)
    return SaveStore(v2, tmp_path).load(AUTOSAVE)


def test_added_variables_get_their_starting_values_and_removed_ones_are_dropped(
        v1, v2, tmp_path):
    data = walk(v1, "Walk into the forest")
    result = save_v1_load_v2(v1, v2, tmp_path, data)
    assert result.data.state.variables == {"courage": 0, "coins": 3, "mood": 5,
                                           "lantern": True}
    assert result.data.state.scene == "forest_edge"
    text = " ".join(result.changes)
    assert "version 1 of The Well and the Forest; you are playing version 2" in text
    assert "A lantern is new in this version and starts at true." in text
    assert "Old flag is no longer part of the story and was dropped." in text
    assert "Mood changed kind in this version and was reset to 5." in text


def test_a_renamed_scene_follows_the_authors_renamed_map(v1, v2, tmp_path):
    data = walk(v1, "Go to the well")
    result = save_v1_load_v2(v1, v2, tmp_path, data)
    state = result.data.state
    assert state.scene == "village_well"
    assert state.variables["courage"] == 1  # progress kept
    assert state.visits == {"home": 1, "village_well": 1}
    assert [s.scene for s in state.path] == ["village_well"]
    assert any("you resume at 'The Village Well'" in c for c in result.changes)
    assert result.info.scene_title == "The Village Well"
    # and play goes on in the new version
    p = engine.present(v2, state)
    assert engine.choose(v2, state, p.available[0].index).scene == "home"


def test_a_vanished_scene_resumes_at_the_start_of_its_chapter(v1, v2, tmp_path):
    data = walk(v1, "Walk into the forest", "Into the clearing")
    result = save_v1_load_v2(v1, v2, tmp_path, data)
    assert result.data.state.scene == "forest_edge"
    assert any("The scene you saved in ('clearing') is no longer in the story; you "
               "resume at the start of the chapter 'Forest': 'The Forest Edge'." in c
               for c in result.changes)
    assert [s.scene for s in result.data.undo] == ["home", "forest_edge"]


def test_a_vanished_scene_of_the_village_resumes_at_home(v1, v2, tmp_path):
    data = walk(v1, "Go to the market")
    result = save_v1_load_v2(v1, v2, tmp_path, data)
    assert result.data.state.scene == "home"
    assert result.data.state.variables["coins"] == 2
    assert any("('market')" in c and "chapter 'Village'" in c for c in result.changes)


def test_a_vanished_chapter_resumes_at_the_start_of_the_story(v1, v2, tmp_path):
    data = walk(v1, "Walk into the forest", "Climb the mountain")
    result = save_v1_load_v2(v1, v2, tmp_path, data)
    assert result.data.state.scene == "home"
    assert any("('peak')" in c and "the start of the story" in c for c in result.changes)


def test_undo_states_whose_scene_vanished_are_dropped(v1, v2, tmp_path):
    data = walk(v1, "Go to the market", "Back home", "Go to the well")
    result = save_v1_load_v2(v1, v2, tmp_path, data)
    assert [s.scene for s in result.data.undo] == ["home", "home"]
    for s in result.data.undo:
        assert set(s.variables) == set(v2.variables)
        engine.present(v2, s)  # each is playable in version 2


def test_every_scene_of_v1_resumes_somewhere_playable_in_v2(v1, v2, tmp_path):
    """Exhaustive: every State reachable in v1 within four choices loads in v2."""
    frontier, seen = [engine.new_state(v1, 3)], set()
    store1, store2 = SaveStore(v1, tmp_path), SaveStore(v2, tmp_path)
    while frontier:
        state = frontier.pop()
        if state.key() in seen or state.turn > 4:
            continue
        seen.add(state.key())
        store1.save("probe", SaveData(state))
        resumed = store2.load("probe").data.state
        assert resumed.scene in v2.scenes
        assert engine.present(v2, resumed).scene == resumed.scene
        p = engine.present(v1, state)
        frontier += [engine.choose(v1, state, c.index) for c in p.available]
    assert len(seen) > 8


def test_nothing_changed_means_no_message(v1, tmp_path):
    data = walk(v1, "Go to the well")
    result = save_v1_load_v2(v1, v1, tmp_path, data)
    assert result.changes == ()
    assert result.data == data


def test_text_edits_do_not_count_as_a_change(v1, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(V1, edited)
    f = edited / "02-forest.yaml"
    f.write_text(f.read_text().replace("Sunlight on moss.", "Sunlight on the moss."))
    assert fingerprint(load_story(edited)) == fingerprint(v1)
    data = walk(v1, "Walk into the forest", "Into the clearing")
    assert save_v1_load_v2(v1, load_story(edited), tmp_path / "s", data).changes == ()


def test_the_command_tells_what_changed(v1, tmp_path):
    SaveStore(v1, tmp_path).save(AUTOSAVE, walk(v1, "Go to the market"))
    r = run_cli("saves", "show", "autosave", "--story", str(V2), "--saves", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "note: The scene you saved in ('market') is no longer in the story" in r.stdout


def test_a_save_naming_an_undeclared_variable_without_a_story_change_is_damaged(
        v1, tmp_path):
    store = SaveStore(v1, tmp_path)
    store.save(AUTOSAVE, walk(v1, "Go to the well"))
    path = store.path(AUTOSAVE)
    path.write_text(path.read_text().replace('"courage"', '"cheat_gold"'))
    with pytest.raises(SaveError, match="does not declare: cheat_gold"):
        store.load(AUTOSAVE)
    assert list((store.folder / "damaged").iterdir())


def test_a_player_who_updates_the_story_resumes_and_is_told_what_changed(tmp_path):
    """The real command, end to end: play version 1 to the market, quit; play
    version 2, load the autosave: told what changed, and play goes on."""
    env = {"ANA_STORY_SAVES": str(tmp_path)}
    r = run_cli("play", str(V1), "--seed", "1", input="2\nquit\n", env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("play", str(V2), "--seed", "1", input="load autosave\n2\nquit\n", env=env)
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert "you are playing version 2" in said
    assert "The scene you saved in ('market') is no longer in the story" in said
    assert "A lantern is new in this version and starts at true." in said
    after = said.split("'Village': 'Home'.", 1)[1]
    assert "2 coins" in after  # the coin spent at the market in version 1 stays spent
    assert "THE FOREST EDGE" in after  # and the next choice plays on in version 2
