"""explore's re-check after an edit that changes no step (recheck.py): the changed
scene's States rebuilt as vectors by the choices' memos (or by the engine's step where
a memo leaves it), one State visited per distinct render, and still every error a
--fresh run finds, in the State it finds it.

Each test copies a story to tmp, explores it (which keeps the proof), edits it, and
explores again through the real CLI (test_tools_explore_incremental's helpers)."""
from __future__ import annotations

from pathlib import Path

from conftest import write_story
from test_tools_explore_incremental import _again, _edit, _explore, _story

FLOAT = """\
title: Luck
start: gate
variables:
  luck: 0.0
  coins: 0
"""
GATE = """\
chapter: Gate
scenes:
  gate:
    text: A gate.
    choices:
      - text: Beg
        set: {coins: coins + 1}
        goto: hall
      - text: Walk in
        goto: hall
      - text: Pray
        set: {luck: luck + 0.5}
        goto: hall
  hall:
    text: A hall, {{ 10 // (2 - round(luck * 2)) }} doors.
    choices:
      - text: Sit
        if: luck > 0 or coins > 0
        goto: seat
      - text: Leave
        goto: seat
  seat:
    text: A seat.
    ending: Seated
"""


def test_a_text_failing_in_a_later_state_offered_the_same_choices(tmp_path):
    """'well' is met first with a coin (Beg), then without (Walk on): the same
    choices offered, the same ways on kept; the new text fails only without a coin.
    A re-check that visited one State per kept ways on, not per value its texts
    read, would reuse the proof and miss the error."""
    folder = _story(tmp_path)
    _explore(folder)
    _edit(folder / "01-road.yaml", "You feel {{ mood }}.",
          "You feel {{ mood }}, {{ 10 // coins }}.")
    reused, after = _again(folder)
    assert not reused
    assert [(e["scene"], e["variables"]["coins"]) for e in after["errors"]] == [("well", 0)]


def test_a_text_edit_after_a_step_the_memo_leaves_to_the_engine(tmp_path):
    """'luck' starts as a number with a fraction, so no choice's memo reads it
    (vectors.py): the step by 'Pray' is rebuilt by the engine's step, the others by
    the memos, and the proof is reused, its report --fresh's."""
    folder = write_story(tmp_path / "luck", FLOAT, **{"01-gate__yaml": GATE})
    before, _ = _explore(folder)
    assert before["states"] == 5 and not before["errors"]
    _edit(folder / "01-gate.yaml", "A hall,", "A high hall,")
    reused, after = _again(folder)
    assert reused and after["states"] == before["states"]


def test_a_text_failing_only_after_the_engine_s_step(tmp_path: Path):
    """The same story, its text now failing only in the State 'Pray' leads to: met
    after the one 'Beg' leads to, offered the same choices, its 'luck' another (the
    text could fail before too, so the key keeps 'luck' exactly both times)."""
    folder = write_story(tmp_path / "luck", FLOAT, **{"01-gate__yaml": GATE})
    _explore(folder)
    _edit(folder / "01-gate.yaml", "(2 - round", "(1 - round")
    reused, after = _again(folder)
    assert not reused
    assert [(e["scene"], e["variables"]["luck"]) for e in after["errors"]] == [("hall", 0.5)]
