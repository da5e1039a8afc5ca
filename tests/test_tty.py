"""The installed `ana-story` in a real pseudo-terminal (pexpect), read back through
a terminal emulator (pyte) so the tests see the screen a player sees."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import time

import pexpect
import pyte
import pytest
from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # pseudo-terminal

GARDEN = str(FIXTURES / "ui-garden")
# The console script pip installed beside this Python (a version manager's shim on
# PATH would work too, only slower).
_BESIDE = os.path.join(os.path.dirname(sys.executable), "ana-story")
ANA_STORY = _BESIDE if os.path.isfile(_BESIDE) else "ana-story"
UP, DOWN, ENTER, TAB, CTRL_C, CTRL_D = "\x1b[A", "\x1b[B", "\r", "\t", "\x03", "\x04"


def _default_sigint() -> None:
    """Give the game the Ctrl-C of a player's terminal: a suite started in the background
    (`nohup`, `cmd &` in a script) ignores SIGINT, every child would inherit that, and
    the Ctrl-C tests would wait out their timeout instead of seeing a goodbye."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Term:
    """One run of the CLI in a pty of ``cols`` x ``rows``."""

    def __init__(self, *args: str, saves, cols: int = 80, rows: int = 24, env=None,
                 program: str = ANA_STORY):
        term = self

        class Screen(pyte.Screen):  # answers cursor-position requests like a terminal
            def write_process_input(self, data):
                term.child.send(data)

        self.screen = Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        full_env = {k: v for k, v in os.environ.items()
                    if k not in ("NO_COLOR", "COLUMNS", "LINES", "ANA_STORY_DEBUG")}
        full_env.update(TERM="xterm-256color", ANA_STORY_SAVES=str(saves))
        full_env.update(env or {})
        self.child = pexpect.spawn(program, list(args), env=full_env, cwd=str(ROOT),
                                   dimensions=(rows, cols), preexec_fn=_default_sigint)

    def pump(self, seconds: float = 0.2) -> None:
        end = time.monotonic() + seconds
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                data = b""
            except pexpect.EOF:
                return
            if data:
                self.raw += data
                self.stream.feed(data)
            elif time.monotonic() > end:
                return

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, *needles: str, timeout: float = 15) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.1)
            if all(n in self.text for n in needles):
                return self.text
            if not self.child.isalive():
                self.pump(0.1)
                break
        missing = [n for n in needles if n not in self.text]
        if missing:
            raise AssertionError(f"{missing} not on screen:\n{self.text}")
        return self.text

    def send(self, keys: str, settle: float = 0.3) -> None:
        self.child.send(keys)
        self.pump(settle)

    def exit_code(self, timeout: float = 15) -> int:
        end = time.monotonic() + timeout
        while self.child.isalive() and time.monotonic() < end:
            self.pump(0.1)
        self.pump(0.1)
        self.child.close()
        return self.child.exitstatus

    def new_story(self) -> None:
        self.wait_for("The Walled Garden", "New story")
        self.send(ENTER)
        self.wait_for("The Gate", "Knock on the gate")


@pytest.fixture
def saves(tmp_path):
    return tmp_path / "saves"


@contextlib.contextmanager
def terms(story: str, saves, **defaults):
    """Start `ana-story play STORY` in pseudo-terminals (keyword options over
    ``defaults``); every one still running is ended on the way out."""
    made = []

    def start(*args, **kw):
        t = Term("play", story, *args, saves=saves, **{**defaults, **kw})
        made.append(t)
        return t
    try:
        yield start
    finally:
        for t in made:
            if t.child.isalive():
                t.child.terminate(force=True)


@pytest.fixture
def term(saves):
    with terms(GARDEN, saves) as start:
        yield start


def test_title_screen_shows_the_story_and_the_menu(term):
    t = term()
    screen = t.wait_for("The Walled Garden", "ana-story tests", "New story", "Quit")
    assert "Continue" not in screen  # nothing to continue yet
    assert "↑/↓ and Enter, or type a number" in screen


def test_choices_by_number_and_by_arrow_keys(term):
    t = term()
    t.new_story()
    t.send("1" + ENTER)
    t.wait_for("Knocking", "Knock once more", "turn 1")
    t.send(DOWN)
    t.wait_for("›  1. Knock once more")
    t.send(DOWN)
    t.send(UP)
    t.send(ENTER)
    t.wait_for("turn 2", "Climb the wall")  # knocked twice: the wall can be climbed
    t.send(DOWN + DOWN)
    t.send(ENTER)
    t.wait_for("The Garden", "INSIDE THE WALL")  # a chapter card for the new chapter
    assert "> 2" in t.text  # the choice taken with the arrows stays in the transcript


def test_save_undo_history_stats_quit_then_continue(term):
    t = term()
    t.new_story()
    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("save by the door" + ENTER)
    t.wait_for("Saved as 'by the door'.")
    t.send("1" + ENTER)
    t.wait_for("turn 2")
    t.send("stats" + ENTER)
    screen = t.wait_for("Stats", "Roses picked")
    assert re.search(r"Courage\s+2\b", screen)
    t.send("undo" + ENTER)
    t.wait_for("Took back 1 choice.", "Knock once more")
    t.send("history" + ENTER)
    t.wait_for("The story so far", "→ Knock on the gate")
    t.send("saves" + ENTER)
    t.wait_for("by the door", "autosave")
    t.send("quit" + ENTER)
    t.wait_for("Your place is saved")
    assert t.exit_code() == 0 and b"Traceback" not in t.raw

    t = term()
    t.wait_for("Continue", "Outside the Wall · Knocking · saved just now")
    t.send(ENTER)
    t.wait_for("Knocking", "turn 1", "Knock once more")


def test_load_picks_a_save_from_a_menu_and_restart_asks_first(term):
    t = term()
    t.new_story()
    t.send("save at the gate" + ENTER)
    t.wait_for("Saved as 'at the gate'.")
    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("load" + ENTER)
    t.wait_for("Which save?", "at the gate", "autosave")
    t.send("at" + ENTER)  # the start of a save's name picks it
    t.wait_for("Loaded 'at the gate'.", "turn 0")
    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("restart" + ENTER)
    t.wait_for("Begin the story again from the start? (y/n)")
    t.send("y" + ENTER)
    t.wait_for("kept as 'previous'", "turn 0", "Knock on the gate")


def test_ctrl_c_mid_story_leaves_a_resumable_autosave(term):
    t = term()
    t.new_story()
    t.send("1" + ENTER)
    t.wait_for("Knocking")
    t.send("sta")  # half-typed
    t.send(CTRL_C)
    assert t.exit_code() == 0
    assert b"Traceback" not in t.raw and b"Your place is saved" in t.raw
    t = term()
    t.wait_for("Continue", "Knocking")
    t.send("1" + ENTER)
    t.wait_for("Knock once more", "turn 1")


def test_ctrl_d_and_ctrl_c_at_the_title_are_clean(term):
    t = term()
    t.wait_for("New story")
    t.send(CTRL_D)
    assert t.exit_code() == 0 and b"Traceback" not in t.raw
    t = term()
    t.wait_for("New story")
    t.send(CTRL_C)
    assert t.exit_code() == 0 and b"Goodbye" in t.raw


def test_tab_completes_commands(term):
    t = term()
    t.new_story()
    t.send("hist")
    t.send(TAB, settle=0.6)
    t.wait_for("> history")
    t.send(ENTER)
    t.wait_for("The story so far")


def test_tab_completes_save_names(term):
    t = term()
    t.new_story()
    t.send("save under the moss" + ENTER)
    t.wait_for("Saved as 'under the moss'.")
    t.send("load und")
    t.send(TAB, settle=0.6)
    t.wait_for("> load under the moss")


def test_unknown_input_gets_a_hint_not_a_crash(term):
    t = term()
    t.new_story()
    t.send("dance" + ENTER)
    screen = t.wait_for("'dance' is not a choice or a command.")
    assert "'dance' is not a choice or a command. Type a number from 1 to 2, 'help' for " \
           "the commands, or 'quit'." in " ".join(screen.split())  # kept to the page
    t.send("1" + ENTER)
    t.wait_for("Knocking")


def test_an_ending_shows_the_ending_screen(term):
    t = term()
    t.new_story()
    t.send("2" + ENTER)
    t.wait_for("THE END", "The Long Way Home", "a new ending", "Endings found: 1 of 2",
               "1 more to find")
    t.send("quit" + ENTER)
    assert t.exit_code() == 0


def test_at_40_columns_text_is_wrapped_between_words(term):
    t = term(cols=40)
    t.new_story()
    screen = t.wait_for("Walk away")
    assert any(line.rstrip().endswith("repainted.") for line in screen.splitlines())
    assert "The gate is green with moss and locked" in screen
    assert "1. Knock on the gate" in screen


def test_at_200_columns_prose_keeps_a_reading_measure(term):
    t = term(cols=200)
    t.new_story()
    screen = t.wait_for("Walk away")
    prose = [line for line in screen.splitlines() if "moss" in line or "sign" in line]
    # the 70-column measure, centred on the page since issue 15 (was: at the left edge)
    assert prose and all(len(line.strip()) <= 70 for line in prose)
    assert all(line.startswith(" " * 65) for line in prose)


def _colours(screen: pyte.Screen) -> set:
    return {(ch.fg, ch.bg) for row in screen.buffer.values() for ch in row.values()}


def test_no_color_turns_every_colour_off(term):
    t = term(env={"NO_COLOR": "1"})
    t.new_story()
    t.wait_for("Walk away")
    assert _colours(t.screen) == {("default", "default")}
    coloured = term()
    coloured.new_story()
    coloured.wait_for("Walk away")
    assert _colours(coloured.screen) != {("default", "default")}  # the check can fail


def test_plain_flag_in_a_terminal_gives_plain_text(term):
    t = term("--plain")
    t.wait_for("THE GATE", "  1. Knock on the gate", "\n>")
    assert "New story" not in t.text and _colours(t.screen) == {("default", "default")}
    t.send("1" + ENTER)
    t.wait_for("KNOCKING")
    t.send(CTRL_D)
    assert t.exit_code() == 0


def test_pace_reveals_paragraphs_and_a_key_shows_the_rest(term):
    t = term("--pace", "30")
    t.wait_for("New story")
    t.send(ENTER)
    t.wait_for("The gate is")
    t.pump(0.5)
    assert "A sign says" not in t.text
    t.send(" ")
    t.wait_for("A sign says", "Knock on the gate", timeout=5)


def test_ctrl_c_while_text_is_being_paced_is_a_clean_goodbye(term):
    t = term("--pace", "30")
    t.wait_for("New story")
    t.send(ENTER)
    t.wait_for("The gate is")
    t.send(CTRL_C)
    assert t.exit_code() == 0
    assert b"Traceback" not in t.raw and b"Goodbye" in t.raw


def test_history_is_paged_on_a_short_terminal(term):
    t = term(rows=12)
    t.new_story()
    for turn in (1, 2, 3):
        t.send("1" + ENTER)
        t.wait_for(f"turn {turn}")
    t.send("history" + ENTER)
    first = t.wait_for("-- more", "The story so far")
    t.send(" ")
    t.wait_for("-- more")
    assert t.text != first  # the next page
    t.send("q")
    t.send("stats" + ENTER)
    screen = t.wait_for("Roses picked")
    assert "-- more" not in screen


def test_watch_reloads_the_story_while_waiting_for_input(term, tmp_path):
    story = shutil.copytree(GARDEN, tmp_path / "garden")
    t = Term("play", str(story), "--watch", saves=tmp_path / "s")
    try:
        t.new_story()
        f = story / "01-outside.yaml"
        f.write_text(f.read_text().replace("in letters nobody repainted", "freshly painted"))
        t.wait_for("reloaded", "freshly painted")
        t.send("quit" + ENTER)
        assert t.exit_code() == 0
    finally:
        if t.child.isalive():
            t.child.terminate(force=True)


def test_watch_change_under_the_title_menu_is_applied_when_play_starts(tmp_path):
    story = shutil.copytree(GARDEN, tmp_path / "garden")
    t = Term("play", str(story), "--watch", saves=tmp_path / "s")
    try:
        t.wait_for("New story")
        f = story / "01-outside.yaml"
        f.write_text(f.read_text().replace("in letters nobody repainted", "freshly painted"))
        time.sleep(1.5)  # the watcher looks every 0.4 s
        assert t.child.isalive()  # the menu stays up
        t.send(ENTER)
        t.wait_for("freshly painted", "Knock on the gate")
        t.send("quit" + ENTER)
        assert t.exit_code() == 0
    finally:
        if t.child.isalive():
            t.child.terminate(force=True)
