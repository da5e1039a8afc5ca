"""Static facts about a loaded Story, shared by lint, explore and graph.

The scene graph (every route of every choice, conditions ignored), what is
reachable in it, and which parts of a State can change what a player may do
next. Explore uses the last to merge States that play the same.
"""
from __future__ import annotations

import ast
import math
from collections import deque
from typing import Iterator

from ..expressions import Expr
from ..model import Choice, Route, Scene, Story

RANDOM_FUNCTIONS = frozenset({"random", "chance", "pick"})


def edges(story: Story) -> Iterator[tuple[Scene, Choice, Route]]:
    """Every (scene, choice, route) of the story, in file order."""
    for scene in story.scenes.values():
        for choice in scene.choices:
            for route in choice.goto.routes:
                yield scene, choice, route


def scene_graph(story: Story) -> dict[str, list[str]]:
    """scene id -> the scenes its choices can lead to (conditions ignored)."""
    graph: dict[str, list[str]] = {sid: [] for sid in story.scenes}
    for scene, _, route in edges(story):
        if route.scene not in graph[scene.id]:
            graph[scene.id].append(route.scene)
    return graph


def reachable(story: Story) -> set[str]:
    """Scenes reachable from the start in the scene graph."""
    graph = scene_graph(story)
    seen = {story.start}
    todo = deque([story.start])
    while todo:
        for nxt in graph.get(todo.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def transition_exprs(story: Story) -> Iterator[tuple[str, Expr]]:
    """Every expression that can change where a player goes or what they hold:
    choice conditions ("if"), effects ("set:<variable>") and route conditions
    ("route"). Text never changes a State, so templates are left out."""
    for scene in story.scenes.values():
        for c in scene.choices:
            if c.condition is not None:
                yield "if", c.condition
            for name, expr in c.effects:
                yield "set:" + name, expr
            for r in c.goto.routes:
                if r.condition is not None:
                    yield "route", r.condition


def _tree(expr: Expr) -> ast.expr | None:
    try:
        return ast.parse(expr.source.strip(), mode="eval").body
    except (SyntaxError, RecursionError, ValueError):  # pragma: no cover - compiled once
        return None


def calls(expr: Expr) -> set[str]:
    """The story functions an expression calls."""
    tree = _tree(expr)
    if tree is None:
        return set()
    return {n.func.id for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def uses_random(expr: Expr) -> bool:
    return bool(calls(expr) & RANDOM_FUNCTIONS)


def relevant_variables(story: Story) -> tuple[str, ...]:
    """Variables that can change what a player may choose or where a choice leads.

    A variable only ever shown in text (a name, a tally) cannot; two States that
    differ only there play the same, so explore merges them. The set is closed
    under effects: if ``gold`` matters and ``gold: gold + wage`` exists, so does
    ``wage``.
    """
    relevant: set[str] = set()
    effects: list[tuple[str, Expr]] = []
    for kind, expr in transition_exprs(story):
        if kind.startswith("set:"):
            effects.append((kind[4:], expr))
        else:
            relevant |= expr.reads
    changed = True
    while changed:
        changed = False
        for name, expr in effects:
            if name in relevant and not expr.reads <= relevant:
                relevant |= expr.reads
                changed = True
    return tuple(sorted(relevant & set(story.variables)))


def visit_caps(story: Story) -> dict[str, int | None]:
    """scene id -> the visit count above which that scene's count no longer matters
    (None: every count matters). Scenes absent here are never counted by any
    condition or effect.

    ``seen('x')`` only asks whether x was visited, so its cap is 1; in
    ``visits('x') > 2`` every count from 3 up gives the same answer, so its cap
    is 3. Any other use (arithmetic, text kept in a variable) keeps the exact count.
    """
    caps: dict[str, int | None] = {}

    def need(scene: str, cap: int | None) -> None:
        if scene in caps and caps[scene] is None:
            return
        if cap is None:
            caps[scene] = None
        else:
            caps[scene] = max(cap, caps.get(scene) or 0)

    for _, expr in transition_exprs(story):
        if not expr.scenes:
            continue
        tree = _tree(expr)
        if tree is None:
            for s in expr.scenes:
                need(s, None)
            continue
        parents = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("visits", "seen") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                continue
            scene = node.args[0].value
            if node.func.id == "seen":
                need(scene, 1)
                continue
            parent = parents.get(id(node))
            cap = None
            if isinstance(parent, ast.Compare) and len(parent.ops) == 1:
                other = parent.comparators[0] if parent.left is node else parent.left
                if isinstance(other, ast.UnaryOp) and isinstance(other.op, ast.USub) and \
                        isinstance(other.operand, ast.Constant):
                    value = -other.operand.value
                elif isinstance(other, ast.Constant):
                    value = other.value
                else:
                    value = None
                if isinstance(value, (int, float)) and not isinstance(value, bool) \
                        and math.isfinite(value):
                    cap = max(0, math.floor(value) + 1)
            need(scene, cap)
    return caps
