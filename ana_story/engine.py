"""The engine: pure functions over (Story, State).

``present`` says what the player sees now; ``choose`` returns the State after a
choice. The caller owns the loop. Nothing here touches the terminal, the disk
or YAML, and given the same State the result is always the same: randomness is
drawn from the State's seed and turn.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .choosing import available, choose_slowly, routed
from .errors import ChoiceError
from .expressions import EVAL_ERRORS, MAX_INT, MAX_OUTPUT, Expr, LimitError, Template
from .frames import entered, fail, located, returned, scene_of, seen_by, stored
from .model import Scene, Story
from .plans import PLANS, ScenePlan, plan_of
from .state import State, state_of

if TYPE_CHECKING:  # mypy reads them as the dataclasses they are made equal to
    from dataclasses import dataclass
else:  # the same classes without dataclasses' cost at start-up (records.py)
    from .records import dataclass

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


# Not frozen, and never changed once built (a caller makes another with
# dataclasses.replace): one is built on every step, and a frozen dataclass's
# constructor sets each field through object.__setattr__ (8 fields: 0.69 against
# 0.23 microseconds). tests/test_engine.py holds that no module assigns to its fields.
@dataclass(slots=True)
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
    # a return from a call came back to this scene: its text again, then the reply
    returned: ClassVar[bool] = False

    @property
    def ended(self) -> bool:
        return self.ending is not None

    @property
    def available(self) -> tuple[ChoiceView, ...]:
        return tuple([c for c in self.choices if c.available])

    @property
    def shown(self) -> tuple[ChoiceView, ...]:
        return tuple(c for c in self.choices if c.shown)

    @property
    def stuck(self) -> bool:
        """Not an ending, yet nothing can be chosen: a bug in the story."""
        return self.ending is None and not any(c.available for c in self.choices)


_new = object.__new__


def passage_of(scene: str, title: str, chapter: str, text: str,
               choices: tuple[ChoiceView, ...], ending: str | None, tags: tuple[str, ...],
               turn: int) -> Passage:
    """``Passage(...)`` without the class call, as state.state_of() builds a State: one
    is built on every step (0.09 against 0.15 microseconds). Built here, not changed:
    nothing has seen it yet. tests/test_engine.py holds it to the class's constructor."""
    p = _new(Passage)
    p.scene = scene
    p.title = title
    p.chapter = chapter
    p.text = text
    p.choices = choices
    p.ending = ending
    p.tags = tags
    p.turn = turn
    return p


@dataclass(slots=True)
class Replied(Passage):
    """A Passage with the reply of the choice just taken, or after a choice that stayed."""

    reply: str = ""  # type: ignore[misc]  # a field here, a class default on Passage
    stayed: bool = False  # type: ignore[misc]  # as above
    returned: bool = False  # type: ignore[misc]  # as above


# (the variables of the story last started, their initial values): new_state() copies
# them rather than working them out from the declarations again for each playthrough
INITIAL: list[Any] = [None, {}]
NOTHING: frozenset[str] = frozenset()


def new_state(story: Story, seed: int = 0, let: dict[str, Any] | None = None) -> State:
    """The State at the start of a new playthrough; ``let`` forces the start scene's
    'let:' values (explore tries each outcome, and its paths replay them)."""
    start = story.start
    known = INITIAL  # the story's initial values, worked out once (a copy for each State)
    if known[0] is not story.variables:
        known[:] = story.variables, story.initial_variables()
    state = State(start, known[1].copy(), {start: 1}, NOTHING, (), 0, seed)
    return entered(story, state, let) if story.entering else state


def present(story: Story, state: State) -> Passage:
    """What the player sees in ``state``: the text and every choice, each marked
    available or not (once-only choices already taken are left out)."""
    plan = PLANS.get(state.scene)  # the scene's plan, read without the scene (plans.py)
    if plan is None or plan.of is not story.scenes:
        plan = plan_of(scene_of(story, state), ChoiceView, story.scenes)
    if story.talks:
        return _present_talking(story, plan, state)
    cond = plan.cond
    if cond is not None:  # a plain text, and one condition decides every view
        text = plan.text
        try:
            views = plan.yes if cond(state.variables, state) else plan.no
        except EVAL_ERRORS:
            views = _views(plan.scene, state, len(text))  # to say where, as it always did
    else:
        text = plan.text
        views = plan.ready
        if views is None:
            text, views = _present_views(plan, state)
    title = plan.title
    if title is None:
        title = _title(plan.scene, state)
    return passage_of(plan.id, title, plan.chapter, text, views, plan.ending, plan.tags,
                      state.turn)


def _present_views(plan: ScenePlan, state: State) -> tuple[str, tuple[ChoiceView, ...]]:
    """present()'s text and views when the plan does not have them ready."""
    scene = plan.scene
    text = scene.text.const
    if text is None:
        text = _text(scene, state)
    # Rendered text of the whole passage, not only of each text, stays within MAX_OUTPUT:
    # a thousand choices could each render nearly that much.
    views = plan.fixed if len(text) + plan.most <= MAX_OUTPUT else None
    if views is None:
        simple = plan.simple
        if simple is not None and len(text) + plan.most <= MAX_OUTPUT:
            v = state.variables  # plan.views's first case, without its call
            try:
                views = tuple([on if cond is None or cond(v, state) else off
                               for cond, on, off in simple])
            except EVAL_ERRORS:
                views = _views(scene, state, len(text))  # to say where, as it always did
        else:
            views = _planned(plan, scene, state, len(text))
    return text, views


def _present_talking(story: Story, plan: ScenePlan, state: State) -> Passage:
    """present() in a story that talks (Story.talks): the scene's own State (its 'let:'
    names read as variables, draws on the turn the visit began), and after a reply, a
    stay or a return, a Replied. (The lines it shares with present() are repeated
    there: the plain story's step makes no call it does not need.)"""
    shown = state
    scene = plan.scene
    state = seen_by(scene, state)
    text = scene.text.const
    if text is None:
        text = _text(scene, state)
    views = plan.fixed if len(text) + plan.most <= MAX_OUTPUT else None
    if views is None:
        views = _planned(plan, scene, state, len(text))
    title = scene.title if scene.title_template is None else _title(scene, state)
    if state.reply or _stayed(plan, scene, state) or returned(story, state):
        back = returned(story, state)
        return Replied(scene.id, title, scene.chapter, text, views, scene.ending,
                       scene.tags, shown.turn, state.reply,
                       back or _stayed(plan, scene, state), back)
    return Passage(scene.id, title, scene.chapter, text, views, scene.ending, scene.tags,
                   shown.turn)


def _planned(plan: ScenePlan, scene: Scene, state: State,
             used: int) -> tuple[ChoiceView, ...]:
    """The views from the scene's plan when all of them fit; else (or when a condition
    fails, to say where, as it always did) one by one."""
    if used + plan.most <= MAX_OUTPUT:
        try:
            return plan.views(state, used + plan.most)
        except EVAL_ERRORS:
            pass
    return _views(scene, state, used)


def scene_title(scene: Scene, state: State) -> str:
    """The scene's title as the player reads it in ``state`` (a title may be a template,
    and read the scene's 'let:' names)."""
    return _title(scene, seen_by(scene, state) if state.let else state)


def _title(scene: Scene, state: State) -> str:
    t = scene.title_template
    if t is None:
        return scene.title
    try:
        return t.render(state.variables, state)
    except EVAL_ERRORS as e:
        fail(e, "the scene's title", located(t, scene.where, e), scene.id)


def _stayed(plan: ScenePlan, scene: Scene, state: State) -> bool:
    """Whether the last step was a choice of this scene that stayed in it."""
    if not state.path or not plan.stays:
        return False
    last = state.path[-1]
    return last.scene == scene.id and last.choice in plan.stays


def _text(scene: Scene, state: State) -> str:
    text = scene.text.const
    if text is not None:
        return text
    try:
        return scene.text.render(state.variables, state)
    except EVAL_ERRORS as e:
        fail(e, "the scene's text", located(scene.text, scene.where, e), scene.id)


def _views(scene: Scene, state: State, used: int) -> tuple[ChoiceView, ...]:
    """The views of the choices one by one, each text rendered and counted: those
    that are not fallbacks in order, then the fallbacks."""
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
            ok = c.condition is None or available(c, state, False)  # fast path: no condition
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
            fail(e, f"choice {c.index + 1}", located(part, c.where, e), scene.id)
        others_open = others_open or ok
        views.append(ChoiceView(c.index, c.key, label, ok, reason))
    for c in fallbacks:
        part = c.condition
        try:
            ok = available(c, state, others_open)
            part = c.text
            label = c.text.render(v, state)
            used = _count(used, label, None)
        except EVAL_ERRORS as e:
            fail(e, f"choice {c.index + 1}", located(part, c.where, e), scene.id)
        views.append(ChoiceView(c.index, c.key, label, ok, None))
    return tuple(views)


def _count(used: int, label: str, reason: str | None) -> int:
    used += len(label) + (len(reason) if reason is not None else 0)
    if used > MAX_OUTPUT:
        raise LimitError(f"the passage grew past {MAX_OUTPUT} characters")
    return used


def choose(story: Story, state: State, index: int, target: str | None = None,
           let: dict[str, Any] | None = None) -> State:
    """The State after taking choice ``index`` (a ChoiceView.index) in ``state``.
    The order of a step: the choice's ``set:``, then its ``reply:``, then (unless it
    stays) the next scene's visits + 1, its ``enter:`` and its ``let:`` (frames.py).
    ``target`` forces where a random goto leads and ``let`` the 'let:' values of the
    scene entered (explore tries each outcome, and its paths replay them)."""
    plan = PLANS.get(state.scene)  # the scene's plan, read without the scene (plans.py)
    if plan is None or plan.of is not story.scenes:
        plan = plan_of(scene_of(story, state), ChoiceView, story.scenes)
    moves = plan.moves
    # A plain story's choice that neither goes once nor falls back (the plan's Move):
    # its condition, its effects, its goto, with nothing looked up on the way.
    move = moves[index] if 0 <= index < len(moves) and not story.talks else None
    if move is None:
        return choose_slowly(story, plan, state, index, target, let)
    cond, effects, fixed, step, c = move
    v = state.variables
    try:
        if cond is not None and not cond(v, state):
            raise ChoiceError(f"choice {index + 1} is not available now")
        v = v.copy()
        for name, fn in effects:
            x = fn(v, state)  # a whole number within bounds: stored() would keep it
            v[name] = x if type(x) is int and -MAX_INT <= x <= MAX_INT else stored(name, x)
    except EVAL_ERRORS:  # the same step, one part at a time, to say where
        return choose_slowly(story, plan, state, index, target, let)
    if target is None and fixed is not None:
        target = fixed
    else:
        target, step = routed(plan, c, v, state, target)
    visits = state.visits.copy()  # (a dict: copy() is about twice as fast as dict())
    visits[target] = visits.get(target, 0) + 1
    return state_of(target, v, visits, state.once, state.path + (step,), state.turn + 1,
                    state.seed, state.taken)  # empty here: shared, not made
