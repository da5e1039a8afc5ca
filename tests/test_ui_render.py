"""The Rich renderer, rendered into a StringIO console and compared as text."""
from __future__ import annotations

import io
import re

import pytest
from conftest import FIXTURES

from ana_story import engine
from ana_story.loader import load_story
from ana_story.ui import markup, render, theme
from ana_story.ui.views import EndingSummary, HistoryEntry, SaveRow, StatRow

GARDEN = FIXTURES / "ui-garden"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def text_of(renderable, width=80, color=False) -> str:
    out = io.StringIO()
    con = theme.console(file=out, width=width, force_terminal=color,
                        color_system="standard" if color else None)
    con.print(renderable)
    return out.getvalue()


def lines(s: str) -> list[str]:
    return [line.rstrip() for line in s.splitlines()]


@pytest.fixture(scope="module")
def garden():
    return load_story(GARDEN)


def gate(garden, **changes):
    state = engine.new_state(garden, 1)
    if changes:
        state = type(state)(state.scene, {**state.variables, **changes}, state.visits,
                            state.once, state.path, state.turn, state.seed)
    return engine.present(garden, state)


# --- author markup ---------------------------------------------------------------

def test_single_stars_are_italic_and_double_stars_bold():
    assert markup.spans("a *b* **c** d") == [("a ", ""), ("b", "italic"), (" ", ""),
                                             ("c", "bold"), (" d", "")]


def test_marks_nest_either_way():
    assert markup.spans("**x *y* z**") == [("x ", "bold"), ("y", "bold italic"),
                                           (" z", "bold")]
    assert markup.spans("*x **y** z*") == [("x ", "italic"), ("y", "bold italic"),
                                           (" z", "italic")]


def test_stray_and_spaced_stars_stay_literal():
    for s in ("2 * 3 * 4", "a ** b", "snake*case*word", "*open only", "x*"):
        assert markup.plain(s) == s


def test_rich_markup_in_author_text_is_shown_literally():
    out = text_of(markup.to_text("[bold red]alarm[/] :smile:"), color=True)
    assert "[bold red]alarm[/] :smile:" in ANSI.sub("", out)
    assert "\x1b[1;31m" not in out


def test_escape_sequences_and_controls_never_reach_the_terminal():
    hostile = "a\x1b[2Jb\x1b]0;pwned\x07c\x07d\x1b[31me\u202ef\x9b1mg"
    assert markup.clean(hostile) == "abcdefg"
    out = text_of(markup.to_text(hostile))
    assert "\x1b" not in out and "\x07" not in out and "pwned" not in out


def test_literal_text_keeps_stars():
    assert markup.literal("my *save*").plain == "my *save*"


# --- a scene -----------------------------------------------------------------------

def test_scene_shows_title_prose_status_and_numbered_choices(garden):
    out = lines(text_of(render.full_scene(gate(garden), 80, chapter_changed=True)))
    body = "\n".join(out)
    assert "OUTSIDE THE WALL" in body  # the chapter card
    assert "Outside the Wall · turn 0" in body  # the status line
    assert "     The Gate" in out  # the 70-column page, centred on 80 columns
    assert "The gate is green with moss and locked at dusk." in body  # marks are gone
    assert "[red]KEEP OUT[/red]" in body
    assert any(re.fullmatch(r"\s+1\. Knock on the gate", x) for x in out)
    assert any(re.fullmatch(r"\s+2\. Walk away", x) for x in out)


def test_emphasis_is_rendered_as_italic_and_bold(garden):
    out = text_of(render.scene(gate(garden), 80), color=True)
    assert "\x1b[3mgreen\x1b[0m" in out
    assert "\x1b[1mlocked\x1b[0m" in out


def test_locked_choice_is_dimmed_with_its_reason_and_unnumbered(garden):
    out = text_of(render.choices(gate(garden), 80))
    assert "· Climb the wall — You are not brave enough yet" in out
    coloured = text_of(render.choices(gate(garden), 80), color=True)
    assert "\x1b[2mClimb the wall" in coloured


def test_unavailable_choice_without_reason_is_hidden(garden):
    assert "secret door" not in text_of(render.choices(gate(garden), 80))


def test_choice_unlocks_and_takes_a_number(garden):
    out = text_of(render.choices(gate(garden, courage=2), 80))
    assert "2. Climb the wall" in out and "3. Walk away" in out
    assert "not brave enough" not in out


def test_selected_choice_is_marked(garden):
    out = lines(text_of(render.choices(gate(garden), 80, selected=1)))
    assert any(re.fullmatch(r"\s*›\s+2\. Walk away", x) for x in out)


@pytest.mark.parametrize("width", [40, 60, 80, 200])
def test_prose_keeps_to_the_measure_and_the_terminal(garden, width):
    out = lines(text_of(render.full_scene(gate(garden), width, chapter_changed=True),
                        width=width))
    left = 0 if width < 50 else max(2, (width - 70) // 2)  # the page is centred
    assert max(len(x) for x in out) <= min(width, left + 70)
    prose = [x for x in out if "moss" in x or "sign" in x]
    assert prose and all(len(x.strip()) <= 70 for x in prose)


def test_narrow_terminal_drops_the_margin(garden):
    out = lines(text_of(render.scene(gate(garden), 40), width=40))
    assert "The Gate" in out


# --- the other screens -------------------------------------------------------------

def test_title_card_and_menu():
    from ana_story.ui.views import MenuItem
    out = text_of(render.title_card("The Walled Garden", "A. Writer", 80))
    assert "The Walled Garden" in out and "A. Writer" in out
    menu = lines(text_of(render.menu([MenuItem("continue", "Continue", "Inside · The Garden"),
                                      MenuItem("new", "New story")], 0, 80)))
    assert any(re.fullmatch(r"\s*›\s+1 Continue  Inside · The Garden", x) for x in menu)
    assert any(re.fullmatch(r"\s+2 New story", x) for x in menu)


def test_ending_screen_counts_endings_without_spoiling_the_rest():
    s = EndingSummary("The Long Way Home", True, 3, ("Outside the Wall",), "12 min",
                      (("The Long Way Home", True), ("The Gardener's Apprentice", False)))
    out = text_of(render.ending(s, 80))
    assert "THE END" in out and "The Long Way Home" in out and "a new ending" in out
    flat = " ".join(out.split())
    assert "You made 3 choices across 1 chapter: Outside the Wall, in 12 min of play." in flat
    assert "Endings found: 1 of 2" in out
    assert "Apprentice" not in out and "1 more to find" in out


def test_stats_table_lists_labels_and_values():
    out = text_of(render.stats([StatRow("Courage", "2"), StatRow("Roses picked", "0")], 80))
    assert re.search(r"Courage\s+2", out) and re.search(r"Roses picked\s+0", out)


def test_stats_says_so_when_the_story_shows_none():
    assert "shows no stats" in text_of(render.stats([], 80))


def test_history_shows_each_scene_and_the_choice_taken():
    out = text_of(render.history([HistoryEntry("Outside", "The Gate", "Moss.", "Knock"),
                                  HistoryEntry("Outside", "Knocking", "Nobody.", None)], 80))
    assert out.index("The Gate") < out.index("→ Knock") < out.index("Knocking")
    assert out.count("OUTSIDE") == 1


def test_saves_table_marks_a_broken_save():
    out = text_of(render.saves([SaveRow("quicksave", "Outside · The Gate", 2, "1 min",
                                        "just now"),
                                SaveRow("old", "cannot be read: not JSON", None, "", "",
                                        broken=True)], 80))
    assert re.search(r"quicksave\s+│\s+Outside · The Gate\s+│\s+2\s+│\s+1 min\s+│\s+just now",
                     out)
    assert "cannot be read: not JSON" in out


def test_save_names_are_not_markup():
    out = text_of(render.saves([SaveRow("[blink]x", "a", 1, "b", "c")], 80), color=True)
    assert "[blink]x" in out and "\x1b[5m" not in out


def test_no_color_environment_turns_colour_off(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    con = theme.console(file=out, width=80, force_terminal=True)
    con.print(render.message("hello", 80, "error"))
    assert "\x1b[31m" not in out.getvalue() and "\x1b[1;31m" not in out.getvalue()
