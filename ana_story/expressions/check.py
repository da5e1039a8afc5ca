"""Checking, typing and rewriting one expression tree (all but calls: calls.py).

Why: a story expression is a subset of Python checked against a whitelist and
statically typed against the story's declared variables, then rewritten into a
tree that only this package builds; constant parts are folded here, with the
run-time guards, so ``9**9**9`` is refused when the story is checked.
"""
from __future__ import annotations

import ast
import math
from typing import Any, NoReturn

from ..suggest import did_you_mean
from .bounds import LimitError
from .calls import check_call
from .compiled import Env
from .language import (
    CONTROL_CHARS,
    FUNCTION_HELP,
    FUNCTIONS,
    MAX_INT,
    MAX_STR,
    NUMERIC,
    ExprError,
    describe,
    list_name,
    unify,
)
from .lists import beside, binop, item_name, membership, unknown_name
from .nodes import NO, Checked, call, clone, const
from .runtime import evaluate
from .templatetags import FILTER_FUNCTIONS

_TRUE_FALSE = {"true": True, "false": False, "True": True, "False": False}

_FORBIDDEN: dict[type[ast.AST], tuple[str, str | None]] = {
    ast.Attribute: ("attribute access ('.')", "stories cannot reach into values; use a variable"),
    ast.Subscript: ("indexing with [ ]", None),
    ast.List: ("lists", None), ast.Tuple: ("tuples or commas", None),
    ast.Dict: ("dictionaries", None), ast.Set: ("sets", None),
    ast.ListComp: ("comprehensions", None), ast.SetComp: ("comprehensions", None),
    ast.DictComp: ("comprehensions", None), ast.GeneratorExp: ("comprehensions", None),
    ast.Lambda: ("lambda functions", None), ast.NamedExpr: ("assignment ':='", None),
    ast.JoinedStr: ("f-strings", "use {{ }} in text instead"),
    ast.Starred: ("'*' unpacking", None), ast.Await: ("await", None),
    ast.Yield: ("yield", None), ast.YieldFrom: ("yield", None),
    ast.Slice: ("slices", None),
}

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/",
           ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}
_CMPOPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=",
           ast.Gt: ">", ast.GtE: ">="}
_FOLD_ERRORS = (LimitError, ArithmeticError, ValueError, TypeError, MemoryError)


def _compare_hint(node: ast.expr, t: str) -> str:
    """'compare it' with the author's own words, never another story's variables."""
    part = ast.unparse(node)
    test = f'{part} != ""' if t == "str" else f"{part} > 0"
    if list_name(t) is not None:
        test = f"len({part}) > 0"
    return f"compare it, for example '{test}'"


def _string_problem(v: str) -> tuple[str, str, str | None] | None:
    """(message, code, hint) when a text constant cannot be story text."""
    if len(v) > MAX_STR:
        return f"text longer than {MAX_STR} characters", "too-large", None
    bad = CONTROL_CHARS.search(v)
    if bad:
        return (f"text holds the control character U+{ord(bad.group()):04X}",
                "control-character",
                "remove it: control characters can take over the player's terminal")
    if not v.isprintable() and any(0xD800 <= ord(c) <= 0xDFFF for c in v):
        return ("text holds a lone surrogate ('\\ud800'...), which is not a "
                "character: no save could hold it", "control-character", None)
    return None


class Checker:
    """Checks, types and rewrites one expression tree.

    Each visit returns (python ast for the lambda body, type, constant value or
    NO). Constant subtrees are evaluated here, with the same guards as at run
    time, so overflow bombs are reported when the story is checked.
    """

    def __init__(self, env: Env, base: int = 0):
        self.env = env
        self.base = base  # offset of this expression inside a larger text
        self.reads: set[str] = set()
        self.scenes: set[str] = set()
        self.pure = True
        self.item_of: str | None = None  # the list whose items bare names are (lists.py)
        # a function's or snippet's parameters -> what they stand for (functions.py)
        self.params: dict[str, Checked] = {}
        self.inlined = 0  # parts of function bodies written into this one so far

    def fail(self, node: ast.AST | None, message: str, code: str = "expression-forbidden",
             hint: str | None = None) -> NoReturn:
        off = getattr(node, "col_offset", 0) if node is not None else 0
        raise ExprError(message, code, self.base + off, hint)

    def visit(self, node: ast.AST) -> Checked:
        for kind, (what, hint) in _FORBIDDEN.items():
            if isinstance(node, kind):
                self.fail(node, f"{what} are not allowed in story expressions"
                          if what.endswith("s") else
                          f"{what} is not allowed in story expressions", hint=hint)
        method = getattr(self, "v_" + type(node).__name__, None)
        if method is None:
            self.fail(node, f"'{type(node).__name__}' is not part of the story language")
        result: Checked = method(node)
        return result

    # literals and names
    def v_Constant(self, node: ast.Constant) -> Checked:
        v = node.value
        if isinstance(v, bool):
            return const(v), "bool", v
        if isinstance(v, int):
            if abs(v) > MAX_INT:
                self.fail(node, f"the number {str(v)[:20]}... is too large", "too-large")
            return const(v), "int", v
        if isinstance(v, float):
            if not math.isfinite(v):
                self.fail(node, "that number is too large", "too-large")
            return const(v), "float", v
        if isinstance(v, str):
            problem = _string_problem(v)
            if problem:
                self.fail(node, *problem)
            return const(v), "str", v
        self.fail(node, f"{type(v).__name__} values are not part of the story language")

    def v_Name(self, node: ast.Name) -> Checked:
        name = node.id
        if name in _TRUE_FALSE:
            return const(_TRUE_FALSE[name]), "bool", _TRUE_FALSE[name]
        if name.startswith("_"):
            self.fail(node, f"names starting with '_' are not allowed: '{name}'")
        if name in self.params:
            tree, pt, c = self.params[name]
            return clone(tree), pt, c
        if (name in FUNCTIONS or name in self.env.functions) and \
                name not in self.env.variables:
            self.fail(node, f"'{name}' is a function; call it like {name}(...)",
                      "expression-syntax")
        t = self.env.variables.get(name)
        if t is None and self.env.lists:
            found = item_name(self, node)
            if found is not None:
                return found
            unknown = unknown_name(self, node)
            if unknown is not None:
                self.fail(node, *unknown)
        if t is None:
            hint = (did_you_mean(name, self.env.variables) or
                    "declare it under 'variables:' in story.yaml")
            raise ExprError(f"unknown variable '{name}'", "undeclared-variable",
                            self.base + node.col_offset, hint)
        self.reads.add(name)
        self.pure = False
        return ast.Subscript(value=ast.Name(id="_v", ctx=ast.Load()),
                             slice=const(name), ctx=ast.Load()), t, NO

    # operators
    def v_BinOp(self, node: ast.BinOp) -> Checked:
        op = _BINOPS.get(type(node.op))
        if op is None:
            self._not_an_operator(node)
        la, lt, lc = self.visit(node.left)
        if list_name(lt) is not None:
            return binop(self, node, op, (la, lt, lc))
        ra, rt, rc = self.visit(node.right)
        tree: ast.expr
        if op == "+" and lt == rt == "str":
            t, tree = "str", call("_cat", la, ra)
        elif op == "*" and {lt, rt} == {"str", "int"}:
            t, tree = "str", call("_rep", la, ra)
        elif lt in NUMERIC and rt in NUMERIC:
            self._divisor(node, op, rc)
            t = "float" if op == "/" or "float" in (lt, rt) else "int"
            tree = (call("_pow", la, ra) if op == "**"
                    else ast.BinOp(left=la, op=node.op.__class__(), right=ra))
        else:
            self.fail(node, f"cannot use '{op}' between {describe(lt)} and {describe(rt)}",
                      "type-mismatch",
                      "use str(x) to turn a number into text"
                      if op == "+" and "str" in (lt, rt) else None)
        return tree, t, self.fold(node, tree, lc, rc)

    def _divisor(self, node: ast.BinOp, op: str, value: Any) -> None:
        """A constant 0 after '/', '//' or '%' is an error when the story loads."""
        if op in ("/", "//", "%") and value is not NO and value == 0:
            self.fail(node.right, f"'{op}' by zero: this can never be worked out",
                      "division-by-zero", "divide by something that cannot be 0")

    def _not_an_operator(self, node: ast.BinOp) -> NoReturn:
        """'|', '&', '^', '<<', '>>': a Jinja-style filter gets a hint of its own."""
        right = node.right.func if isinstance(node.right, ast.Call) else node.right
        if not (isinstance(node.op, ast.BitOr) and isinstance(right, ast.Name)):
            self.fail(node, "bitwise operators are not part of the story language")
        name = right.id
        args = [node.left] + (node.right.args if isinstance(node.right, ast.Call) else [])
        func = FILTER_FUNCTIONS.get(name, name)
        hint = (f"call the function instead: {func}({', '.join(map(ast.unparse, args))})"
                if func in FUNCTIONS else
                f"there is no '{name}'; call a story function instead, like "
                f"round(x) or str(x): {FUNCTION_HELP}")
        self.fail(right, f"'| {name}' is a filter, and story text has no filters",
                  "expression-forbidden", hint)

    def v_UnaryOp(self, node: ast.UnaryOp) -> Checked:
        a, t, c = self.visit(node.operand)
        tree: ast.expr
        if isinstance(node.op, ast.Not):
            if t != "bool":
                self.fail(node, f"'not' needs true/false, but this is {describe(t)}",
                          "type-mismatch")
            tree, rt = ast.UnaryOp(op=ast.Not(), operand=a), "bool"
        elif isinstance(node.op, (ast.USub, ast.UAdd)):
            if t not in NUMERIC:
                self.fail(node, f"cannot negate {describe(t)}", "type-mismatch")
            tree, rt = ast.UnaryOp(op=node.op.__class__(), operand=a), t
        else:
            self.fail(node, "'~' is not part of the story language")
        return tree, rt, self.fold(node, tree, c)

    def v_BoolOp(self, node: ast.BoolOp) -> Checked:
        parts, consts = [], []
        word = "and" if isinstance(node.op, ast.And) else "or"
        for v in node.values:
            a, t, c = self.visit(v)
            if t != "bool":
                self.fail(v, f"'{word}' joins true/false conditions, but this part is "
                          f"{describe(t)}", "type-mismatch",
                          _compare_hint(v, t))
            parts.append(a)
            consts.append(c)
        tree = ast.BoolOp(op=node.op.__class__(), values=parts)
        return tree, "bool", self.fold(node, tree, *consts)

    def v_Compare(self, node: ast.Compare) -> Checked:
        if self.env.lists and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            return membership(self, node)
        la, lt, lc = self.visit(node.left)
        ops: list[ast.cmpop] = []
        comps, consts = [], [lc]
        for op, right in zip(node.ops, node.comparators, strict=True):
            sym = _CMPOPS.get(type(op))
            if sym is None:
                self.fail(node, "'in', 'is' and their negations are not part of the story "
                          "language", hint="use == or !=")
            ra, rt, rc = beside(self, right, lt)
            ok = unify(lt, rt) is not None and (sym in ("==", "!=") or lt != "bool")
            ok = ok and (sym in ("==", "!=") or list_name(lt) is None)
            if not ok:
                self.fail(node, f"cannot compare {describe(lt)} with {describe(rt)} "
                          f"using '{sym}'", "type-mismatch")
            ops.append(op.__class__())
            comps.append(ra)
            consts.append(rc)
            lt = rt
        tree = ast.Compare(left=la, ops=ops, comparators=comps)
        return tree, "bool", self.fold(node, tree, *consts)

    def v_IfExp(self, node: ast.IfExp) -> Checked:
        ta, tt, tc = self.visit(node.test)
        if tt != "bool":
            self.fail(node.test, f"the condition after 'if' is {describe(tt)}, not "
                      "true/false", "type-mismatch")
        ba, bt, bc = self.visit(node.body)
        oa, ot, oc = self.visit(node.orelse)
        t = unify(bt, ot)
        if t is None:
            self.fail(node, f"the two sides of 'if ... else' differ: {describe(bt)} and "
                      f"{describe(ot)}", "type-mismatch")
        tree = ast.IfExp(test=ta, body=ba, orelse=oa)
        return tree, t, self.fold(node, tree, tc, bc, oc)

    def v_Call(self, node: ast.Call) -> Checked:
        return check_call(self, node)

    def fold(self, node: ast.AST, tree: ast.expr, *consts: Any) -> Any:
        """Evaluate a subtree made only of constants, so bombs show up in check."""
        if any(c is NO for c in consts):
            return NO
        try:
            value = evaluate(tree)
        except _FOLD_ERRORS as e:
            code = "too-large" if isinstance(e, (LimitError, OverflowError, MemoryError)) \
                else "expression-error"
            self.fail(node, f"this cannot be computed: {e}", code)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            self.fail(node, "that number is too large", "too-large")
        if isinstance(value, str) and len(value) > MAX_STR:
            self.fail(node, f"text longer than {MAX_STR} characters", "too-large")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(node, "that number is too large", "too-large")
        return value
