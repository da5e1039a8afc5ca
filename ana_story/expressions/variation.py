"""Text that varies with its showings: ``{% cycle %}``, ``{% sequence %}``,
``{% once %}`` and ``{% shuffle %}`` blocks, and their inline forms ``cycle('a', 'b')``.

Why derived counts: a block shows alternative n of its place's n-th showing, and
that count is read from what the State already holds (a scene's visits, a choice's
takes), so a block adds nothing to the State, a save or explore's key, and undo
and a reload show the same words. A block nested in an alternative counts that
alternative's own showings, worked out from its parent's count (``_own``), as
ink's nested sequences do. A shuffle is ink's NextSequenceShuffleIndex (Story.cs):
round r of k showings is a permutation drawn from (seed, r, site), taken one
place per showing, so every round shows each alternative once.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .language import ExprError, common_type
from .nodes import NO, STATE, Checked, call, const, state_attr

if TYPE_CHECKING:
    from .check import Checker

KINDS = ("cycle", "sequence", "once", "shuffle")  # the code of each is its index
MAX_ALTERNATIVES = 100  # per block: a bound on the code one block compiles to
_M = 0xFFFFFFFFFFFFFFFF
_STEP = 0x9E3779B97F4A7C15  # the site of a shuffle's j-th pick within a round


def count_tree(shown: tuple[str, ...]) -> ast.expr:
    """How often the place ``shown`` describes (Env.place) has been shown so far,
    this showing included."""
    how, *rest = shown
    if how == "menu":
        return call("_menu", STATE, const(tuple(rest)))
    get = ast.Attribute(value=state_attr("visits" if how == "visits" else "taken"),
                        attr="get", ctx=ast.Load())
    return ast.Call(func=get, args=[const(rest[0]), const(0)], keywords=[])


def own_count(kind: int, k: ast.Constant, j: int, outer: ast.expr) -> ast.expr:
    """The showings of alternative ``j`` of a block (of ``k`` alternatives, known when
    it closes: ``k`` is patched then) whose own count is ``outer``."""
    return call("_own", const(kind), k, const(j), outer)


def index_tree(kind: int, count: ast.expr, k: int, site: int) -> ast.expr:
    """Which alternative shows: 0 to k - 1, or k (nothing) for a spent once."""
    if kind == 3:
        return call("_shuffle", STATE, const(site), count, const(k))
    return call("_vary", const(kind), count, const(k))


def choose_tree(index: ast.expr, alternatives: list[ast.expr]) -> ast.expr:
    """The alternative ``index`` picks, working out only that one. ``_i`` is a
    local of the compiled lambda: a nested block sets it again only once its own
    alternative was picked, after every test of this block's chain."""
    if all(isinstance(a, ast.Constant) for a in alternatives):
        return ast.Subscript(value=ast.Tuple(elts=alternatives, ctx=ast.Load()), slice=index,
                             ctx=ast.Load())
    probe = ast.NamedExpr(target=ast.Name(id="_i", ctx=ast.Store()), value=index)
    tree = alternatives[-1]
    for j in range(len(alternatives) - 2, -1, -1):
        test = ast.Compare(left=probe if j == 0 else ast.Name(id="_i", ctx=ast.Load()),
                           ops=[ast.Eq()], comparators=[const(j)])
        tree = ast.IfExp(test=test, body=alternatives[j], orelse=tree)
    return tree


def check_count(n: int, offset: int, what: str) -> None:
    """A block or inline form with no alternatives, or too many: an error."""
    if n == 0:
        raise ExprError(f"{what} has no alternatives", "template-syntax", offset,
                        "write the alternatives between the tags, separated by '{% or %}'")
    if n > MAX_ALTERNATIVES:
        raise ExprError(f"{what} has {n} alternatives; the limit is {MAX_ALTERNATIVES}",
                        "too-large", offset)


def check_inline(ck: Checker, node: ast.Call, name: str) -> Checked:
    """``cycle('a', 'b')`` and the like: the alternative the block ``{% cycle %}``
    would show in the same place, the others never worked out."""
    count = ck.env.count
    if count is None:
        ck.fail(node, f"{name}() varies with how often its text was shown, and only a "
                "scene's text, a reply and a choice's label or locked reason count that",
                "expression-forbidden", "move it into the scene's text; to pick at "
                "random each time, use pick(...)")
    args = [ck.visit(a) for a in node.args]
    t = common_type([a[1] for a in args])
    if t is None:
        ck.fail(node, f"{name}() needs values of one kind", "type-mismatch")
    if name == "once" and t != "str":
        ck.fail(node, "once() shows each text once, then nothing: give it texts",
                "type-mismatch")
    kind = KINDS.index(name)
    site = ck.env.stable() if kind == 3 else 0
    alternatives = [a for a, _, _ in args] + ([const("")] if name == "once" else [])
    ck.pure = False
    return choose_tree(index_tree(kind, count, len(args), site), alternatives), t, NO


# --- at play time --------------------------------------------------------------------

def mix(seed: int, turn: int, site: int) -> float:
    """SplitMix64 over (seed, turn, site): a draw that depends only on the State (the
    one generator of random(), chance(), pick(), random gotos and shuffles)."""
    x = (seed * 0x9E3779B97F4A7C15 + turn * 0xBF58476D1CE4E5B9 + site * 0x94D049BB133111EB) & _M
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M
    return (x ^ (x >> 31)) / 18446744073709551616.0


def _vary(kind: int, n: int, k: int) -> int:
    """cycle (0), sequence (1, sticks at the last), once (2, then k: nothing)."""
    i = n - 1 if n > 0 else 0
    if kind == 0:
        return i % k
    if kind == 1:
        return i if i < k else k - 1
    return i if i < k else k


def _shuffle(s: Any, site: int, n: int, k: int) -> int:
    """ink's NextSequenceShuffleIndex: the round's permutation, drawn afresh from
    (seed, round, site) by picking without putting back, read at this showing."""
    i = n - 1 if n > 0 else 0
    round_, at = divmod(i, k)
    left = list(range(k))
    for j in range(at + 1):
        picked = left.pop(int(mix(s.seed, round_, (site + j * _STEP) & _M) * len(left)))
    return picked


def _menu(s: Any, keys: tuple[str, ...]) -> int:
    """How often a scene's menu was shown: once, and again after each take of one of
    its choices (every way back to it, or a stay, follows one)."""
    taken: dict[str, int] = s.taken
    return 1 + sum([taken.get(k, 0) for k in keys])


def _own(kind: int, k: int, j: int, n: int) -> int:
    """The showings of alternative j so far, when its block (of k) shows for the n-th
    time and picks j."""
    if kind == 0:
        return (n - 1 - j) // k + 1
    if kind == 1:
        return n - j if j == k - 1 else 1
    if kind == 3:
        return (n - 1) // k + 1
    return 1


RUNTIME: dict[str, Any] = {"_vary": _vary, "_shuffle": _shuffle, "_menu": _menu,
                           "_own": _own}
