"""What keeps explore's "OK" true when States are merged.

Explore merges States that differ only in values no condition reads
(analysis.relevant_variables). That is exact for where a player can go, but
not for whether play can *fail*: two merged States may differ in a value that a
division, a power or a repetition later chokes on, or that a loop keeps
growing past the bounds (numbers 10^15, texts 10,000 characters). This module
closes both gaps:

- ``fallible_live``: per scene, the variables read (from that scene on) by an
  expression that can fail for some values. Explore keeps them exact, so every
  value they can take is really evaluated.
- ``pump``: a loop of merged States whose choices change a value (``x: x * 2``)
  is played round after round for real; an error is a finding with the path,
  and a value that grows every round is a finding with how many rounds it takes
  to pass the bound.
"""
from __future__ import annotations

import ast
import functools
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from .. import engine
from ..errors import AnaStoryError
from ..expressions import MAX_INT, MAX_STR
from ..model import Story
from ..state import State
from .analysis import scene_graph
from .storymemo import remembered

ROUNDS = 64  # rounds of a loop played for real before a growth is extrapolated
MAX_STEPS = 20_000  # engine steps spent pumping one loop
_TEMPLATE_EXPR = re.compile(r"\{\{(.*?)\}\}|\{%-?\s*(?:el)?if\b(.*?)-?%\}", re.S)
_FALLIBLE_CALLS = frozenset({"int", "round", "floor", "ceil", "pick"})


def _fallible(tree: ast.AST) -> set[str] | None:
    """Names read by the parts of ``tree`` that can fail for some values (None:
    nothing can). Division and modulo by a non-constant, any power, any product
    (a number past 10^15, a text repeated past 10,000 characters), and the
    conversions that refuse some values."""
    out: set[str] = set()
    hit = False
    for node in ast.walk(tree):
        risky = False
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
                risky = not (isinstance(node.right, ast.Constant) and node.right.value)
            elif isinstance(node.op, (ast.Pow, ast.Mult)):
                risky = True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            risky = node.func.id in _FALLIBLE_CALLS
        if risky:
            hit = True
            out |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return out if hit else None


@remembered
def fallible_scenes(story: Story) -> frozenset:
    """Scenes whose visit count a failing expression reads (``10 // visits('x')``):
    explore keeps those counts exact."""
    found: set[str] = set()
    sources = _story_sources(story)
    for scene in story.scenes.values():
        for source, _ in sources[scene.id]:
            if not _fallible_source(source):
                continue
            tree = ast.parse(source, mode="eval")
            for n in ast.walk(tree):
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and \
                        n.func.id in ("visits", "seen") and n.args and \
                        isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str) \
                        and n.args[0].value in story.scenes:
                    found.add(n.args[0].value)
    return frozenset(found)


@remembered
def _story_sources(story: Story) -> dict[str, list[tuple[str, frozenset]]]:
    """scene id -> _sources of the scene (read once while explore remembers the story:
    fallible_scenes and fallible_live both read them)."""
    return {sid: _sources(scene) for sid, scene in story.scenes.items()}


def _sources(scene) -> list[tuple[str, frozenset]]:
    """(expression source, the variables it reads as a whole) for a scene."""
    out = []
    templates = [scene.text] + [c.text for c in scene.choices] + \
        [t for c in scene.choices for t in (c.locked, c.reply) if t is not None]
    for t in templates:
        if t.const is not None:
            continue
        for m in _TEMPLATE_EXPR.finditer(t.source):
            out.append(((m.group(1) or m.group(2) or "").strip(), t.reads))
    for c in scene.choices:
        exprs = [c.condition] + [e for _, e in c.effects] + \
            [r.condition for r in c.goto.routes]
        out += [(e.source.strip(), e.reads) for e in exprs if e is not None]
    return out


@functools.lru_cache(maxsize=4096)
def _fallible_source(source: str) -> frozenset | None:
    """_fallible of one expression's source (cached: stories repeat expressions);
    None when it does not parse."""
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError):
        return None
    return frozenset(_fallible(tree) or ())


def _local_fallible(sources: list[tuple[str, frozenset]], variables) -> set[str]:
    found: set[str] = set()
    for source, reads in sources:
        names = _fallible_source(source)
        found |= reads if names is None else names  # unreadable: keep all it reads
    return found & set(variables)


def at_risk(story: Story, graph: dict) -> set[str]:
    """Variables whose range (ranges.Ranges: every value any play could give
    them) passes the bounds, set by no choice on a loop: a long path without a
    loop can add them past 10^15 or 10,000 characters, so explore keeps them
    exact. What a loop grows is played for real instead (``pump``)."""
    from .ranges import flow_ranges
    from .sceneorder import cyclic
    looping = cyclic(graph)
    in_loops = {n for sid in looping for c in story.scenes[sid].choices for n, _ in c.effects}
    out = set()
    for name, (lo, hi) in flow_ranges(story).items():
        limit = MAX_STR if story.variables[name].type == "str" else MAX_INT
        if story.variables[name].type == "float":
            continue  # a float is stored whatever its size, short of infinity
        if max(abs(lo), abs(hi)) > limit and name not in in_loops:
            out.add(name)
    return out


@remembered
def fallible_live(story: Story) -> dict[str, frozenset]:
    """scene id -> variables that a fallible expression can still read from that
    scene on (closed under the effects that feed them), and those a choice from
    there may store past the bounds (``at_risk``)."""
    graph = scene_graph(story)
    live = _fallible_seeds(story, graph)
    if not any(live.values()):
        return {sid: frozenset() for sid in story.scenes}
    from .sceneorder import scene_order
    rank = scene_order(story)[0]
    backwards = sorted(story.scenes, key=lambda sid: -rank.get(sid, 0))
    changed = True
    while changed:
        changed = False
        for sid in backwards:  # successors first: a chain settles in one round
            changed = _widen(story, graph, live, sid) or changed
    return {sid: frozenset(v) for sid, v in live.items()}


def _fallible_seeds(story: Story, graph: dict) -> dict[str, set]:
    """scene id -> what its own fallible expressions read, and what the choices
    that may store past the bounds store and read."""
    sources = _story_sources(story)
    live = {sid: _local_fallible(sources[sid], story.variables) for sid in story.scenes}
    risky = at_risk(story, graph)
    if risky:
        for sid, scene in story.scenes.items():
            for c in scene.choices:
                for name, expr in c.effects:
                    if name in risky:
                        live[sid] |= {name} | (expr.reads & set(story.variables))
    return live


def _widen(story: Story, graph: dict, live: dict, sid: str) -> bool:
    """Add to ``live[sid]`` what its successors need and the effects feeding that;
    True when it grew."""
    mine = set(live[sid])
    for t in graph[sid]:
        mine |= live[t]
    for c in story.scenes[sid].choices:
        for name, expr in reversed(c.effects):
            if name in mine:
                mine |= expr.reads
    if mine == live[sid]:
        return False
    live[sid] = mine
    return True


def changing_choices(story: Story) -> set[str]:
    """Keys of choices with an effect that computes from the State (``x: x + 1``),
    the only ones that can make a value drift round a loop."""
    return {c.key for s in story.scenes.values() for c in s.choices
            if any(e.reads or e.scenes or not e.constant for _, e in c.effects)}


@dataclass
class Pumped:
    """What playing a loop for real showed."""

    state: State  # where the run stopped
    steps: list  # (choice key, number typed, scene) after the loop's first State
    round_numbers: list  # the numbers typed in one round
    rounds: int  # complete rounds played
    error: str = ""  # the engine's error, when one happened
    growth: str = ""  # "'x' grows ..." when a value grew every round
    name: str = ""  # the variable that grew


def _changed(story: Story, cycle: list[str]) -> set[str]:
    """The variables the choices of ``cycle`` (keys) set."""
    return {n for s in story.scenes.values() for c in s.choices if c.key in cycle
            for n, _ in c.effects}


def steady(story: Story) -> bool:
    """Whether nothing in ``story`` draws (no random goto, no draw in an expression,
    a text that varies, an 'enter:' or a 'let:'): its step depends on the State's
    seed and turn nowhere."""
    from .dice import drawing_scenes
    return not drawing_scenes(story) and not any(
        c.goto.random for s in story.scenes.values() for c in s.choices) and not any(
        e.site0 for s in story.scenes.values() for _, e in (*s.enter, *s.let))


def _repeated(met: dict, mark: tuple, history: list[dict], names: set[str],
              length: int) -> bool:
    """True when the round just played (``history[-1]``) ends in a State whose key
    and every value (``mark``: repr tells 1, 1.0 and True apart) an earlier round
    (not the start: its last step differs) ended in, and the rounds still to play
    show no growth. In a story that draws nothing, two States alike in both play
    the same from there on (the search merges States by that key; the values
    outside it are equal here), so every later round repeats these: none can fail
    where these did not, and the values of the rounds left are known without
    playing them. Otherwise the round is noted in ``met``; False."""
    rounds = len(history) - 1
    seen = met.get(mark)
    if seen is None:
        met[mark] = rounds
        return False
    period, ahead, steps = rounds - seen, rounds, rounds * length
    while ahead < ROUNDS and steps < MAX_STEPS:  # the rounds pump would still play
        ahead, steps = ahead + 1, steps + length
    later = [history[seen + (r - seen) % period] for r in range(rounds + 1, ahead + 1)]
    return not _growth(history + later, names)[1]


def _size(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return abs(value)
    if isinstance(value, str):
        return len(value)
    return None


def _growth(history: list[dict], names: set[str]) -> tuple[str, str]:
    """(name, a sentence) about the first value that grew in every one of the last
    rounds; ("", "") when none did."""
    for name in sorted(names):
        sizes = [s for h in history[-4:] if (s := _size(h.get(name))) is not None]
        if len(sizes) < 4:  # fewer rounds, or a value with no size
            continue
        if not all(b > a for a, b in pairwise(sizes)):
            continue
        value = history[-1][name]
        last, before = sizes[-1], sizes[-2]
        ahead = _rounds_left(value, last, before)
        if ahead is None:
            continue
        more, unit = ahead
        what = " characters" if isinstance(value, str) else ""
        return name, (f"'{name}' grows every time round the loop ({before:g}, then {last:g}"
                f"{what}); after about {max(1, more):,} more rounds it passes {unit} and "
                "play stops with an error")
    return "", ""


def _rounds_left(value, last: float, before: float) -> tuple[int, str] | None:
    """About how many more rounds until ``value`` (of size ``last``, ``before`` a
    round earlier) passes its bound, and the bound in words; None for a float
    that only adds (it stalls before infinity)."""
    ratio = last / before if before else math.inf
    if isinstance(value, float):
        # only a float that multiplies reaches infinity; adding stalls first
        if not (before and ratio >= 1.5):
            return None
        bound, unit = sys.float_info.max, "the largest number there is"
    else:
        text = isinstance(value, str)
        bound = MAX_STR if text else MAX_INT
        unit = f"{bound:,} characters" if text else "10^15"
    if ratio >= 1.5 and before:
        more = math.ceil(math.log(bound / last) / math.log(ratio))
    else:
        more = math.ceil((bound - last) / (last - before))
    return more, unit


def pump(story: Story, start: State, cycle: list[str],
         same: Callable[[State], object] | None = None) -> Pumped | None:
    """Play ``cycle`` (choice keys) again and again from ``start``. None when
    the loop cannot be replayed as found (a condition or a random goto takes
    the player out of it) and no error happened. ``same``: a State's key (the
    search's Keyer), given only for a story that draws nothing (``steady``): see
    ``_repeated``."""
    state = start
    steps: list = []
    history: list[dict] = [dict(state.variables)]
    names = _changed(story, cycle)
    rounds = 0
    met: dict = {}  # (with ``same``) what each round ended in: see _repeated
    try:
        while rounds < ROUNDS and len(steps) < MAX_STEPS:
            for key in cycle:
                available = engine.present(story, state).available
                number = next((n for n, v in enumerate(available, 1) if v.key == key), 0)
                if not number:
                    return None
                state = engine.choose(story, state, available[number - 1].index)
                steps.append((key, number, state.scene))
            rounds += 1
            history.append(dict(state.variables))
            if same is not None and _repeated(met, (same(state), repr(history[-1])),
                                              history, names, len(cycle)):
                return None
        engine.present(story, state)
    except AnaStoryError as e:
        return Pumped(state, steps, [n for _, n, _ in steps[:len(cycle)]], rounds,
                      error=str(e))
    name, growth = _growth(history, names)
    if not growth:
        return None
    return Pumped(state, steps[:len(cycle)], [n for _, n, _ in steps[:len(cycle)]],
                  rounds, growth=growth, name=name)
