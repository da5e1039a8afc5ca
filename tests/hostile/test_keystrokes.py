"""Random typing at the real CLI in a pseudo-terminal: arrows, digits, words, control
bytes (all but Ctrl-Z), Ctrl-C, Ctrl-D, very long lines and pasted multi-line text.
The game may end or go on, but never with a traceback, never hung, and whatever
autosave it leaves must load.

CI tries SEQUENCES sequences; the long run:

    ANA_STORY_KEYSTROKE_RUNS=200 python -m pytest tests/hostile/test_keystrokes.py
"""
from __future__ import annotations

import os
import random

import pytest
from conftest import FIXTURES
from test_tty import CTRL_C, CTRL_D, DOWN, ENTER, TAB, UP, Term

from ana_story.loader import load_story
from ana_story.saves.store import SaveStore

pytestmark = pytest.mark.slow  # pseudo-terminal fuzz

SEQUENCES = int(os.environ.get("ANA_STORY_KEYSTROKE_RUNS", "12"))
GARDEN = FIXTURES / "ui-garden"
CONTROL = [chr(c) for c in range(1, 32) if c not in (0x1A,)] + ["\x7f"]
WORDS = ["save", "load", "undo", "history", "stats", "help", "restart", "saves", "quit",
         "save [red]x[/red]", "save ../../etc/passwd", "load nope", "undo 99", "1", "2",
         "3", "0", "-1", "999999999999", "y", "n", "q"]


def keystrokes(rng: random.Random) -> list[str]:
    keys = []
    for _ in range(rng.randint(5, 40)):
        kind = rng.random()
        if kind < 0.3:
            keys.append(rng.choice("123456789") + ENTER)
        elif kind < 0.45:
            keys.append(rng.choice([UP, DOWN, ENTER, TAB, "\x1b[C", "\x1b[D", "\x1b"]))
        elif kind < 0.6:
            keys.append(rng.choice(WORDS) + ENTER)
        elif kind < 0.75:
            keys.append("".join(rng.choice(CONTROL) for _ in range(rng.randint(1, 4))))
        elif kind < 0.82:  # a very long line: pasted (as a terminal pastes), or typed
            ch = rng.choice("abcxyz[]*\\")
            if rng.random() < 0.5:
                keys.append("\x1b[200~" + ch * rng.randint(2000, 10000) + "\x1b[201~" + ENTER)
            else:  # prompt_toolkit redraws the line per key: typed floods are kept human
                keys.append(ch * rng.randint(100, 300) + ENTER)
        elif kind < 0.9:
            pasted = "\n".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
            keys.append(rng.choice([pasted + "\r", "\x1b[200~" + pasted + "\x1b[201~\r"]))
        elif kind < 0.95:
            keys.append(CTRL_C)
        else:
            keys.append(CTRL_D)
    return keys


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_random_typing_never_crashes_and_leaves_a_loadable_autosave(tmp_path, seed):
    rng = random.Random(seed)
    saves = tmp_path / "saves"
    t = Term("play", str(GARDEN), "--seed", str(seed), saves=saves)
    try:
        t.wait_for("The Walled Garden", "New story")
        for key in keystrokes(rng):
            if not t.child.isalive():
                break
            t.send(key, settle=0.05)
        for _ in range(3):  # leave, however the game stands
            if t.child.isalive():
                t.send(CTRL_D, settle=0.3)
                t.send(CTRL_C, settle=0.3)
        code = t.exit_code(timeout=90)  # a flood of typed keys takes prompt_toolkit a while
    finally:
        if t.child.isalive():
            t.child.terminate(force=True)
    out = t.raw.decode("utf-8", errors="replace")
    assert "Traceback" not in out and "internal error" not in out, out[-3000:]
    assert code == 0, (code, out[-3000:])
    store = SaveStore(load_story(GARDEN), saves)
    for info in store.list():
        assert not hasattr(info, "reason"), info  # no save was left damaged
        store.load(info.slot)
