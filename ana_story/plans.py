"""A scene's part of the step worked out once: what ``engine.present`` and
``engine.choose`` read of a scene that no State changes.

Why: the step is what random playtesting and ``explore``'s proof repeat, and most of
a plain scene's screen does not depend on the State: a choice whose text (and locked
reason) has no template parts always shows the same view, available or not, and a
choice always records the same Step to the same scene. Built once per scene and kept,
the step then builds only what the State decides (which views, the next State).
A plan holds no State and changes nothing: the engine's results are what they were.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import Scene
from .state import Step

# scene's id() -> its plan; the plan holds the scene, so no other object takes its id
# while the plan is kept. Emptied when full (stories loaded one after another). The
# engine reads it directly (plan_of() builds a missing plan).
PLANS: dict[int, ScenePlan] = {}
MAX_PLANS = 1 << 16

# (once-only key or None, condition's code or None, fallback, view available, view not)
Item = tuple[str | None, Callable[..., Any] | None, bool, Any, Any]


class ScenePlan:
    """What a scene's step reads that no State changes (see the module's docstring)."""

    __slots__ = ("scene", "items", "fixed", "simple", "most", "targets", "steps", "stays")

    def __init__(self, scene: Scene, view: Callable[..., Any]) -> None:
        self.scene = scene
        # per choice: where its goto always leads (a plain goto), or None
        self.targets = tuple(_fixed_target(c.goto) for c in scene.choices)
        self.steps: tuple[dict[str, Step], ...] = tuple({} for _ in scene.choices)
        self.stays = frozenset(c.key for c in scene.choices if c.stay)
        # the choices' views, or None when one of them has a template to render; the
        # characters of every label and locked reason, all shown at once
        self.items, self.most = _items(scene, view)
        # every view, when none of them depends on the State
        self.fixed: tuple[Any, ...] | None = None
        # the choices as views() reads them when none goes once or falls back
        self.simple: tuple[tuple[Any, Any, Any], ...] | None = None
        items = self.items or ()
        if self.items is not None and not any(i[0] is not None or i[2] for i in items):
            if any(i[1] is not None for i in items):
                self.simple = tuple((i[1], i[3], i[4]) for i in items)
            else:
                self.fixed = tuple(i[3] for i in items)

    def step(self, index: int, target: str) -> Step:
        """The Step of taking choice ``index`` to ``target`` (one object for them all)."""
        steps = self.steps[index]
        s = steps.get(target)
        if s is None:
            s = steps[target] = Step(self.scene.choices[index].key, target)
        return s

    def views(self, state: Any) -> tuple[Any, ...]:
        """The views ``present`` gives in ``state`` (the scene's own State: its 'let:'
        names among the variables), for a plan with ``items``: the choices that are not
        fallbacks in order, then the fallbacks, once-only choices already taken left
        out. Raises what a condition raises (the engine then locates it)."""
        v = state.variables
        if self.simple is not None:  # neither once-only choices nor fallbacks
            return tuple([on if cond is None or cond(v, state) else off
                          for cond, on, off in self.simple])
        return _each(self.items or (), v, state)


def _items(scene: Scene, view: Callable[..., Any]) -> tuple[tuple[Item, ...] | None, int]:
    """Each choice's Item, and the characters of all labels and reasons; (None, 0) when
    a label or locked reason has template parts (worked out for each State)."""
    items: list[Item] = []
    most = 0
    for c in scene.choices:
        label = c.text.const
        reason = None
        if c.locked is not None and not c.fallback:  # a fallback shows no reason
            reason = c.locked.const
            if reason is None:
                return None, 0
        if label is None:
            return None, 0
        most += len(label) + (len(reason) if reason is not None else 0)
        on = view(c.index, c.key, label, True, None)
        off = on if c.condition is None and not c.fallback else \
            view(c.index, c.key, label, False, reason)  # (else never shown)
        items.append((c.key if c.once else None,
                      c.condition.fn if c.condition is not None else None, c.fallback,
                      on, off))
    return tuple(items), most


def _each(items: tuple[Item, ...], v: dict[str, Any], state: Any) -> tuple[Any, ...]:
    """ScenePlan.views with once-only choices or fallbacks: one by one, in _views's order."""
    out = []
    others_open = False
    fallbacks = []
    for key, cond, fallback, on, off in items:
        if key is not None and key in state.once:
            continue
        if fallback:
            fallbacks.append((cond, on, off))
        elif cond is None or cond(v, state):
            out.append(on)
            others_open = True
        else:
            out.append(off)
    for cond, on, off in fallbacks:  # offered only when nothing else is; then their if:
        out.append(on if not others_open and (cond is None or cond(v, state)) else off)
    return tuple(out)


def _fixed_target(goto: Any) -> str | None:
    """Where a goto always leads: one scene, no condition, no draw, no call or return."""
    if goto.random or goto.kind or len(goto.routes) != 1 or goto.routes[0].condition:
        return None
    scene: str = goto.routes[0].scene
    return scene


def plan_of(scene: Scene, view: Callable[..., Any]) -> ScenePlan:
    """The scene's plan, built on its first step (``view`` makes a choice's view)."""
    plan = PLANS.get(id(scene))
    if plan is not None and plan.scene is scene:
        return plan
    if len(PLANS) >= MAX_PLANS:
        PLANS.clear()
    plan = PLANS[id(scene)] = ScenePlan(scene, view)
    return plan
