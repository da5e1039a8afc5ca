"""ranges.ranger: value_range decided once per expression, the same ranges."""
from __future__ import annotations

import ast
import math
import random

import pytest
from conftest import FIXTURES, ROOT

from ana_story.loader import load_story
from ana_story.tools.exprrange import ranger, value_range

ENDS = [-math.inf, -1e300, -7.0, -1.0, -0.5, 0.0, 1.0, 2.0, 3.5, 99.0, 1e300, math.inf]


def _envs(names: set[str], rng: random.Random, n: int = 12) -> list[dict]:
    out = []
    for _ in range(n):
        env = {}
        for name in names:
            if rng.random() < 0.15:
                continue  # not in the env: the full range
            a, b = sorted(rng.sample(ENDS, 2)) if rng.random() < 0.8 else [rng.choice(ENDS)] * 2
            env[name] = (a, b)
        out.append(env)
    return out


def _check(tree: ast.AST, rng: random.Random) -> int:
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for env in _envs(names, rng):
        want, got = value_range(tree, env), ranger(tree)(env)
        assert (got == want) or (all(map(math.isnan, got)) and all(map(math.isnan, want))), \
            (ast.unparse(tree), env)
    return 1


@pytest.mark.parametrize("source", [
    "x + 1", "x - 1", "1 - x", "x + y", "x - y", "-x + 2", "x * 2 - y", "min(x + 1, 100)",
    "max(x - 2, 0)", "min(x, y, 3)", "abs(x - 5)", "round(x / 2)", "clamp(x + y, 0, 10)",
    "x if y > 0 else x + 1", "random(1, x)", "str(x) + 'a'", "'ab' + name", "x + 1e308 + 1e308",
    "case(x > 1, 1, 2)", "min(x)", "pick(1, x, y - 3)", "floor(x) + ceil(y)", "-(x + -y)"])
def test_the_same_ranges_as_value_range(source):
    rng = random.Random(source)
    _check(ast.parse(source, mode="eval").body, rng)


@pytest.mark.parametrize("where", [ROOT / "scenes", FIXTURES / "features",
                                   FIXTURES / "explore-blowup", FIXTURES / "check-ranges"])
def test_the_same_ranges_on_every_effect_of_a_story(where):
    rng = random.Random(1)
    story = load_story(where)
    checked = sum(_check(e.tree, rng) for s in story.scenes.values() for c in s.choices
                  for _, e in c.effects if e.tree is not None)
    assert checked >= 3
