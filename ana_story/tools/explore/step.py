"""The engine's step as the search needs it: which choices are available, and
the State after one, without building what no check reads.

``engine.present`` renders every text and builds a Passage; the search only
needs the available choices, and whether the texts fail. So texts are rendered
(by the real ``engine.present``) once per (scene, the values they read, the
choices shown): an error in a text is still found, in the first State that
gives it, with the engine's own message. Whenever anything here raises, or a
value is not plainly within the bounds, the step is handed to the engine, whose
result or error is the one reported: this is a shortcut, never a second engine.

In a story that talks (Story.talks) it also covers, as engine.choose does them:
a choice's reply (rendered, for its errors only, once per (choice, the values it
reads); a reply that draws every time), a stay (no visit added), counted choices
(State.taken) and the next scene's 'enter:' effects (a draw in them, or a value
near the bounds, is the engine's). ``covers`` says whether the story has only
what this shortcut knows: a scene, choice or route field it does not know set
(a 'let:', a call or return), or a function it does not know called, and
search.py takes every step of that story by the engine. A scene's title is
among the texts (a title may be a template).
"""
from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import MISSING, fields, replace
from typing import Any

from ... import engine
from ...expressions import MAX_INT, MAX_STR, Expr, Template
from ...model import Choice, Goto, Route, Scene, Story
from ...state import DICE, State, Step
from .codes import Lazy
from .key import getter

# What this shortcut knows of the model and of the expression language; anything
# added later (a field set, a function called) makes the story the engine's.
KNOWN_FIELDS = {
    Scene: {"id", "title", "chapter", "text", "choices", "tags", "ending", "notes", "where",
            "title_template", "enter", "next"},
    Choice: {"key", "index", "text", "goto", "condition", "effects", "once", "fallback",
             "locked", "where", "reply", "stay", "counted"},
    Goto: {"routes", "random", "site"},
    Route: {"scene", "condition", "weight", "where"},
}
KNOWN_FUNCTIONS = frozenset({
    "abs", "cap", "case", "ceil", "chance", "clamp", "fair_add", "fair_sub", "floor", "int",
    "joined", "len", "max", "min", "pick", "random", "round", "seen", "str", "taken",
    "visits"})


class _Engine(Exception):
    """This step is the engine's (a value near the bounds, a draw on entry)."""


def _called(trees: Any) -> set[str]:
    return {n.func.id for t in trees if t is not None for n in ast.walk(t)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def taken_keys(part: Expr | Template | None) -> tuple[str, ...]:
    """The choice keys a text or expression counts with taken()."""
    if part is None:
        return ()
    trees = part.trees if isinstance(part, Template) else (part.tree,)
    keys: set[str] = set()
    for n in (n for t in trees if t is not None for n in ast.walk(t)):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "taken" \
                and n.args and isinstance(n.args[0], ast.Constant):
            keys.add(str(n.args[0].value))
    return tuple(sorted(keys))


def _extra_fields(cls: type) -> list[tuple[str, Any]]:
    """(name, default) of each field of ``cls`` this shortcut does not know."""
    out = []
    for f in fields(cls):
        if f.name not in KNOWN_FIELDS.get(cls, ()):
            out.append((f.name, f.default if f.default is not MISSING else
                        f.default_factory() if f.default_factory is not MISSING else MISSING))
    return out


def parts(scene: Scene) -> list:
    """Every text and expression of a scene (its choices' and routes' too)."""
    out: list = [scene.text, scene.title_template] + [e for _, e in scene.enter]
    for c in scene.choices:
        out += [c.text, c.locked, c.condition, c.reply] + [e for _, e in c.effects] + \
            [r.condition for r in c.goto.routes]
    return [p for p in out if p is not None]


def covers(story: Story) -> bool:
    """Whether every scene of the story has only what this shortcut knows: no field
    it does not know set (at other than its default), no function it does not know."""
    extra = {cls: _extra_fields(cls) for cls in KNOWN_FIELDS}
    checked: set[int] = set()  # trees already read (the compile cache shares them)
    for scene in story.scenes.values():
        objs = [scene] + [c for c in scene.choices] + [c.goto for c in scene.choices] + \
            [r for c in scene.choices for r in c.goto.routes]
        if not _known(objs, extra) or not _calls_known(scene, checked):
            return False
    return True


def _known(objs: list, extra: dict[type, list[tuple[str, Any]]]) -> bool:
    """Whether each of ``objs`` is of a class this shortcut knows, with each field it
    does not know (``extra``) at its default."""
    for o in objs:
        fields = extra.get(type(o))
        if fields is None:
            return False
        for n, d in fields:  # (most classes have none: no generator for each object)
            if d is MISSING or getattr(o, n) != d:
                return False
    return True


def visits_read(story: Story, counted: Iterable[str]) -> frozenset[str]:
    """The scenes whose visit counts anything in a story ``covers`` accepts may read:
    ``counted`` (the key's), those its expressions and texts name (visits(), seen(),
    turns_since(), through the story's functions too: Expr.scenes), and each scene
    whose text varies with its showings (a variation block counts its visits). The
    search keeps only these counts in its States (store.Packer): no other changes play."""
    out = set(counted)
    for sid, scene in story.scenes.items():
        for p in parts(scene):
            out.update(p.scenes)
            shown = p.place.shown if isinstance(p, Template) and p.place is not None else ()
            if shown:  # it varies: its own scene's count, or the one it names
                out.add(sid)
                out.update(shown[1:2] if shown[0] == "visits" else ())
    return frozenset(out)


def _calls_known(scene: Scene, checked: set[int]) -> bool:
    """Whether the scene's expressions and texts call only functions known here."""
    for p in parts(scene):
        if isinstance(p, Template):
            trees = p.trees
            if p.const is None and not trees:
                return False  # a text whose calls cannot be read
        else:
            trees = (p.tree,)
        new = [t for t in trees if id(t) not in checked]
        if new:  # (most are read already)
            if not _called(new) <= KNOWN_FUNCTIONS:
                return False
            checked.update(map(id, new))
    return True


def _text_reads(scene: Scene) -> tuple[tuple, tuple, tuple, bool]:
    """(variables, counted scenes, counted choices) the scene's texts read; True
    when one draws."""
    texts = [scene.text] + [c.text for c in scene.choices] + \
        [c.locked for c in scene.choices if c.locked is not None] + \
        ([scene.title_template] if scene.title_template is not None else [])
    names: set[str] = set()
    counted: set[str] = set()
    taken: set[str] = set()
    for t in texts:
        names |= t.reads
        counted |= t.scenes
        taken.update(taken_keys(t))
    return (tuple(sorted(names)), tuple(sorted(counted)), tuple(sorted(taken)),
            any(t.site0 for t in texts))


class Stepper:
    """``available`` and ``after``: engine.present and engine.choose for the search."""

    def __init__(self, story: Story):
        self.story = story
        self.talks = story.talks
        # scene -> what ``available`` reads of it; choice key -> what its reply reads:
        # each made when first asked for (a cut search may reach few of the scenes)
        self.scenes = Lazy(self._scene)
        replying = {c.key: c.reply for sc in story.scenes.values() for c in sc.choices
                    if c.reply is not None}
        self.replies = Lazy(lambda k: (getter(tuple(sorted(replying[k].reads))),
                                       tuple(sorted(replying[k].scenes)),
                                       taken_keys(replying[k]), bool(replying[k].site0)))
        self.rendered: set = set()  # (scene, values read, choices shown) rendered cleanly
        self.replied: set = set()  # (choice, values its reply reads) rendered cleanly

    def _scene(self, sid: str) -> tuple:
        """(scene, its choices but fallbacks, its fallbacks, a getter of the values its
        texts read, the counts and taken() counts they read, whether one draws)."""
        scene = self.story.scenes[sid]
        names, counted, taken, draws = _text_reads(scene)
        plain = tuple(c for c in scene.choices if not c.fallback)
        fallbacks = tuple(c for c in scene.choices if c.fallback)
        return scene, plain, fallbacks, getter(names), counted, taken, draws

    def available(self, state: State) -> list[Choice]:
        """The available choices in the order the player sees them (numbered from
        1); raises the engine's own error when the scene's text or a condition fails."""
        scene, plain, fallbacks, reads, counted, taken, draws = self.scenes[state.scene]
        shown: list[int] = []
        try:
            out = _offered(plain, fallbacks, state, shown)
        except Exception:  # noqa: BLE001  the engine says what failed, in its words
            return self._present(state)
        if draws:
            engine.present(self.story, state)
            return out
        visits, got = state.visits, state.taken.get
        # one flat tuple (a scene reads as many values, counts and taken() counts
        # each time; the choices shown last): 4 tuples took some 150 bytes more
        seen = (state.scene, *reads(state.variables), *[visits.get(s, 0) for s in counted],
                *[got(k, 0) for k in taken], *shown)
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
                v[name] = _plain(expr.fn(v, state))
            once = state.once | {c.key} if c.once else state.once
            if self.talks:
                return self._talking(state, c, v, once)
            target = _route(c, v, state)
        except Exception:  # noqa: BLE001  the engine says what failed, in its words
            return engine.choose(self.story, state, c.index)
        return (target, v, once, target, state.taken)

    def _talking(self, state: State, c: Choice, v: dict, once: frozenset) -> State | Move:
        """engine._talking: the choice counted, its reply checked, the stay or the
        next scene entered (its 'enter:' run)."""
        taken = state.taken
        if c.counted:
            taken = {**taken, c.key: taken.get(c.key, 0) + 1}
        if c.reply is not None:
            self._reply(state, c, v, once, taken)
        if c.stay:
            return (state.scene, v, once, None, taken)
        target = _route(c, v, state)
        enter = self.scenes[target][0].enter
        if not enter:
            return (target, v, once, target, taken)
        visits = dict(state.visits)
        visits[target] = visits.get(target, 0) + 1
        turn = state.turn + 1  # an entry: the visit begins on this turn (State.began)
        entered = State(target, v, visits, once, (), turn, state.seed, taken, "", {}, turn)
        v = dict(v)
        for name, expr in enter:
            if expr.site0:
                raise _Engine
            v[name] = _plain(expr.fn(v, entered))
        return State(target, v, visits, once, (), turn, state.seed, taken, "", {}, turn)

    def _reply(self, state: State, c: Choice, v: dict, once: frozenset, taken: dict) -> None:
        """Render the reply as engine._conversation does (raising as it would), once
        per (choice, the values it reads); a reply that draws, every time."""
        reads, counted, keys, draws = self.replies[c.key]
        seen = None
        if not draws:
            visits = state.visits
            seen = (c.key, reads(v), tuple([visits.get(s, 0) for s in counted]),
                    tuple([taken.get(k, 0) for k in keys]))
            if seen in self.replied:
                return
        assert c.reply is not None  # noqa: S101  (only choices with a reply come here)
        c.reply.render(v, State(state.scene, v, state.visits, once, (), state.turn,
                                state.seed, taken))
        if seen is not None:
            self.replied.add(seen)


# (scene entered or stayed in, variables, once-only choices taken, the scene whose
# visit it adds or None for a stay, taken() counts): a State to be
Move = tuple


def build(state: State, move: Move) -> State:
    """The State a Move from ``state`` makes, without a path (the search keeps
    paths as parent links)."""
    target, v, once, plus, taken = move
    visits = state.visits
    if plus is not None:
        visits = dict(visits)
        visits[plus] = visits.get(plus, 0) + 1
    # an entry begins its visit on the new turn, a stay keeps the visit's (State.began);
    # the fast step covers no let:, call or turns_since(), so those parts stay empty
    turn = state.turn + 1
    return State(target, v, visits, once, (), turn, state.seed, taken, "", {},
                 turn if plus is not None else state.began, (), {},
                 DICE if plus is not None else state.dice)


def _plain(x: Any) -> Any:
    """``x`` when plainly within the bounds engine._stored keeps; else the step
    is the engine's."""
    t = type(x)
    if t is bool or (t is int and -MAX_INT <= x <= MAX_INT) or (t is str and len(x) <= MAX_STR):
        return x
    raise _Engine


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


def other_targets(before: State, after: State, choice: Choice) -> list[State]:
    """``after`` with its random goto sent to each possible target in turn (a story
    without 'enter:' or 'let:': the other targets differ only in the scene)."""
    chosen = after.scene
    out = []
    for target in dict.fromkeys(r.scene for r in choice.goto.routes if r.weight > 0):
        if target == chosen:
            out.append(after)
            continue
        visits = dict(after.visits)
        visits[chosen] -= 1
        if not visits[chosen]:
            del visits[chosen]
        visits[target] = visits.get(target, 0) + 1
        out.append(replace(after, scene=target, visits=visits,
                           path=before.path + (Step(choice.key, target),)))
    return out
