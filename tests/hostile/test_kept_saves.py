"""Issue 18.3 and 18.10, found again by attack: a save this ana-story cannot use (made
by a newer ana-story, or of another story) sitting in the autosave slot or its
previous copy was rotated out and overwritten by the next two autosaves. It is now
moved aside, byte for byte, before anything takes its place."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from hostile_saves import FEATURES, leaks, valid_doc

FOLDER = "the-lighthouse-keeper"


def _unusable(kind: str) -> bytes:
    doc = valid_doc()
    doc["chapter"] = "the player's newer progress"
    if kind == "newer":
        doc["format_version"] = doc["min_reader_version"] = 99
    elif kind == "other-story":
        doc["story"]["id"] = "another-story\x1b]0;pwned\x07"
    else:  # no minimum: the format version is the minimum
        del doc["min_reader_version"]
        doc["format_version"] = 2
    return json.dumps(doc).encode()


def _kept(root: Path, blob: bytes) -> bool:
    return any(p.is_file() and p.read_bytes() == blob for p in root.rglob("*"))


@pytest.mark.parametrize("kind, where", [
    ("newer", "autosave.json"), ("other-story", "autosave.json"),
    ("newer-no-minimum", "autosave.json"), ("newer", "autosave.prev.json")])
def test_an_unusable_save_survives_many_autosaves(tmp_path, kind, where):
    folder = tmp_path / "saves" / FOLDER
    folder.mkdir(parents=True)
    blob = _unusable(kind)
    if where == "autosave.prev.json":  # a good autosave in front of it
        (folder / "autosave.json").write_text(json.dumps(valid_doc()), encoding="utf-8")
    (folder / where).write_bytes(blob)
    env = {"ANA_STORY_SAVES": str(folder.parent)}
    for _ in range(2):  # each run autosaves at least twice
        r = run_cli("play", "--plain", str(FEATURES), input="1\n1\nquit\n", env=env)
        assert r.returncode == 0 and "internal error" not in r.stderr, r.stderr
        assert not leaks(r.stdout + r.stderr)
    assert _kept(folder, blob), sorted(p.name for p in folder.rglob("*"))
    r = run_cli("saves", "--story", str(FEATURES), "list", env=env)
    assert r.returncode == 0 and "autosave" in r.stdout, r.stdout + r.stderr


def test_a_foreign_story_id_is_shown_as_visible_codes_in_play(tmp_path):
    folder = tmp_path / "saves" / FOLDER
    folder.mkdir(parents=True)
    (folder / "autosave.json").write_bytes(_unusable("other-story"))
    r = run_cli("play", "--plain", str(FEATURES), input="quit\n",
                env={"ANA_STORY_SAVES": str(folder.parent)})
    assert r.returncode == 0, r.stderr
    assert "another-story\\x1b]0;pwned\\x07" in r.stdout  # shown, not silently cut
    assert not leaks(r.stdout + r.stderr)
