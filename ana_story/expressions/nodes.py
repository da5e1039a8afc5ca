"""Building the nodes of compiled story code.

Why: only this package builds the trees that reach ``compile``, from these few
node makers, so story text never becomes code on its own; the one Attribute node
reads the engine's own State.
"""
from __future__ import annotations

import ast
from typing import Any

# (tree of the compiled lambda's body, type name, constant value or NO)
Checked = tuple[ast.expr, str, Any]
NO: Any = object()  # "not a constant" (None is no good: it is never a story value)

STATE = ast.Name(id="_s", ctx=ast.Load())


def const(value: Any) -> ast.Constant:
    return ast.Constant(value=value)


def call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


def state_attr(attr: str) -> ast.Attribute:
    """``_s.attr``: the only Attribute node compiled code holds."""
    return ast.Attribute(value=ast.Name(id="_s", ctx=ast.Load()), attr=attr, ctx=ast.Load())


def clone(node: Any) -> Any:
    """A deep copy of a tree (an inlined body is copied for each call)."""
    if isinstance(node, ast.AST):
        fields = {f: clone(getattr(node, f)) for f in node._fields if hasattr(node, f)}
        return type(node)(**fields)
    if isinstance(node, list):
        return [clone(x) for x in node]
    return node
