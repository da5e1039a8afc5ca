"""The range of values one numeric expression can give, from the ranges of what it
reads (interval arithmetic): ranges.py's flow analyses and explore's abstraction
work effects out with it; ``ranger`` decides an expression's shape once.
"""
from __future__ import annotations

import ast
import math
from collections.abc import Callable

INF = math.inf
Range = tuple  # (low, high), floats, possibly infinite
FULL: Range = (-INF, INF)


def const_of(node) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        c = const_of(node.operand)
        return None if c is None else -c
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return float(node.value)
    return None


def _mul(a: Range, b: Range) -> Range:
    products = []
    for x in a:
        for y in b:
            products.append(0.0 if (x == 0 or y == 0) else x * y)
    return (min(products), max(products))


def value_range(node: ast.AST, env: dict) -> Range:
    """What a numeric expression can give, the variables in ``env`` ranging as said;
    ``node`` is part of an Expr's checked tree (Expr.tree)."""
    c = const_of(node)
    if c is not None:
        return (c, c)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a text: its length
        return (float(len(node.value)),) * 2
    if isinstance(node, ast.Name):
        return env.get(node.id, FULL)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        lo, hi = value_range(node.operand, env)
        return (-hi, -lo)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        return _binop_range(node, env)
    if isinstance(node, ast.IfExp):
        a, b = value_range(node.body, env), value_range(node.orelse, env)
        return (min(a[0], b[0]), max(a[1], b[1]))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        return _call_range(node.func.id, [value_range(a, env) for a in node.args])
    return FULL


_RANGERS: dict[int, tuple[ast.AST, Callable[[dict], Range]]] = {}  # id -> (node, ranger)


def ranger(node: ast.AST) -> Callable[[dict], Range]:
    """``value_range(node, env)`` as a function of ``env`` alone, made once per node
    (the flow analyses work an effect's range out at each visit of its scene)."""
    got = _RANGERS.get(id(node))
    if got is not None and got[0] is node:
        return got[1]
    if len(_RANGERS) >= 8192:
        _RANGERS.clear()
    fn = _make_ranger(node)
    _RANGERS[id(node)] = (node, fn)  # (the node kept: its id is not reused meanwhile)
    return fn


def _make_ranger(node: ast.AST) -> Callable[[dict], Range]:
    """The function ranger() keeps: value_range's cases decided once, not per call."""
    c = const_of(node)
    if c is not None or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        fixed = value_range(node, {})
        return lambda env: fixed
    if isinstance(node, ast.Name):
        name = node.id
        return lambda env: env.get(name, FULL)
    stepped = _stepped_of(node)
    if stepped is not None:
        return stepped
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _make_ranger(node.left), _make_ranger(node.right)

        def add(env: dict) -> Range:
            a, b = left(env), right(env)
            got = (a[0] + b[0], a[1] + b[1])
            return FULL if math.isnan(got[0]) or math.isnan(got[1]) else got
        return add
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        left, right = _make_ranger(node.left), _make_ranger(node.right)

        def sub(env: dict) -> Range:
            a, b = left(env), right(env)
            got = (a[0] - b[1], a[1] - b[0])
            return FULL if math.isnan(got[0]) or math.isnan(got[1]) else got
        return sub
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        func, args = node.func.id, [_make_ranger(a) for a in node.args]
        return lambda env: _call_range(func, [a(env) for a in args])
    return lambda env: value_range(node, env)  # the other shapes as value_range has them


def _stepped_of(node: ast.AST) -> Callable[[dict], Range] | None:
    """_stepped's ranger when ``node`` is ``name + c`` or ``name - c``; else None."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.left, ast.Name)
            and isinstance(node.op, (ast.Add, ast.Sub))):
        return None
    step = const_of(node.right)
    return None if step is None else _stepped(node.left.id, step, isinstance(node.op, ast.Add))


def _stepped(name: str, c: float, plus: bool) -> Callable[[dict], Range]:
    """_make_ranger's ``name + c`` (``plus``) or ``name - c``, the most common effect,
    without a call per side: the same sums, NaN (x != x) as no bound."""
    def add(env: dict) -> Range:
        a = env.get(name, FULL)
        lo, hi = a[0] + c, a[1] + c
        return FULL if lo != lo or hi != hi else (lo, hi)

    def sub(env: dict) -> Range:
        a = env.get(name, FULL)
        lo, hi = a[0] - c, a[1] - c
        return FULL if lo != lo or hi != hi else (lo, hi)
    return add if plus else sub


def _binop_range(node: ast.BinOp, env: dict) -> Range:
    """``a + b``, ``a - b`` or ``a * b``, from the ranges of a and b."""
    a, b = value_range(node.left, env), value_range(node.right, env)
    if isinstance(node.op, ast.Add):
        got = (a[0] + b[0], a[1] + b[1])
    elif isinstance(node.op, ast.Sub):
        got = (a[0] - b[1], a[1] - b[0])
    else:
        got = _mul(a, b)
    return FULL if math.isnan(got[0]) or math.isnan(got[1]) else got


def _min_max(name: str, args: list[Range]) -> Range:
    f = min if name == "min" else max
    return (f(a[0] for a in args), f(a[1] for a in args))


def _abs_range(args: list[Range]) -> Range:
    lo, hi = args[0]
    low = 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
    return (low, max(abs(lo), abs(hi)))


def _whole_range(args: list[Range]) -> Range:
    lo, hi = args[0]
    # an end at infinity (1e300 * 1e300 overflows to it) stays there
    return (math.floor(lo) if math.isfinite(lo) else lo,
            math.ceil(hi) if math.isfinite(hi) else hi)


# function -> (does this rule apply to these many arguments?, the range it gives)
_CALLS: dict[str, tuple[Callable[[int], bool], Callable[[str, list[Range]], Range]]] = {
    "min": (lambda n: n > 1, _min_max),
    "max": (lambda n: n > 1, _min_max),
    "abs": (lambda n: True, lambda _, a: _abs_range(a)),
    "round": (lambda n: n == 1, lambda _, a: _whole_range(a)),
    "floor": (lambda n: n == 1, lambda _, a: _whole_range(a)),
    "ceil": (lambda n: n == 1, lambda _, a: _whole_range(a)),
    "int": (lambda n: n == 1, lambda _, a: _whole_range(a)),
    "random": (lambda n: n == 2, lambda _, a: (a[0][0], a[1][1])),
    "str": (lambda n: True, lambda _, a: (1.0, 32.0)),  # the length of a number written out
    "pick": (lambda n: True, lambda _, a: (min(x[0] for x in a), max(x[1] for x in a))),
    "fair_add": (lambda n: n == 2, lambda _, a: (1.0, 99.0)),
    "fair_sub": (lambda n: n == 2, lambda _, a: (1.0, 99.0)),
    "clamp": (lambda n: n == 3, lambda _, a: _clamp_range(a)),
    "case": (lambda n: n > 1, lambda _, a: (min(x[0] for x in a[1:]),
                                            max(x[1] for x in a[1:]))),
}


def _clamp_range(args: list[Range]) -> Range:
    """clamp(x, lo, hi) = min(max(x, lo), hi) grows with each argument, so its range
    runs from its value at the arguments' lows to its value at their highs."""
    (xlo, xhi), (llo, lhi), (hlo, hhi) = args
    return (min(max(xlo, llo), hlo), min(max(xhi, lhi), hhi))


def _call_range(name: str, args: list[Range]) -> Range:
    """What story function ``name`` gives for arguments ranging over ``args``."""
    rule = _CALLS.get(name)
    if rule is None or not rule[0](len(args)):
        return FULL
    return rule[1](name, args)
