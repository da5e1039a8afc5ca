"""A step's parts beyond the plain goto: entering a scene (``enter:``, ``let:``, the
turn it began, when it was entered), a conversation's reply and stay, and tunnels
(a call pushes a Frame, a return pops it). engine.py's ``choose`` hands a step here
only in a story that uses them (Story.talks), so a story without them steps as it
always did. Pure: no terminal, disk or YAML.

Why apart from engine.py: the engine says what the player sees and may choose;
this module says what a step of a talking story does to the State.
"""
from __future__ import annotations

import math
from typing import Any, NoReturn

from .errors import StateError, StoryRuntimeError
from .expressions import EVAL_ERRORS, MAX_INT, MAX_STR, Expr, LimitError, Template
from .expressions import random_site_draw as _draw
from .model import Choice, Goto, Location, Scene, Story
from .state import DICE, Frame, State, Step


def scene_of(story: Story, state: State) -> Scene:
    try:
        return story.scenes[state.scene]
    except KeyError:
        raise StateError(f"the story has no scene '{state.scene}'") from None


def fail(err: BaseException, what: str, where: Location | None, scene: str) -> NoReturn:
    """A story's arithmetic failing, as the StoryRuntimeError the player is shown."""
    reason = str(err) or type(err).__name__
    if isinstance(err, ZeroDivisionError):
        reason = "division by zero"
    elif isinstance(err, RecursionError):
        reason = "too deeply nested"
    raise StoryRuntimeError(
        f"{what} could not be worked out: {reason}",
        file=where.file if where else "", line=where.line if where else 0,
        column=where.column if where else 0, scene=scene) from None


def located(part: Expr | Template | None, default: Location | None,
            err: BaseException) -> Location | None:
    """Where the failing expression, or the failing part of a text, was written;
    else ``default``."""
    if isinstance(part, Template) and part.mark_wheres:
        k = part.failed_part(err)
        if 0 <= k < len(part.mark_wheres):
            found: Location = part.mark_wheres[k]
            return found
    where: Location | None = part.where if part is not None else None
    return where if where is not None else default


def stored(name: str, value: Any) -> Any:
    """Keep what a story stores within bounds, so no save can grow without limit."""
    t = type(value)
    if t is int:
        if -MAX_INT <= value <= MAX_INT:
            return value
        shown = (str(value)[:24] + "..." if value.bit_length() < 4000 else
                 f"a number of about {value.bit_length() * 3 // 10} digits")
        raise LimitError(f"'{name}' would become {shown}, larger than {MAX_INT}")
    if t is float:
        if math.isfinite(value):
            return value
        raise LimitError(f"'{name}' would become {value}")
    if t is str and len(value) > MAX_STR:
        raise LimitError(f"'{name}' would hold more than {MAX_STR} characters")
    return value


def route(goto: Goto, v: dict[str, Any], state: State, what: str, sid: str) -> str:
    """The scene a goto leads to from ``state`` (a random one draws on the current turn)."""
    routes = goto.routes
    if goto.random:
        total = sum(r.weight for r in routes)
        x = _draw(state, goto.site) * total
        for r in routes:
            x -= r.weight
            if x < 0:
                return r.scene
        return routes[-1].scene
    for r in routes:
        try:
            if r.condition is None or r.condition.fn(v, state):
                return r.scene
        except EVAL_ERRORS as e:
            fail(e, what, located(r.condition, r.where, e), sid)
    return routes[-1].scene  # the loader makes the last route unconditional


def seen_by(scene: Scene, state: State) -> State:
    """The State a scene's text, title and conditions read: its 'let:' names among the
    variables, and draws on the turn its visit began (rule: a stay does not re-roll
    what is on screen). ``state`` itself when neither applies (a scene that draws
    nothing is the same on either turn)."""
    if not state.let and (state.began == state.turn or not scene.draws):
        return state
    gone = state.turn - state.began  # turns_since() still counts the turns of the visit
    entered = {k: t - gone for k, t in state.entered.items()} if gone else state.entered
    # (each field, as the other States of a step are built: dataclasses.replace would
    # cost several times as much, and this runs on each present() and choose())
    return State(state.scene, {**state.variables, **state.let}, state.visits, state.once,
                 state.path, state.began, state.seed, state.taken, state.reply, state.let,
                 state.began, state.stack, entered, state.dice)


def returned(story: Story, state: State) -> bool:
    """Whether the last step was a ``return: true`` back to this scene (a stay after
    a call: the caller's text again, then the reply)."""
    if not state.path or not story.framed:
        return False
    last = state.path[-1]
    sc = story.scenes.get(last.choice.partition(".")[0])
    return sc is not None and any(c.key == last.choice and c.goto.kind == "return"
                                  and not c.goto.routes for c in sc.choices)


def talking(story: Story, scene: Scene, c: Choice, state: State, v: dict[str, Any],
            once: frozenset[str], target: str | None,
            forced: dict[str, Any] | None = None) -> State:
    """The rest of a step in a story with conversations, 'enter:', 'let:' or calls
    (Story.talks): ``v`` holds the variables (and this visit's 'let:' names) after
    the choice's 'set:'; the choice counted, its reply, then the stay, the call, the
    return or the next scene entered."""
    taken = state.taken
    if c.counted:
        taken = {**taken, c.key: taken.get(c.key, 0) + 1}
    let = state.let
    if let:  # 'set:' may have changed them: they stay with the visit, not the story
        let = {k: v.pop(k) for k in let}
    reply = ""
    if c.reply is not None:
        now = State(scene.id, v, state.visits, once, state.path, state.turn, state.seed,
                    taken, "", let, state.began, state.stack, state.entered, state.dice)
        try:
            reply = c.reply.render({**v, **let} if let else v, now)
        except EVAL_ERRORS as e:
            fail(e, f"the reply of choice {c.index + 1}", located(c.reply, c.where, e), scene.id)
    turn = state.turn + 1
    if c.stay:
        return State(scene.id, v, state.visits, once, state.path + (Step(c.key, scene.id),),
                     turn, state.seed, taken, reply, let, state.began, state.stack,
                     state.entered, state.dice)
    kind = c.goto.kind
    stack = state.stack
    if kind == "return":
        return _returning(story, c, state, v, once, taken, reply, forced)
    if target is None:
        target = route(c.goto, {**v, **let} if let else v, state,
                       f"choice {c.index + 1}", scene.id)
    if kind == "call":
        stack = stack + (Frame(scene.id, c.key, let, state.began),)
    elif story.scenes.get(target) is not None and story.scenes[target].ending is not None:
        stack = ()  # an ending clears the stack
    visits = state.visits.copy()  # (a dict: copy() is about twice as fast as dict())
    visits[target] = visits.get(target, 0) + 1
    # an entry: the stable dice from here on (a save from before format 3 kept its
    # load-order numbering until now, through stays and returns: issue 12, rule 5)
    after = State(target, v, visits, once, state.path + (Step(c.key, target),), turn,
                  state.seed, taken, reply, {}, turn, stack, state.entered, DICE)
    return entered(story, after, forced) if story.entering else after


def _returning(story: Story, c: Choice, state: State, v: dict[str, Any],
               once: frozenset[str], taken: dict[str, int], reply: str,
               forced: dict[str, Any] | None) -> State:
    """``return: true`` comes back to the caller as a stay (its visit and 'let:' as they
    were: no visit, no 'enter:'); ``return: X`` goes on to X, a real entry."""
    if not state.stack:  # the loader refuses a return reachable outside a call
        raise StateError(f"choice '{c.key}' returns, but no call is waiting for it")
    frame, stack = state.stack[-1], state.stack[:-1]
    turn = state.turn + 1
    if not c.goto.routes:
        return State(frame.scene, v, state.visits, once,
                     state.path + (Step(c.key, frame.scene),), turn, state.seed, taken,
                     reply, dict(frame.let), frame.began, stack, state.entered, state.dice)
    target = c.goto.routes[0].scene
    if story.scenes.get(target) is not None and story.scenes[target].ending is not None:
        stack = ()
    visits = state.visits.copy()  # (a dict: copy() is about twice as fast as dict())
    visits[target] = visits.get(target, 0) + 1
    # an entry: the stable dice from here on (a save from before format 3 kept its
    # load-order numbering until now, through stays and returns: issue 12, rule 5)
    after = State(target, v, visits, once, state.path + (Step(c.key, target),), turn,
                  state.seed, taken, reply, {}, turn, stack, state.entered, DICE)
    return entered(story, after, forced)


def entered(story: Story, state: State, forced: dict[str, Any] | None = None) -> State:
    """``state`` with its scene entered (its visit already counted): its ``enter:``
    effects, then its ``let:`` names worked out in order (or ``forced``: explore's
    choice of their draws), both drawing on the turn the visit begins; the turn
    recorded when turns_since() names the scene."""
    scene = scene_of(story, state)
    timed = scene.id in story.timed
    if not (scene.enter or scene.let or timed):
        return state
    v = state.variables
    if scene.enter:
        v = dict(v)
        for name, expr in scene.enter:
            try:
                v[name] = stored(name, expr.fn(v, state))
            except EVAL_ERRORS as e:
                fail(e, f"'enter' of scene '{scene.id}'", located(expr, scene.where, e),
                     scene.id)
    let = {} if not scene.let else dict(forced) if forced is not None else \
        let_values(scene, v, state)
    at = {**state.entered, scene.id: state.turn} if timed else state.entered
    return State(state.scene, v, state.visits, state.once, state.path, state.turn,
                 state.seed, state.taken, state.reply, let, state.began, state.stack, at,
                 state.dice)


def let_values(scene: Scene, v: dict[str, Any], state: State) -> dict[str, Any]:
    """The scene's 'let:' values, each seeing the variables and the names before it."""
    seen = dict(v)
    let: dict[str, Any] = {}
    for name, expr in scene.let:
        try:
            seen[name] = let[name] = stored(name, expr.fn(seen, state))
        except EVAL_ERRORS as e:
            fail(e, f"'let' of scene '{scene.id}'", located(expr, scene.where, e), scene.id)
    return let
