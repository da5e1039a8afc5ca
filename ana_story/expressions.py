"""The story language: conditions, effects and text templates.

Why this design (figures from DESIGN.md, Python 3.11 on the project machine):
Jinja2's sandbox costs 12-16 us per evaluation and 440-650 us to compile, which
alone would spend the engine's whole 10 us step budget. Instead an expression is
parsed with :mod:`ast`, checked against a whitelist *and* statically typed
against the story's declared variables, then rewritten into a lambda that reads
variables from a dict and is compiled once with no builtins: about 18 us to
compile and 0.3 us to evaluate. The rewritten tree contains only nodes this
module builds itself, so story text never reaches ``compile`` as code: there is
no attribute access, no subscripting, no names but declared variables and a
fixed set of story functions, and every operation that could grow without
bound (``**``, string repetition) goes through a guard. Constant parts are
folded at load time, so ``9**9**9`` is refused by ``check``, not at play time.

Templates (``{{ expr }}`` and ``{% if %}``) compile to one such lambda; text
with no template parts stays a plain string and costs nothing to render.
"""
from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from .bounds import MAX_OUTPUT, MAX_STR, LimitError, bounded_round, joined_text, take
from .suggest import did_you_mean
from .templatetags import FILTER_FUNCTIONS, split_tag, trailing_words, unknown_tag_hint

# Limits that keep a hostile story from hanging or exhausting the machine.
MAX_EXPR_LEN = 2_000  # characters in one expression
MAX_TEMPLATE_LEN = 200_000  # characters in one text template
MAX_INT = 10**15  # magnitude of any whole number a story stores
MAX_POW_BITS = 256  # size of an integer power's result, in bits
MAX_MARKS = 1_000  # parts of one text whose own line a run-time error can name

TYPE_NAMES = {"int": "a whole number", "float": "a number", "bool": "true/false",
              "str": "text"}
NUMERIC = ("int", "float")
# C0 and C1 control characters but tab and newline: in a terminal they move the cursor,
# retitle the window or open hyperlinks, so no story text or value may hold them.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_TRUE_FALSE = {"true": True, "false": False, "True": True, "False": False}


class ExprError(Exception):
    """A problem in one expression or template, found at compile time."""

    def __init__(self, message: str, code: str, offset: int = 0,
                 hint: str | None = None):
        super().__init__(message)
        self.message, self.code, self.offset, self.hint = message, code, offset, hint


# --- run-time helpers bound into compiled code --------------------------------

def _pow(a, b):
    if type(a) is int and type(b) is int:
        if b < 0:
            raise LimitError("a whole number to a negative power; write 1 / x ** n")
        if b > 1 and abs(a) > 1 and (b * abs(a).bit_length() > MAX_POW_BITS):
            raise LimitError(f"{a} ** {b} is too large a number")
        return a ** b
    r = float(a) ** b
    if isinstance(r, complex):
        raise LimitError(f"{a} ** {b} has no real value")
    return r


def _rep(a, b):
    s, n = (a, b) if isinstance(a, str) else (b, a)
    if n > 0 and len(s) * n > MAX_STR:
        raise LimitError(f"repeating text {n} times makes more than {MAX_STR} characters")
    return s * n


def _mix(seed: int, turn: int, site: int) -> float:
    """SplitMix64 over (seed, turn, call site): a draw that depends only on the State."""
    m = 0xFFFFFFFFFFFFFFFF
    x = (seed * 0x9E3779B97F4A7C15 + turn * 0xBF58476D1CE4E5B9 + site * 0x94D049BB133111EB) & m
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & m
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & m
    return (x ^ (x >> 31)) / 18446744073709551616.0


def _random(s, site, lo, hi):
    if lo > hi:
        lo, hi = hi, lo
    return lo + int(_mix(s.seed, s.turn, site) * (hi - lo + 1))


def _chance(s, site, p):
    return _mix(s.seed, s.turn, site) < p


def _pick(s, site, options):
    return options[int(_mix(s.seed, s.turn, site) * len(options))]


def fmt(value: Any) -> str:
    """How a value reads in story text: true/false, 2.5 not 2.50000001."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    return str(value)


def _to_str(value):
    if type(value) is int and value.bit_length() > 14_000:  # over 4,200 digits: Python
        raise LimitError("a number too large to show as text")  # itself refuses 4,300
    s = fmt(value)
    if len(s) > MAX_STR:
        raise LimitError(f"text longer than {MAX_STR} characters")
    return s


_RUNTIME = {
    "__builtins__": {},
    "_pow": _pow, "_rep": _rep, "_random": _random, "_chance": _chance,
    "_pick": _pick, "_round": bounded_round, "_min": min, "_max": max, "_abs": abs,
    "_cat": joined_text, "_take": take,
    "_str": _to_str, "_int": int, "_float": float, "_floor": math.floor,
    "_ceil": math.ceil, "_len": len,
}


def random_site_draw(state, site: int) -> float:
    """A draw in [0, 1) for a random `goto`, from the same generator as random()."""
    return _mix(state.seed, state.turn, site)


# --- the compile-time environment ---------------------------------------------

@dataclass
class Env:
    """What an expression may refer to: declared variables and scene ids."""

    variables: Mapping[str, str]  # name -> type name ("int", "float", "bool", "str")
    scenes: Collection[str] | None = None  # None: do not check scene names
    next_site: int = 1  # call-site numbers for random draws, unique per story
    # (source, wanted type) -> Expr: stories repeat 'craft + 1' and 'craft > 2' a lot
    cache: dict = field(default_factory=dict)

    def site(self) -> int:
        n = self.next_site
        self.next_site += 1
        return n


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled expression: call ``fn(variables, state)``."""

    source: str
    type: str
    fn: Callable[[dict, Any], Any] = field(repr=False, compare=False)
    reads: frozenset = frozenset()  # variable names read
    scenes: frozenset = frozenset()  # scene ids named in visits()/seen()
    constant: bool = False  # no variables, visits or randomness
    site0: int = 0  # number of its first random call site (0: none); kept by the cache
    where: Any = field(default=None, compare=False)  # model.Location of its own text

    def __call__(self, variables: dict, state: Any) -> Any:
        return self.fn(variables, state)

    def at(self, where: Any) -> Expr:
        """This expression as written at ``where`` (a cached one serves many places)."""
        return Expr(self.source, self.type, self.fn, self.reads, self.scenes, self.constant,
                    self.site0, where)


@dataclass(frozen=True, slots=True)
class Template:
    """Compiled text: ``const`` when there are no template parts, else ``fn``."""

    source: str
    const: str | None
    fn: Callable[[dict, Any], str] | None = field(default=None, repr=False, compare=False)
    reads: frozenset = frozenset()
    scenes: frozenset = frozenset()
    site0: int = 0  # number of its first random call site (0: none); kept by the cache
    where: Any = field(default=None, compare=False)  # model.Location of its own text
    marks: tuple = ()  # offset in source of each {{ }} and {% if %} condition, in order
    mark_wheres: tuple = field(default=(), compare=False)  # their Locations (loader)

    def render(self, variables: dict, state: Any) -> str:
        if self.const is not None:
            return self.const
        return self.fn(variables, state)

    def at(self, where: Any, mark_wheres: tuple = ()) -> Template:
        """This text as written at ``where``, its parts at ``mark_wheres``."""
        return Template(self.source, self.const, self.fn, self.reads, self.scenes,
                        self.site0, where, self.marks, mark_wheres)

    def failed_part(self, err: BaseException) -> int:
        """Which of ``marks`` was being worked out when ``err`` left this text's
        code, read from that code's frame in the traceback; -1 when unknown."""
        code = getattr(self.fn, "__code__", None)
        tb = err.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code is code:
                return tb.tb_frame.f_locals.get("_k", 0) - 1
            tb = tb.tb_next
        return -1


# --- checking and rewriting ----------------------------------------------------

_FORBIDDEN = {
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

# name -> (min args, max args or None)
FUNCTIONS = {
    "visits": (1, 1), "seen": (1, 1), "random": (2, 2), "chance": (1, 1),
    "pick": (1, 50), "min": (1, 20), "max": (1, 20), "abs": (1, 1),
    "round": (1, 2), "floor": (1, 1), "ceil": (1, 1), "int": (1, 1),
    "str": (1, 1), "len": (1, 1),
}
FUNCTION_HELP = ("visits('scene'), seen('scene'), random(a, b), chance(p), "
                 "pick(a, b, ...), min, max, abs, round, floor, ceil, int, str, len")


def _compare_hint(node: ast.expr, t: str) -> str:
    """'compare it' with the author's own words, never another story's variables."""
    part = ast.unparse(node)
    test = f'{part} != ""' if t == "str" else f"{part} > 0"
    return f"compare it, for example '{test}'"


def _describe(t: str) -> str:
    return TYPE_NAMES.get(t, t)


def _unify(a: str, b: str) -> str | None:
    if a == b:
        return a
    if a in NUMERIC and b in NUMERIC:
        return "float"
    return None


def _const(value) -> ast.Constant:
    return ast.Constant(value=value)


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


_STATE = ast.Name(id="_s", ctx=ast.Load())


def _state_attr(attr: str) -> ast.Attribute:
    # Only this module builds Attribute nodes, on the engine's own State object.
    return ast.Attribute(value=ast.Name(id="_s", ctx=ast.Load()), attr=attr, ctx=ast.Load())


class _Checker:
    """Checks, types and rewrites one expression tree.

    Each visit returns (python ast for the lambda body, type, constant value or
    _NO). Constant subtrees are evaluated here, with the same guards as at run
    time, so overflow bombs are reported when the story is checked.
    """

    _NO = object()

    def __init__(self, env: Env, base: int = 0):
        self.env = env
        self.base = base  # offset of this expression inside a larger text
        self.reads: set[str] = set()
        self.scenes: set[str] = set()
        self.pure = True

    def fail(self, node, message, code="expression-forbidden", hint=None):
        off = getattr(node, "col_offset", 0) if node is not None else 0
        raise ExprError(message, code, self.base + off, hint)

    def visit(self, node):
        for kind, (what, hint) in _FORBIDDEN.items():
            if isinstance(node, kind):
                self.fail(node, f"{what} are not allowed in story expressions"
                          if what.endswith("s") else
                          f"{what} is not allowed in story expressions", hint=hint)
        method = getattr(self, "v_" + type(node).__name__, None)
        if method is None:
            self.fail(node, f"'{type(node).__name__}' is not part of the story language")
        return method(node)

    # literals and names
    def v_Constant(self, node):
        v = node.value
        if isinstance(v, bool):
            return _const(v), "bool", v
        if isinstance(v, int):
            if abs(v) > MAX_INT:
                self.fail(node, f"the number {str(v)[:20]}... is too large", "too-large")
            return _const(v), "int", v
        if isinstance(v, float):
            if not math.isfinite(v):
                self.fail(node, "that number is too large", "too-large")
            return _const(v), "float", v
        if isinstance(v, str):
            if len(v) > MAX_STR:
                self.fail(node, f"text longer than {MAX_STR} characters", "too-large")
            bad = CONTROL_CHARS.search(v)
            if bad:
                self.fail(node, f"text holds the control character U+{ord(bad.group()):04X}",
                          "control-character",
                          "remove it: control characters can take over the player's terminal")
            if not v.isprintable() and any(0xD800 <= ord(c) <= 0xDFFF for c in v):
                self.fail(node, "text holds a lone surrogate ('\\ud800'...), which is not a "
                          "character: no save could hold it", "control-character")
            return _const(v), "str", v
        self.fail(node, f"{type(v).__name__} values are not part of the story language")

    def v_Name(self, node):
        name = node.id
        if name in _TRUE_FALSE:
            return _const(_TRUE_FALSE[name]), "bool", _TRUE_FALSE[name]
        if name.startswith("_"):
            self.fail(node, f"names starting with '_' are not allowed: '{name}'")
        if name in FUNCTIONS:
            self.fail(node, f"'{name}' is a function; call it like {name}(...)",
                      "expression-syntax")
        t = self.env.variables.get(name)
        if t is None:
            hint = (did_you_mean(name, self.env.variables) or
                    "declare it under 'variables:' in story.yaml")
            raise ExprError(f"unknown variable '{name}'", "undeclared-variable",
                            self.base + node.col_offset, hint)
        self.reads.add(name)
        self.pure = False
        return ast.Subscript(value=ast.Name(id="_v", ctx=ast.Load()),
                             slice=_const(name), ctx=ast.Load()), t, self._NO

    # operators
    def v_BinOp(self, node):
        op = _BINOPS.get(type(node.op))
        if op is None:
            self._not_an_operator(node)
        la, lt, lc = self.visit(node.left)
        ra, rt, rc = self.visit(node.right)
        bad = lambda: self.fail(  # noqa: E731
            node, f"cannot use '{op}' between {_describe(lt)} and {_describe(rt)}",
            "type-mismatch",
            "use str(x) to turn a number into text" if op == "+" and "str" in (lt, rt) else None)
        if op == "+" and lt == rt == "str":
            t, tree = "str", _call("_cat", la, ra)
        elif op == "*" and {lt, rt} == {"str", "int"}:
            t, tree = "str", _call("_rep", la, ra)
        elif lt in NUMERIC and rt in NUMERIC:
            self._divisor(node, op, rc)
            if op == "/":
                t = "float"
            else:
                t = "int" if lt == rt == "int" else "float"
            tree = (_call("_pow", la, ra) if op == "**"
                    else ast.BinOp(left=la, op=node.op.__class__(), right=ra))
        else:
            bad()
        return tree, t, self._fold(node, tree, lc, rc)

    def _divisor(self, node, op: str, value) -> None:
        """A constant 0 after '/', '//' or '%' is an error when the story loads."""
        if op in ("/", "//", "%") and value is not self._NO and value == 0:
            self.fail(node.right, f"'{op}' by zero: this can never be worked out",
                      "division-by-zero", "divide by something that cannot be 0")

    def _not_an_operator(self, node):
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

    def v_UnaryOp(self, node):
        a, t, c = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            if t != "bool":
                self.fail(node, f"'not' needs true/false, but this is {_describe(t)}",
                          "type-mismatch")
            tree, rt = ast.UnaryOp(op=ast.Not(), operand=a), "bool"
        elif isinstance(node.op, (ast.USub, ast.UAdd)):
            if t not in NUMERIC:
                self.fail(node, f"cannot negate {_describe(t)}", "type-mismatch")
            tree, rt = ast.UnaryOp(op=node.op.__class__(), operand=a), t
        else:
            self.fail(node, "'~' is not part of the story language")
        return tree, rt, self._fold(node, tree, c)

    def v_BoolOp(self, node):
        parts, consts = [], []
        word = "and" if isinstance(node.op, ast.And) else "or"
        for v in node.values:
            a, t, c = self.visit(v)
            if t != "bool":
                self.fail(v, f"'{word}' joins true/false conditions, but this part is "
                          f"{_describe(t)}", "type-mismatch",
                          _compare_hint(v, t))
            parts.append(a)
            consts.append(c)
        tree = ast.BoolOp(op=node.op.__class__(), values=parts)
        return tree, "bool", self._fold(node, tree, *consts)

    def v_Compare(self, node):
        la, lt, lc = self.visit(node.left)
        ops, comps, consts = [], [], [lc]
        for op, right in zip(node.ops, node.comparators):
            sym = _CMPOPS.get(type(op))
            if sym is None:
                self.fail(node, "'in', 'is' and their negations are not part of the story "
                          "language", hint="use == or !=")
            ra, rt, rc = self.visit(right)
            ok = _unify(lt, rt) is not None and (sym in ("==", "!=") or lt != "bool")
            if not ok:
                self.fail(node, f"cannot compare {_describe(lt)} with {_describe(rt)} "
                          f"using '{sym}'", "type-mismatch")
            ops.append(op.__class__())
            comps.append(ra)
            consts.append(rc)
            lt = rt
        tree = ast.Compare(left=la, ops=ops, comparators=comps)
        return tree, "bool", self._fold(node, tree, *consts)

    def v_IfExp(self, node):
        ta, tt, tc = self.visit(node.test)
        if tt != "bool":
            self.fail(node.test, f"the condition after 'if' is {_describe(tt)}, not "
                      "true/false", "type-mismatch")
        ba, bt, bc = self.visit(node.body)
        oa, ot, oc = self.visit(node.orelse)
        t = _unify(bt, ot)
        if t is None:
            self.fail(node, f"the two sides of 'if ... else' differ: {_describe(bt)} and "
                      f"{_describe(ot)}", "type-mismatch")
        tree = ast.IfExp(test=ta, body=ba, orelse=oa)
        return tree, t, self._fold(node, tree, tc, bc, oc)

    # calls
    def v_Call(self, node):
        if not isinstance(node.func, ast.Name):
            self.visit(node.func)  # reports the forbidden construct
            self.fail(node, "only the story functions can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExprError(f"unknown function '{name}'", "unknown-function",
                            self.base + node.col_offset,
                            did_you_mean(name, FUNCTIONS) or
                            f"the story functions are: {FUNCTION_HELP}")
        if node.keywords:
            self.fail(node, f"{name}() takes no named arguments")
        lo, hi = FUNCTIONS[name]
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            self.fail(node, f"{name}() takes {want} argument{'s' if hi != 1 else ''}, "
                      f"not {n}", "expression-syntax")
        if name in ("visits", "seen"):
            arg = node.args[0]
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                self.fail(arg, f"{name}() takes a scene id in quotes, like {name}('attic')",
                          "expression-syntax")
            scene = arg.value
            if self.env.scenes is not None and scene not in self.env.scenes:
                raise ExprError(f"unknown scene '{scene}'", "unknown-scene",
                                self.base + arg.col_offset,
                                did_you_mean(scene, self.env.scenes))
            self.scenes.add(scene)
            self.pure = False
            visits = _state_attr("visits")
            if name == "seen":
                return ast.Compare(left=_const(scene), ops=[ast.In()],
                                   comparators=[visits]), "bool", self._NO
            get = ast.Attribute(value=visits, attr="get", ctx=ast.Load())
            return ast.Call(func=get, args=[_const(scene), _const(0)], keywords=[]), \
                "int", self._NO
        args = [self.visit(a) for a in node.args]
        types = [t for _, t, _ in args]
        trees = [a for a, _, _ in args]

        def need(pred, what):
            for (a, t, _), src in zip(args, node.args):
                if not pred(t):
                    self.fail(src, f"{name}() needs {what}, not {_describe(t)}",
                              "type-mismatch")

        if name in ("random", "chance", "pick"):
            self.pure = False
            site = _const(self.env.site())
            if name == "random":
                need(lambda t: t == "int", "whole numbers")
                return _call("_random", _STATE, site, *trees), "int", self._NO
            if name == "chance":
                need(lambda t: t in NUMERIC, "a number between 0 and 1")
                return _call("_chance", _STATE, site, *trees), "bool", self._NO
            t = types[0]
            for other in types[1:]:
                t = _unify(t, other)
                if t is None:
                    self.fail(node, "pick() needs values of one kind", "type-mismatch")
            tup = ast.Tuple(elts=trees, ctx=ast.Load())
            return _call("_pick", _STATE, site, tup), t, self._NO
        consts = [c for _, _, c in args]
        if name in ("min", "max"):
            t = types[0]
            for other in types[1:]:
                t = _unify(t, other)
            if t is None or t == "bool":
                self.fail(node, f"{name}() needs numbers or texts of one kind", "type-mismatch")
            tree, rt = _call("_" + name, *trees), t
        elif name == "abs":
            need(lambda t: t in NUMERIC, "a number")
            tree, rt = _call("_abs", *trees), types[0]
        elif name in ("round", "floor", "ceil"):
            need(lambda t: t in NUMERIC, "a number")
            if len(trees) == 2 and types[1] != "int":
                self.fail(node, "round()'s second argument is a whole number of decimals",
                          "type-mismatch")
            tree = _call("_" + name, *trees)
            rt = "float" if len(trees) == 2 else "int"
        elif name == "int":
            need(lambda t: t in NUMERIC or t == "bool", "a number")
            tree, rt = _call("_int", *trees), "int"
        elif name == "str":
            tree, rt = _call("_str", *trees), "str"
        else:  # len
            need(lambda t: t == "str", "text")
            tree, rt = _call("_len", *trees), "int"
        return tree, rt, self._fold(node, tree, *consts)

    def _fold(self, node, tree, *consts):
        """Evaluate a subtree made only of constants, so bombs show up in check."""
        if any(c is self._NO for c in consts):
            return self._NO
        try:
            value = _evaluate(tree)
        except (LimitError, ArithmeticError, ValueError, TypeError, MemoryError) as e:
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


def _evaluate(tree: ast.expr):
    code = compile(ast.fix_missing_locations(ast.Expression(body=tree)), "<story>", "eval")
    return eval(code, dict(_RUNTIME))  # noqa: S307 - a tree this module built


def _lambda(body: ast.expr) -> Callable:
    args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="_v"), ast.arg(arg="_s")],
                         kwonlyargs=[], kw_defaults=[], defaults=[])
    tree = ast.Expression(body=ast.Lambda(args=args, body=body))
    code = compile(ast.fix_missing_locations(tree), "<story>", "eval")
    return eval(code, dict(_RUNTIME))  # noqa: S307 - a tree this module built


# Operators from other languages, or typed the wrong way round, and what to write.
_MISTYPED = {"=>": ">=", "=<": "<=", "=!": "!=", "<>": "!=", "===": "==", "!==": "!="}
_MISTYPED_OPERATOR = re.compile(r"===|!==|=>|=<|=!|<>")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _mistyped_operator(source: str, base: int) -> None:
    """Raise the error for '=>' and the like (outside quoted text), if there is one."""
    mistyped = _MISTYPED_OPERATOR.search(_QUOTED.sub(lambda m: " " * len(m.group()), source))
    if mistyped:
        op = mistyped.group()
        raise ExprError(f"cannot read this expression: '{op}' is not an operator",
                        "expression-syntax", base + mistyped.start(), f"write '{_MISTYPED[op]}'")


def _parse(source: str, base: int = 0) -> ast.expr:
    if len(source) > MAX_EXPR_LEN:
        raise ExprError(f"expression longer than {MAX_EXPR_LEN} characters", "too-large", base)
    if not source.strip():
        raise ExprError("empty expression", "expression-syntax", base)
    if "\x00" in source:
        raise ExprError("expression holds a NUL character", "expression-syntax", base)
    try:
        with warnings.catch_warnings():  # Python's own warnings ("invalid escape
            warnings.simplefilter("ignore")  # sequence") would reach the author raw
            return ast.parse(source.strip(), mode="eval").body
    except SyntaxError as e:
        off = (e.offset or 1) - 1 + (len(source) - len(source.lstrip()))
        msg = e.msg
        hint = None
        _mistyped_operator(source, base)
        if "never closed" in msg or "unmatched" in msg:
            hint = ("inside { } in YAML a comma ends the value: put each 'set:' entry on "
                    "its own line, or quote the whole expression")
        elif re.search(r"(?<![=!<>])=(?!=)", source):
            hint = "to compare, write '==' (a single '=' is not allowed here)"
        elif "&&" in source or "||" in source:
            hint = "write 'and' / 'or' instead of '&&' / '||'"
        raise ExprError(f"cannot read this expression: {msg}", "expression-syntax",
                        base + max(off, 0), hint) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise ExprError("expression too deeply nested or too large", "too-large", base) \
            from None


def compile_expr(source: str, env: Env, *, want: str | None = None) -> Expr:
    """Compile one expression; ``want`` is the type it must have ("bool" for `if:`)."""
    cached = env.cache.get((source, want))
    if cached is not None:
        return cached
    first_site = env.next_site
    tree = _parse(source)
    checker = _Checker(env)
    try:
        body, t, _ = checker.visit(tree)
    except RecursionError:
        raise ExprError("expression too deeply nested", "too-large", 0) from None
    if want is not None and t != want and not (want == "float" and t == "int"):
        hint = None
        if want == "bool" and t in NUMERIC:
            hint = f"compare it, for example '{source.strip()} > 0'"
        raise ExprError(f"this gives {_describe(t)}, but {_describe(want)} is needed",
                        "type-mismatch", 0, hint)
    if want == "float" and t == "int":
        body = _call("_float", body)
    expr = Expr(source, want or t, _lambda(body), frozenset(checker.reads),
                frozenset(checker.scenes), checker.pure,
                first_site if env.next_site != first_site else 0)
    if env.next_site == first_site:  # no random draws: the same code serves every use
        env.cache[(source, want)] = expr
    return expr


# --- templates -----------------------------------------------------------------

_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}|\{#.*?#\}", re.S)
_ALONE = re.compile(r"^[ \t]*(\{%(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\})[ \t]*(?:\n|\Z)", re.M)
_PARA_SPLIT = re.compile(r"\n[ \t]*\n\s*")


def normalize(text: str) -> str:
    """Paragraphs separated by one blank line; lines within a paragraph joined."""
    paras = _PARA_SPLIT.split(text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paras if p.strip())


def _normalize_limited(count: list, text: str) -> str:
    """The rendered text, normalised; ``count`` counted its parts (bounds.take)."""
    if len(text) > MAX_OUTPUT:
        raise LimitError(f"the text grew past {MAX_OUTPUT} characters")
    return normalize(text)


_RUNTIME["_norm"] = _normalize_limited


def _lines_alone(source: str):
    """Spans of lines that hold only a {% %} or {# #} tag: they vanish whole."""
    yield from _ALONE.finditer(source)


def _tokens(source: str):
    """Yield ('text', s, off) | ('expr', s, off) | ('tag', s, off) in order."""
    alone = {m.start(1): m for m in _lines_alone(source)}
    pos = 0
    while pos < len(source):
        m = _TAG.search(source, pos)
        if m is None:
            yield "text", source[pos:], pos
            return
        start, end = m.start(), m.end()
        trim = alone.get(start)
        text_end = start
        if trim is not None:
            text_end = trim.start()
            end = trim.end()
        if text_end > pos:
            yield "text", source[pos:text_end], pos
        if m.group(1) is not None:
            yield "expr", m.group(1), m.start(1)
        elif m.group(2) is not None:
            yield "tag", m.group(2), m.start(2)
        pos = end
    # unmatched openers are plain text to the regex; check them in compile_template


def compile_template(source: str, env: Env) -> Template:
    """Compile scene or choice text; plain text stays a plain (normalized) string."""
    if len(source) > MAX_TEMPLATE_LEN:
        raise ExprError(f"text longer than {MAX_TEMPLATE_LEN} characters", "too-large", 0)
    if "{{" not in source and "{%" not in source and "{#" not in source:
        _check_stray_closers(source)
        return Template(source, normalize(source))
    reads: set[str] = set()
    scenes: set[str] = set()
    marks: list[int] = []
    # Marks cost little per part, but compiling tens of thousands of them does: past
    # MAX_MARKS parts a run-time error names the text's first line instead.
    mark = source.count("{{") + source.count("{%") <= MAX_MARKS
    first_site = env.next_site
    # stack of (kind, offset, branches: list[(cond_tree|None, parts)])
    root: list = []
    stack: list = [("root", 0, [(None, root)])]
    for kind, text, off in _tokens(source):
        parts = stack[-1][2][-1][1]
        if kind == "text":
            _check_stray_openers(text, off)
            if text:
                parts.append(_const(text))
        elif kind == "expr":
            tree = _parse(text, off)
            checker = _Checker(env, off + (len(text) - len(text.lstrip())))
            body, t, _ = checker.visit(tree)
            reads |= checker.reads
            scenes |= checker.scenes
            part = body if t == "str" else _call("_str", body)
            if mark and not isinstance(tree, ast.Name):  # a variable alone cannot fail
                part = _marked(marks, off + (len(text) - len(text.lstrip())), part)
            parts.append(_counted(part))
        else:
            word, rest, rest_off = split_tag(text, off)
            extra = trailing_words(word, rest)
            if extra is not None:
                raise ExprError(extra[0], "template-syntax", rest_off, extra[1])
            if word in ("if", "elif"):
                if not rest.strip():
                    raise ExprError(f"'{{% {word} %}}' needs a condition", "template-syntax", off)
                tree = _parse(rest, rest_off)
                checker = _Checker(env, rest_off + (len(rest) - len(rest.lstrip())))
                body, t, _ = checker.visit(tree)
                if t != "bool":
                    raise ExprError(f"the condition of '{word}' is {_describe(t)}, not "
                                    "true/false", "type-mismatch", rest_off,
                                    f"compare it, for example '{rest.strip()} > 0'")
                reads |= checker.reads
                scenes |= checker.scenes
                if mark:
                    body = _marked(marks, rest_off + (len(rest) - len(rest.lstrip())), body)
                if word == "if":
                    stack.append(("if", off, [(body, [])]))
                else:
                    _after_else(stack, "elif", off)
                    stack[-1][2].append((body, []))
            elif word == "else":
                _after_else(stack, "else", off)
                stack[-1][2].append((None, []))
            elif word == "endif":
                if stack[-1][0] != "if":
                    raise ExprError("'{% endif %}' without an open '{% if %}'",
                                    "template-syntax", off)
                _, _, branches = stack.pop()
                stack[-1][2][-1][1].append(_if_tree(branches))
            else:
                raise ExprError(f"unknown tag '{{% {word} %}}'", "template-syntax", off,
                                unknown_tag_hint(word))
    if len(stack) > 1:
        raise ExprError("'{% if %}' is never closed", "template-syntax", stack[-1][1],
                        "add '{% endif %}' where the conditional text ends")
    count = ast.NamedExpr(target=ast.Name(id="_c", ctx=ast.Store()),
                          value=ast.List(elts=[_const(0)], ctx=ast.Load()))
    fn = _lambda(_call("_norm", count, _concat(root)))
    return Template(source, None, fn, frozenset(reads), frozenset(scenes),
                    first_site if env.next_site != first_site else 0, marks=tuple(marks))


def _counted(part: ast.expr) -> ast.expr:
    """``_take(_c, part)``: the part, counted as it is made (bounds.take)."""
    return _call("_take", ast.Name(id="_c", ctx=ast.Load()), part)


def _marked(marks: list[int], offset: int, tree: ast.expr) -> ast.expr:
    """``(_k := k + 1) and tree``: the rendering notes in a local that part k (at
    ``offset``) is worked out next, so a run-time error can name that part's own
    line (Template.failed_part); a local store costs next to nothing."""
    marks.append(offset)
    mark = ast.NamedExpr(target=ast.Name(id="_k", ctx=ast.Store()), value=_const(len(marks)))
    return ast.BoolOp(op=ast.And(), values=[mark, tree])


def _after_else(stack: list, word: str, off: int) -> None:
    """An 'elif' or 'else' needs an open 'if' whose 'else' has not come yet."""
    if stack[-1][0] != "if":
        raise ExprError(f"'{{% {word} %}}' without an open '{{% if %}}'", "template-syntax",
                        off)
    if stack[-1][2][-1][0] is None:
        what = ("a second '{% else %}' in one '{% if %}'" if word == "else" else
                "'{% elif %}' after the '{% else %}' of its '{% if %}'")
        raise ExprError(what, "template-syntax", off,
                        "an '{% if %}' has at most one '{% else %}', and it comes last")


def _concat(parts: list) -> ast.expr:
    if not parts:
        return _const("")
    if len(parts) == 1:
        return parts[0]
    join = ast.Attribute(value=_const(""), attr="join", ctx=ast.Load())
    return ast.Call(func=join, args=[ast.Tuple(elts=parts, ctx=ast.Load())], keywords=[])


def _if_tree(branches: list) -> ast.expr:
    cond, parts = branches[0]
    rest = branches[1:]
    if cond is None:
        return _concat(parts)
    orelse = _if_tree(rest) if rest else _const("")
    return ast.IfExp(test=cond, body=_concat(parts), orelse=orelse)


def _check_stray_openers(text: str, off: int) -> None:
    for opener, closer in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
        i = text.find(opener)
        if i >= 0:
            raise ExprError(f"'{opener}' is never closed with '{closer}'", "template-syntax",
                            off + i)


def _check_stray_closers(text: str) -> None:
    i = text.find("%}")
    if i >= 0:
        raise ExprError("'%}' without a matching '{%'", "template-syntax", i)
