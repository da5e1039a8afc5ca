"""Issue 15: one rule for where saves live (the user data folder, unless --saves or
$ANA_STORY_SAVES), and saves an older version left in a checkout's saves/ are still
found, with where each is."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from conftest import ROOT, run_cli
from saves_helpers import FEATURES, data_after, features

from ana_story.saves.searching import SearchingStore, open_store
from ana_story.saves.store import AUTOSAVE, SaveStore
from ana_story.saves.where import legacy_roots


def clock(minute: int):
    return lambda: datetime(2026, 5, 1, 12, minute, tzinfo=timezone.utc)


@pytest.fixture
def story():
    return features()


@pytest.fixture
def two(story, tmp_path):
    """A store over `home`, also reading `old`."""
    store = SearchingStore(story, tmp_path / "home")
    store.add_elsewhere([tmp_path / "old"])
    return store


def test_a_slot_only_in_the_old_folder_is_listed_loaded_and_located(story, tmp_path, two):
    SaveStore(story, tmp_path / "old").save(AUTOSAVE, data_after(story, 2))
    [info] = two.list()
    assert info.slot == AUTOSAVE and info.turn == 2
    assert two.load(AUTOSAVE).data.state.turn == 2
    assert two.elsewhere(AUTOSAVE) == tmp_path / "old" / story.id
    two.save(AUTOSAVE, data_after(story, 3))  # the next save goes to the one folder
    assert (tmp_path / "home" / story.id / "autosave.json").is_file()
    assert two.elsewhere(AUTOSAVE) is None and two.load(AUTOSAVE).data.state.turn == 3
    [(hidden, path)] = two.shadowed()
    assert hidden.turn == 2 and path == tmp_path / "old" / story.id / "autosave.json"


def test_the_newest_copy_of_a_slot_wins_wherever_it_is(story, tmp_path):
    SaveStore(story, tmp_path / "home", clock=clock(1)).save("x", data_after(story, 1))
    SaveStore(story, tmp_path / "old", clock=clock(5)).save("x", data_after(story, 2))
    store = SearchingStore(story, tmp_path / "home")
    store.add_elsewhere([tmp_path / "old"])
    assert [i.turn for i in store.list()] == [2]
    assert store.load("x").data.state.turn == 2
    assert store.where("x") == tmp_path / "old" / story.id
    store.delete("x")  # deletes the copy that is shown; the older one comes back
    assert store.load("x").data.state.turn == 1 and store.elsewhere("x") is None


def test_endings_found_in_the_old_folder_still_count(story, tmp_path, two):
    SaveStore(story, tmp_path / "old").save_profile({"endings_seen": ["lamp_room"]})
    two.save_profile({"endings_seen": ["home"]})
    assert two.load_profile()["endings_seen"] == ["home", "lamp_room"]


def test_a_named_folder_is_the_only_one_searched(story, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert open_store(story, tmp_path / "mine").others == []
    monkeypatch.setenv("ANA_STORY_SAVES", str(tmp_path / "env"))
    assert open_store(story).others == []  # what keeps each test's saves its own


def test_legacy_folders_are_checkouts_saves_folders_only(tmp_path, monkeypatch):
    (tmp_path / "saves").mkdir()
    monkeypatch.chdir(tmp_path)
    assert tmp_path / "saves" not in legacy_roots()  # not an ana-story checkout
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "ana-story"\n')
    assert tmp_path / "saves" in legacy_roots()


def _env(tmp_path) -> dict:
    return {"XDG_DATA_HOME": str(tmp_path / "data")}


def test_continue_and_saves_list_find_a_checkouts_old_saves(tmp_path, monkeypatch):
    """A player who played from a checkout with an older version (saves in its
    saves/) is offered to continue, told where that save is, and plays on."""
    monkeypatch.delenv("ANA_STORY_SAVES")  # the player's own setup: no folder named
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text('[project]\nname = "ana-story"\n')
    old = run_cli("play", FEATURES, "--seed", "4", "--saves", "saves", input="1\n",
                  cwd=checkout, env=_env(tmp_path))
    assert old.returncode == 0, old.stderr
    [legacy] = (checkout / "saves").glob("*/autosave.json")
    env = _env(tmp_path)
    listed = run_cli("saves", "list", "--story", FEATURES, cwd=checkout, env=env)
    assert str(tmp_path / "data" / "ana-story" / "saves") in listed.stdout
    assert f"(in {legacy.parent})" in " ".join(listed.stdout.split())
    r = run_cli("play", FEATURES, "--seed", "4", input="load autosave\n2\n",
                cwd=checkout, env=env)
    flat = " ".join(r.stdout.split())
    assert "A story in progress was saved (The Shore · The Shore · saved just now · in " \
           f"{legacy.parent}). Type 'load autosave' to continue it." in flat
    assert "Loaded 'autosave'." in flat
    [mine] = (tmp_path / "data" / "ana-story" / "saves").glob("*/autosave.json")
    assert '"turn": 2' in mine.read_text()  # played on: saved in the one folder
    again = run_cli("saves", "list", "--story", FEATURES, cwd=checkout, env=env)

    mine_line = again.stdout.splitlines()[1]
    assert mine_line.lstrip().startswith("autosave") and "turn 2" in mine_line
    assert "(in " not in mine_line  # it is in the one folder now
    assert "Older copies in other folders" in again.stdout and str(legacy) in again.stdout
    gone = run_cli("saves", "delete", "autosave", "--story", FEATURES, cwd=checkout, env=env)
    assert gone.stdout == f"Deleted the save 'autosave' from {mine.parent}.\n"
    back = run_cli("saves", "list", "--story", FEATURES, cwd=checkout, env=env)
    assert f"(in {legacy.parent})" in " ".join(back.stdout.split())  # the older copy
