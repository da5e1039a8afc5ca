"""The tools in a real pseudo-terminal: colour for check, a progress bar for explore."""
from __future__ import annotations

import os

import pexpect
import pytest
from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # pseudo-terminal

def _spawn(*args: str, timeout: int = 60) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    env.update(COLUMNS="100", LINES="30", TERM="xterm-256color")
    return pexpect.spawn("ana-story", list(args), cwd=str(ROOT), env=env,
                         encoding="utf-8", timeout=timeout, dimensions=(30, 100))


def test_check_on_a_terminal_colours_severity_and_caret():
    child = _spawn("check", str(FIXTURES / "tools-lint"))
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    assert child.exitstatus == 0
    assert "\x1b[1;33mwarning[unreachable-scene]\x1b[0m" in out
    assert "\x1b[1;32m^\x1b[0m" in out


def test_check_with_no_color_on_a_terminal_is_plain():
    env = dict(os.environ, NO_COLOR="1")
    child = pexpect.spawn("ana-story", ["check", str(FIXTURES / "tools-lint")],
                          cwd=str(ROOT), env=env, encoding="utf-8", timeout=60)
    child.expect(pexpect.EOF)
    assert "\x1b[" not in child.before
    assert "warning[unreachable-scene]" in child.before


def test_explore_on_a_terminal_shows_a_progress_bar_then_the_report():
    # the shipped story's whole proof (tens of thousands of States, a few seconds) runs
    # in the terminal; the wait is long for a loaded machine and ends at the report
    child = _spawn("explore", str(ROOT / "scenes"), timeout=240)
    child.expect("exploring")
    child.expect("States")
    child.expect(r"Endings: (\d+)/\1 reached")
    child.expect("OK: every scene and ending is reachable")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_explore_progress_bar_shows_states_per_second_and_the_projection():
    # 20,000 States: levels wide enough for the two workers, and a bar drawn (at most
    # 10 times a second) after --jobs' own progress calls, which it needs
    child = _spawn("explore", str(FIXTURES / "features"), "--max-states", "20000",
                   "--jobs", "2")
    child.expect(r"exploring · [\d,]+ States/s")
    child.expect(r"(projected ~[\d,]+ States|no end in sight \(courage unbounded\)), over the bou")
    child.expect("Size of the space: at least")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1


def test_explore_progress_bar_on_a_blowup_then_the_suggestion():
    child = _spawn("explore", str(FIXTURES / "explore-blowup"), "--max-states", "8000")
    child.expect(r"exploring · [\d,]+ States/s · projected ~[\d,]+ States, over the bound")
    child.expect(r"[\d,]+ / [\d,]+ States")
    child.expect("Blow-up: variable 'courage'")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3


def test_explore_with_json_on_a_terminal_draws_no_bar():
    child = _spawn("explore", str(FIXTURES / "explore-blowup"), "--max-states", "8000",
                   "--format", "json")
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    assert child.exitstatus == 3
    assert "exploring" not in out and "\x1b[" not in out
    assert out.lstrip().startswith("{")
