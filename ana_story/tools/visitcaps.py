"""How far a visit or take count matters: the cap above which counting higher
cannot change a comparison that reads it (``visits('x') > 2``: every count from 3 up
answers alike). Read by analysis.visit_caps and explore's takencaps."""
from __future__ import annotations

import ast
import math


def parents_of(tree: ast.AST) -> dict[int, ast.AST]:
    """id(node) -> its parent, for every node of ``tree`` but the root."""
    return {id(child): node for node in ast.walk(tree)
            for child in ast.iter_child_nodes(node)}


def counted_scene(node: ast.AST) -> tuple[str, bool] | None:
    """(scene, True for seen() / False for visits()) when ``node`` is such a call."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in ("visits", "seen") and node.args \
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value, node.func.id == "seen"
    return None


def visit_cap_of(node: ast.AST, parent: ast.AST | None) -> int | None:
    """The cap of ``visits('x')`` (``node``) under ``parent``: from ``visits('x') > 2``
    on, every count above 3 gives the same answer; None for any other use."""
    if not (isinstance(parent, ast.Compare) and len(parent.ops) == 1):
        return None
    other = parent.comparators[0] if parent.left is node else parent.left
    value: object = None
    if isinstance(other, ast.UnaryOp) and isinstance(other.op, ast.USub) and \
            isinstance(other.operand, ast.Constant):
        value = -other.operand.value  # type: ignore[operator]  # checked: a number
    elif isinstance(other, ast.Constant):
        value = other.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value):
        return max(0, math.floor(value) + 1)
    return None
