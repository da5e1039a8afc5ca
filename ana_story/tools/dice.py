"""Every way the dice can fall, for explore.

Explore follows one seed, so a draw inside an expression (``random()``,
``chance()``, ``pick()``) gives one outcome per State. Alone, that would let
explore print OK on ``{{ 10 // (2 - random(1, 3)) }}``, which fails for one
player in three. So in a scene whose expressions draw, each State is also played
under every outcome of its draws: the text and conditions (``present``) and
each choice (``choose``), with the scene's own compiled code given scripted
draws instead of the hash of (seed, turn, call site). An error under any of
them is a finding, a choice any of them offers is taken, and every distinct
State a choice can lead to is a successor. A variation block (``{% cycle %}``
and the like) is played the same way, each of its alternatives in turn: its
count comes from visits and takes, which explore's key may cap, so without this
an alternative shown only on a late visit might never be rendered.

``random(a, b)`` over more than ``FACES`` values is tried at ``FACES`` of them
(both ends, the values next to them, and evenly between), and at most ``RUNS``
combinations of draws are played per State and choice: both limits are said
in docs/authoring-tools.md.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .. import engine
from ..errors import AnaStoryError, StoryRuntimeError
from ..expressions import Template
from ..model import Scene, Story
from ..state import State
from .storymemo import remembered

FACES = 64  # values of random(a, b) tried when it has more
RUNS = 512  # combinations of draws played per State and per choice


class _Script:
    """An odometer over the outcomes of the draws one evaluation makes."""

    def __init__(self) -> None:
        self.prefix: list[int] = []
        self.arity: list[int] = []
        self.pos = 0

    def draw(self, n: int) -> int:
        if self.pos == len(self.prefix):
            self.prefix.append(0)
            self.arity.append(n)
        else:
            self.arity[self.pos] = n
        i = min(self.prefix[self.pos], n - 1)
        self.pos += 1
        return i

    def advance(self) -> bool:
        """The next combination; False when every one was played."""
        del self.prefix[self.pos:], self.arity[self.pos:]
        self.pos = 0
        while self.prefix and self.prefix[-1] + 1 >= self.arity[-1]:
            self.prefix.pop()
            self.arity.pop()
        if not self.prefix:
            return False
        self.prefix[-1] += 1
        return True


def _faces(lo: int, hi: int) -> list[int]:
    n = hi - lo + 1
    if n <= FACES:
        return list(range(lo, hi + 1))
    inner = [lo + (n - 1) * k // (FACES - 5) for k in range(1, FACES - 5)]
    return sorted({lo, lo + 1, hi - 1, hi, *inner})


def _scripted(script: _Script) -> dict[str, Callable]:
    def _random(s, old, new, lo, hi):
        if lo > hi:
            lo, hi = hi, lo
        faces = _faces(lo, hi)
        return faces[script.draw(len(faces))]

    def _chance(s, old, new, p):
        outcomes = [o for o, possible in ((True, p > 0), (False, p < 1)) if possible]
        return outcomes[script.draw(len(outcomes))] if outcomes else False

    def _pick(s, old, new, options):
        return options[script.draw(len(options))]

    def _vary(kind, n, k):  # a spent once (kind 2) shows nothing: index k
        return script.draw(k + 1 if kind == 2 else k)

    def _shuffle(s, site, n, k):
        return script.draw(k)

    return {"_random": _random, "_chance": _chance, "_pick": _pick, "_vary": _vary,
            "_shuffle": _shuffle}


_SCRIPTED = ("_random", "_chance", "_pick", "_vary", "_shuffle")


def _functions(scene: Scene) -> list[Callable]:
    """The scene's compiled code that draws or varies (expressions without draws
    are shared between uses through the compile cache, and are never touched)."""
    parts: list = [scene.text] + [c.text for c in scene.choices] + \
        [c.locked for c in scene.choices if c.locked is not None] + \
        [c.reply for c in scene.choices if c.reply is not None]
    for c in scene.choices:
        parts += [c.condition] + [e for _, e in c.effects] + \
            [r.condition for r in c.goto.routes]
    return [p.fn for p in parts if p is not None and p.fn is not None and (
        p.site0 or p.__class__ is Template and p.varies)]


def entry_functions(story: Story, scene: Scene) -> list[Callable]:
    """The 'let:' code that draws of each scene a choice of ``scene`` enters: a step
    from ``scene`` is played under every outcome of those draws too, so explore
    branches on each value a 'let:' can draw."""
    out: list[Callable] = []
    for c in scene.choices:
        for r in c.goto.routes:
            t = story.scenes.get(r.scene)
            if t is not None and t.let:
                out += [e.fn for _, e in t.let if e.site0 and e.fn not in out]
    return out


@remembered
def drawing_scenes(story: Story) -> frozenset:
    """Scenes with a draw inside an expression, or a choice entering a scene whose
    'let:' draws."""
    return frozenset(sid for sid, sc in story.scenes.items()
                     if _functions(sc) or (story.framed and entry_functions(story, sc)))


@contextmanager
def _patched(fns: list[Callable], script: _Script) -> Iterator[None]:
    # only the helpers each function calls (its code's global names) are swapped
    saved = [{k: fn.__globals__[k] for k in _SCRIPTED if k in fn.__code__.co_names}
             for fn in fns]
    repl = _scripted(script)
    try:
        for fn, old in zip(fns, saved, strict=True):
            fn.__globals__.update({k: repl[k] for k in old})
        yield
    finally:
        for fn, old in zip(fns, saved, strict=True):
            fn.__globals__.update(old)


# scene -> (the scene, its code that draws): explore asks for every State of a scene
_FNS: dict[int, tuple[Scene, Story, list[Callable]]] = {}


def _every(story: Story, state: State, act: Callable[[], object]) -> Iterator[object]:
    """``act()`` under each combination of the scene's draws: its result, the
    StoryRuntimeError it raised, or None (a choice these draws do not offer)."""
    scene = story.scenes[state.scene]
    got = _FNS.get(id(scene))
    if got is None or got[0] is not scene or got[1] is not story:
        if len(_FNS) > 1024:
            _FNS.clear()
        got = _FNS[id(scene)] = (scene, story, _functions(scene) + (
            entry_functions(story, scene) if story.framed else []))
    return _drawn(got[2], act)


def _drawn(fns: list[Callable], act: Callable[[], object]) -> Iterator[object]:
    """``act()`` under each combination of the draws the compiled code ``fns`` makes."""
    script = _Script()
    with _patched(fns, script):
        for _ in range(RUNS):
            try:
                out = act()
            except StoryRuntimeError as e:
                out = e
            except AnaStoryError:  # not on offer with these draws: nothing to play
                out = None
            yield out
            if not script.advance():
                return


def starts(story: Story, seed: int) -> tuple[list[State], AnaStoryError | None]:
    """Every distinct State a playthrough can begin in under the start scene's 'let:'
    draws (the seed's own first), and the first error another draw gives."""
    first = engine.new_state(story, seed)  # raises, as before, when the seed's draw fails
    fns = [e.fn for _, e in story.scenes[story.start].let if e.site0] if story.framed else []
    if not fns:
        return [first], None
    out = {tuple(sorted(first.let.items())): first}
    error = None
    for got in _drawn(fns, lambda: engine.new_state(story, seed)):
        if isinstance(got, AnaStoryError):
            error = error or got
        elif isinstance(got, State):
            out.setdefault(tuple(sorted(got.let.items())), got)
    return list(out.values()), error


def present_error(story: Story, state: State) -> AnaStoryError | None:
    """The first error the scene's text or choices give under some draw."""
    for out in _every(story, state, lambda: engine.present(story, state)):
        if isinstance(out, AnaStoryError):
            return out
    return None


def present_all(story: Story, state: State) -> tuple[AnaStoryError | None, set[int]]:
    """present_error and available_any in one pass over the draws (explore's step in
    a scene that draws: each text rendered once per outcome, not twice)."""
    error = None
    out: set[int] = set()
    for p in _every(story, state, lambda: engine.present(story, state)):
        if isinstance(p, engine.Passage):
            out |= {v.index for v in p.available}
        elif isinstance(p, AnaStoryError) and error is None:
            error = p
    return error, out


def available_any(story: Story, state: State) -> set[int]:
    """The choices some draw offers (``if: chance(0.05)``): explore takes them all."""
    out: set[int] = set()
    for p in _every(story, state, lambda: engine.present(story, state)):
        if isinstance(p, engine.Passage):
            out |= {v.index for v in p.available}
    return out


def choose_all(story: Story, state: State, index: int, target: str | None = None
               ) -> tuple[list[State], AnaStoryError | None]:
    """Every distinct State choice ``index`` can lead to under some draw (its
    random goto, if any, as the seed sends it, or to ``target``), and the first
    error on the way."""
    afters: dict = {}
    error = None
    for out in _every(story, state, lambda: engine.choose(story, state, index, target)):
        if isinstance(out, AnaStoryError):
            error = error or out
        elif isinstance(out, State):
            afters.setdefault((out.scene, tuple(sorted(out.variables.items())),
                               tuple(sorted(out.let.items()))), out)
    return list(afters.values()), error


def failing_seed(story: Story, replayed: Callable[[int], State | None], index: int | None,
                 seed: int, tries: int = 1000) -> int | None:
    """A seed with which the path replays and then really fails (``index``: the
    choice that fails; None: the scene itself)."""
    for s in range(seed, seed + tries):
        state = replayed(s)
        if state is None:
            continue
        try:
            if index is None:
                engine.present(story, state)
            else:
                engine.choose(story, state, index)
        except StoryRuntimeError:
            return s
        except AnaStoryError:
            continue
    return None


def let_drawing(story: Story) -> frozenset:
    """Scenes whose 'let:' draws (explore records the values drawn on entering them)."""
    if not story.framed:
        return frozenset()
    return frozenset(sid for sid, sc in story.scenes.items()
                     if any(e.site0 for _, e in sc.let))


def sampled_lets(story: Story) -> list[str]:
    """A sentence for each 'let:' draw explore tries at some of its outcomes only:
    random(a, b) over more than FACES values (or over bounds that are not constants,
    which may be)."""
    out = []
    for sid in sorted(let_drawing(story)):
        for name, e in story.scenes[sid].let:
            for node in ast.walk(e.tree) if e.tree is not None else ():
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "random"):
                    continue
                ends = [a.value for a in node.args[-2:] if isinstance(a, ast.Constant)
                        and type(a.value) is int]
                if len(ends) == 2 and abs(ends[1] - ends[0]) < FACES:
                    continue
                out.append(f"scene '{sid}': 'let: {name}: {e.source.strip()}' can draw "
                           f"more than {FACES} values; explore tried {FACES} of them "
                           "(both ends, their neighbours and evenly between)")
    return out
