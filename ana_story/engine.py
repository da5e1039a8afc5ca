"""The engine: pure functions over (Story, State).

``present`` says what the player sees now; ``choose`` returns the State after a
choice. The caller owns the loop. Nothing here touches the terminal, the disk
or YAML, and given the same State the result is always the same: randomness is
drawn from the State's seed and turn.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ChoiceError, StateError, StoryRuntimeError
from .expressions import MAX_INT, MAX_OUTPUT, MAX_STR, LimitError, random_site_draw
from .model import Choice, Goto, Location, Scene, Story
from .state import State, Step

# What a story's own arithmetic can raise; each becomes a StoryRuntimeError.
_EVAL_ERRORS = (ArithmeticError, LimitError, ValueError, TypeError, RecursionError,
                MemoryError)


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


def new_state(story: Story, seed: int = 0) -> State:
    """The State at the start of a new playthrough."""
    start = story.start
    return State(start, story.initial_variables(), {start: 1}, frozenset(), (), 0, seed)


def _scene(story: Story, state: State) -> Scene:
    try:
        return story.scenes[state.scene]
    except KeyError:
        raise StateError(f"the story has no scene '{state.scene}'") from None


def _fail(err: BaseException, what: str, where: Location | None, scene: str):
    reason = str(err) or type(err).__name__
    if isinstance(err, ZeroDivisionError):
        reason = "division by zero"
    elif isinstance(err, RecursionError):
        reason = "too deeply nested"
    raise StoryRuntimeError(
        f"{what} could not be worked out: {reason}",
        file=where.file if where else "", line=where.line if where else 0,
        column=where.column if where else 0, scene=scene) from None


def _at(part, default: Location | None, err: BaseException) -> Location | None:
    """Where the failing expression, or the failing part of a text, was written;
    else ``default``."""
    marks = getattr(part, "mark_wheres", ())
    k = part.failed_part(err) if marks else -1
    if 0 <= k < len(marks):
        return marks[k]
    where = getattr(part, "where", None)
    return where if where is not None else default


def present(story: Story, state: State) -> Passage:
    """What the player sees in ``state``: the text and every choice, each marked
    available or not (once-only choices already taken are left out)."""
    scene = _scene(story, state)
    v = state.variables
    text = scene.text.const
    if text is None:
        try:
            text = scene.text.fn(v, state)
        except _EVAL_ERRORS as e:
            _fail(e, "the scene's text", _at(scene.text, scene.where, e), scene.id)
    # Rendered text of the whole passage, not only of each text, stays within MAX_OUTPUT:
    # a thousand choices could each render nearly that much.
    used = len(text)
    views = []
    any_available = False
    fallbacks = []
    taken = state.once
    for c in scene.choices:
        if c.once and c.key in taken:
            continue
        if c.fallback:
            fallbacks.append(c)
            continue
        part = c.condition
        try:
            ok = c.condition is None or c.condition.fn(v, state)
            label = c.text.const
            if label is None:
                part = c.text
                label = c.text.fn(v, state)
            reason = None
            if not ok and c.locked is not None:
                part = c.locked
                reason = c.locked.render(v, state)
            used = _count(used, label, reason)
        except _EVAL_ERRORS as e:
            _fail(e, f"choice {c.index + 1}", _at(part, c.where, e), scene.id)
        if ok:
            any_available = True
        views.append(ChoiceView(c.index, c.key, label, ok, reason))
    for c in fallbacks:
        part = c.condition
        try:
            ok = not any_available and (c.condition is None or c.condition.fn(v, state))
            part = c.text
            label = c.text.render(v, state)
            used = _count(used, label, None)
        except _EVAL_ERRORS as e:
            _fail(e, f"choice {c.index + 1}", _at(part, c.where, e), scene.id)
        views.append(ChoiceView(c.index, c.key, label, ok, None))
    return Passage(scene.id, scene.title, scene.chapter, text, tuple(views), scene.ending,
                   scene.tags, state.turn)


def _count(used: int, label: str, reason: str | None) -> int:
    used += len(label) + (len(reason) if reason is not None else 0)
    if used > MAX_OUTPUT:
        raise LimitError(f"the passage grew past {MAX_OUTPUT} characters")
    return used


def _available(scene: Scene, c: Choice, state: State) -> bool:
    if c.once and c.key in state.once:
        return False
    v = state.variables
    if c.fallback:
        for other in scene.choices:
            if other.fallback or (other.once and other.key in state.once):
                continue
            if other.condition is None or other.condition.fn(v, state):
                return False
    return c.condition is None or c.condition.fn(v, state)


def _route(goto: Goto, v: dict, state: State, what: str, sid: str) -> str:
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
        except _EVAL_ERRORS as e:
            _fail(e, what, _at(r.condition, r.where, e), sid)
    return routes[-1].scene  # the loader makes the last route unconditional


def _stored(name: str, value):
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


def choose(story: Story, state: State, index: int) -> State:
    """The State after taking choice ``index`` (a ChoiceView.index) in ``state``."""
    scene = _scene(story, state)
    if scene.ending is not None:
        raise ChoiceError("the story has ended; there is nothing to choose")
    if not 0 <= index < len(scene.choices):
        raise ChoiceError(f"scene '{scene.id}' has no choice {index + 1}")
    c = scene.choices[index]
    part = c.condition
    try:
        if not _available(scene, c, state):
            raise ChoiceError(f"choice {index + 1} is not available now")
        v = dict(state.variables)
        for name, expr in c.effects:
            part = expr
            v[name] = _stored(name, expr.fn(v, state))
    except _EVAL_ERRORS as e:
        _fail(e, f"choice {index + 1}", _at(part, c.where, e), scene.id)
    target = _route(c.goto, v, state, f"choice {index + 1}", scene.id)
    visits = dict(state.visits)
    visits[target] = visits.get(target, 0) + 1
    once = state.once | {c.key} if c.once else state.once
    return State(target, v, visits, once, state.path + (Step(c.key, target),),
                 state.turn + 1, state.seed)
