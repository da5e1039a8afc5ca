"""A key typed while the game starts or is busy between prompts waits for the next
prompt (ui/typeahead.py), in a real pseudo-terminal.

Between the early title menu (drawn before prompt_toolkit loads) and prompt_toolkit's
raw mode, and between any two prompts, the terminal used to be in its cooked mode:
a Ctrl-D typed then was lost (the game waited on at its title: tests/test_tty.py's
Ctrl-D test failed so under load) and a Ctrl-\\ killed the game by SIGQUIT
(tests/hostile/test_keystrokes.py's seed 5, whose first key is Ctrl-\\). Those
moments last a few to some tens of milliseconds, so the keys here are typed a
millisecond apart through them, and the terminal's mode is read between keys.
Earlier still, before the game holds the terminal, a Ctrl-C ends the program: with
a goodbye, not a traceback.
"""
from __future__ import annotations

import termios
import time

import pexpect
import pytest
from test_tty import CTRL_C, CTRL_D, ENTER, GARDEN, Term

pytestmark = pytest.mark.slow  # pseudo-terminal
CTRL_BACKSLASH = "\x1c"
LIVE = b"\x1b[?2004h"  # prompt_toolkit's first bytes when its application starts


def _taken_as_typed(fd: int) -> str | None:
    """How the terminal would take a key now, if not as a key for the game to read:
    echoed, kept for a line, Ctrl-\\ as SIGQUIT, Ctrl-S as a stop to the game's
    output (the pty's master reads the mode of the game's end)."""
    mode = termios.tcgetattr(fd)
    iflag, lflag, cc = mode[0], mode[3], mode[6]
    if iflag & termios.IXON:
        return "flow control"
    if lflag & termios.ECHO:
        return "echoed"
    if lflag & termios.ICANON:
        return "a line"
    if lflag & termios.ISIG and cc[termios.VQUIT] == CTRL_BACKSLASH.encode():
        return "SIGQUIT"
    return None


def _read(t: Term) -> None:
    try:
        data = t.child.read_nonblocking(65536, timeout=0)
    except (pexpect.TIMEOUT, pexpect.EOF):
        return
    t.raw += data
    t.stream.feed(data)


def _type_quits(t: Term, done, modes: list[str | None]) -> None:
    """Ctrl-\\ every millisecond until ``done()`` and 0.2 s more (or the game ends)."""
    after, give_up = None, time.monotonic() + 30
    while t.child.isalive() and (after is None or time.monotonic() < after):
        if after is None and done():
            after = time.monotonic() + 0.2
        assert time.monotonic() < give_up, t.text
        t.child.send(CTRL_BACKSLASH)
        modes.append(_taken_as_typed(t.child.child_fd))
        time.sleep(0.001)
        _read(t)


def test_keys_typed_from_the_title_through_a_scene_wait_for_the_prompt(tmp_path):
    t = Term("play", GARDEN, "--seed", "1", saves=tmp_path / "saves")
    t.child.delaybeforesend = None  # keys as fast as the terminal takes them
    modes: list[str | None] = []
    try:
        t.wait_for("New story")  # the early title: prompt_toolkit is still loading
        _type_quits(t, lambda: LIVE in t.raw, modes)  # through its start
        t.child.send(ENTER)  # New story: Rich loads, the scene is drawn
        _type_quits(t, lambda: "Knock on the gate" in t.text, modes)
        alive = t.child.isalive()
        t.send(CTRL_D)
        code = t.exit_code()
    finally:
        if t.child.isalive():
            t.child.terminate(force=True)
    out = t.raw.decode(errors="replace")
    assert alive, ("Ctrl-\\ ended the game", t.child.signalstatus, out[-1500:])
    assert code == 0 and "Goodbye" in out and "Traceback" not in out, out[-1500:]
    assert "^\\" not in out, out[-1500:]  # never echoed over the page
    assert len(modes) > 50 and set(modes) == {None}, \
        {m: modes.count(m) for m in set(modes)}
    assert "The Gate" in out  # the scene was drawn among the typed keys


def test_ctrl_c_while_the_program_starts_ends_it_without_a_traceback(tmp_path):
    # -X importtime's lines (on stderr: the pty) tell when the program's own code runs;
    # a Ctrl-C typed the moment its command line module is loaded lands while the line
    # is parsed, before the command's own Ctrl-C handling (a traceback, before)
    t = Term("play", GARDEN, "--seed", "1", saves=tmp_path / "saves",
             env={"PYTHONPROFILEIMPORTTIME": "1"})
    t.child.delaybeforesend = None
    end = time.monotonic() + 30
    while b"| ana_story.cli.app\r\n" not in t.raw and t.child.isalive() \
            and time.monotonic() < end:
        time.sleep(0.001)
        _read(t)
    try:
        t.child.send(CTRL_C)
        code = t.exit_code()
    finally:
        if t.child.isalive():
            t.child.terminate(force=True)
    out = t.raw.decode(errors="replace")
    assert code in (0, 130) and "Goodbye" in out, (code, t.child.signalstatus, out[-1500:])
    assert "Traceback" not in out, out[-1500:]
