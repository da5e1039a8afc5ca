"""No key crashes the game (issue 18.5) and no pasted line freezes it (issue 18.6).

Numbers typed by the player are read by one rule (ui/typed.py: ASCII digits only,
bounded length); Hypothesis types lines drawn from all of Unicode at a real game (real
story, real engine, real saves) through the plain front end, and the CLI is driven
with the inputs that crashed it: '²', '①', a 5,000-digit number, 'undo ²'.
"""
from __future__ import annotations

import io
import time

import pytest
from conftest import FIXTURES, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ana_story import engine
from ana_story.loader import load_story
from ana_story.saves.store import SaveStore
from ana_story.ui.game import Game
from ana_story.ui.plain import PlainUI
from ana_story.ui.typed import MAX_DIGITS, MAX_LINE, TOO_LARGE, read_capped, read_number

GARDEN = FIXTURES / "ui-garden"
STORY = load_story(GARDEN)
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
# Lines: any Unicode (surrogates and controls too), digits of every script, and
# commands with such arguments.
ANY_TEXT = st.text(st.characters(), max_size=40)
DIGITS = st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=12)
LINES = st.one_of(ANY_TEXT, DIGITS, st.builds("undo {}".format, st.one_of(DIGITS, ANY_TEXT)),
                  st.builds("{} {}".format, st.sampled_from(["save", "load", "undo", "2"]),
                            ANY_TEXT))


@pytest.mark.slow
@given(st.text(st.characters(), max_size=60))
@settings(max_examples=2000, deadline=None)
def test_read_number_takes_only_ascii_digits(text):
    n = read_number(text)
    stripped = text.strip()
    if n is None:
        assert not (stripped and stripped.isascii() and stripped.isdigit())
    else:
        assert stripped.isascii() and stripped.isdigit()
        assert 0 <= n <= TOO_LARGE


@pytest.mark.parametrize("text, expected", [
    ("3", 3), (" 12 ", 12), ("007", 7), ("0", 0), ("9" * MAX_DIGITS, TOO_LARGE - 1),
    ("1" + "0" * MAX_DIGITS, TOO_LARGE), ("9" * 5000, TOO_LARGE), ("0" * 5000 + "4", 4),
    ("²", None), ("①", None), ("١٢", None), ("３", None), ("2²", None), ("-1", None),
    ("+1", None), ("1.0", None), ("1_000", None), ("", None), ("\u200b1", None),
])
def test_read_number_examples(text, expected):
    assert read_number(text) == expected


def _play(lines: list[str], tmp_path) -> str:
    out = io.StringIO()
    store = SaveStore(STORY, tmp_path / "saves")
    game = Game(STORY, engine.new_state(STORY, 1), PlainUI(io.StringIO(
        "".join(line.replace("\n", " ").replace("\r", " ") + "\n" for line in lines)),
        out, 80), store=store, seed=1)
    assert game.run() == 0
    return out.getvalue()


@pytest.mark.slow
@given(st.lists(LINES, min_size=1, max_size=6))
@SETTINGS
def test_any_typed_line_is_answered_never_crashes(tmp_path_factory, lines):
    out = _play(lines + ["quit"], tmp_path_factory.mktemp("p"))
    assert "Traceback" not in out


@pytest.mark.parametrize("line", ["²", "①", "³", "٣", "9" * 5000, "9" * 999, "undo ²",
                                  "undo ①", "undo " + "9" * 990, "1" * 4300 + "²"])
def test_the_inputs_that_crashed_now_get_an_answer(line):
    r = run_cli("play", str(GARDEN), input=f"{line}\nquit\n")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-1500:]
    assert "internal error" not in out and "Traceback" not in out
    if len(line) >= MAX_LINE:
        assert "That line is too long" in " ".join(out.split())
    elif line.startswith("undo"):
        assert "Type 'undo' to take back one choice" in out or "Nothing to undo" in out
    elif set(line) <= set("0123456789"):
        assert "There is no choice that large here" in " ".join(out.split())
    elif len(line) < MAX_LINE:
        assert f"'{line}' is not a choice or a command" in out


def test_a_pasted_line_over_the_cap_is_refused_whole_in_plain_mode():
    """100 KB on one line: answered at once, neither run as commands nor silently cut."""
    line = ("save x " * 20_000)[:100_000]
    t = time.perf_counter()
    r = run_cli("play", str(GARDEN), input=f"{line}\n1\nquit\n")
    seconds = time.perf_counter() - t
    out = " ".join(r.stdout.split())
    assert r.returncode == 0, r.stderr[-1500:]
    assert f"That line is too long: a choice or a command is under {MAX_LINE:,}" in out
    assert "Nobody answers" in out  # the line after it is read as itself
    assert seconds < 10


def test_read_capped_drops_the_rest_of_a_long_line_only():
    stream = io.StringIO("a" * 70_000 + "\nnext\n" + "b" * 5)
    first = read_capped(stream)
    assert len(first) == MAX_LINE + 1 and first.endswith("\n")
    assert read_capped(stream) == "next\n"
    assert read_capped(stream) == "bbbbb"
    assert read_capped(stream) == ""
