"""Start anywhere: a State at any scene with any variable values, for authors
testing a late scene (`ana-story play --from SCENE --set var=value`)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from . import engine
from .errors import UsageError
from .frames import let_values
from .model import Story, Variable
from .records import replace
from .saves.check import start_value_problem
from .state import State
from .suggest import did_you_mean
from .wording import show_value

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _suggest(word: str, options: Iterable[str]) -> str:
    found = did_you_mean(word, options)
    return f"; {found}" if found else ""


def parse_value(var: Variable, text: str):
    """A command-line value for ``var``, read as the variable's own type."""
    raw = text.strip()
    try:
        if var.type == "bool":
            if raw.lower() in _TRUE:
                return True
            if raw.lower() in _FALSE:
                return False
            raise ValueError
        if var.type == "int":  # ASCII digits only, as typed input reads them (ui.typed)
            if not re.fullmatch(r"[+-]?[0-9]{1,16}", raw, re.ASCII):
                raise ValueError
            return int(raw)
        if var.type == "float":
            if not raw.isascii() or len(raw) > 40:
                raise ValueError
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
    except ValueError:
        kind = {"bool": "true or false", "int": "a whole number",
                "float": "a number"}[var.type]
        raise UsageError(f"--set {var.name}={text}: '{var.name}' holds {kind}, "
                         f"not '{text}'") from None
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        raw = raw[1:-1]
    return raw


def _items_value(var: Variable, raw: str) -> tuple[str, ...]:
    """``--set satchel=pencils,ledger``: a list's items, in declaration order."""
    named = [w.strip() for w in raw.split(",") if w.strip()]
    for w in named:
        if w not in var.items:
            raise UsageError(f"--set {var.name}={raw}: '{w}' is not an item of "
                             f"'{var.name}'{_suggest(w, var.items)}")
    if var.one and len(set(named)) > 1:
        raise UsageError(f"--set {var.name}={raw}: '{var.name}' holds one item at a time")
    return tuple(i for i in var.items if i in named)


def state_from(story: Story, scene_id: str | None, assignments: list[str],
               seed: int = 0) -> State:
    """The State of a new playthrough placed at ``scene_id`` (the start when None),
    with each ``var=value`` of ``assignments`` applied to the starting values.

    The scene counts as visited once, like the start of a normal game. Raises
    UsageError, with a suggestion, for an unknown scene or variable or a value of
    the wrong kind.
    """
    scene = story.start if scene_id is None else story.renamed.get(scene_id, scene_id)
    if scene not in story.scenes:
        raise UsageError(f"--from {scene_id}: the story has no scene '{scene_id}'"
                         f"{_suggest(scene_id or scene, story.scenes)}")
    variables = story.initial_variables()
    for item in assignments or ():
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            some = next(iter(story.variables.values()), None)  # this story's own
            like = f", like --set {some.name}={show_value(some.initial)}" if some else ""
            raise UsageError(f"--set {item}: write it as name=value{like}")
        var = story.variables.get(name)
        if var is None:
            raise UsageError(f"--set {item}: the story has no variable '{name}'"
                             f"{_suggest(name, story.variables)}")
        variables[name] = _items_value(var, value.strip()) if var.items \
            else parse_value(var, value)
        why = start_value_problem(variables[name])  # what a save would refuse
        if why:
            raise UsageError(f"--set {item[:60]}: that value {why}")
    base = engine.new_state(story, seed)
    return at_scene(story, State(scene, variables, {scene: 1}, frozenset(), (), 0, base.seed))


def at_scene(story: Story, state: State) -> State:
    """``state`` (a new visit at its scene) with the scene's 'let:' worked out, as an
    entry would (its 'enter:' is not run: the values given are the ones wanted)."""
    scene = story.scenes[state.scene]
    if not scene.let:
        return state
    return replace(state, let=let_values(scene, state.variables, state))
