"""Issue 18.10: nothing is lost to a name clash.

The store relies on fixed names in the save folder: ``damaged/`` for files moved
aside, ``<slot>.prev.json`` for the previous copy, ``_profile.json``. Something else
already at one of those names (a file, a symlink, a folder) must never make the
store overwrite a player's file: it finds another name, or refuses to write.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_cli
from hostile_saves import FEATURES
from saves_helpers import data_after, features

from ana_story.saves.store import SaveStore

FOLDER = "the-lighthouse-keeper"
BROKEN = b"{broken autosave"


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "saves" / FOLDER
    f.mkdir(parents=True)
    return f


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


@pytest.mark.parametrize("taken", ["file", "symlink-out", "dangling-symlink", "fifo"])
def test_damaged_taken_by_something_else_the_autosave_goes_to_another_folder(
        folder, tmp_path, taken):
    outside = tmp_path / "outside"
    outside.mkdir()
    blocker = folder / "damaged"
    if taken == "file":
        blocker.write_bytes(b"the player's own notes")
    elif taken == "symlink-out":
        blocker.symlink_to(outside)
    elif taken == "dangling-symlink":
        blocker.symlink_to(tmp_path / "nowhere")
    else:
        os.mkfifo(blocker)
    (folder / "autosave.json").write_bytes(BROKEN)
    r = run_cli("play", str(FEATURES), input="1\nquit\n",
                env={"ANA_STORY_SAVES": str(folder.parent)})
    assert r.returncode == 0 and "internal error" not in r.stderr, r.stderr
    assert "damaged-2" in " ".join(r.stdout.split()).replace("- ", "-")
    moved = list((folder / "damaged-2").iterdir())
    assert [p.read_bytes() for p in moved] == [BROKEN]  # kept, byte for byte
    assert list(outside.iterdir()) == []  # nothing written through a symlink
    if taken == "file":
        assert blocker.read_bytes() == b"the player's own notes"
    r = run_cli("saves", "--story", str(FEATURES), "show", "autosave",
                env={"ANA_STORY_SAVES": str(folder.parent)})
    assert r.returncode == 0, r.stderr  # and the new autosave is a good one


def test_when_no_name_is_free_the_unreadable_file_is_never_overwritten(folder):
    for n in range(1, 50):
        (folder / ("damaged" if n == 1 else f"damaged-{n}")).write_text("taken")
    (folder / "autosave.json").write_bytes(BROKEN)
    before = _files(folder)
    r = run_cli("play", str(FEATURES), input="1\nquit\n",
                env={"ANA_STORY_SAVES": str(folder.parent)})
    assert r.returncode == 0 and "internal error" not in r.stderr, r.stderr
    out = " ".join(r.stdout.split())
    assert "is in the way and could not be moved" in out, out
    assert _files(folder) == before  # not one byte changed
    r = run_cli("saves", "--story", str(FEATURES), "import", str(folder / "autosave.json"),
                "--as", "autosave", "--replace",
                env={"ANA_STORY_SAVES": str(folder.parent)})
    assert r.returncode == 1 and _files(folder) == before


def test_a_damaged_previous_copy_and_profile_are_moved_not_overwritten(folder):
    story = features()
    store = SaveStore(story, folder.parent)
    (folder / "damaged").write_text("taken")
    (folder / "_profile.json").write_bytes(b"{broken profile")
    (folder / "quick.json").write_bytes(b"[not a save]")
    store.save("quick", data_after(story, 1))  # the unreadable one goes aside first
    store.save_profile({"endings": ["a"]})
    kept = sorted(p.read_bytes() for p in (folder / "damaged-2").iterdir())
    assert kept == [b"[not a save]", b"{broken profile"]
    assert store.load("quick").data.state.turn == 1
    assert store.load_profile() == {"endings": ["a"]}


def test_a_folder_where_a_slot_file_should_be_is_moved_aside(folder):
    story = features()
    (folder / "autosave.json").mkdir()
    (folder / "autosave.json" / "inside.txt").write_text("mine")
    store = SaveStore(story, folder.parent)
    store.save("autosave", data_after(story, 2))
    moved = list((folder / "damaged").iterdir())
    assert len(moved) == 1 and (moved[0] / "inside.txt").read_text() == "mine"
    assert store.load("autosave").data.state.turn == 2


def test_a_previous_copy_that_is_a_folder_is_moved_aside_then_the_save_goes_on(folder):
    """Was: the save stopped. Since verify18 the previous copy is checked before it is
    replaced, so a folder there is moved aside whole, as one at the slot's own name is."""
    story = features()
    store = SaveStore(story, folder.parent)
    store.save("slot", data_after(story, 1))
    (folder / "slot.prev.json").mkdir()
    (folder / "slot.prev.json" / "x").write_text("mine")
    store.save("slot", data_after(story, 2))
    moved = list((folder / "damaged").iterdir())
    assert len(moved) == 1 and (moved[0] / "x").read_text() == "mine"
    assert store.load("slot").data.state.turn == 2
    assert json.loads((folder / "slot.prev.json").read_text())["state"]["turn"] == 1
