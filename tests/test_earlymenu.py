"""The title menu is on screen before prompt_toolkit has loaded (ui/earlymenu.py),
and nothing about it differs from the menu prompt_toolkit then draws: keys typed at
once are taken, the menu is not left twice on screen, the terminal is given back as
it was found."""
from __future__ import annotations

import time

import pytest
from test_tty import ANA_STORY, CTRL_C, DOWN, ENTER, Term

pytestmark = pytest.mark.slow
LIVE = b"\x1b[?2004h"  # prompt_toolkit's first bytes when its application starts


def wait_raw(t: Term, needle: bytes, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while needle not in t.raw and time.monotonic() < end and t.child.isalive():
        t.pump(0.02)
    assert needle in t.raw, t.raw[-2000:]


def test_menu_is_drawn_before_prompt_toolkit_and_takes_keys_typed_at_once(tmp_path):
    t = Term(saves=tmp_path / "saves")
    try:
        wait_raw(t, b"New story")
        t.child.send(DOWN + ENTER)  # typed the moment the menu shows: Quit
        code = t.exit_code(timeout=30)
    finally:
        if t.child.isalive():
            t.child.terminate(force=True)
    first, live = t.raw.index(b"New story"), t.raw.find(LIVE)
    assert 0 <= first < live, "the menu waited for prompt_toolkit"
    assert code == 0 and "Goodbye" in t.text, t.text
    assert t.text.count("New story") == 1, t.text  # the early copy was taken off
    assert t.text.count("2 Quit") == 1, t.text


def test_the_terminal_is_given_back_as_it_was_even_after_ctrl_c_at_once(tmp_path):
    # (a Ctrl-C landing just as prompt_toolkit takes over is a SIGINT, as before
    # this module, to the game, which says goodbye, and to sh: the trap keeps sh on)
    t = Term("-c", f"trap true INT; '{ANA_STORY}'; stty -a", saves=tmp_path / "saves",
             program="sh")
    try:
        wait_raw(t, b"New story")
        t.child.send(CTRL_C)  # kept for the menu, which leaves: no signal mid-import
        code = t.exit_code(timeout=30)
    finally:
        if t.child.isalive():
            t.child.terminate(force=True)
    out = t.raw.decode(errors="replace")
    assert code == 0 and "Goodbye" in out and "Traceback" not in out, out[-2000:]
    settings = out[out.rindex("speed"):].split()
    for flag in ("echo", "icanon", "isig", "icrnl", "iexten", "ixon"):
        assert flag in settings, (flag, settings)
    assert "quit = ^\\;" in out, out[out.rindex("speed"):]  # ui/typeahead.py gave it back
