"""The range of values each number variable can ever take, for `check`.

An interval analysis over the story's effects: a variable starts at its starting
value, and each `set:` of a choice in a reachable scene widens its range by what
the expression can give, computed from the ranges of what it reads, narrowed by
the choice's own condition (`if: apples < 2` with `apples: apples + 1` keeps
apples within 0..2). A range still growing after a few rounds is widened to no
bound. It over-approximates what play can reach, so a condition outside every
range can never hold: that is the evident kind of dead choice `check --strict`
reports; `explore` finds the rest over real States.
"""
from __future__ import annotations

import ast
import heapq

from ..expressions import Expr
from ..model import Choice, Story
from .analysis import reachable
from .exprrange import FULL, INF, Range, const_of, ranger, value_range
from .sceneorder import scene_order
from .storymemo import remembered

_ROUNDS = 20  # rounds before a range still moving is widened
_FLIP = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE,
         ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def _simple(node, numeric: set) -> list[tuple[str, type, float]] | None:
    """``x < 3 and y >= 1`` as [(x, Lt, 3), (y, GtE, 1)]; parts of other shapes
    are left out (they narrow nothing). None when nothing is of that shape."""
    parts = node.values if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And) \
        else [node]
    out = []
    for p in parts:
        if not (isinstance(p, ast.Compare) and len(p.ops) == 1):
            continue
        left, op, right = p.left, type(p.ops[0]), p.comparators[0]
        if isinstance(right, ast.Name) and const_of(left) is not None:
            left, right, op = right, left, _FLIP[op]
        c = const_of(right)
        if isinstance(left, ast.Name) and left.id in numeric and c is not None:
            out.append((left.id, op, c))
    return out or None


def narrow(env: dict, tests: list, ints: set) -> dict | None:
    """``env`` where every test can hold; None when one never can."""
    out = dict(env)
    for name, op, c in tests:
        lo, hi = out.get(name, FULL)
        step = 1 if name in ints and float(c).is_integer() else 0
        if op is ast.Lt:
            if lo >= c:  # nothing below c (whole or not)
                return None
            hi = min(hi, c - step)
        elif op is ast.LtE:
            hi = min(hi, c)
        elif op is ast.Gt:
            if hi <= c:
                return None
            lo = max(lo, c + step)
        elif op is ast.GtE:
            lo = max(lo, c)
        elif op is ast.Eq:
            lo, hi = max(lo, c), min(hi, c)
        if lo > hi:
            return None
        out[name] = (lo, hi)
    return out


class Ranges:
    """Per number variable, the values it can take anywhere in play; with
    ``texts``, per text variable the lengths it can have (``diary + "Rain. "``)."""

    def __init__(self, story: Story, texts: bool = False, settle: bool = True,
                 reach: set[str] | None = None, written: set[str] | None = None):
        """``reach`` and ``written``: the scenes reachable from the start and
        written_variables(story), when the caller has them."""
        self.numeric = {n for n, v in story.variables.items() if v.type in ("int", "float")}
        self.ints = {n for n, v in story.variables.items() if v.type == "int"}
        self.tracked = self.numeric | ({n for n, v in story.variables.items()
                                        if v.type == "str"} if texts else set())
        self.env: dict = _start(story, self.tracked)
        self.written = written_variables(story) if written is None else written
        if settle:  # (flow_ranges, which does not settle, reads only the tests)
            self._choices = [(self.tests(cond) if cond else None,
                              [(n, e.tree) for n, e in effects])
                             for cond, effects in _kinds(story, self.tracked, reach)]
            self._settle()

    def tests(self, cond: Expr) -> list | None:
        """The simple tests of condition ``cond`` (see _simple), from its checked tree."""
        return None if cond.tree is None else _simple(cond.tree, self.numeric)

    def _round(self) -> set:
        moved = set()
        for tests, effects in self._choices:
            local = narrow(self.env, tests, self.ints) if tests else dict(self.env)
            if local is None:
                continue
            for name, tree in effects:
                got = FULL if tree is None else value_range(tree, local)
                local[name] = got
                lo, hi = self.env[name]
                new = (min(lo, got[0]), max(hi, got[1]))
                if new != (lo, hi):
                    self.env[name] = new
                    moved.add(name)
        return moved

    def _settle(self) -> None:
        for _ in range(_ROUNDS):
            if not self._round():
                return
        for _ in range(3):  # widen what still moves, then let the rest follow
            before = dict(self.env)
            moved = self._round()
            if not moved:
                return
            for n in moved:
                lo, hi = before[n]
                nlo, nhi = self.env[n]
                self.env[n] = (-INF if nlo < lo else lo, INF if nhi > hi else hi)
        self.env.update({n: FULL for n in self._round()})

    def never(self, cond: Expr) -> list[str] | None:
        """The variables whose ranges make the condition ``cond`` impossible (None:
        it can hold, or its shape is not one this analysis reads)."""
        tests = self.tests(cond)
        if tests is None or narrow(self.env, tests, self.ints) is not None:
            return None
        return sorted({n for n, _, _ in tests})

    def describe(self, name: str) -> str:
        lo, hi = self.env[name]

        def num(x: float) -> str:
            return f"{int(x)}" if float(x).is_integer() else f"{x:g}"
        if lo == hi:
            return f"'{name}' is always {num(lo)}"
        if lo == -INF:
            return f"'{name}' never goes above {num(hi)}"
        if hi == INF:
            return f"'{name}' never goes below {num(lo)}"
        return f"'{name}' only takes values from {num(lo)} to {num(hi)}"


def _start(story: Story, tracked: set[str]) -> dict[str, Range]:
    """The starting range of each tracked variable (a text: of its length)."""
    env: dict[str, Range] = {}
    for n in tracked:
        initial = story.variables[n].initial
        env[n] = (float(len(initial) if isinstance(initial, str) else initial),) * 2
    return env


def written_variables(story: Story) -> set[str]:
    """The variables some choice's 'set:' or some scene's 'enter:' changes."""
    out = {n for s in story.scenes.values() for c in s.choices for n, _ in c.effects}
    return out | {n for s in story.scenes.values() for n, _ in s.enter}


def _kinds(story: Story, tracked: set[str], reach: set[str] | None = None,
           ) -> list[tuple[Expr | None, list[tuple[str, Expr]]]]:
    """Per kind of reachable choice that sets a tracked variable (the analysis
    ignores where a choice is, so choices alike count once, known by their source
    text): (its condition, [(name, effect) of tracked variables]), in a fixed order."""
    kinds: dict[tuple, tuple[Expr | None, list[tuple[str, Expr]]]] = {}
    for sid in reachable(story) if reach is None else reach:
        scene = story.scenes[sid]
        entry = [(n, e) for n, e in scene.enter if n in tracked]  # 'enter:', unconditional
        if entry:
            kinds.setdefault((None, tuple((n, e.source) for n, e in entry)), (None, entry))
        for c in scene.choices:
            effects = [(n, e) for n, e in c.effects if n in tracked]
            if effects:
                key = (c.condition.source if c.condition else None,
                       tuple((n, e.source) for n, e in effects))
                kinds.setdefault(key, (c.condition, effects))
    return [kinds[k] for k in sorted(kinds, key=repr)]


def _join(a: Range, b: Range) -> Range:
    return (min(a[0], b[0]), max(a[1], b[1]))


@remembered
def flow_ranges(story: Story, widen_after: int = 20) -> dict[str, Range]:
    """Per variable (numbers by value, texts by length), the values it can have
    anywhere in play, following the scene graph: what reaches a scene is what
    its predecessors' choices give, narrowed by each choice's `if:`. Unlike
    ``Ranges`` (one range for the whole story), a tally raised once per chapter
    stays bounded; only a loop that keeps moving a value widens it to no bound."""
    base = Ranges(story, texts=True, settle=False)
    start_env = {n: (float(v.initial) if n in base.numeric else float(len(v.initial)),) * 2
                 for n, v in story.variables.items() if n in base.tracked}
    env_at: dict[str, dict] = {story.start: _entered(base, start_env, story, story.start)}
    updates: dict[str, int] = {}
    rank, looping = scene_order(story)
    todo = [(0, story.start)]
    queued = {story.start}
    steps = _Steps(base, story)  # scene -> its choices' _Step (made on its first visit)
    while todo:
        sid = heapq.heappop(todo)[1]
        queued.discard(sid)
        for step in steps[sid]:
            local = step.after(base, env_at[sid])  # (a choice may lead back here)
            if local is None:
                continue
            for t, plain in step.ways:
                there = local if plain else _entered(base, local, story, t)
                n = updates.get(t, 0) + 1
                new = _arrive(env_at.get(t), there, n > widen_after and t in looping)
                if new is None:
                    continue
                updates[t] = n
                env_at[t] = new
                if t not in queued:
                    queued.add(t)
                    heapq.heappush(todo, (rank.get(t, 0), t))
    return _joined(start_env, env_at)


def _joined(start_env: dict[str, Range], env_at: dict[str, dict]) -> dict[str, Range]:
    """Per variable, its start joined with its ranges at every scene."""
    out = dict(start_env)
    for env in env_at.values():
        for n, r in env.items():
            out[n] = _join(out[n], r)
    return out


class _Steps(dict):
    """scene id -> the _Step of each of its choices, made on the scene's first visit
    (none for a scene the story does not have)."""

    def __init__(self, base: Ranges, story: Story) -> None:
        super().__init__()
        self.base, self.story = base, story
        self.entering = {sid for sid, sc in story.scenes.items() if sc.enter}

    def __missing__(self, sid: str) -> list:
        scene = self.story.scenes.get(sid)
        got = self[sid] = [] if scene is None else \
            [_Step(self.base, c, self.entering) for c in scene.choices]
        return got


class _Step:
    """What flow_ranges reads of a choice, worked out on its first visit: the tests
    of its condition, its effects on tracked variables (their rangers), its ways."""

    __slots__ = ("effects", "tests", "ways")

    def __init__(self, base: Ranges, c: Choice, entering: set[str]) -> None:
        self.tests = None if c.condition is None else base.tests(c.condition)
        self.effects = [(name, None if expr.tree is None else ranger(expr.tree))
                        for name, expr in c.effects if name in base.tracked]
        # each target, and whether its ranges are the choice's own (a stay, or a scene
        # with no 'enter:': _entered changes nothing)
        self.ways = [(t, c.stay or t not in entering) for t in c.goto.targets]

    def after(self, base: Ranges, here: dict) -> dict | None:
        """The ranges after the choice is taken from ranges ``here`` (None: its
        condition never holds there)."""
        tests = self.tests
        local = narrow(here, tests, base.ints) if tests else dict(here)
        if local is None:
            return None
        for name, fn in self.effects:
            local[name] = FULL if fn is None else fn(local)
        return local


def _entered(base: Ranges, local: dict, story: Story, sid: str) -> dict:
    """The ranges once scene ``sid`` is entered: its 'enter:' effects applied."""
    scene = story.scenes.get(sid)
    if scene is None or not scene.enter:
        return local
    local = dict(local)
    for name, expr in scene.enter:
        if name in base.tracked:
            local[name] = FULL if expr.tree is None else ranger(expr.tree)(local)
    return local


def _arrive(old: dict | None, local: dict, widen: bool) -> dict | None:
    """The ranges of a scene reached with ``local`` that had ``old`` (None: no
    change); with ``widen``, an end still moving goes to infinity."""
    if old is None:
        return local
    new = {}
    for n, b in local.items():  # _join, inline (as min and max: the first when equal)
        a = old[n]
        lo, hi = a
        new[n] = a if b[0] >= lo and b[1] <= hi else \
            (b[0] if b[0] < lo else lo, b[1] if b[1] > hi else hi)
    if new == old:
        return None
    if widen:
        new = {n: (-INF if new[n][0] < old[n][0] else old[n][0],
                   INF if new[n][1] > old[n][1] else old[n][1]) for n in new}
    return new
