"""The story's own functions (``functions:`` in story.yaml): checked once, inlined
where they are called.

Why inlined: a call of ``nudge(craft, 10)`` becomes the checked body with the
arguments in place of the parameters, so compiled code holds no call and a step
costs what the written-out expression would. An argument used more than once in
the body, when it is more than a variable or a constant, is worked out once into a
local (``(_a1 := arg, body)[-1]``), so the copies cannot grow with nesting and a
random draw in it is one draw. A body reads story variables and its parameters,
never draws (the same call gives the same value within a step) and never writes.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ..suggest import did_you_mean
from .compiled import Env
from .language import FUNCTION_HELP, FUNCTIONS, RANDOM_FUNCTIONS, ExprError, describe
from .nodes import NO, Checked, clone, const
from .parse import parse

if TYPE_CHECKING:  # mypy reads them as the dataclasses they are made equal to
    from dataclasses import dataclass
else:  # the same classes without dataclasses' cost at start-up (records.py)
    from ..records import dataclass

if TYPE_CHECKING:
    from .check import Checker

MAX_INLINED_NODES = 5_000  # the size of one function's body once its calls are inlined
MAX_EXPANDED = 20_000  # the parts function calls may add to one expression
_LOCAL = "_a"  # the prefix of the locals arguments are worked out into
_counter = [0]  # locals are numbered afresh for each copy of a body


def _fresh() -> str:
    _counter[0] += 1
    return f"{_LOCAL}{_counter[0]}"


@dataclass(frozen=True)
class FunctionBody:
    """A story function, checked: its body's compiled tree with each parameter as a
    placeholder name, and its author tree (the tools read that one)."""

    name: str
    params: tuple[tuple[str, str], ...]  # (name, type) in order
    type: str
    tree: ast.expr  # compiled; parameter p is Name('_p_' + p)
    author: ast.expr  # as written, its own calls of functions expanded
    uses: dict[str, int]  # how often each parameter appears in ``tree``
    reads: frozenset[str]
    scenes: frozenset[str]
    pure: bool
    where: Any  # model.Location of its body, for messages
    size: int  # nodes in ``tree``

    def signature(self) -> str:
        return f"{self.name}({', '.join(p for p, _ in self.params)})"


def placeholder(param: str) -> str:
    return "_p_" + param


def calls_in(source: str) -> list[str]:
    """The names called in a body (for the call graph); [] when it does not parse
    (its own check says why)."""
    try:
        tree = parse(source)
    except ExprError:
        return []
    return [n.func.id for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle in ``graph`` (name -> names it uses) as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    for root in graph:
        if state.get(root):
            continue
        path: list[str] = [root]
        todo = [iter(graph[root])]
        state[root] = 1
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                todo.pop()
            elif nxt in graph and state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif nxt in graph and not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                todo.append(iter(graph[nxt]))
    return None


def compile_function(name: str, params: tuple[tuple[str, str], ...], source: str,
                     env: Env, where: Any = None) -> FunctionBody:
    """Check one body in the story's Env, its parameters typed as declared."""
    from .check import Checker  # check.py reaches this module through calls.py
    tree = parse(source)
    _no_draws(name, params, tree)
    ck = Checker(env)
    ck.params = {p: (ast.Name(id=placeholder(p), ctx=ast.Load()), t, NO) for p, t in params}
    try:
        body, t, _ = ck.visit(tree)
    except RecursionError:
        raise ExprError("expression too deeply nested", "too-large", 0) from None
    size = sum(1 for _ in ast.walk(body))
    if size > MAX_INLINED_NODES:
        raise ExprError(f"this body grows past {MAX_INLINED_NODES} parts once the "
                        "functions it calls are written out", "too-large", 0,
                        "call fewer functions in it, or fewer times")
    uses = {p: 0 for p, _ in params}
    for n in ast.walk(body):
        if isinstance(n, ast.Name) and n.id.startswith("_p_") and n.id[3:] in uses:
            uses[n.id[3:]] += 1
    return FunctionBody(name, params, t, body, author_tree(tree, env), uses,
                    frozenset(ck.reads), frozenset(ck.scenes), ck.pure, where, size)


def install_functions(env: Env, records: Any) -> None:
    """Each function of ``records`` (model.Function, in the order they were checked:
    callees first) compiled into ``env``: how a story read from the cache has them."""
    for r in records:
        env.functions[r.name] = compile_function(r.name, tuple(map(tuple, r.params)),
                                                 r.source, env, r.where)


def _no_draws(name: str, params: tuple[tuple[str, str], ...], tree: ast.expr) -> None:
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and \
                n.func.id in RANDOM_FUNCTIONS:
            example = ", ".join([p for p, _ in params[:1]] + ["random(1, 6)"])
            raise ExprError(f"a function cannot draw at random ({n.func.id}() here): it "
                            "gives the same value for the same arguments", "function-draw",
                            n.col_offset, "draw where you call it and pass the roll in, "
                            f"such as {name}({example})")


def unknown_function(name: str, env: Env) -> str:
    """The hint for an unknown function: the nearest name, else every name."""
    own = f"; and the story's own: {', '.join(env.functions)}" if env.functions else ""
    return did_you_mean(name, [*FUNCTIONS, *env.functions]) or \
        f"the story functions are: {FUNCTION_HELP}{own}"


def _trivial(tree: ast.expr) -> bool:
    """A constant or a variable read: as cheap to repeat as a local."""
    return isinstance(tree, (ast.Constant, ast.Name)) or (
        isinstance(tree, ast.Subscript) and isinstance(tree.value, ast.Name)
        and tree.value.id == "_v")


class _Put(ast.NodeTransformer):
    """Parameters replaced by their arguments; locals renamed afresh for this copy."""

    def __init__(self, args: dict[str, ast.expr]):
        self.args = args
        self.renamed: dict[str, str] = {}

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.args:
            arg: ast.expr = clone(self.args[node.id])
            return arg
        if node.id.startswith(_LOCAL) and node.id[len(_LOCAL):].isdigit():
            if node.id not in self.renamed:
                self.renamed[node.id] = _fresh()
            return ast.Name(id=self.renamed[node.id], ctx=node.ctx)
        return node


def substitute(tree: ast.expr, args: dict[str, ast.expr]) -> ast.expr:
    """A copy of ``tree`` with the names in ``args`` replaced (an author tree's
    parameters by the arguments as written)."""
    return _Put(args).visit(clone(tree))  # type: ignore[no-any-return]


def bind(args: dict[str, ast.expr], uses: dict[str, int],
         body: ast.expr) -> ast.expr:
    """``body`` (a fresh copy) with each parameter's placeholder replaced by its
    argument: in place when used once or cheap to repeat, else through a local."""
    put: dict[str, ast.expr] = {}
    locals_: list[ast.expr] = []
    for p, arg in args.items():
        if uses.get(p, 0) <= 1 or _trivial(arg):
            put[placeholder(p)] = arg
        else:
            name = _fresh()
            locals_.append(ast.NamedExpr(target=ast.Name(id=name, ctx=ast.Store()),
                                         value=arg))
            put[placeholder(p)] = ast.Name(id=name, ctx=ast.Load())
    tree = _Put(put).visit(clone(body))
    if not locals_:
        return tree  # type: ignore[no-any-return]  # a NodeTransformer gives an expr back
    return ast.Subscript(value=ast.Tuple(elts=[*locals_, tree], ctx=ast.Load()),
                         slice=const(-1), ctx=ast.Load())


def call_function(ck: Checker, node: ast.Call, fn: FunctionBody) -> Checked:
    """A call of a story function: its arguments checked against the parameters'
    types, then the body inlined with them."""
    shown = ast.unparse(node)
    at = f" (the function is defined at {fn.where})" if fn.where else ""
    given = _arguments(ck, node, fn, shown, at)
    ck.inlined += fn.size
    if ck.inlined > MAX_EXPANDED:
        ck.fail(node, f"{shown}: the function calls here grow past {MAX_EXPANDED} parts "
                "once written out", "too-large", "call fewer functions in one expression")
    checked: dict[str, ast.expr] = {}
    consts = []
    for (p, pt), arg in zip(fn.params, given, strict=True):
        tree, t, c = ck.visit(arg)
        if t != pt and not (pt == "float" and t == "int"):
            ck.fail(arg, f"{shown}: {p} is {describe(pt)}, not {describe(t)}{at}",
                    "type-mismatch")
        checked[p] = tree
        consts.append(c)
    tree = bind(checked, fn.uses, fn.tree)
    ck.reads |= fn.reads
    ck.scenes |= fn.scenes
    ck.pure = ck.pure and fn.pure
    if not fn.pure:
        return tree, fn.type, NO
    try:
        value = ck.fold(node, tree, *consts)
    except ExprError as e:
        e.message = f"{shown}: {e.message}{at}"
        e.args = (e.message,)
        raise
    return tree, fn.type, value


def _arguments(ck: Checker, node: ast.Call, fn: FunctionBody, shown: str,
               at: str) -> list[ast.expr]:
    """The argument nodes in parameter order (named ones placed by name)."""
    names = [p for p, _ in fn.params]
    takes = (f"{shown}: {fn.name}() takes {len(names)} argument"
             f"{'s' if len(names) != 1 else ''} ({', '.join(names)}), not ")
    if len(node.args) > len(names):
        ck.fail(node, f"{takes}{len(node.args) + len(node.keywords)}{at}",
                "expression-syntax")
    given: dict[str, ast.expr] = dict(zip(names, node.args, strict=False))
    for kw in node.keywords:
        _named(ck, kw, names, given, f"{shown}: {fn.name}()", at)
        given[str(kw.arg)] = kw.value
    missing = [p for p in names if p not in given]
    if missing:
        ck.fail(node, f"{takes}{len(given)}{at}", "expression-syntax",
                f"give it {', '.join(missing)} too")
    return [given[p] for p in names]


def _named(ck: Checker, kw: ast.keyword, names: list[str], given: dict[str, ast.expr],
           shown: str, at: str) -> None:
    """A named argument must name a parameter not given already."""
    if kw.arg is None or kw.arg not in names:
        ck.fail(kw, f"{shown} has no parameter '{kw.arg}'{at}", "expression-syntax",
                did_you_mean(kw.arg or "", names) or f"its parameters are: "
                f"{', '.join(names)}")
    if kw.arg in given:
        ck.fail(kw, f"{shown}: {kw.arg} is given twice", "expression-syntax")


def author_tree(tree: ast.expr, env: Env) -> ast.expr:
    """``tree`` with each call of a story function replaced by that function's author
    tree, its parameters by the arguments: what the author tools read."""
    if not env.functions or not any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            and n.func.id in env.functions for n in ast.walk(tree)):
        return tree
    return _Expand(env.functions).visit(clone(tree))  # type: ignore[no-any-return]


class _Expand(ast.NodeTransformer):
    def __init__(self, functions: dict[str, FunctionBody]):
        self.functions = functions
        self.size = 0

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        fn = self.functions.get(node.func.id) if isinstance(node.func, ast.Name) else None
        if fn is None:
            return node
        names = [p for p, _ in fn.params]
        args = dict(zip(names, node.args, strict=False))
        args.update({k.arg: k.value for k in node.keywords if k.arg})
        out: ast.expr = _Put(args).visit(clone(fn.author))
        self.size += sum(1 for _ in ast.walk(out))
        if self.size > MAX_EXPANDED:  # the arguments repeat as often as the body names them
            raise ExprError(f"the function calls here grow past {MAX_EXPANDED} parts once "
                            "written out", "too-large", node.col_offset,
                            "call fewer functions in one expression")
        return out
