"""choose() one part at a time, and the one rule for when a choice can be taken.

engine.py's ``choose`` takes a plain story's plain choice (neither once-only nor a
fallback) from its scene's plan in one go; everything else comes here: a choice that
goes once or falls back, any choice of a story that talks (frames.py), and a choice
whose condition or effects fail, worked out again one part at a time to say where (the
step is pure: the same State fails the same way). Apart from engine.py so that each
module stays one job and a size one can read.
"""
from __future__ import annotations

from typing import Any

from .errors import ChoiceError
from .expressions import EVAL_ERRORS, MAX_INT
from .frames import fail, located, route, seen_by, stored, talking
from .model import Choice, Scene, Story
from .plans import ScenePlan
from .state import State, Step


def available(c: Choice, state: State, others_open: bool) -> bool:
    """Whether ``c`` can be taken in ``state``; ``others_open`` says whether any
    choice that is not a fallback can. The one place the rule lives: a once-only
    choice goes once, a fallback is offered only when nothing else is, and then
    the choice's own condition decides."""
    if c.once and c.key in state.once:
        return False
    if c.fallback and others_open:
        return False
    if c.condition is None:
        return True
    ok: bool = c.condition.fn(state.variables, state)
    return ok


def others_open(scene: Scene, state: State) -> bool:
    """Whether any choice of ``scene`` that is not a fallback can be taken."""
    return any(available(o, state, False) for o in scene.choices if not o.fallback)


def routed(plan: ScenePlan, c: Choice, v: dict[str, Any], state: State,
            target: str | None) -> tuple[str, Step]:
    """Where choice ``c`` leads (``target`` when forced) and the Step that records it."""
    if target is None:
        target = plan.targets[c.index]
        if target is None:
            target = route(c.goto, v, state, f"choice {c.index + 1}", plan.id)
    return target, plan.steps[c.index].get(target) or plan.step(c.index, target)


def choose_slowly(story: Story, plan: ScenePlan, state: State, index: int, target: str | None,
            let: dict[str, Any] | None) -> State:
    """choose() of a choice the plan has no Move for, in a story that talks, or one
    whose condition or effects fail (here said where)."""
    scene = plan.scene
    if scene.ending is not None:
        raise ChoiceError("the story has ended; there is nothing to choose")
    if not 0 <= index < len(scene.choices):
        raise ChoiceError(f"scene '{scene.id}' has no choice {index + 1}")
    c = scene.choices[index]
    if story.talks:
        seen = seen_by(scene, state)  # as present() offered it
        return talking(story, scene, c, state, set_effects(scene, c, seen, state, index),
                       state.once | {c.key} if c.once else state.once, target, let)
    v = set_effects(scene, c, state, state, index)
    target, step = routed(plan, c, v, state, target)
    visits = state.visits.copy()  # (a dict: copy() is about twice as fast as dict())
    visits[target] = visits.get(target, 0) + 1
    return State(target, v, visits, state.once | {c.key} if c.once else state.once,
                 state.path + (step,), state.turn + 1, state.seed,
                 state.taken)  # empty here: shared, not made


def set_effects(scene: Scene, c: Choice, seen: State, state: State, index: int) -> dict[str, Any]:
    """The variables after choice ``c``'s ``set:``, once it is found available in
    ``seen`` (the scene's own State, as present() offered it); its effects draw on
    ``state``."""
    part = c.condition
    try:
        if c.once or c.fallback:
            if not available(c, seen, c.fallback and others_open(scene, seen)):
                raise ChoiceError(f"choice {index + 1} is not available now")
        elif part is not None and not part.fn(seen.variables, seen):  # available()'s rule
            raise ChoiceError(f"choice {index + 1} is not available now")
        v = seen.variables.copy()
        for name, expr in c.effects:
            part = expr
            x = expr.fn(v, state)  # a whole number within bounds: stored() would keep it
            v[name] = x if type(x) is int and -MAX_INT <= x <= MAX_INT else stored(name, x)
    except EVAL_ERRORS as e:
        fail(e, f"choice {index + 1}", located(part, c.where, e), scene.id)
    return v
