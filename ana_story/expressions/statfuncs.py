"""The stat functions: ``fair_add``, ``fair_sub``, ``clamp``, ``case`` and ``cap``.

Why a module of their own: they came with the story's designed stats screen (issue
12), each has its own argument rules, and their run-time forms must behave exactly
as documented (fair_add is ChoiceScript's ``%+``, float for float, checked against
web/scene.js). The checker calls ``check_stat_call``; runtime.py binds ``RUNTIME``
into compiled code.
"""
from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING, Any

from .language import NUMERIC, common_type, describe, unify
from .nodes import call

if TYPE_CHECKING:
    from .check import Checker

def _percentile(name: str, x: Any) -> Any:
    """ChoiceScript's check: fair math takes a value from 0 to 100 (inclusive)."""
    if not 0 <= x <= 100:
        raise ValueError(f"{name}() needs a value from 0 to 100, not {x}")
    return x


def fair_add(x: Any, p: Any, name: str = "fair_add") -> int:
    """ChoiceScript's fairAdd (``x %+ p``, web/scene.js), line for line in its own
    order of float operations: for p > 0, x + p * ((100 - x) / 100) floored, at most
    99; else x - (0 - p) * (x / 100) raised to a whole number, at least 1. (So
    ``fair_add(100, 0)`` is 100 and ``fair_add(0, 0.5)`` is 0, as there.)"""
    v1 = _percentile(name, x)
    if p > 0:
        multiplier = (100 - v1) / 100
        up: int = math.floor(1 * v1 + p * multiplier)
        return min(up, 99)
    multiplier = v1 / 100
    down: int = math.ceil(v1 - (0 - p) * multiplier)
    return max(down, 1)


def fair_sub(x: Any, p: Any) -> int:
    """ChoiceScript's fairSubtract (``x %- p``): fairAdd of ``0 - p``."""
    return fair_add(x, 0 - p, "fair_sub")


def clamp(x: Any, lo: Any, hi: Any) -> Any:
    if lo > hi:
        raise ValueError(f"clamp() got a low bound ({lo}) above its high bound ({hi})")
    return lo if x < lo else hi if x > hi else x


def case(n: int, *options: Any) -> Any:
    """The n-th option, counting from 1 (as the player counts choices)."""
    if not 1 <= n <= len(options):
        raise ValueError(f"case() was given {n}, but has options 1 to {len(options)}")
    return options[n - 1]


def cap(text: str) -> str:
    """The text with its first letter a capital (ChoiceScript's ``$!{}``)."""
    return text[:1].upper() + text[1:]


RUNTIME: dict[str, Any] = {"_fair_add": fair_add, "_fair_sub": fair_sub,
                           "_clamp": clamp, "_case": case, "_cap": cap}


def check_stat_call(ck: Checker, node: ast.Call, name: str,
                    args: list[tuple[ast.expr, str, Any]]) -> tuple[ast.expr, str]:
    """One of the stat functions' calls: (tree, type), its arguments' types checked."""
    trees = [a for a, _, _ in args]
    types = [t for _, t, _ in args]
    if name == "cap":
        _need(ck, node, name, types, ("str",), "text")
        return call("_cap", *trees), "str"
    if name == "case":
        return _case(ck, node, args)
    _need(ck, node, name, types, NUMERIC, "numbers")
    if name == "clamp":
        t = unify(unify(types[0], types[1]), types[2])
        return call("_clamp", *trees), t or "float"
    return call("_" + name, *trees), "int"


def _need(ck: Checker, node: ast.Call, name: str, types: list[str],
          allowed: tuple[str, ...], what: str) -> None:
    for t, src in zip(types, node.args, strict=True):
        if t not in allowed:
            ck.fail(src, f"{name}() needs {what}, not {describe(t)}", "type-mismatch")


def _case(ck: Checker, node: ast.Call,
          args: list[tuple[ast.expr, str, Any]]) -> tuple[ast.expr, str]:
    """case(n, a, b, ...): n a whole number from 1 to the count of options (a constant
    n is checked here), the options of one kind."""
    (_, nt, nc), options = args[0], args[1:]
    if nt != "int":
        ck.fail(node.args[0], f"case() counts from 1 with a whole number, not {describe(nt)}",
                "type-mismatch")
    if isinstance(nc, int) and not isinstance(nc, bool) and not 1 <= nc <= len(options):
        ck.fail(node.args[0], f"case() is given {nc}, but has options 1 to {len(options)}",
                "expression-error")
    t = common_type([o[1] for o in options])
    if t is None:
        ck.fail(node, "case() needs options of one kind", "type-mismatch")
    return call("_case", *(a for a, _, _ in args)), t
