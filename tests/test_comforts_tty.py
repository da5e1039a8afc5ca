"""The comforts where the screen matters, in a real pseudo-terminal read back
through pyte: the title screen's gallery and chapters, "Previously…" on
Continue, Ctrl-F to skip, Tab completing the new commands, the high-contrast
theme, and screen-reader mode's output (colour and style only, nothing lost)."""
from __future__ import annotations

import re

import pytest
from conftest import run_cli
from test_tty import CTRL_C, ENTER, GARDEN, TAB, saves, term  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


def _to_the_garden_and_home(saves) -> None:
    """Two piped playthroughs (quicker than the pty): into chapter 2 with courage 2,
    then a new one to The Long Way Home."""
    for lines in ("1\n1\n2\n", "2\n"):
        r = run_cli("play", GARDEN, "--seed", "1", input=lines,
                    env={"ANA_STORY_SAVES": str(saves)})
        assert r.returncode == 0, r.stderr


def test_title_screen_offers_the_gallery_and_the_chapters(term, saves):
    _to_the_garden_and_home(saves)
    t = term()
    screen = t.wait_for("Endings found", "1 of 2", "Chapters", "Quit")
    assert "Continue" in screen
    t.send("endings" + ENTER)
    screen = t.wait_for("The Long Way Home", "first reached", "1 still to find")
    t.send("chapters" + ENTER)
    t.wait_for("Start again from which chapter?", "Inside the Wall")
    t.send("2" + ENTER)
    t.wait_for("Roses everywhere", "turn 0")
    t.send("stats" + ENTER)
    assert re.search(r"Courage\s+2\b", t.wait_for("Roses picked"))
    assert b"Traceback" not in t.raw


@pytest.mark.parametrize("cols", [40, 80, 200])
def test_continue_begins_with_previously(term, cols):
    t = term(cols=cols)
    t.new_story()
    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("1" + ENTER)
    t.wait_for("turn 2")
    t.send(CTRL_C)
    assert t.exit_code() == 0
    t = term(cols=cols)
    t.wait_for("Continue")
    t.send(ENTER)
    t.wait_for("Previously…", "Climb the wall")
    screen = t.text
    flat = " ".join(screen.split())
    assert "Knocking — you chose: Knock once more" in flat
    assert "Now: Outside the Wall · The Gate." in flat
    assert screen.index("Previously…") < screen.index("Climb the wall")


def test_ctrl_f_skips_read_text_and_tab_completes_the_new_commands(term):
    t = term()
    t.new_story()
    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("restart" + ENTER)
    t.wait_for("(y/n)")
    t.send("y" + ENTER)
    t.wait_for("turn 0")
    t.send("\x06")  # Ctrl-F
    t.wait_for("Skipping what you have read")
    t.send("1" + ENTER)
    t.wait_for("You have read this before", "Knock once more")
    assert "Nobody answers" not in t.text.split("Skipping what", 1)[1]
    t.send("red" + TAB)
    t.wait_for("> redo")
    t.send(ENTER)
    t.wait_for("Nothing to redo")


def test_high_contrast_theme_uses_no_dim_text_and_width_sets_the_page(term):
    t = term("--theme", "high-contrast", "--width", "40")
    t.new_story()
    prose = [ln.strip() for ln in t.text.splitlines() if "moss" in ln or "sign" in ln]
    assert prose and max(len(ln) for ln in prose) <= 40, t.text
    t.send("1" + ENTER)
    t.wait_for("turn 1")
    sgr = re.findall(rb"\x1b\[([0-9;]*)m", t.raw)
    assert sgr and not any(b"2" in code.split(b";") for code in sgr)  # 2: dim
    d = term()
    d.new_story()
    assert any(b"2" in c.split(b";") for c in re.findall(rb"\x1b\[([0-9;]*)m", d.raw))


def test_mono_theme_uses_no_colour(term):
    t = term("--theme", "mono")
    t.new_story()
    t.send("stats" + ENTER)
    t.wait_for("Roses picked")
    codes = [int(c) for m in re.findall(rb"\x1b\[([0-9;]*)m", t.raw)
             for c in m.split(b";") if c]
    assert codes and not any(30 <= c <= 49 or 90 <= c <= 107 for c in codes), codes


def test_screen_reader_mode_emits_only_colour_and_style_and_every_line(term):
    t = term("--screen-reader")
    t.wait_for("The Walled Garden", "1. New story", "2. Quit")
    t.send("1" + ENTER)
    t.wait_for("2 choices, 1 locked:")
    t.send("1" + ENTER)
    t.wait_for("Scene: Knocking", "2 choices:")
    t.send("repeat" + ENTER)
    t.wait_for("Give up")
    t.send("2" + ENTER)
    assert t.exit_code() == 0
    raw = t.raw.decode("utf-8", "replace")
    escapes = re.findall(r"\x1b[^a-zA-Z]*[a-zA-Z]", raw)
    assert all(re.fullmatch(r"\x1b\[[0-9;]*m", e) for e in escapes), escapes
    text = raw.replace("\r\n", "\n")
    for line in ("Chapter: Outside the Wall", "Scene: The Gate",
                 "The gate is green with moss and locked at dusk.",
                 "A sign says [red]KEEP OUT[/red], in letters nobody repainted.",
                 "1. Knock on the gate", "Locked: Climb the wall (You are not brave "
                 "enough yet)", "2. Walk away", "Nobody answers. You knock again, louder.",
                 "1. Knock once more", "2. Give up",
                 "You walk home the long way, and never learn what grew inside.",
                 "THE END: The Long Way Home (a new ending)"):
        assert "\n" + line + "\n" in text, line
    assert text.count("Scene: Knocking") == 2
