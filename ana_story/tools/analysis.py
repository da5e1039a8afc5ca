"""Static facts about a loaded Story, shared by lint, explore and graph.

The scene graph (every route of every choice, conditions ignored), what is
reachable in it, and which parts of a State can change what a player may do
next. Explore uses the last to merge States that play the same.
"""
from __future__ import annotations

import ast
import math
from collections import deque
from collections.abc import Iterator

from ..expressions import RANDOM_FUNCTIONS, Expr
from ..model import Choice, Route, Scene, Story
from .flowpoints import propagate, ways_back
from .storymemo import remembered
from .visitcaps import counted_scene, parents_of, visit_cap_of


def edges(story: Story) -> Iterator[tuple[Scene, Choice, Route]]:
    """Every (scene, choice, route) of the story, in file order."""
    for scene in story.scenes.values():
        for choice in scene.choices:
            for route in choice.goto.routes:
                yield scene, choice, route


@remembered
def scene_graph(story: Story) -> dict[str, list[str]]:
    """scene id -> the scenes its choices can lead to (conditions ignored); a
    ``return: true`` leads back to every scene that calls (a safe over-estimate: which
    one depends on the call waiting)."""
    graph: dict[str, list[str]] = {sid: [] for sid in story.scenes}
    for scene, _, route in edges(story):
        if route.scene not in graph[scene.id]:
            graph[scene.id].append(route.scene)
    kinds = {s.id: {c.goto.kind for c in s.choices if not c.goto.routes or c.goto.kind
                    == "call"} for s in story.scenes.values()} if story.framed else {}
    for sid in (s for s, k in kinds.items() if "return" in k):  # back to any caller
        graph[sid] += [c for c, k in kinds.items() if "call" in k and c not in graph[sid]]
    return graph


@remembered
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
        for name, expr in scene.enter:  # 'enter:' changes what a player holds too
            yield "set:" + name, expr
        for c in scene.choices:
            if c.condition is not None:
                yield "if", c.condition
            for name, expr in c.effects:
                yield "set:" + name, expr
            for r in c.goto.routes:
                if r.condition is not None:
                    yield "route", r.condition


def calls(expr: Expr) -> set[str]:
    """The story functions an expression calls (read from its checked tree)."""
    if expr.tree is None:  # pragma: no cover - compile_expr always keeps it
        return set()
    return {n.func.id for n in ast.walk(expr.tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def uses_random(expr: Expr) -> bool:
    return bool(calls(expr) & RANDOM_FUNCTIONS)


@remembered
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


@remembered
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
        if expr.tree is None:  # pragma: no cover - compile_expr always keeps it
            for s in expr.scenes:
                need(s, None)
            continue
        parents = parents_of(expr.tree)
        for node in ast.walk(expr.tree):
            counted = counted_scene(node)
            if counted is not None:
                scene, seen_only = counted
                need(scene, 1 if seen_only else visit_cap_of(node, parents.get(id(node))))
    return caps


@remembered
def live_sets(story: Story) -> dict[str, tuple[frozenset, frozenset, frozenset]]:
    """scene id -> (variables, counted scenes, once-only choice keys) whose values
    can still change what happens from that scene on.

    A backward liveness analysis over the scene graph: what the scene's own choices
    read (conditions, routes, effects feeding something read later) and what any
    scene it can lead to reads. A variable last read in chapter 2 no longer splits
    States in chapter 3, so explore visits far fewer and proves the same."""
    caps = visit_caps(story)
    graph = scene_graph(story)
    ev, es = entry_reads(story)  # live in every scene: see entry_reads
    live_v: dict[str, set] = {sid: set(ev) for sid in story.scenes}
    live_s: dict[str, set] = {sid: set(es) for sid in story.scenes}
    live_o: dict[str, set] = {sid: set() for sid in story.scenes}
    from .sceneorder import scene_order  # (it imports this module)
    rank = scene_order(story)[0]  # successors first: a chain settles in one pass
    todo = deque(sorted(story.scenes, key=lambda sid: -rank.get(sid, 0)))
    queued = set(todo)  # (a worklist: the least sets, as round after round gives them)
    into = _into(graph)
    while todo:
        sid = todo.popleft()
        queued.discard(sid)
        v, s, o = set(ev), set(es), set()
        for t in graph[sid]:
            v |= live_v[t]
            s |= live_s[t]
            o |= live_o[t]
        for c in story.scenes[sid].choices:
            _choice_live(c, v, s, o)
        if v != live_v[sid] or s != live_s[sid] or o != live_o[sid]:
            live_v[sid] |= v
            live_s[sid] |= s
            live_o[sid] |= o
            ahead = [a for a in into.get(sid, ()) if a not in queued]
            queued.update(ahead)
            todo.extend(ahead)
    return {sid: (frozenset(live_v[sid] & set(story.variables)),
                  frozenset(x for x in live_s[sid] if x in caps),
                  frozenset(live_o[sid])) for sid in story.scenes}


def _into(graph: dict[str, list[str]]) -> dict[str, list[str]]:
    """scene -> the scenes that lead to it (``graph`` backwards)."""
    into: dict[str, list[str]] = {}
    for a, outs in graph.items():
        for b in outs:
            into.setdefault(b, []).append(a)
    return into


def entry_reads(story: Story) -> tuple[frozenset, frozenset]:
    """(variables, counted scenes) any 'enter:' sets or reads: live and exact in every
    scene, as 'enter:' runs on each entry (it may compound round a loop or fail)."""
    fx = [(n, e) for s in story.scenes.values() for n, e in s.enter]
    return (frozenset(n for n, _ in fx) | frozenset(v for _, e in fx for v in e.reads),
            frozenset(sc for _, e in fx for sc in e.scenes))


def _choice_live(c: Choice, v: set[str], s: set[str], o: set[str]) -> None:
    """Add to the live variables ``v``, scenes ``s`` and once-only keys ``o`` what
    choice ``c`` reads, given that ``v`` and ``s`` are live after it."""
    if c.once:
        o.add(c.key)
    if c.condition is not None:
        v |= c.condition.reads
        s |= c.condition.scenes
    for r in c.goto.routes:
        if r.condition is not None:
            v |= r.condition.reads
            s |= r.condition.scenes
    # effects feeding a variable read later (chains within one choice too)
    grew = True
    while grew:
        grew = False
        for name, expr in c.effects:
            if name in v and not (expr.reads <= v and expr.scenes <= s):
                v |= expr.reads
                s |= expr.scenes
                grew = True


def _number(node) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub)
                                           else inner)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool) and math.isfinite(node.value):
        return node.value
    return None


_USES: dict[tuple, tuple[dict, set]] = {}  # _uses of the expressions met, by source:
# stories repeat their conditions (45 sources among 942 in the 1,000-scene benchmark story)


def _uses(expr: Expr, numeric: set) -> tuple[dict, set]:
    """(var -> constants it is compared with, vars used any other way); shared
    by the expressions of one source and reads: callers only read them."""
    key = (expr.source, expr.reads, frozenset(numeric & expr.reads))
    got = _USES.get(key)
    if got is None:
        if len(_USES) >= 4096:
            _USES.clear()
        got = _USES[key] = _uses_of(expr, numeric)
    return got


def _uses_of(expr: Expr, numeric: set) -> tuple[dict, set]:
    """_uses worked out: what it finds depends on the source, the names read and
    which of those are numbers alone."""
    tree = expr.tree
    compared: dict[str, set] = {}
    other: set[str] = set()
    if tree is None:  # pragma: no cover - compile_expr always keeps it
        return compared, set(expr.reads)
    parents = parents_of(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id in expr.reads):
            continue
        parent = parents.get(id(node))
        if node.id in numeric and isinstance(parent, ast.Compare) and len(parent.ops) == 1:
            side = parent.comparators[0] if parent.left is node else parent.left
            c = _number(side)
            if c is not None:
                compared.setdefault(node.id, set()).add(c)
                continue
        other.add(node.id)
    return compared, other


def compared(expr: Expr, numeric: set) -> tuple[dict, set]:
    """(number variable -> the constants ``expr`` compares it with, variables it
    uses any other way): what explore's suggestion of an abstraction reads."""
    return _uses(expr, numeric)


def _delta(name: str, expr: Expr) -> float | None:
    """c when the effect is ``name + c``, ``name - c`` or ``c + name``; else None."""
    tree = expr.tree
    if not isinstance(tree, ast.BinOp) or not isinstance(tree.op, (ast.Add, ast.Sub)):
        return None
    left, right = tree.left, tree.right
    if isinstance(left, ast.Name) and left.id == name:
        c = _number(right)
        return None if c is None else (c if isinstance(tree.op, ast.Add) else -c)
    if isinstance(right, ast.Name) and right.id == name and isinstance(tree.op, ast.Add):
        return _number(left)
    return None


@remembered
def thresholds(story: Story) -> dict[str, dict[str, tuple | None]]:
    """scene id -> numeric variable -> the sorted values it can still be compared
    with from that scene on, measured in its value at that scene (None: every
    value may matter; an empty tuple: no value does).

    When a variable is only ever compared with constants (``vision >= 9``) and
    only changed by constant steps (``vision: vision + 1``), a comparison ahead,
    ``vision + steps >= 9``, is ``vision >= 9 - steps`` seen from here. Two values
    that fall in the same gap between those numbers (or on the same number)
    answer every comparison ahead alike: explore merges them, which keeps a story
    of many tallies finite. A backward fixpoint; a variable whose thresholds keep
    moving (a loop adds to it), or that 'enter:' touches, is left exact.
    """
    numeric = {n for n, v in story.variables.items() if v.type in ("int", "float")}
    local = {sid: [_choice_row(c, numeric) for c in scene.choices]
             for sid, scene in story.scenes.items()}
    pts: dict[str, dict[str, set]] = {sid: {} for sid in story.scenes}
    entering = entry_reads(story)[0]  # kept exact: see entry_reads
    cx: dict[str, set] = {sid: set(entering) for sid in story.scenes}
    for sid, rows in local.items():
        for _, _, _, complex_, points in rows:
            cx[sid] |= complex_
            for k, vals in points.items():
                pts[sid].setdefault(k, set()).update(vals)
    unstable = propagate(ways_back(local), pts, cx, numeric)
    return {sid: {k: None if k in cx[sid] or k in unstable
                  else tuple(sorted(pts[sid].get(k, ()))) for k in numeric}
            for sid in story.scenes}


# per choice: (targets, {var: step}, killed vars, vars used other than so,
#              {var: thresholds, in its value before the choice})
_Row = tuple[tuple[str, ...], dict[str, float], set[str], set[str], dict[str, set]]


def _choice_row(c: Choice, numeric: set[str]) -> _Row:
    """What one choice does to the thresholds of the scene it is in."""
    complex_: set = set()
    points: dict[str, set] = {}
    if c.condition is not None:
        comp, other = _uses(c.condition, numeric)
        complex_ |= other
        for k, vals in comp.items():
            points.setdefault(k, set()).update(vals)
    delta, killed = _steps(c, numeric, complex_)
    for r in c.goto.routes:  # routes are chosen after the effects
        if r.condition is not None:
            comp, other = _uses(r.condition, numeric)
            complex_ |= other - killed
            for k, vals in comp.items():
                if k not in killed:
                    points.setdefault(k, set()).update(v - delta.get(k, 0) for v in vals)
    return c.goto.targets, delta, killed, complex_, points


def _steps(c: Choice, numeric: set[str], complex_: set[str]) -> tuple[dict[str, float], set]:
    """({var: the constant step the choice's effects add}, vars it sets afresh);
    a variable changed any other way goes into ``complex_``."""
    delta: dict[str, float] = {}
    killed: set = set()
    for name, expr in c.effects:
        d = _delta(name, expr) if name in numeric else None
        if d is not None and name not in killed:
            delta[name] = delta.get(name, 0) + d
            continue
        if name in expr.reads:
            complex_.add(name)
        else:
            killed.add(name)
            delta.pop(name, None)
        for other_var in expr.reads - {name}:
            complex_.add(other_var)
    return delta, killed
