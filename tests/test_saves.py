"""SaveStore: slots round-trip, listing, names, profile, export/import, the CLI."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from conftest import run_cli
from saves_helpers import FEATURES, data_after, features, play

from ana_story import engine
from ana_story.errors import SaveError
from ana_story.saves.records import BrokenSave, SaveData, SaveInfo
from ana_story.saves.store import AUTOSAVE, QUICKSAVE, SaveStore
from ana_story.saves.where import default_saves_dir


@pytest.fixture
def story():
    return features()


@pytest.fixture
def store(story, tmp_path):
    return SaveStore(story, tmp_path / "saves")


class Clock:
    """A clock that ticks one minute per call, so saves have distinct times."""

    def __init__(self):
        self.now = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


@pytest.mark.parametrize("slot", [AUTOSAVE, QUICKSAVE, "before the tower", "Ана-1"])
def test_every_slot_kind_round_trips_state_undo_and_play_time(store, story, slot):
    data = data_after(story, 2)
    info = store.save(slot, data)
    result = store.load(slot)
    assert result.data == data
    assert result.data.undo == data.undo and len(data.undo) == 2
    assert result.changes == ()
    assert result.info == info
    assert info.slot == slot and info.turn == 2 and info.play_seconds == 120.0


def test_resumed_state_plays_on_exactly_like_the_original(store, story):
    data = data_after(story, 2)
    store.save(AUTOSAVE, data)
    resumed = store.load(AUTOSAVE).data.state
    p1, p2 = engine.present(story, data.state), engine.present(story, resumed)
    assert p1 == p2
    assert engine.choose(story, resumed, p2.available[0].index) == \
        engine.choose(story, data.state, p1.available[0].index)


def test_undo_after_resume_returns_to_each_earlier_state(store, story):
    state, undo = play(story, 3)
    store.save(AUTOSAVE, SaveData(state, undo))
    back = store.load(AUTOSAVE).data
    assert [s.scene for s in back.undo] == ["shore", "shore", "stairs"]
    assert [len(s.path) for s in back.undo] == [0, 1, 2]
    assert back.undo[-1].path == state.path[:2]


def test_listing_shows_chapter_scene_turn_time_and_version_newest_first(story, tmp_path):
    store = SaveStore(story, tmp_path, clock=Clock())
    store.save("first", data_after(story, 0))
    store.save(QUICKSAVE, data_after(story, 2))
    store.save(AUTOSAVE, data_after(story, 3))
    listing = store.list()
    assert [i.slot for i in listing] == [AUTOSAVE, QUICKSAVE, "first"]
    auto = listing[0]
    assert isinstance(auto, SaveInfo)
    assert (auto.chapter, auto.scene_title, auto.turn) == ("The Tower", "The Lamp Room", 3)
    assert auto.play_seconds == 180.0
    assert auto.story_id == story.id and auto.story_version == "1.2"
    assert auto.saved_at == datetime(2026, 5, 1, 12, 3, tzinfo=timezone.utc)
    assert auto.saved_at.tzinfo is not None


def test_saving_again_keeps_the_previous_copy(store, story):
    store.save(AUTOSAVE, data_after(story, 1))
    store.save(AUTOSAVE, data_after(story, 2))
    prev = json.loads(store.previous_path(AUTOSAVE).read_text())
    assert prev["state"]["turn"] == 1
    assert store.load(AUTOSAVE).data.state.turn == 2


def test_delete_removes_the_slot_and_its_previous_copy(store, story):
    store.save("a", data_after(story, 1))
    store.save("a", data_after(story, 2))
    store.delete("a")
    assert not store.exists("a")
    assert store.list() == []
    with pytest.raises(SaveError, match="no save named 'a'"):
        store.delete("a")


def test_loading_a_missing_slot_names_it(store):
    with pytest.raises(SaveError, match="there is no save named 'nothing-here'"):
        store.load("nothing-here")
    assert not store.exists("nothing-here")


def test_each_story_has_its_own_save_folder(story, tmp_path):
    store = SaveStore(story, tmp_path)
    store.save(AUTOSAVE, data_after(story, 1))
    assert (tmp_path / story.id / "autosave.json").is_file()


def test_the_file_is_readable_json_with_format_versions_and_story_identity(store, story):
    store.save(AUTOSAVE, data_after(story, 2))
    doc = json.loads(store.path(AUTOSAVE).read_text(encoding="utf-8"))
    assert doc["format"] == "ana-story-save"
    assert doc["format_version"] == 1 and doc["min_reader_version"] == 1
    assert doc["story"]["id"] == story.id and doc["story"]["version"] == "1.2"
    assert doc["story"]["fingerprint"].startswith("sha256:")
    assert doc["state"]["scene"] == "stairs"
    assert "\n" in store.path(AUTOSAVE).read_text()  # indented, for people to read


def test_a_save_from_a_newer_ana_story_is_refused_and_kept(store, story):
    store.save(AUTOSAVE, data_after(story, 1))
    path = store.path(AUTOSAVE)
    doc = json.loads(path.read_text())
    doc["format_version"], doc["min_reader_version"] = 3, 2
    path.write_text(json.dumps(doc))
    with pytest.raises(SaveError, match="newer ana-story"):
        store.load(AUTOSAVE)
    assert path.exists()  # not damaged: a newer copy of ana-story can still use it
    [entry] = store.list()
    assert isinstance(entry, BrokenSave) and entry.moved_to is None


def test_a_save_of_another_story_is_refused(story, tmp_path, story_dir):
    other = story_dir("title: Other\nstart: a\n",
                      **{"01-a.yaml": "scenes:\n  a:\n    ending: Done\n    text: Hi\n"})
    from ana_story.loader import load_story
    store = SaveStore(story, tmp_path)
    store.save(AUTOSAVE, data_after(story, 1))
    foreign = SaveStore(load_story(other), tmp_path)
    with pytest.raises(SaveError, match="belongs to the story 'the-lighthouse-keeper'"):
        foreign.import_file(store.path(AUTOSAVE))


# --- names -----------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "../escape", "..", "a/b", "a\\b", "/etc/passwd", "C:evil", "a\x00b", "tab\there",
    "new\nline", "", " lead", "trail ", ".hidden", "_profile", "x" * 65, "con", "NUL",
    "a.prev", "e\u202eevil", "bell\x07",
])
def test_unsafe_slot_names_are_refused_and_nothing_is_written(store, story, tmp_path, name):
    with pytest.raises(SaveError, match="name"):
        store.save(name, data_after(story, 1))
    with pytest.raises(SaveError):
        store.load(name)
    assert not store.exists(name)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []


def test_slot_names_may_be_words_in_any_alphabet(store, story):
    for name in ["Chapter 2", "ana_1", "Ана", "画家", "x" * 64]:
        store.save(name, data_after(story, 1))
        assert store.load(name).info.slot == name


# --- profile ---------------------------------------------------------------------

def test_profile_round_trips_and_is_empty_when_missing(store):
    assert store.load_profile() == {}
    store.save_profile({"endings_seen": ["The Light"], "plays": 2})
    assert store.load_profile() == {"endings_seen": ["The Light"], "plays": 2}


def test_damaged_profile_reads_as_empty_and_is_moved_aside(store):
    store.save_profile({"endings_seen": ["The Light"]})
    path = store.folder / "_profile.json"
    path.write_text("{ not json")
    assert store.load_profile() == {}
    assert not path.exists()
    assert list((store.folder / "damaged").glob("_profile.*.json"))


def test_profile_is_not_listed_as_a_slot(store, story):
    store.save_profile({"endings_seen": []})
    store.save(AUTOSAVE, data_after(story, 1))
    assert [e.slot for e in store.list()] == [AUTOSAVE]


def test_profile_that_is_not_json_data_is_refused(store):
    with pytest.raises(SaveError, match="profile"):
        store.save_profile({"bad": object()})


# --- export / import -------------------------------------------------------------

def test_export_then_import_on_another_machine_gives_the_same_save(story, tmp_path):
    here = SaveStore(story, tmp_path / "here")
    there = SaveStore(story, tmp_path / "there")
    data = data_after(story, 2)
    here.save(QUICKSAVE, data)
    here.export(QUICKSAVE, tmp_path / "moving.json")
    result = there.import_file(tmp_path / "moving.json")
    assert result.info.slot == QUICKSAVE
    assert there.load(QUICKSAVE).data == data


def test_import_refuses_to_overwrite_unless_asked(story, tmp_path):
    store = SaveStore(story, tmp_path / "s")
    store.save(AUTOSAVE, data_after(story, 1))
    store.export(AUTOSAVE, tmp_path / "a.json")
    store.save(AUTOSAVE, data_after(story, 2))
    with pytest.raises(SaveError, match="already a save named 'autosave'"):
        store.import_file(tmp_path / "a.json")
    assert store.import_file(tmp_path / "a.json", "older").info.turn == 1
    store.import_file(tmp_path / "a.json", replace=True)
    assert store.load(AUTOSAVE).data.state.turn == 1


def test_import_of_a_damaged_file_names_the_file(store, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "ana-story-save", "format_version": 1}')
    with pytest.raises(SaveError, match="bad.json is not a save this story can use"):
        store.import_file(bad)
    assert bad.exists()


# --- where saves live ------------------------------------------------------------

def test_default_folder_follows_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("ANA_STORY_SAVES", str(tmp_path / "mine"))
    assert default_saves_dir() == tmp_path / "mine"


def test_default_folder_is_the_user_data_folder_even_when_run_from_a_checkout(
        monkeypatch, tmp_path):
    # issue 15: an editable install no longer moves the saves to the checkout's saves/
    monkeypatch.delenv("ANA_STORY_SAVES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_saves_dir() == tmp_path / "data" / "ana-story" / "saves"


def test_store_without_folder_uses_the_default(monkeypatch, tmp_path, story):
    monkeypatch.setenv("ANA_STORY_SAVES", str(tmp_path))
    SaveStore(story).save(AUTOSAVE, data_after(story, 1))
    assert (tmp_path / story.id / "autosave.json").is_file()


# --- the command -----------------------------------------------------------------

def _cli(*args, saves):
    return run_cli("saves", *args, "--story", str(FEATURES), "--saves", str(saves))


def test_cli_lists_shows_exports_imports_and_deletes(story, tmp_path):
    saves = tmp_path / "saves"
    SaveStore(story, saves).save(AUTOSAVE, data_after(story, 3))
    r = _cli("list", saves=saves)
    assert r.returncode == 0, r.stderr
    assert "autosave" in r.stdout and "The Tower: The Lamp Room, turn 3" in r.stdout
    assert "played 3 min" in r.stdout and "story version 1.2" in r.stdout
    r = _cli("show", "autosave", saves=saves)
    assert r.returncode == 0 and "turn:      3" in r.stdout
    assert "undo:      3 steps back" in r.stdout
    assert "  Gold coins: 1\n" in r.stdout  # the story's visible variable, by its label
    out = tmp_path / "carry.json"
    r = _cli("export", "autosave", str(out), saves=saves)
    assert r.returncode == 0 and out.is_file()
    other = tmp_path / "other"
    r = _cli("import", str(out), "--as", "from laptop", saves=other)
    assert r.returncode == 0, r.stderr
    assert "Imported" in r.stdout and "'from laptop'" in r.stdout
    assert SaveStore(story, other).load("from laptop").data.state.turn == 3
    r = _cli("delete", "autosave", saves=saves)
    assert r.returncode == 0
    assert "No saves yet" in _cli("list", saves=saves).stdout


def test_cli_errors_are_one_line_without_traceback(story, tmp_path):
    saves = tmp_path / "saves"
    r = _cli("show", "../../etc/passwd", saves=saves)
    assert r.returncode == 1
    assert r.stderr.startswith("ana-story: '../../etc/passwd' cannot be a save name")
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    r = _cli("import", str(tmp_path / "nope.json"), saves=saves)
    assert r.returncode == 1 and "nope.json" in r.stderr and "Traceback" not in r.stderr


def test_cli_reports_a_damaged_save_by_name_and_lists_the_others(story, tmp_path):
    saves = tmp_path / "saves"
    store = SaveStore(story, saves)
    store.save("good", data_after(story, 1))
    store.path("good").with_name("broken.json").write_text("[1, 2")
    r = _cli("list", saves=saves)
    assert r.returncode == 0
    assert "good" in r.stdout
    assert "broken: cannot be used: damaged: it is not valid JSON" in r.stdout
    assert "moved to" in r.stdout


def test_saves_help_has_an_example():
    r = run_cli("saves", "--help")
    assert r.returncode == 0 and "ana-story saves export" in r.stdout


def test_play_accepts_a_saves_folder():
    r = run_cli("play", "--help")
    assert "--saves DIR" in r.stdout


def test_the_readme_recipe_for_moving_machines_works_as_written(tmp_path):
    """Run the commands of README's 'Moving to another machine' as printed there."""
    from conftest import ROOT

    from ana_story.loader import load_story
    from ana_story.paths import shipped_story
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**Moving to another machine.**", 1)[1].split("```sh\n", 1)[1]
    commands = [line.split("#")[0].split() for line in block.split("```")[0].splitlines()]
    old, new = tmp_path / "old", tmp_path / "new"
    story = load_story(shipped_story())
    data = data_after(story, 2)
    SaveStore(story, old).save(AUTOSAVE, data)
    for words, machine in zip(commands, (old, new, new), strict=False):
        assert words[0] == "ana-story"
        r = run_cli(*words[1:], cwd=tmp_path, env={"ANA_STORY_SAVES": str(machine)})
        assert r.returncode == 0, (words, r.stderr)
    assert "laptop" in r.stdout
    assert SaveStore(story, new).load("laptop").data == data


def test_import_never_takes_a_hostile_slot_name_from_the_file(story, tmp_path):
    store = SaveStore(story, tmp_path / "s")
    store.save(AUTOSAVE, data_after(story, 1))
    doc = json.loads(store.path(AUTOSAVE).read_text())
    doc["slot"] = "../../escaped"
    evil = tmp_path / "gift.json"
    evil.write_text(json.dumps(doc))
    result = store.import_file(evil)
    assert result.info.slot == "gift"  # the file's own name instead
    assert not (tmp_path / "escaped.json").exists()
    assert sorted(p.name for p in store.folder.iterdir()) == [
        "autosave.json", "gift.json"]
    assert json.loads(store.path("gift").read_text())["slot"] == "gift"


def test_undo_holding_moments_of_another_path_round_trips(store, story):
    """After a 'restart' kept in undo, earlier moments are not on the current path:
    they are stored whole, and the ones after them as short differences."""
    elsewhere, _ = play(story, 2, pick=-1)
    state, undo = play(story, 3)
    undo = (elsewhere,) + undo
    store.save(AUTOSAVE, SaveData(state, undo))
    store.save(AUTOSAVE, SaveData(state, undo))  # again, from the cache
    assert store.load(AUTOSAVE).data.undo == undo
    doc = json.loads(store.path(AUTOSAVE).read_text())
    assert "path" in doc["undo"][0] and "path_len" not in doc["undo"][0]
    assert [u.get("path_len") for u in doc["undo"][1:]] == [0, 1, 2]
