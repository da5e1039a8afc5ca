"""explore's incremental proof: after an edit, the report is the one a --fresh run
gives, whether the kept proof was reused (re-checking the changed scenes) or not.

Each test copies a story to tmp, explores it (which keeps the proof; the Road story's first
proof is made once and its memo copied, as for the shipped story), edits it,
explores again, and compares that report with a --fresh run's."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from conftest import ROOT, run_cli, write_story

from ana_story.tools.explore import memo

STORY = """\
title: Road
start: gate
variables:
  coins: 0
  mood: "calm"
  met: false
"""
ROAD = """\
chapter: Road
scenes:
  gate:
    text: You have {{ coins }} coins.
    choices:
      - text: Beg
        set: {coins: coins + 1}
        goto: well
      - text: Walk on
        goto: well
  well:
    text: A well. You feel {{ mood }}.
    choices:
      - text: Drink
        set: {mood: "'glad'"}
        goto: inn
      - text: Wait
        once: true
        goto: well
      - text: Go
        goto: inn
"""
TOWN = """\
chapter: Town
scenes:
  inn:
    text: The inn is warm.
    choices:
      - text: Pay
        if: coins >= 1
        goto: bed
      - text: Chat
        if: not met
        set: {met: true}
        goto: inn
      - text: Sleep outside
        goto: street
      - text: Walk to the pond
        goto: pond
  pond:
    text: A pond, {{ coins }} coins in your pocket.
    choices:
      - text: Throw a coin
        set: {coins: "max(coins - 1, 0)"}
        goto: pond
      - text: Leave
        goto: street
  bed:
    text: A bed.
    ending: Rested
  street:
    text: The street.
    ending: Cold
"""


def _story(tmp_path: Path) -> Path:
    return write_story(tmp_path / "road", STORY, **{"01-road__yaml": ROAD,
                                                      "02-town__yaml": TOWN})


def _explore(folder: Path, *args: str, env: dict | None = None) -> tuple[dict, str]:
    r = run_cli("explore", str(folder), "--format", "json", *args, env=env, timeout=600)
    assert r.returncode in (0, 1, 3), r.stderr
    assert "Traceback" not in r.stderr
    data = json.loads(r.stdout)
    del data["seconds"]
    reused = data.pop("reused", None)  # the report says it too
    assert (reused is not None) == ("reused the last proof" in r.stderr
                                   or "a new search reusing" in r.stderr)
    return data, r.stderr


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _again(folder: Path, *args: str) -> tuple[bool, dict]:
    """(whether the kept proof was reused, the report), checked against --fresh's."""
    data, err = _explore(folder, *args)
    fresh, _ = _explore(folder, *args, "--fresh")
    assert data == fresh
    return "reused the last proof" in err, data


@pytest.fixture(scope="module")
def road_first(tmp_path_factory) -> tuple[Path, bytes, dict]:
    """The Road story's first proof, made once (by the command, in folders of its own)
    for the tests that start from it: (its folder, the memo that run kept, the report).
    test_an_unchanged_story_reuses_the_whole_proof makes its own first run."""
    folder = _story(tmp_path_factory.mktemp("road-first"))
    env = {f"ANA_STORY_{name}": str(tmp_path_factory.mktemp(f"road-{name.lower()}"))
           for name in ("SAVES", "CACHE", "CONFIG")}  # its own, as a test's
    first, err = _explore(folder, env=env)
    assert "reused" not in err and first["complete"], err
    with mock.patch.dict(os.environ, env):
        return folder, memo.memo_file(folder).read_bytes(), first


def _copied(tmp_path: Path, made_first: tuple, name: str) -> tuple[Path, dict]:
    """A copy of a story with its first proof kept, as after its first run (the memo
    is keyed by the folder's path: the copy's own, in this test's cache)."""
    made, kept, first = made_first
    folder = tmp_path / name
    shutil.copytree(made, folder)
    file = memo.memo_file(folder)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(kept)
    return folder, first


def _explored(tmp_path: Path, road_first) -> tuple[Path, dict]:
    """A copy of the Road story with its first proof kept, as after `_explore(folder)`."""
    return _copied(tmp_path, road_first, "road")


def test_an_unchanged_story_reuses_the_whole_proof(tmp_path):
    folder = _story(tmp_path)
    first, err = _explore(folder)
    assert "reused" not in err and first["complete"]
    again, err = _explore(folder)
    assert again == first and "reused the last proof (0 changed" in err


@pytest.mark.parametrize("scene_file, old, new", [
    ("02-town.yaml", "The inn is warm.", "The inn is warm and loud."),  # a text
    ("01-road.yaml", "A well. You feel", "An old well. You feel"),  # a text read by a value
    ("02-town.yaml", "if: not met", "if: met == false"),  # a condition, the same choices
    ("02-town.yaml", "text: Pay", "text: Pay the innkeeper"),  # a choice's text
    ("02-town.yaml", "A pond,", "A still pond,"),  # on a loop played for real
    ("01-road.yaml", "    text: You have {{ coins }} coins.",  # lines above 'well' added
     "    text: |\n      You have {{ coins }} coins.\n\n      The gate is open.\n"),
])
def test_an_edit_that_changes_no_step_reuses_the_proof(tmp_path, road_first, scene_file, old,
                                                      new):
    folder, before = _explored(tmp_path, road_first)
    _edit(folder / scene_file, old, new)
    reused, after = _again(folder)
    assert reused
    assert after["endings"] == before["endings"] and after["states"] == before["states"]


@pytest.mark.parametrize("scene_file, old, new", [
    ("02-town.yaml", "if: not met", "if: met"),  # a condition: other choices offered
    ("01-road.yaml", "coins: coins + 1", "coins: coins + 2"),  # a variable
    ("01-road.yaml", "mood: \"'glad'\"", "mood: \"'sad'\""),  # a value no key holds
    ("02-town.yaml", "goto: street", "goto: bed"),  # a route
    ("01-road.yaml", "You have {{ coins }} coins.", "You have {{ 10 // coins }} coins."),
    ("story.yaml", "coins: 0", "coins: 1"),  # a declaration
])
def test_an_edit_that_changes_a_step_gives_the_fresh_report(tmp_path, road_first, scene_file,
                                                           old, new):
    folder, before = _explored(tmp_path, road_first)
    _edit(folder / scene_file, old, new)
    reused, after = _again(folder)
    # a value no key holds leaves the graph of States as it was (reshape.py)
    assert after != before and reused == ("mood" in old)


@pytest.mark.parametrize("text", ["{{ 10 // coins }}",  # in the first State there
                                  "{{ 10 // (coins - 1) }}"])  # only in a later one
def test_a_text_that_now_fails_is_reported_not_reused(tmp_path, road_first, text):
    folder, _ = _explored(tmp_path, road_first)
    _edit(folder / "02-town.yaml", "The inn is warm.", f"The inn is {text} warm.")
    reused, after = _again(folder)
    assert not reused and after["errors"]


def test_a_reused_proof_is_kept_for_the_story_as_it_is_now(tmp_path, road_first):
    folder, _ = _explored(tmp_path, road_first)
    _edit(folder / "02-town.yaml", "The inn is warm.", "The inn is warm and loud.")
    assert "(1 changed scene" in _explore(folder)[1]
    assert "(0 changed scene" in _explore(folder)[1]  # nothing more to re-check
    _edit(folder / "01-road.yaml", "A well.", "An old well.")
    assert "(1 changed scene" in _explore(folder)[1]
    reused, _ = _again(folder)
    assert reused


def test_added_and_removed_scenes(tmp_path, road_first):
    folder, _ = _explored(tmp_path, road_first)
    _edit(folder / "02-town.yaml", "  street:\n", "  alley:\n    text: An alley.\n"
          "    ending: Lost\n  street:\n")
    reused, added = _again(folder)
    assert not reused and "alley" in added["unreached"]["scenes"]
    _edit(folder / "02-town.yaml", "  alley:\n    text: An alley.\n    ending: Lost\n", "")
    reused, removed = _again(folder)
    assert not reused and "alley" not in removed["scenes"]


@pytest.mark.parametrize("option", [("--max-states", "6"), ("--strict",), ("--seed", "3")])
def test_other_options_are_a_fresh_proof(tmp_path, road_first, option):
    folder, _ = _explored(tmp_path, road_first)
    data, err = _explore(folder, *option)
    assert "reused" not in err
    fresh, _ = _explore(folder, *option, "--fresh")
    assert data == fresh


def test_fresh_ignores_and_rewrites_the_memo(tmp_path, road_first):
    folder, _ = _explored(tmp_path, road_first)
    file = memo.memo_file(folder)
    file.write_bytes(file.read_bytes()[:100])  # damaged: --fresh neither reads nor minds it
    data, err = _explore(folder, "--fresh")
    assert err == ""
    again, err = _explore(folder)
    assert again == data and "reused" in err


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "empty", "header"])
def test_a_damaged_memo_is_one_line_and_a_fresh_proof(tmp_path, road_first, damage):
    folder, first = _explored(tmp_path, road_first)
    file = memo.memo_file(folder)
    raw = file.read_bytes()
    cut = raw.index(b"\n")
    damaged = {"truncated": raw[:len(raw) // 2],
               "flipped": raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:],
               "foreign": b'{"format": "something else"}\n' + raw[cut + 1:],
               "empty": b"",
               "header": b"\x00\xff" * 40 + raw[cut:]}[damage]
    file.write_bytes(damaged)
    data, err = _explore(folder)
    assert data == first
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "proving afresh" in lines[0], err
    again, err = _explore(folder)  # and rewritten
    assert again == first and "reused" in err


def test_an_unwritable_cache_still_explores(tmp_path):
    folder = _story(tmp_path)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    env = {"ANA_STORY_CACHE": str(blocked)}
    first, err = _explore(folder, env=env)
    assert "could not be kept" in err and len(err.strip().splitlines()) == 1
    again, err = _explore(folder, env=env)
    assert again == first


def test_a_read_only_story_folder_is_reused(tmp_path, road_first):
    folder, first = _explored(tmp_path, road_first)
    for f in [folder, *folder.iterdir()]:
        os.chmod(f, 0o555 if f.is_dir() else 0o444)
    try:
        again, err = _explore(folder)
        assert again == first and "reused" in err
        assert sorted(p.name for p in folder.iterdir()) == \
            ["01-road.yaml", "02-town.yaml", "story.yaml"]
    finally:
        for f in [folder, *folder.iterdir()]:
            os.chmod(f, 0o755 if f.is_dir() else 0o644)


def test_other_code_is_a_fresh_proof(tmp_path, monkeypatch):
    """A memo written by another version of the code is not read (in-process: the
    code's digest stands for a changed engine)."""
    import contextlib
    import io

    from ana_story.loader import load_story
    from ana_story.tools.explore.incremental import explore_kept
    folder = _story(tmp_path)
    story = load_story(folder)
    err = io.StringIO()
    opts = {"max_states": 1000, "seed": 0, "strict": False}
    with contextlib.redirect_stderr(err):
        first = explore_kept(story, folder, fresh=False, jobs=1, **opts).to_json()
        explore_kept(story, folder, fresh=False, jobs=1, **opts)
        assert "reused" in err.getvalue()
        monkeypatch.setattr(memo, "_CODE", ["another version"])
        again = explore_kept(story, folder, fresh=False, jobs=1, **opts).to_json()
    assert "written by other code" in err.getvalue()
    del first["seconds"], again["seconds"]
    assert again == first and "reused" not in again


@pytest.fixture(scope="module")
def shipped_first(tmp_path_factory) -> tuple[Path, bytes, dict]:
    """The shipped story's first proof, made once for the tests that edit it: (its
    copy, the memo that proof kept, the report)."""
    folder = tmp_path_factory.mktemp("shipped") / "scenes"
    shutil.copytree(ROOT / "scenes", folder)
    env = {f"ANA_STORY_{name}": str(tmp_path_factory.mktemp(f"shipped-{name.lower()}"))
           for name in ("SAVES", "CACHE", "CONFIG")}  # its own, as a test's
    first, _ = _explore(folder, env=env)
    with mock.patch.dict(os.environ, env):
        return folder, memo.memo_file(folder).read_bytes(), first


def _shipped(tmp_path: Path, shipped_first) -> tuple[Path, dict]:
    """A copy of the shipped story with its first proof kept, as after its first run."""
    return _copied(tmp_path, shipped_first, "scenes")


def test_the_shipped_story_after_a_text_edit_in_its_last_chapter(tmp_path, shipped_first):
    folder, first = _shipped(tmp_path, shipped_first)
    epilogue = folder / "07-epilogue.yaml"
    text = epilogue.read_text(encoding="utf-8")
    at = text.index("        text: Tell Papa")  # a choice's text
    epilogue.write_text(text[:at] + "        text: A new line of text\n" +
                        text[text.index("\n", at) + 1:], encoding="utf-8")
    reused, after = _again(folder)
    assert reused and after["complete"] and after["endings"].keys() == first["endings"].keys()


def _searched_again(folder: Path) -> tuple[dict, dict]:
    """(the report's "reused", the report) of a run after an edit that changed a
    step, checked against --fresh's."""
    r = run_cli("explore", str(folder), "--format", "json", timeout=600)
    assert r.returncode in (0, 1, 3) and "Traceback" not in r.stderr, r.stderr
    data = json.loads(r.stdout)
    del data["seconds"]
    reused = data.pop("reused", None)
    fresh, _ = _explore(folder, "--fresh")
    assert data == fresh
    assert reused is not None and "a new search reusing" in r.stderr, r.stderr
    return reused, data


@pytest.mark.parametrize("scene_file, old, new", [
    ("01-road.yaml", "coins: coins + 1", "coins: coins + 2"),  # an effect, early
    ("01-road.yaml", "goto: well\n      - text: Walk on", "goto: inn\n      - text: Walk on"),
    ("02-town.yaml", "goto: street", "goto: bed"),  # a route, late
    ("02-town.yaml", "if: not met", "if: met"),  # a choice offered or not
])
def test_an_edit_that_changes_a_step_searches_again_reusing_the_rest(tmp_path, road_first,
                                                                       scene_file, old, new):
    folder, before = _explored(tmp_path, road_first)
    _edit(folder / scene_file, old, new)
    reused, after = _searched_again(folder)
    assert reused["states"] + reused["stepped"] == after["states"]
    assert reused["states"] > 0  # the States of unchanged scenes were not stepped again
    again, err = _explore(folder)  # the new search is kept in its turn
    assert again == after and "reused the last proof (0 changed" in err


@pytest.mark.parametrize("scene_file, old, new", [
    ("01-road.yaml", "mood: \"'glad'\"", "mood: \"'sad'\""),  # an effect no key holds
    ("02-town.yaml", "max(coins - 1, 0)", "max(coins - 2, 0)"),  # coins is 0 or 1 there
])
def test_an_effect_edit_that_leaves_the_graph_reuses_the_proof(tmp_path, road_first,
                                                                scene_file, old, new):
    """The graph of States is the kept one (reshape.py): no new search."""
    folder, _ = _explored(tmp_path, road_first)
    _edit(folder / scene_file, old, new)
    reused, _ = _again(folder)
    assert reused


@pytest.mark.parametrize("scene_file, old, new", [
    ("01-road.yaml", "      - text: Walk on\n",  # early: every later choice moves up one
     "      - text: Run\n        goto: inn\n      - text: Walk on\n"),
    ("02-town.yaml", "      - text: Leave\n", "      - text: Swim\n        goto: bed\n"
     "      - text: Leave\n"),  # late
])
def test_an_added_choice_searches_again(tmp_path, road_first, scene_file, old, new):
    folder, _ = _explored(tmp_path, road_first)
    _edit(folder / scene_file, old, new)
    reused, after = _searched_again(folder)
    added = "gate.1" if scene_file == "01-road.yaml" else "pond.1"
    assert after["choices"][added] >= 1 and reused["states"] > 0


@pytest.mark.parametrize("scene_file, line, new", [
    ("07-epilogue.yaml", "morning: \"'column'\"", "morning: \"'drawn'\""),  # last chapter
    ("04-berlin.yaml", "erna_met: 'true'", "erna_met: 'false'"),  # a middle scene
])
def test_the_shipped_story_after_an_effect_edit(tmp_path, shipped_first, scene_file, line,
                                               new):
    folder, _ = _shipped(tmp_path, shipped_first)
    _edit(folder / scene_file, line, new)
    reused, after = _again(folder)  # the graph is the kept one (reshape.py)
    assert after["complete"] and reused


def test_an_exact_declaration_searches_again_after_a_step_changing_edit(tmp_path):
    """Under 'exact:' a key merges States that do not play alike (their ways on are
    the first one met's): kept ways are taken only for the kept States themselves
    (rerun.py; tests/test_tools_explore_incremental_rerun.py has the cases)."""
    folder = _story(tmp_path)
    _edit(folder / "story.yaml", "coins: 0", "coins:\n    value: 0\n    exact: [0, 1]")
    first, _ = _explore(folder)
    assert first["complete"]
    _edit(folder / "01-road.yaml", "coins: coins + 1", "coins: coins + 2")
    data, err = _explore(folder)
    fresh, _ = _explore(folder, "--fresh")
    assert data == fresh
    assert "a fresh proof" not in err and "a new search reusing" in err, err
