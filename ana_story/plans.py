"""A scene's part of the step worked out once: what ``engine.present`` and
``engine.choose`` read of a scene that no State changes.

Why: the step is what random playtesting and ``explore``'s proof repeat, and most of
a plain scene's screen does not depend on the State: a choice whose text (and locked
reason) has no template parts always shows the same view, available or not, and a
choice always records the same Step to the same scene. Built once per scene and kept,
the step then builds only what the State decides (which views, the next State).
A choice whose text has template parts is rendered for each State, as before.
A plan holds no State and changes nothing: the engine's results are what they were.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .expressions import MAX_OUTPUT, LimitError
from .model import Choice, Scene
from .state import Step

# scene id -> its plan. The plans are those of one story's scenes at a time (OF: its
# scenes, which each plan holds as ``of``): the engine takes a plan only when its ``of``
# is the story's own scenes and its scene is the one of that id there, so it reads the
# plan without looking the scene up first. A plan for another story's scene empties the
# table first, so that the scenes of a story no longer played are not kept alive (a
# process that loads story after story, as the tests do); and it is emptied when full.
# The engine reads it directly (plan_of() builds a missing plan).
PLANS: dict[str, ScenePlan] = {}
OF: list[Any] = [None]
MAX_PLANS = 1 << 16

# (once-only key or None, condition's code or None, fallback, view available, view
# not, the choice when its text or locked reason has template parts (views then None))
Item = tuple[str | None, Callable[..., Any] | None, bool, Any, Any, Choice | None]
# (condition's code or None, each effect's (name, code), where its goto always leads or
# None, the Step to there or None, the choice)
Move = tuple[Any, tuple[tuple[str, Callable[..., Any]], ...], Any, Any, Choice]


class ScenePlan:
    """What a scene's step reads that no State changes (see the module's docstring)."""

    __slots__ = ("scene", "of", "view", "items", "fixed", "simple", "most", "targets",
                 "steps", "stays", "id", "title", "chapter", "ending", "tags", "text",
                 "ready", "cond", "yes", "no", "moves")

    def __init__(self, scene: Scene, view: Callable[..., Any], of: Any = None) -> None:
        self.scene = scene
        self.of = of  # the story's scenes this plan is of (the engine checks it is theirs)
        self.view = view  # makes a choice's view: engine.ChoiceView
        # per choice: where its goto always leads (a plain goto), or None
        self.targets = tuple([_fixed_target(c.goto) for c in scene.choices])
        self.steps: tuple[dict[str, Step], ...] = tuple([{} for _ in scene.choices])
        self.stays = frozenset(c.key for c in scene.choices if c.stay)
        # each choice's Item; the characters of every plain label and locked reason
        self.items, self.most = _items(scene, view)
        # every view, when none of them depends on the State
        self.fixed: tuple[Any, ...] | None = None
        # the choices as views() reads them when all are plain and none goes once or
        # falls back: (condition's code, view available, view not)
        self.simple: tuple[tuple[Any, Any, Any], ...] | None = None
        items = self.items
        if not any(i[0] is not None or i[2] or i[5] is not None for i in items):
            if any(i[1] is not None for i in items):
                self.simple = tuple((i[1], i[3], i[4]) for i in items)
            else:
                self.fixed = tuple(i[3] for i in items)
        # What a plain story's present() reads of the scene, without the scene: its
        # fields; its title when it is no template (else None).
        self.id, self.chapter, self.ending, self.tags = \
            scene.id, scene.chapter, scene.ending, scene.tags
        self.title = scene.title if scene.title_template is None else None
        self.text, self.ready, self.cond, self.yes, self.no = _ready(self)
        # per choice, for choose(): a Move when it neither goes once nor falls back
        # (what choose() reads of it, found in one place), else None
        self.moves = _moves(self)

    def step(self, index: int, target: str) -> Step:
        """The Step of taking choice ``index`` to ``target`` (one object for them all)."""
        steps = self.steps[index]
        s = steps.get(target)
        if s is None:
            s = steps[target] = Step(self.scene.choices[index].key, target)
        return s

    def views(self, state: Any, used: int) -> tuple[Any, ...]:
        """The views ``present`` gives in ``state`` (the scene's own State: its 'let:'
        names among the variables): the choices that are not fallbacks in order, then
        the fallbacks, once-only choices already taken left out. ``used``: the
        characters shown already, with every plain label (``most``). Raises what a
        condition or a text raises, LimitError past MAX_OUTPUT (the engine then works
        them out one by one, to say where, as it always did)."""
        v = state.variables
        if self.simple is not None:  # neither once-only choices nor fallbacks
            return tuple([on if cond is None or cond(v, state) else off
                          for cond, on, off in self.simple])
        return _each(self.items, self.view, v, state, used)


def _moves(plan: ScenePlan) -> tuple[Move | None, ...]:
    """Each choice's Move, or None for one that goes once or falls back."""
    moves: list[Move | None] = []
    for c, target in zip(plan.scene.choices, plan.targets, strict=True):
        if c.once or c.fallback:
            moves.append(None)
            continue
        cond = c.condition.fn if c.condition is not None else None
        step = None
        if target is not None:  # (plan.step(), without its look-up: the first Step)
            step = plan.steps[c.index][target] = Step(c.key, target)
        moves.append((cond, tuple([(n, e.fn) for n, e in c.effects]), target, step, c))
    return tuple(moves)


def _ready(plan: ScenePlan) -> tuple[str, Any, Any, tuple[Any, ...], tuple[Any, ...]]:
    """What present() shows without working anything out, when the scene's text has no
    template parts and the whole passage fits (so that no view is counted): the text;
    every view when none depends on the State (else None); else, when a single
    condition decides them all, that condition's code and the views when it holds and
    when not. ("", None, None, (), () when the text is not plain or may not fit.)"""
    text = plan.scene.text.const
    if text is None or len(text) + plan.most > MAX_OUTPUT:
        return "", None, None, (), ()
    simple = plan.simple or ()
    one = [k for k, item in enumerate(simple) if item[0] is not None]
    if len(one) != 1:
        return text, plan.fixed, None, (), ()
    k = one[0]
    yes = tuple(item[1] for item in simple)
    return text, None, simple[k][0], yes, yes[:k] + (simple[k][2],) + yes[k + 1:]


def _each(items: tuple[Item, ...], view: Callable[..., Any], v: dict[str, Any], state: Any,
          used: int) -> tuple[Any, ...]:
    """ScenePlan.views with once-only choices, fallbacks or texts to render."""
    out: list[Any] = []
    others_open = False
    fallbacks = []
    for item in items:
        key, cond, fallback, on, off, c = item
        if key is not None and key in state.once:
            continue
        if fallback:
            fallbacks.append(item)
            continue
        ok = cond is None or cond(v, state)  # (as _views has it: True, or the value)
        others_open = others_open or ok
        if c is None:
            out.append(on if ok else off)
        else:
            used = _rendered(view, c, ok, v, state, used, out)
    for _, cond, _, on, off, c in fallbacks:  # offered only when nothing else is
        ok = not others_open and (cond is None or cond(v, state))
        if c is None:
            out.append(on if ok else off)
        else:
            used = _rendered(view, c, ok, v, state, used, out)
    return tuple(out)


def _rendered(view: Callable[..., Any], c: Choice, ok: Any, v: dict[str, Any], state: Any,
              used: int, out: list[Any]) -> int:
    """Append the view of ``c``, its text rendered (and its locked reason, when it is
    not available and not a fallback); the characters used after it."""
    label = c.text.const
    if label is None:
        label = c.text.render(v, state)
    reason = None
    if not ok and c.locked is not None and not c.fallback:
        reason = c.locked.render(v, state)
    used += len(label) + (len(reason) if reason is not None else 0)
    if used > MAX_OUTPUT:
        raise LimitError(f"the passage grew past {MAX_OUTPUT} characters")
    out.append(view(c.index, c.key, label, ok, reason))
    return used


def _items(scene: Scene, view: Callable[..., Any]) -> tuple[tuple[Item, ...], int]:
    """Each choice's Item, and the characters of its plain labels and locked reasons."""
    items: list[Item] = []
    most = 0
    for c in scene.choices:
        key = c.key if c.once else None
        cond = c.condition.fn if c.condition is not None else None
        label = c.text.const
        locked = c.locked if c.locked is not None and not c.fallback else None
        reason = locked.const if locked is not None else None  # a fallback shows none
        if label is None or (locked is not None and reason is None):
            items.append((key, cond, c.fallback, None, None, c))  # rendered each time
            continue
        most += len(label) + (len(reason) if reason is not None else 0)
        on = view(c.index, c.key, label, True, None)
        off = on if c.condition is None and not c.fallback else \
            view(c.index, c.key, label, False, reason)  # (else never shown)
        items.append((key, cond, c.fallback, on, off, None))
    return tuple(items), most


def _fixed_target(goto: Any) -> str | None:
    """Where a goto always leads: one scene, no condition, no draw, no call or return."""
    if goto.random or goto.kind or len(goto.routes) != 1 or goto.routes[0].condition:
        return None
    scene: str = goto.routes[0].scene
    return scene


def plan_of(scene: Scene, view: Callable[..., Any], scenes: Any) -> ScenePlan:
    """The plan of ``scene``, one of ``scenes`` (its story's), built on its first step
    (``view`` makes a choice's view)."""
    plan = PLANS.get(scene.id)
    if plan is not None and plan.scene is scene and plan.of is scenes:
        return plan
    if len(PLANS) >= MAX_PLANS or scenes is not OF[0]:
        PLANS.clear()
        OF[0] = scenes
    plan = PLANS[scene.id] = ScenePlan(scene, view, scenes)
    return plan
