"""Checking and rewriting a call of a story function (``visits('x')``, ``round(x)``).

Why apart from check.py: each family of functions (scene counts, random draws,
arithmetic) has its own rules for arguments and its own compiled form.
"""
from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..suggest import did_you_mean
from .functions import call_function, unknown_function
from .language import (
    FUNCTIONS,
    NUMERIC,
    STAT_FUNCTIONS,
    TURNS_CAP,
    ExprError,
    common_type,
    describe,
    list_name,
    unify,
)
from .lists import joined
from .nodes import NO, STATE, Checked, call, const, state_attr
from .statfuncs import check_stat_call
from .variation import KINDS, check_inline

if TYPE_CHECKING:
    from .check import Checker


def check_call(ck: Checker, node: ast.Call) -> Checked:
    """A call's compiled tree, type and constant value (NO unless folded)."""
    own = ck.env.functions.get(node.func.id) if isinstance(node.func, ast.Name) else None
    if own is not None:  # the story's own function, inlined (functions.py)
        return call_function(ck, node, own)
    name = _function(ck, node)
    if name in ("visits", "seen", "turns_since"):
        return _scene_count(ck, node, name)
    if name == "taken":
        return _taken(ck, node)
    if name in KINDS:
        return check_inline(ck, node, name)
    args = [ck.visit(a) for a in node.args]
    if name in ("random", "chance", "pick"):
        return _draw(ck, node, name, args)
    if name == "joined":
        return joined(ck, node, args)
    _no_lists(ck, node, name, args)
    if name in STAT_FUNCTIONS:
        tree, rt = check_stat_call(ck, node, name, args)
        return tree, rt, ck.fold(node, tree, *(c for _, _, c in args))
    tree, rt = _arithmetic(ck, node, name, args)
    return tree, rt, ck.fold(node, tree, *(c for _, _, c in args))


def _function(ck: Checker, node: ast.Call) -> str:
    """The name of the story function called, its argument count checked."""
    if not isinstance(node.func, ast.Name):
        ck.visit(node.func)  # reports the forbidden construct
        ck.fail(node, "only the story functions can be called")
    name = node.func.id
    if name not in FUNCTIONS:
        raise ExprError(f"unknown function '{name}'", "unknown-function",
                        ck.base + node.col_offset,
                        unknown_function(name, ck.env))
    if node.keywords:
        ck.fail(node, f"{name}() takes no named arguments")
    lo, hi = FUNCTIONS[name]
    n = len(node.args)
    if n < lo or n > hi:
        want = str(lo) if lo == hi else f"{lo} to {hi}"
        ck.fail(node, f"{name}() takes {want} argument{'s' if hi != 1 else ''}, "
                f"not {n}", "expression-syntax")
    return name


def _scene_count(ck: Checker, node: ast.Call, name: str) -> Checked:
    """``visits('x')`` reads the State's count; ``seen('x')`` asks if there is one."""
    arg = node.args[0]
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        ck.fail(arg, f"{name}() takes a scene id in quotes, like {name}('attic')",
                "expression-syntax")
    scene = arg.value
    if ck.env.scenes is not None and scene not in ck.env.scenes:
        raise ExprError(f"unknown scene '{scene}'", "unknown-scene",
                        ck.base + arg.col_offset, did_you_mean(scene, ck.env.scenes))
    ck.scenes.add(scene)
    ck.pure = False
    if name == "turns_since":
        return _turns_since(scene), "int", NO
    visits = state_attr("visits")
    if name == "seen":
        return ast.Compare(left=const(scene), ops=[ast.In()],
                           comparators=[visits]), "bool", NO
    get = ast.Attribute(value=visits, attr="get", ctx=ast.Load())
    return ast.Call(func=get, args=[const(scene), const(0)], keywords=[]), "int", NO


def _turns_since(scene: str) -> ast.expr:
    """``turns_since('x')``: the turns since the State last entered x (State.entered,
    kept for the scenes named here: Story.timed), at most TURNS_CAP; -1 if never."""
    entered = state_attr("entered")
    ago = ast.BinOp(left=state_attr("turn"), op=ast.Sub(),
                    right=ast.Subscript(value=entered, slice=const(scene), ctx=ast.Load()))
    capped = call("_max", const(0), call("_min", ago, const(TURNS_CAP)))
    return ast.IfExp(test=ast.Compare(left=const(scene), ops=[ast.In()], comparators=[entered]),
                     body=capped, orelse=const(-1))


def _taken(ck: Checker, node: ast.Call) -> Checked:
    """``taken('scene.choice')``: how often that choice was taken (its scene checked
    here, the choice once every scene is built: see Env.taken)."""
    arg = node.args[0]
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            and "." in arg.value.strip(".")):
        ck.fail(arg, "taken() takes a choice's scene and id (or number from 0) in quotes, "
                "like taken('kitchen.ledger')", "expression-syntax")
    key = arg.value
    scene = key.rpartition(".")[0]
    if ck.env.scenes is not None and scene not in ck.env.scenes:
        raise ExprError(f"unknown scene '{scene}'", "unknown-scene",
                        ck.base + arg.col_offset, did_you_mean(scene, ck.env.scenes))
    ck.env.taken[key] = None
    ck.pure = False
    get = ast.Attribute(value=state_attr("taken"), attr="get", ctx=ast.Load())
    return ast.Call(func=get, args=[const(key), const(0)], keywords=[]), "int", NO


def _need(ck: Checker, node: ast.Call, name: str, args: list[Checked],
          pred: Callable[[str], bool], what: str) -> None:
    """Fail at the first argument whose type ``pred`` refuses."""
    for (_, t, _), src in zip(args, node.args, strict=True):
        if not pred(t):
            ck.fail(src, f"{name}() needs {what}, not {describe(t)}", "type-mismatch")


def _draw(ck: Checker, node: ast.Call, name: str, args: list[Checked]) -> Checked:
    """random(), chance(), pick(): each call site draws by its own number."""
    ck.pure = False
    old, new = ck.env.site()  # both numbers: the State's dice picks one
    site = (const(old), const(new))
    trees = [a for a, _, _ in args]
    if name == "random":
        _need(ck, node, name, args, lambda t: t == "int", "whole numbers")
        return call("_random", STATE, *site, *trees), "int", NO
    if name == "chance":
        _need(ck, node, name, args, lambda t: t in NUMERIC, "a number between 0 and 1")
        return call("_chance", STATE, *site, *trees), "bool", NO
    t = common_type([a[1] for a in args])
    if t is None:
        ck.fail(node, "pick() needs values of one kind", "type-mismatch")
    tup = ast.Tuple(elts=trees, ctx=ast.Load())
    return call("_pick", STATE, *site, tup), t, NO


def _text_or_list(t: str) -> bool:
    return t == "str" or list_name(t) is not None


def _no_lists(ck: Checker, node: ast.Call, name: str, args: list[Checked]) -> None:
    """A list goes to len() and joined() only."""
    if name == "len":
        return
    for (_, t, _), src in zip(args, node.args, strict=True):
        if list_name(t) is not None:
            ck.fail(src, f"{name}() does not take a list", "type-mismatch",
                    f"show its labels with joined({ast.unparse(src)}, 'nothing'), count "
                    f"them with len({ast.unparse(src)})")


def _arithmetic(ck: Checker, node: ast.Call, name: str,
                args: list[Checked]) -> tuple[ast.expr, str]:
    """min, max, abs, round, floor, ceil, int, str, len: (tree, type)."""
    trees = [a for a, _, _ in args]
    types = [t for _, t, _ in args]
    if name in ("min", "max"):
        t: str | None = types[0]
        for other in types[1:]:
            t = unify(t, other)
        if t is None or t == "bool":
            ck.fail(node, f"{name}() needs numbers or texts of one kind", "type-mismatch")
        return call("_" + name, *trees), t
    if name in ("abs", "round", "floor", "ceil"):
        _need(ck, node, name, args, lambda t: t in NUMERIC, "a number")
        if name == "abs":
            return call("_abs", *trees), types[0]
        if len(trees) == 2 and types[1] != "int":
            ck.fail(node, "round()'s second argument is a whole number of decimals",
                    "type-mismatch")
        return call("_" + name, *trees), "float" if len(trees) == 2 else "int"
    if name == "int":
        _need(ck, node, name, args, lambda t: t in NUMERIC or t == "bool", "a number")
        return call("_int", *trees), "int"
    if name == "str":
        return call("_str", *trees), "str"
    _need(ck, node, name, args, _text_or_list, "text")  # len
    return call("_len", *trees), "int"
