"""check --strict reports the evident dead choices (issue 13.6): conditions no value
a variable can take meets, and fallbacks an unconditional choice always hides."""
from __future__ import annotations

import json

from conftest import FIXTURES, run_cli

from ana_story.expressions import Env, compile_expr
from ana_story.loader import load_story
from ana_story.tools.ranges import Ranges


def _warnings(folder: str) -> dict:
    r = run_cli("check", "--strict", "--format", "json", folder)
    assert r.returncode == 1, r.stdout
    return {(d["file"].rsplit("/", 1)[-1], d["line"], d["column"], d["code"]): d
            for d in json.loads(r.stdout)}


def test_a_tally_counted_up_only_while_below_2_never_passes_5():
    got = _warnings("tests/fixtures/explore-dead-choices")
    d = got[("01-orchard.yaml", 12, 13, "condition-never-true")]
    assert "'apples > 5'; 'apples' only takes values from 0 to 2" in d["message"]
    f = got[("01-orchard.yaml", 16, 9, "fallback-never-shown")]
    assert "choice 3 has no condition" in f["message"]


def test_clamped_and_decreasing_values_and_route_conditions():
    got = _warnings("tests/fixtures/check-ranges")
    assert set(k for k in got if k[3] == "condition-never-true") == {
        ("01-tower.yaml", 17, 13, "condition-never-true"),  # health < 0, clamped by max()
        ("01-tower.yaml", 24, 13, "condition-never-true"),  # oil > 1.5, only burnt down
    }
    assert "'oil' only takes values from 0 to 1.5" in \
        got[("01-tower.yaml", 24, 13, "condition-never-true")]["message"]


def test_a_value_a_loop_keeps_raising_has_no_upper_bound():
    ranges = Ranges(load_story(FIXTURES / "check-ranges"))
    assert ranges.env["steps"] == (0, float("inf"))
    assert ranges.never(compile_expr("steps > 100", Env({"steps": "int"}), want="bool")) is None

# the shipped story checking clean under --strict: tests/test_shipped_story.py
