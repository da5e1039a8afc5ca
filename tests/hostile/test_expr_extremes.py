"""Issue 18.1, found again by attack: `check`'s range analysis of number variables
called math.floor on an infinite bound (1e300 * 1e300 overflows to infinity), so a
story computing ``round(-g * g)``, ``floor(g * g)`` or ``ceil(-g * g)`` made `check`
end in an internal error (exit 70). Every call at an infinite or undefined bound is
now a range, and play stops such a story with a message naming the scene."""
from __future__ import annotations

import pytest
from conftest import run_cli, write_story

STORY = "title: T\nstart: a\nvariables:\n  n: 0\n  g: 1.0e300\n"
SCENE = """\
chapter: One
scenes:
  a:
    title: A
    text: 'Here {{ n }}.'
    choices:
      - text: Go
        set: {{ n: '{expr}' }}
        goto: b
  b:
    title: B
    ending: Done
    text: 'End.'
"""


EXPRS = ["round(-g * g)", "floor(g * g)", "ceil(-g * g)", "int(g * g)", "round(g * g - g * g)",
         "floor(min(g * g, -g * g))", "abs(round(min(-g * g, 1)))"]


@pytest.mark.parametrize("expr", EXPRS)
def test_check_takes_a_call_at_an_infinite_bound(tmp_path, expr):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENE.format(expr=expr)})
    r = run_cli("check", "--strict", str(folder))
    assert r.returncode in (0, 1) and "internal error" not in r.stderr, r.stderr


@pytest.mark.parametrize("expr", EXPRS[:2])
def test_play_stops_such_a_story_with_its_own_error(tmp_path, expr):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENE.format(expr=expr)})
    r = run_cli("play", "--plain", str(folder), input="1\nquit\n")
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert "scene 'a'" in r.stderr, r.stderr  # the story's own error, located
