"""The engine's step as the search needs it: which choices are available, and
the State after one, without building what no check reads.

``engine.present`` renders every text and builds a Passage; the search only
needs the available choices, and whether the texts fail. So texts are rendered
(by the real ``engine.present``) once per (scene, the values they read, the
choices shown): an error in a text is still found, in the first State that
gives it, with the engine's own message. Whenever anything here raises, or a
value is not plainly within the bounds, the step is handed to the engine, whose
result or error is the one reported: this is a shortcut, never a second engine.

It covers the step of a story that does not talk (Story.talks false: no replies,
stays, 'enter:' or taken()); search.py hands every step of one that does to the
engine. A scene's title is among the texts (a title may be a template).
"""
from __future__ import annotations

from ... import engine
from ...expressions import MAX_INT, MAX_STR
from ...model import Choice, Scene, Story
from ...state import State
from .key import getter


def _text_reads(scene: Scene) -> tuple[tuple, tuple, bool]:
    """(variables, counted scenes) the scene's texts read; True when one draws."""
    texts = [scene.text] + [c.text for c in scene.choices] + \
        [c.locked for c in scene.choices if c.locked is not None] + \
        ([scene.title_template] if scene.title_template is not None else [])
    names: set[str] = set()
    counted: set[str] = set()
    for t in texts:
        names |= t.reads
        counted |= t.scenes
    return tuple(sorted(names)), tuple(sorted(counted)), any(t.site0 for t in texts)


class Stepper:
    """``available`` and ``after``: engine.present and engine.choose for the search."""

    def __init__(self, story: Story):
        self.story = story
        self.scenes = {}
        for sid, scene in story.scenes.items():
            names, counted, draws = _text_reads(scene)
            plain = tuple(c for c in scene.choices if not c.fallback)
            fallbacks = tuple(c for c in scene.choices if c.fallback)
            self.scenes[sid] = (scene, plain, fallbacks, getter(names), counted, draws)
        self.rendered: set = set()  # (scene, values read, choices shown) rendered cleanly

    def available(self, state: State) -> list[Choice]:
        """The available choices in the order the player sees them (numbered from
        1); raises the engine's own error when the scene's text or a condition fails."""
        scene, plain, fallbacks, reads, counted, draws = self.scenes[state.scene]
        shown: list[int] = []
        try:
            out = _offered(plain, fallbacks, state, shown)
        except Exception:  # noqa: BLE001  the engine says what failed, in its words
            return self._present(state)
        if draws:
            engine.present(self.story, state)
            return out
        visits = state.visits
        seen = (state.scene, reads(state.variables), tuple([visits.get(s, 0) for s in counted]),
                tuple(shown))
        if seen not in self.rendered:
            engine.present(self.story, state)  # raises when a text fails
            self.rendered.add(seen)
        return out

    def _present(self, state: State) -> list[Choice]:
        p = engine.present(self.story, state)
        choices = self.story.scenes[state.scene].choices
        return [choices[c.index] for c in p.available]

    def after(self, state: State, c: Choice) -> State | Move:
        """Where the available choice ``c`` leads: a Move (the search builds the
        State only when its key is new), or the engine's State when the step is
        one this shortcut leaves to it (a random goto, a value near the bounds)."""
        if c.goto.random:
            return engine.choose(self.story, state, c.index)
        try:
            v = dict(state.variables)
            for name, expr in c.effects:
                x = expr.fn(v, state)
                t = type(x)
                if not (t is bool or (t is int and -MAX_INT <= x <= MAX_INT)
                        or (t is str and len(x) <= MAX_STR)):
                    return engine.choose(self.story, state, c.index)
                v[name] = x
            target = _route(c, v, state)
        except Exception:  # noqa: BLE001  the engine says what failed, in its words
            return engine.choose(self.story, state, c.index)
        return (target, v, state.once | {c.key} if c.once else state.once)


Move = tuple  # (scene entered, variables, once-only choices taken): a State to be


def build(state: State, move: Move) -> State:
    """The State a Move from ``state`` makes, without a path (the search keeps
    paths as parent links)."""
    target, v, once = move
    visits = dict(state.visits)
    visits[target] = visits.get(target, 0) + 1
    return State(target, v, visits, once, (), state.turn + 1, state.seed, state.taken)


def _route(c: Choice, v: dict, state: State) -> str:
    for r in c.goto.routes:
        if r.condition is None or r.condition.fn(v, state):
            return r.scene
    return c.goto.routes[-1].scene


def _offered(plain: tuple, fallbacks: tuple, state: State, shown: list[int]) -> list[Choice]:
    """engine.present's availability: a fallback only when no other choice is;
    ``shown`` gets each shown choice's index * 2 + 1 if available."""
    v, once = state.variables, state.once
    out = []
    for c in plain:
        if c.once and c.key in once:
            continue
        ok = c.condition is None or c.condition.fn(v, state)
        shown.append(c.index * 2 + (1 if ok else 0))
        if ok:
            out.append(c)
    any_plain = bool(out)
    for c in fallbacks:
        if c.once and c.key in once:
            continue
        ok = not any_plain and (c.condition is None or c.condition.fn(v, state))
        shown.append(c.index * 2 + (1 if ok else 0))
        if ok:
            out.append(c)
    return out
