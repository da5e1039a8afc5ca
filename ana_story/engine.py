"""The engine: pure functions over (Story, State).

``present`` says what the player sees now; ``choose`` returns the State after a
choice. The caller owns the loop. Nothing here touches the terminal, the disk
or YAML, and given the same State the result is always the same: randomness is
drawn from the State's seed and turn.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar, NoReturn

from .errors import ChoiceError, StateError, StoryRuntimeError
from .expressions import (
    EVAL_ERRORS,
    MAX_INT,
    MAX_OUTPUT,
    MAX_STR,
    Expr,
    LimitError,
    Template,
    random_site_draw,
)
from .model import Choice, Goto, Location, Scene, Story
from .state import State, Step

# What a story's own arithmetic can raise (EVAL_ERRORS) each becomes a StoryRuntimeError.


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """A choice as the player may see it."""

    index: int  # pass this to choose()
    key: str
    text: str
    available: bool
    reason: str | None = None  # the author's "locked" text, when they want it shown

    @property
    def shown(self) -> bool:
        """Available, or locked with a reason the author wants shown."""
        return self.available or self.reason is not None


@dataclass(frozen=True, slots=True)
class Passage:
    """Everything the UI needs to show one moment of the story."""

    scene: str
    title: str
    chapter: str
    text: str  # paragraphs separated by a blank line
    choices: tuple[ChoiceView, ...]
    ending: str | None
    tags: tuple[str, ...]
    turn: int
    # A Passage after a reply or a stay is a Replied, which has these as fields; an
    # ordinary one keeps them here, so building it costs a story without any nothing.
    reply: ClassVar[str] = ""  # the reply of the choice just taken: before the text, or after it
    stayed: ClassVar[bool] = False  # that choice stayed in the scene: its text was already read

    @property
    def ended(self) -> bool:
        return self.ending is not None

    @property
    def available(self) -> tuple[ChoiceView, ...]:
        return tuple(c for c in self.choices if c.available)

    @property
    def shown(self) -> tuple[ChoiceView, ...]:
        return tuple(c for c in self.choices if c.shown)

    @property
    def stuck(self) -> bool:
        """Not an ending, yet nothing can be chosen: a bug in the story."""
        return self.ending is None and not any(c.available for c in self.choices)


@dataclass(frozen=True, slots=True)
class Replied(Passage):
    """A Passage with the reply of the choice just taken, or after a choice that stayed."""

    reply: str = ""  # type: ignore[misc]  # a field here, a class default on Passage
    stayed: bool = False  # type: ignore[misc]  # as above


def new_state(story: Story, seed: int = 0) -> State:
    """The State at the start of a new playthrough."""
    start = story.start
    state = State(start, story.initial_variables(), {start: 1}, frozenset(), (), 0, seed)
    return _entered(story, state) if story.entering else state


def _scene(story: Story, state: State) -> Scene:
    try:
        return story.scenes[state.scene]
    except KeyError:
        raise StateError(f"the story has no scene '{state.scene}'") from None


def _fail(err: BaseException, what: str, where: Location | None, scene: str) -> NoReturn:
    reason = str(err) or type(err).__name__
    if isinstance(err, ZeroDivisionError):
        reason = "division by zero"
    elif isinstance(err, RecursionError):
        reason = "too deeply nested"
    raise StoryRuntimeError(
        f"{what} could not be worked out: {reason}",
        file=where.file if where else "", line=where.line if where else 0,
        column=where.column if where else 0, scene=scene) from None


def _at(part: Expr | Template | None, default: Location | None,
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


def present(story: Story, state: State) -> Passage:
    """What the player sees in ``state``: the text and every choice, each marked
    available or not (once-only choices already taken are left out)."""
    scene = _scene(story, state)
    text = _text(scene, state)
    # Rendered text of the whole passage, not only of each text, stays within MAX_OUTPUT:
    # a thousand choices could each render nearly that much.
    views, fallbacks, others_open, used = _views(scene, state, len(text))
    for c in fallbacks:
        part: Expr | Template | None = c.condition
        try:
            ok = _available(c, state, others_open)
            part = c.text
            label = c.text.render(state.variables, state)
            used = _count(used, label, None)
        except EVAL_ERRORS as e:
            _fail(e, f"choice {c.index + 1}", _at(part, c.where, e), scene.id)
        views.append(ChoiceView(c.index, c.key, label, ok, None))
    title = scene_title(scene, state)
    if story.talks and (state.reply or _stayed(scene, state)):
        return Replied(scene.id, title, scene.chapter, text, tuple(views), scene.ending,
                       scene.tags, state.turn, state.reply, _stayed(scene, state))
    return Passage(scene.id, title, scene.chapter, text, tuple(views), scene.ending,
                   scene.tags, state.turn)


def scene_title(scene: Scene, state: State) -> str:
    """The scene's title as the player reads it in ``state`` (a title may be a template)."""
    t = scene.title_template
    if t is None:
        return scene.title
    try:
        return t.render(state.variables, state)
    except EVAL_ERRORS as e:
        _fail(e, "the scene's title", _at(t, scene.where, e), scene.id)


def _stayed(scene: Scene, state: State) -> bool:
    """Whether the last step was a choice of this scene that stayed in it."""
    if not state.path or state.path[-1].scene != scene.id:
        return False
    last = state.path[-1].choice
    return any(c.stay for c in scene.choices if c.key == last)


def _text(scene: Scene, state: State) -> str:
    text = scene.text.const
    if text is not None:
        return text
    try:
        return scene.text.render(state.variables, state)
    except EVAL_ERRORS as e:
        _fail(e, "the scene's text", _at(scene.text, scene.where, e), scene.id)


def _views(scene: Scene, state: State,
           used: int) -> tuple[list[ChoiceView], list[Choice], bool, int]:
    """The views of the choices that are not fallbacks, in order; the fallbacks
    still to be offered; whether any of the others is open; the characters used."""
    views = []
    fallbacks = []
    others_open = False
    v = state.variables
    taken = state.once
    for c in scene.choices:
        if c.once and c.key in taken:
            continue
        if c.fallback:
            fallbacks.append(c)
            continue
        part: Expr | Template | None = c.condition
        try:
            ok = c.condition is None or _available(c, state, False)  # fast path: no condition
            label = c.text.const
            if label is None:
                part = c.text
                label = c.text.render(v, state)
            reason = None
            if not ok and c.locked is not None:
                part = c.locked
                reason = c.locked.render(v, state)
            used = _count(used, label, reason)
        except EVAL_ERRORS as e:
            _fail(e, f"choice {c.index + 1}", _at(part, c.where, e), scene.id)
        others_open = others_open or ok
        views.append(ChoiceView(c.index, c.key, label, ok, reason))
    return views, fallbacks, others_open, used


def _count(used: int, label: str, reason: str | None) -> int:
    used += len(label) + (len(reason) if reason is not None else 0)
    if used > MAX_OUTPUT:
        raise LimitError(f"the passage grew past {MAX_OUTPUT} characters")
    return used


def _available(c: Choice, state: State, others_open: bool) -> bool:
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


def _others_open(scene: Scene, state: State) -> bool:
    """Whether any choice of ``scene`` that is not a fallback can be taken."""
    return any(_available(o, state, False) for o in scene.choices if not o.fallback)


def _route(goto: Goto, v: dict[str, Any], state: State, what: str, sid: str) -> str:
    routes = goto.routes
    if goto.random:
        total = sum(r.weight for r in routes)
        x = random_site_draw(state, goto.site) * total
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
            _fail(e, what, _at(r.condition, r.where, e), sid)
    return routes[-1].scene  # the loader makes the last route unconditional


def _stored(name: str, value: Any) -> Any:
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


# --- old dice (issue 12, rule 5): a State read from a save of format 1 or 2 draws with
# the load-order site numbers it was saved with (State.dice 1), so its screen and the
# choice it is about to take draw as before; its next entry into a scene (a visit
# counted) moves it to the stable sites for good. A stay keeps the old numbering.
def choose(story: Story, state: State, index: int, target: str | None = None) -> State:
    """The State after taking choice ``index`` (a ChoiceView.index) in ``state``
    (see _step)."""
    after = _step(story, state, index, target)
    if state.dice == 1 and after.visits.get(after.scene) == state.visits.get(after.scene):
        return replace(after, dice=1)  # a stay (or a return): no scene entered
    return after
# --- end of old dice


def _step(story: Story, state: State, index: int, target: str | None = None) -> State:
    """The State after taking choice ``index`` (a ChoiceView.index) in ``state``.
    The order of a step: the choice's ``set:``, then its ``reply:``, then (unless it
    stays) the next scene's visits + 1 and its ``enter:``. ``target`` forces where a
    random goto leads (explore tries each outcome)."""
    scene = _scene(story, state)
    if scene.ending is not None:
        raise ChoiceError("the story has ended; there is nothing to choose")
    if not 0 <= index < len(scene.choices):
        raise ChoiceError(f"scene '{scene.id}' has no choice {index + 1}")
    c = scene.choices[index]
    part = c.condition
    try:
        if not _available(c, state, c.fallback and _others_open(scene, state)):
            raise ChoiceError(f"choice {index + 1} is not available now")
        v = dict(state.variables)
        for name, expr in c.effects:
            part = expr
            v[name] = _stored(name, expr.fn(v, state))
    except EVAL_ERRORS as e:
        _fail(e, f"choice {index + 1}", _at(part, c.where, e), scene.id)
    once = state.once | {c.key} if c.once else state.once
    if story.talks:
        return _talking(story, scene, c, state, v, once, target)
    if target is None:
        target = _route(c.goto, v, state, f"choice {index + 1}", scene.id)
    visits = dict(state.visits)
    visits[target] = visits.get(target, 0) + 1
    return State(target, v, visits, once, state.path + (Step(c.key, target),),
                 state.turn + 1, state.seed, state.taken)  # empty here: shared, not made


def _talking(story: Story, scene: Scene, c: Choice, state: State, v: dict[str, Any],
             once: frozenset[str], target: str | None) -> State:
    """The rest of a step in a story with conversations or 'enter:' (Story.talks):
    the choice counted, its reply, the stay or the next scene entered."""
    taken = state.taken
    if c.counted:
        taken = {**taken, c.key: taken.get(c.key, 0) + 1}
    if c.stay or c.reply is not None:
        return _conversation(story, scene, c, state, v, once, taken, target)
    if target is None:
        target = _route(c.goto, v, state, f"choice {c.index + 1}", scene.id)
    visits = dict(state.visits)
    visits[target] = visits.get(target, 0) + 1
    after = State(target, v, visits, once, state.path + (Step(c.key, target),),
                  state.turn + 1, state.seed, taken)
    return _entered(story, after) if story.entering else after


def _conversation(story: Story, scene: Scene, c: Choice, state: State, v: dict[str, Any],
                  once: frozenset[str], taken: dict[str, int], target: str | None) -> State:
    """A choice with a reply, or one that stays: its reply worked out after its
    ``set:`` (on the turn it was taken), then, unless it stays, the next scene
    entered. A stay adds a turn but no visit, and never reruns ``enter:``."""
    reply = ""
    if c.reply is not None:
        now = State(scene.id, v, state.visits, once, state.path, state.turn, state.seed,
                    taken, dice=state.dice)
        try:
            reply = c.reply.render(v, now)
        except EVAL_ERRORS as e:
            _fail(e, f"the reply of choice {c.index + 1}", _at(c.reply, c.where, e), scene.id)
    if c.stay:
        return State(scene.id, v, state.visits, once,
                     state.path + (Step(c.key, scene.id),), state.turn + 1, state.seed,
                     taken, reply)
    if target is None:
        target = _route(c.goto, v, state, f"choice {c.index + 1}", scene.id)
    visits = dict(state.visits)
    visits[target] = visits.get(target, 0) + 1
    after = State(target, v, visits, once, state.path + (Step(c.key, target),),
                  state.turn + 1, state.seed, taken, reply)
    return _entered(story, after) if story.entering else after


def _entered(story: Story, state: State) -> State:
    """``state`` with its scene's ``enter:`` effects run (its visit already counted;
    draws on the turn the visit begins)."""
    scene = _scene(story, state)
    if not scene.enter:
        return state
    v = dict(state.variables)
    for name, expr in scene.enter:
        try:
            v[name] = _stored(name, expr.fn(v, state))
        except EVAL_ERRORS as e:
            _fail(e, f"'enter' of scene '{scene.id}'", _at(expr, scene.where, e), scene.id)
    return State(state.scene, v, state.visits, state.once, state.path, state.turn,
                 state.seed, state.taken, state.reply)
