"""explore's re-check of an edit to choices' effects (reshape.py): the kept proof is
reused, without a new search, only when the edited story's graph of States is the
kept one (keys renamed at most); every report is the one a --fresh run gives.

Each story below is one where reusing the kept graph would be wrong unless one of
reshape.py's checks stops it: the edited effect leads to a State the kept proof never
met, to a State another way on reaches too, or a loop now grows. Each test runs the
real CLI in a folder of its own (test_tools_explore_incremental's helpers)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_story
from test_tools_explore_incremental import _edit, _explore

STORY = """\
title: Paint
start: room
variables:
  color: "none"
  rounds: 0
  brush: "none"
"""
ROOM = """\
chapter: Room
scenes:
  room:
    text: A {{ color }} room.
    choices:
      - text: Paint
        set: {color: "'red'"}
        goto: room
      - text: Out
        if: color != 'blue'
        set: {color: "'none'"}
        goto: hall
      - text: Sign it
        if: color == 'red' or color == 'green'
        goto: signed
  hall:
    text: A hall.
    choices:
      - text: Back
        goto: room
      - text: Home
        goto: home
  home:
    text: Home.
    ending: Home
  signed:
    text: Signed.
    ending: Signed
"""
PAINT = "      - text: Paint\n        set: {color: \"'red'\"}"


def _second(folder: Path, file: str, old: str, new: str) -> tuple[dict, dict, str]:
    """(the first report, the second after the edit, how the second was made), the
    second checked against --fresh's."""
    first, _ = _explore(folder)
    _edit(folder / file, old, new)
    second, err = _explore(folder)
    fresh, _ = _explore(folder, "--fresh")
    assert second == fresh
    return first, second, err


def _room(tmp_path: Path, room: str = ROOM) -> Path:
    return write_story(tmp_path / "paint", STORY, **{"01-room__yaml": room})


@pytest.mark.parametrize("old, new", [
    ("'red'", "'green'"),  # the room's States renamed: red is green now
    ("'wide'", "'thin'"),  # a value nothing reads: no key holds it
])
def test_an_effect_edit_that_leaves_the_graph_reuses_the_proof(tmp_path, old, new):
    """The graph is the same; the ending's values are played again (its path passes
    through the changed choice)."""
    room = ROOM.replace("\"'red'\"}", "\"'red'\", brush: \"'wide'\"}")
    first, second, err = _second(_room(tmp_path, room), "01-room.yaml", old, new)
    assert "reused the last proof" in err and "stepped again" in err, err
    assert second["states"] == first["states"]
    assert second != first  # the values of the ending signed (a path through Paint)
    again, err = _explore(tmp_path / "paint")  # and kept for the story as it is now
    assert again == second and "reused the last proof (0 changed" in err


def test_an_effect_that_leads_to_a_state_never_met(tmp_path):
    """'red' -> 'blue': the painted room no longer lets you out (a soft-lock)."""
    first, second, err = _second(_room(tmp_path), "01-room.yaml", "'red'", "'blue'")
    assert second["softlocks"] and not first["softlocks"]
    assert "reused the last proof" not in err, err


def test_a_state_another_way_on_reaches_too(tmp_path):
    """The hall paints the room green too: after the edit the room's Paint leads to
    the hall's green room, one State fewer (two kept States would share a key)."""
    room = ROOM.replace("      - text: Home\n", "      - text: Paint it green\n"
                        "        set: {color: \"'green'\"}\n        goto: room\n"
                        "      - text: Home\n")
    first, second, err = _second(_room(tmp_path, room), "01-room.yaml", PAINT,
                                 PAINT.replace("red", "green"))
    assert second["states"] == first["states"] - 1
    assert "reused the last proof" not in err, err


def test_a_renamed_state_an_unchanged_scene_leads_to(tmp_path):
    """The hall paints the room red: after the edit the room's Paint leads to a
    green room, and the hall's way on still to the red one, one State more."""
    room = ROOM.replace("      - text: Home\n", "      - text: Paint it red\n"
                        "        set: {color: \"'red'\"}\n        goto: room\n"
                        "      - text: Home\n")
    first, second, err = _second(_room(tmp_path, room), "01-room.yaml", PAINT,
                                 PAINT.replace("red", "green"))
    assert second["states"] == first["states"] + 1
    assert "reused the last proof" not in err, err


def test_an_unchanged_choice_to_a_renamed_state(tmp_path):
    """The first room's Repaint (unchanged) paints it red too: after the edit Paint
    leads to a green room and Repaint still to the red one, one State more (the
    first room, no changed choice leading to it, is not visited again)."""
    room = ROOM.replace("      - text: Out\n", "      - text: Repaint\n"
                        "        if: color == 'none'\n"  # (not from the renamed State)
                        "        set: {color: \"'red'\"}\n        goto: room\n"
                        "      - text: Out\n")
    first, second, err = _second(_room(tmp_path, room), "01-room.yaml", PAINT,
                                 PAINT.replace("red", "green"))
    assert second["states"] == first["states"] + 1
    assert "reused the last proof" not in err, err


def test_a_loop_that_now_grows(tmp_path):
    """A count no key holds (nothing reads it) was capped and no longer is: the
    graph is the same, but the loop played for real now grows it."""
    room = ROOM.replace("set: {color: \"'red'\"}",
                        "set: {color: \"'red'\", rounds: \"min(rounds + 1, 3)\"}")
    first, second, err = _second(_room(tmp_path, room), "01-room.yaml",
                                 "min(rounds + 1, 3)", "rounds + 1")
    assert not first["growth"] and second["growth"]
    assert "reused the last proof" not in err, err


def test_an_exact_declaration_is_not_reshaped(tmp_path):
    """Under 'exact:' a key merges States that do not play alike (a State's ways on
    are the first one met's): an effect edit searches again (rerun.py), not here."""
    story = STORY.replace("  rounds: 0\n", "  rounds:\n    value: 0\n    exact: [0, 1]\n")
    room = ROOM.replace("\"'red'\"}", "\"'red'\", rounds: \"min(rounds + 1, 3)\"}") \
        .replace("      - text: Back\n", "      - text: Back\n        if: rounds < 3\n")
    folder = write_story(tmp_path / "paint", story, **{"01-room__yaml": room})
    first, second, err = _second(folder, "01-room.yaml", "'red'", "'green'")
    assert first["complete"] and not first["growth"] and "a new search" in err, err


def test_a_condition_edited_with_an_effect_is_checked_in_every_state(tmp_path):
    """Sleep is now offered in the first room: a State no changed choice leads to
    must be visited again too when more than the choices' effects changed."""
    room = ROOM.replace("      - text: Out\n", "      - text: Sleep\n        if: color == 'blue'\n"
                        "        goto: nap\n      - text: Out\n") \
        .replace("  signed:\n", "  nap:\n    text: A nap.\n    ending: Nap\n  signed:\n")
    folder = _room(tmp_path, room)
    first, _ = _explore(folder)
    _edit(folder / "01-room.yaml", "if: color == 'blue'", "if: color == 'none'")
    _edit(folder / "01-room.yaml", "'red'", "'green'")
    second, err = _explore(folder)
    fresh, _ = _explore(folder, "--fresh")
    assert second == fresh and second["endings"]["nap"]["reached"]
    assert not first["endings"]["nap"]["reached"]
    assert "reused the last proof" not in err, err


def test_a_changed_choice_to_a_state_of_an_unchanged_scene_never_met(tmp_path):
    """Out now leaves a sad mood, which the hall reads: the hall's State after it is
    one the kept proof never met, where one can mope (found only by stepping the
    changed choice again: no room State comes after it, no finding's path changes)."""
    story = STORY.replace('  brush: "none"\n', '  brush: "none"\n  mood: "calm"\n')
    room = ROOM.replace("set: {color: \"'none'\"}", "set: {color: \"'none'\", mood: \"'glad'\"}") \
        .replace("      - text: Home\n", "      - text: Mope\n        if: mood == 'sad'\n"
                 "        goto: mope\n      - text: Home\n") \
        .replace("      - text: Back\n        goto: room\n", "") \
        .replace("  signed:\n", "  mope:\n    text: Moping.\n    ending: Mope\n  signed:\n")
    folder = write_story(tmp_path / "paint", story, **{"01-room__yaml": room})
    first, second, err = _second(folder, "01-room.yaml", "'glad'", "'sad'")
    assert second["endings"]["mope"]["reached"] and not first["endings"]["mope"]["reached"]
    assert "reused the last proof" not in err, err
