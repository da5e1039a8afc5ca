"""Damaged and hostile save files: reported by name with the reason, moved aside
(never deleted), and never taking the listing or the other saves down."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pytest
from saves_helpers import data_after, features

from ana_story.errors import SaveError
from ana_story.saves.records import BrokenSave, SaveInfo
from ana_story.saves.store import AUTOSAVE, SaveStore


@pytest.fixture
def story():
    return features()


@pytest.fixture
def store(story, tmp_path):
    s = SaveStore(story, tmp_path)
    s.save("good", data_after(story, 2))
    return s


def good_doc(store, story):
    store.save("template", data_after(story, 2))
    doc = json.loads(store.path("template").read_text())
    store.delete("template")
    return doc


def mutate(doc, path, value):
    d = json.loads(json.dumps(doc))
    target = d
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(d)


NOT_A_SAVE = {
    "empty": ("", "the file is empty"),
    "truncated": ('{"format": "ana-story-save", "state": {"sce', "not valid JSON"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not text"),
    "list": ("[1, 2, 3]", "holds no JSON object"),
    "other json": ('{"hello": "world"}', "not an ana-story save"),
    "nan": ('{"format": "ana-story-save", "x": NaN}', "not valid JSON"),
    "deep": ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    "huge int": ('{"format": "ana-story-save", "x": ' + "9" * 5000 + "}", "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(NOT_A_SAVE))
def test_a_file_that_is_not_a_save_is_reported_and_moved_aside(store, case):
    content, reason = NOT_A_SAVE[case]
    path = store.folder / "victim.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(SaveError) as e:
        store.load("victim")
    message = str(e.value)
    assert "'victim'" in message and "victim.json" in message and reason in message
    assert "moved to" in message
    assert not path.exists()
    [moved] = (store.folder / "damaged").iterdir()
    assert moved.read_bytes() == (content if isinstance(content, bytes) else content.encode())
    assert store.load("good").data.state.turn == 2


WRONG_FIELDS = {
    "no state": (("state",), KeyError, "it has no 'state'"),
    "state is text": (("state",), "hi", "'state' should be an object"),
    "variable of wrong type": (("state", "variables", "courage"), "brave",
                               "variable 'courage' holds a text, not number"),
    "variable is a list": (("state", "variables", "gold"), [1], "holds a list"),
    "undeclared variable": (("state", "variables", "__class__"), 1,
                            "does not declare: __class__"),
    "missing variable": (("state", "variables", "gold"), KeyError,
                         "lacks the variable 'gold'"),
    "unknown scene": (("state", "scene"), "nowhere", "the scene 'nowhere'"),
    "negative visits": (("state", "visits", "shore"), -1, "visit count"),
    "turn is true": (("state", "turn"), True, "'turn' should be"),
    "giant number": (("state", "variables", "gold"), 10**30, "larger than any story"),
    "giant text": (("state", "variables", "name"), "x" * 20_000, "more than 10000"),
    "bad date": (("saved_at",), "yesterday", "'saved_at' is not a date"),
    "negative time": (("play_seconds",), -5, "'play_seconds'"),
    "undo not a list": (("undo",), {"a": 1}, "'undo' should be a list"),
    "undo path_len too big": (("undo", 0, "path_len"), 99, "bad 'path_len'"),
    "undo of wrong shape": (("undo", 0), "x", "not of the right shape"),
    "undo with a list variable": (("undo", 0, "variables"), {"gold": [1]}, "holds a list"),
    "undo with an odd key": (("undo", 0, "exec"), "x", "not of the right shape"),
    "story is a list": (("story",), [], "'story' should be an object"),
    "format version text": (("format_version",), "1", "'format_version' should be"),
}


@pytest.mark.parametrize("case", sorted(WRONG_FIELDS))
def test_a_save_with_a_wrong_field_is_reported_with_the_reason(store, story, case):
    key_path, value, reason = WRONG_FIELDS[case]
    path = store.folder / "victim.json"
    path.write_text(mutate(good_doc(store, story), key_path, value))
    with pytest.raises(SaveError, match="victim") as e:
        store.load("victim")
    assert reason in str(e.value)
    assert not path.exists() and len(list((store.folder / "damaged").iterdir())) == 1


def test_listing_reports_damaged_files_by_name_and_still_lists_the_good_ones(store):
    (store.folder / "broken.json").write_text("{oops")
    (store.folder / "odd.json").write_text("[]")
    listing = store.list()
    good = [e for e in listing if isinstance(e, SaveInfo)]
    broken = {e.slot: e for e in listing if isinstance(e, BrokenSave)}
    assert [g.slot for g in good] == ["good"]
    assert set(broken) == {"broken", "odd"}
    assert broken["broken"].file.endswith("broken.json")
    assert "not valid JSON" in broken["broken"].reason
    assert broken["broken"].moved_to and os.path.isfile(broken["broken"].moved_to)
    # reported once: the next listing shows only the good save
    assert [e.slot for e in store.list()] == ["good"]


def test_a_damaged_slot_falls_back_to_its_previous_copy(store, story):
    store.save(AUTOSAVE, data_after(story, 1))
    store.save(AUTOSAVE, data_after(story, 2))
    store.path(AUTOSAVE).write_text('{"format": "ana-story-save"')  # torn by a bad disk
    result = store.load(AUTOSAVE)
    assert result.data.state.turn == 1
    assert "Your latest save in 'autosave' was damaged" in result.changes[0]
    assert store.load(AUTOSAVE).changes == ()  # the good copy is back in place
    assert len(list((store.folder / "damaged").iterdir())) == 1


def test_saving_over_a_damaged_slot_keeps_the_good_previous_copy(store, story):
    store.save(AUTOSAVE, data_after(story, 1))
    store.save(AUTOSAVE, data_after(story, 2))
    store.path(AUTOSAVE).write_text("garbage")
    store.save(AUTOSAVE, data_after(story, 3))
    prev = json.loads(store.previous_path(AUTOSAVE).read_text())
    assert prev["state"]["turn"] == 1
    [aside] = (store.folder / "damaged").iterdir()  # the garbage is kept, not overwritten
    assert aside.read_text() == "garbage"


def test_files_that_are_not_slots_are_left_alone(store):
    for name in (".tmp-good.json.1.ab", "notes.txt", "a b.c.json", "_other.json"):
        (store.folder / name).write_text("whatever")
    assert [e.slot for e in store.list()] == ["good"]
    assert (store.folder / "notes.txt").exists() and not (store.folder / "damaged").exists()


def test_a_save_is_data_never_code(store, story, tmp_path):
    marker = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    doc = json.loads(mutate(good_doc(store, story), ("state", "variables", "name"), payload))
    doc["state"]["visits"][payload] = 1
    (store.folder / "evil.json").write_text(json.dumps(doc))
    state = store.load("evil").data.state
    assert state.variables["name"] == payload  # kept as text, nothing run
    assert payload not in state.visits  # no such scene: dropped
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this system")
def test_a_slot_that_is_a_link_outside_the_folder_never_writes_there(store, story, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    os.symlink(outside, store.folder / "linked.json")
    with pytest.raises(SaveError, match="linked"):
        store.load("linked")
    assert outside.read_text() == "precious"
    os.symlink(outside, store.folder / "linked.json")
    store.save("linked", data_after(story, 1))
    assert outside.read_text() == "precious"
    assert not (store.folder / "linked.json").is_symlink()


def test_a_giant_file_is_refused_without_reading_it_all(store, monkeypatch):
    import ana_story.saves.disk as saves
    monkeypatch.setattr(saves, "MAX_FILE_BYTES", 1024)
    (store.folder / "big.json").write_text('{"pad": "' + "x" * 5000 + '"}')
    with pytest.raises(SaveError, match="larger than 1 KB"):
        store.load("big")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_in_place_of_a_save_never_hangs(store, story):
    os.mkfifo(store.folder / "pipe.json")
    os.symlink("/dev/zero", store.folder / "zeros.json")
    with pytest.raises(SaveError, match="'pipe'.*not a regular file"):
        store.load("pipe")
    with pytest.raises(SaveError, match="'zeros'.*not a regular file"):
        store.load("zeros")
    listing = {e.slot: e for e in store.list()}
    assert isinstance(listing["good"], SaveInfo)
    assert isinstance(listing["pipe"], BrokenSave) and isinstance(listing["zeros"], BrokenSave)
    store.save("pipe", data_after(story, 1))  # saving puts a real save in its place
    assert store.load("pipe").data.state.turn == 1
    assert [p.name.split(".")[0] for p in (store.folder / "damaged").iterdir()] == ["pipe"]


def test_a_folder_in_place_of_a_save_is_reported(store, story):
    (store.folder / "dir.json").mkdir()
    with pytest.raises(SaveError, match="'dir'"):
        store.load("dir")
    store.save("dir", data_after(story, 1))  # the folder is moved aside, not replaced
    assert store.load("dir").data.state.turn == 1
    [aside] = (store.folder / "damaged").iterdir()
    assert aside.is_dir()
    assert store.load("good").data.state.turn == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_an_unreadable_slot_resumes_from_its_previous_copy_and_is_left_in_place(
        store, story):
    store.save(AUTOSAVE, data_after(story, 1))
    store.save(AUTOSAVE, data_after(story, 2))
    store.path(AUTOSAVE).unlink()
    os.mkfifo(store.path(AUTOSAVE))
    result = store.load(AUTOSAVE)
    assert result.data.state.turn == 1
    assert "could not be read (it is not a regular file)" in result.changes[0]
    assert store.path(AUTOSAVE).is_fifo()  # not overwritten: it may only need fixing


def test_a_slot_and_its_previous_copy_both_damaged_are_both_kept_aside(story, tmp_path):
    frozen = lambda: datetime(2026, 1, 1, tzinfo=timezone.utc)  # noqa: E731
    store = SaveStore(story, tmp_path, clock=frozen)
    store.save(AUTOSAVE, data_after(story, 1))
    store.save(AUTOSAVE, data_after(story, 2))
    store.path(AUTOSAVE).write_text("one")
    store.previous_path(AUTOSAVE).write_text("two")
    with pytest.raises(SaveError, match="and so is the copy before it"):
        store.load(AUTOSAVE)
    (store.folder / "other.json").write_text("three")
    store.load_profile()
    store.list()
    kept = sorted(p.read_text() for p in (store.folder / "damaged").iterdir())
    assert kept == ["one", "three", "two"]
    assert not store.exists(AUTOSAVE)


def test_a_state_holding_a_value_json_cannot_is_refused_in_one_line(store, story):
    from ana_story.saves.records import SaveData
    state = data_after(story, 1).state
    bad = SaveData(type(state)(state.scene, {**state.variables, "gold": float("nan")},
                               state.visits, state.once, state.path, state.turn, state.seed))
    with pytest.raises(SaveError, match="could not save 'x': the game holds a value"):
        store.save("x", bad)
    assert not store.exists("x")
