"""For explore's key: how much of each taken('scene.choice') count can matter.

As with visit counts (analysis.visit_caps): in ``taken('kitchen.hands') < 3`` every
count from 3 up gives the same answer, so the key keeps the count capped at 3; a
count used any other way in a condition, an effect or a route is kept exactly; one
only shown in text is left out (text never changes what a player can do next).
"""
from __future__ import annotations

import ast

from ...model import Story
from ..analysis import transition_exprs
from ..storymemo import remembered
from ..visitcaps import parents_of, visit_cap_of


@remembered
def taken_caps(story: Story) -> dict[str, int | None]:
    """choice key -> the count above which it no longer matters (None: every count)."""
    caps: dict[str, int | None] = {}
    if not _counts(story):
        return caps  # no taken() anywhere
    trees = [expr.tree for _, expr in transition_exprs(story) if expr.tree is not None]
    # In text, a bare {{ taken('x') }} cannot fail; any other use might (10 // (3 -
    # taken('x'))), so its count is kept as a condition's would be.
    trees += [t for t in _text_trees(story) if _taken_key(t) is None]
    for tree in trees:
        parents: dict[int, ast.AST] | None = None
        for node in ast.walk(tree):
            key = _taken_key(node)
            if key is None or key in caps and caps[key] is None:
                continue
            parents = parents if parents is not None else parents_of(tree)
            cap = visit_cap_of(node, parents.get(id(node)))
            caps[key] = None if cap is None else max(cap, caps.get(key) or 0)
    return caps


def _counts(story: Story) -> bool:
    """Whether any choice is counted: the loader marks each choice a taken() names."""
    return any(c.counted for s in story.scenes.values() for c in s.choices)


def _text_trees(story: Story) -> list[ast.expr]:
    """The {{ }} parts and {% if %} conditions of every text a story shows."""
    out: list[ast.expr] = []
    for scene in story.scenes.values():
        out += scene.text.trees
        for c in scene.choices:
            for t in (c.text, c.locked, c.reply):
                if t is not None:
                    out += t.trees
    return out


def _taken_key(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id == "taken" and node.args and isinstance(node.args[0], ast.Constant):
        key = node.args[0].value
        return key if isinstance(key, str) else None
    return None
