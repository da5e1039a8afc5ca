"""Lists that declare their items: ``pencils in satchel``, ``satchel + pencils``,
``satchel - ledger``, ``len(satchel)``, ``joined(satchel, 'nothing')``.

Why a module of its own: a list's items are written bare, so a name means an item
only beside the list it belongs to (``Checker.item_of``); the rules for that, the
list operators and their run-time helpers live together here. A list's value is a
tuple of item names in declaration order: hashable (explore's keys), and its JSON
is already the list in the order the player reads it.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ..suggest import did_you_mean
from ..wording import show_list
from .language import describe, item_list, list_name
from .nodes import NO, Checked, call, const

if TYPE_CHECKING:
    from .check import Checker
    from .compiled import Env

_OPS_HINT = "a list takes '+' and '-' with its own items, such as satchel + pencils"


def item_name(ck: Checker, node: ast.Name) -> Checked | None:
    """A bare name that is an item of the list it is written beside, else None."""
    lst = ck.item_of
    decl = ck.env.lists.get(lst) if lst is not None else None
    if decl is None or node.id not in decl.items:
        return None
    return const(node.id), f"item[{lst}]", node.id


def unknown_name(ck: Checker, node: ast.Name) -> tuple[str, str, str | None] | None:
    """(message, code, hint) for a name that is neither a variable nor an item here,
    when lists are involved; None otherwise."""
    name, lst = node.id, ck.item_of
    if lst is not None and lst in ck.env.lists:
        items = ck.env.lists[lst].items
        hint = did_you_mean(name, items) or did_you_mean(name, ck.env.variables) or \
            f"the items of '{lst}' are: {', '.join(items)}"
        return (f"'{name}' is not an item of the list '{lst}'", "unknown-item", hint)
    for other, decl in ck.env.lists.items():
        if name in decl.items:
            return (f"'{name}' is an item of the list '{other}', not a variable",
                    "undeclared-variable",
                    f"write it beside its list: {name} in {other}, {other} + {name}")
    return None


def beside(ck: Checker, node: ast.expr, t: str) -> Checked:
    """Visit ``node`` written beside a value of type ``t``: when that is a list, bare
    names are its items, and one item reads as a list holding just it."""
    lst = list_name(t)
    if lst is None:
        return ck.visit(node)
    saved, ck.item_of = ck.item_of, lst
    try:
        checked = ck.visit(node)
    finally:
        ck.item_of = saved
    return as_list(checked, t)


def as_list(checked: Checked, t: str) -> Checked:
    """An item of the list typed ``t`` as that list holding it alone; else unchanged."""
    tree, rt, c = checked
    if item_list(rt) is None or item_list(rt) != list_name(t):
        return checked
    if c is not NO:
        return const((c,)), t, (c,)
    return ast.Tuple(elts=[tree], ctx=ast.Load()), t, NO


def binop(ck: Checker, node: ast.BinOp, op: str, left: Checked) -> Checked:
    """``list + item``, ``list - item`` (or another value of the same list)."""
    la, lt, lc = left
    ra, rt, rc = beside(ck, node.right, lt)
    if op not in ("+", "-") or rt != lt:
        ck.fail(node, f"cannot use '{op}' between {describe(lt)} and {describe(rt)}",
                "type-mismatch", _OPS_HINT)
    decl = ck.env.lists[str(list_name(lt))]
    if op == "-":
        tree = call("_ldrop", la, ra)
    elif decl.one:
        tree = call("_lone", la, ra)
    else:
        tree = call("_ladd", la, ra, const(tuple(decl.items)))
    return tree, lt, ck.fold(node, tree, lc, rc)


def membership(ck: Checker, node: ast.Compare) -> Checked:
    """``pencils in satchel``, ``ledger not in satchel``: the item is read beside
    the list on its right, so that list is looked at first."""
    ra, rt, rc = ck.visit(node.comparators[0])
    lst = list_name(rt)
    if lst is None or len(node.ops) != 1:
        ck.fail(node, "'in', 'is' and their negations are not part of the story "
                "language", hint="use == or !=" if lst is None else
                "ask one list at a time, joined by 'and'")
    saved, ck.item_of = ck.item_of, lst
    try:
        la, lt, lc = ck.visit(node.left)
    finally:
        ck.item_of = saved
    if item_list(lt) != lst:
        items = ck.env.lists[lst].items
        ck.fail(node.left, f"'in' asks whether the list '{lst}' holds an item, but this "
                f"is {describe(lt)}", "type-mismatch",
                f"write one of its items bare, such as {items[0]} in {lst}")
    tree = ast.Compare(left=la, ops=[node.ops[0].__class__()], comparators=[ra])
    return tree, "bool", ck.fold(node, tree, lc, rc)


def joined(ck: Checker, node: ast.Call, args: list[Checked]) -> Checked:
    """``joined(list, 'when empty')``: the labels, "a, b and c"."""
    (tree, t, c), *rest = args
    lst = list_name(t)
    if lst is None:
        ck.fail(node.args[0], f"joined() needs a list, not {describe(t)}", "type-mismatch")
    if rest and rest[0][1] != "str":
        ck.fail(node.args[1], "joined()'s second argument is the text shown when the list "
                f"is empty, not {describe(rest[0][1])}", "type-mismatch")
    empty = rest[0][0] if rest else const("")
    out = show_tree(ck.env, t, tree, empty)
    return out, "str", ck.fold(node, out, c, *(r[2] for r in rest))


def show_tree(env: Env, t: str, tree: ast.expr, empty: ast.expr | None = None) -> ast.expr:
    """The compiled form of a list shown to the player (``{{ satchel }}``)."""
    decl = env.lists[str(list_name(t))]
    pairs = tuple(zip(decl.items, decl.labels, strict=True))
    return call("_joined", tree, const(pairs), empty or const(""))


def _ladd(a: tuple[str, ...], b: tuple[str, ...], order: tuple[str, ...]) -> tuple[str, ...]:
    held = set(a).union(b)
    return tuple(i for i in order if i in held)


def _lone(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """An enum's '+': the new item replaces the old one."""
    return b or a


def _ldrop(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(i for i in a if i not in b)


def _joined(value: tuple[str, ...], pairs: tuple[tuple[str, str], ...], empty: str) -> str:
    return show_list(value, dict(pairs), empty)


RUNTIME: dict[str, Any] = {"_ladd": _ladd, "_lone": _lone, "_ldrop": _ldrop,
                           "_joined": _joined}
