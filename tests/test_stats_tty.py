"""Issue 12's stats screen as a player sees it in a real pseudo-terminal (pexpect,
read back through pyte) at 40, 80 and 200 columns: bars with their number and scale,
the opposed pair with both labels, every line inside the terminal; and the title a
template rendered for the State. Also in --screen-reader mode: the rows in words, no
cursor movement."""
from __future__ import annotations

import re

import pytest
from conftest import FIXTURES
from test_tty import ENTER, terms

pytestmark = pytest.mark.slow

STUDIO = str(FIXTURES / "stats-screen")


@pytest.fixture
def start(tmp_path):
    with terms(STUDIO, tmp_path / "saves", rows=30) as play:
        yield lambda cols, *args, **kw: play(*args, cols=cols, **kw)


@pytest.mark.parametrize("cols", [40, 80, 200])
def test_the_stats_screen_at_every_width(start, cols):
    t = start(cols)
    t.wait_for("The Studio", "New story")
    t.send(ENTER)
    t.wait_for("3 Days Left", "Paint what she sees")
    t.send("stats" + ENTER)
    screen = t.wait_for("40 of 100", "What sells", "-2 from -5 to 5", "moscow")
    assert "█" in screen and "░" in screen
    assert "Her own voice" in screen and "60%" in screen and "40%" in screen
    assert all(len(row) <= cols for row in screen.splitlines())
    assert "Sold a painting" not in screen  # its condition does not hold yet
    t.send("1" + ENTER)
    screen = t.wait_for("2 Days Left", "Another canvas")
    assert "{{" not in screen


def test_the_stats_screen_said_in_words_for_a_screen_reader(start):
    t = start(80, "--screen-reader")
    t.wait_for("New story")
    t.send("1" + ENTER)
    t.wait_for("Paint what she sees")
    t.send("stats" + ENTER)
    screen = t.wait_for("Craft: 40 of 100", "Her own voice 60%, What sells 40%",
                        "Where: moscow")
    assert "Scene: 3 Days Left" in screen
    moves = re.findall(rb"\x1b\[[0-9;?]*[A-Za-z]", t.raw)
    assert all(m.endswith(b"m") for m in moves), moves[:5]  # colour and style only
