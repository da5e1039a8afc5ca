"""Playthrough tests for authors (`ana-story test`): transcript files that pin a
path through the story while it is being edited, like Yarn Spinner's test plans.

A plan is YAML: optional ``seed``, ``from`` and ``set`` (as `play --from/--set`),
then ``steps``, each one of:

    - see: text that must appear now (scene text, title or a choice)
    - not_see: text that must not
    - choose: a choice by its text (a part of it), its number, or its key
    - locked: a choice that must be shown but not available
    - scene: the scene id the player must be in
    - ending: the ending (its title or scene id) the story must have reached
    - variables: {name: value, ...} that must hold now

Every failure names the plan file and the step's line. Text is matched as the
player sees it (``*emphasis*`` marks dropped), a ``choose:`` that matches two
choices is an error naming both, and a value compared with a value of another
kind (the text "41", the number 41) says which is which.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import engine, yamlread
from ..errors import AnaStoryError, UsageError
from ..expressions import fmt
from ..model import Story
from ..startfrom import state_from
from ..state import State
from ..suggest import did_you_mean
from ..ui.markup import plain

STEP_KINDS = ("see", "not_see", "choose", "locked", "scene", "ending", "variables")
PLAN_KEYS = {"name", "seed", "from", "set", "steps", "description"}


@dataclass
class PlanResult:
    file: str
    name: str
    steps: int = 0
    failures: list = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.failures


class _Fail(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def find_plans(paths: list[Path]) -> list[Path]:
    """The plan files named, or found (*.yaml, *.yml) in the folders named."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(x for x in p.iterdir() if x.suffix in (".yaml", ".yml"))
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"{p}: no such playthrough file or folder")
    return out


def _step_hint(value) -> str:
    """'chose' is not a step; did you mean 'choose'? (else '')."""
    if not (isinstance(value, dict) and len(value) == 1):
        return ""
    word = str(next(iter(value)))
    found = did_you_mean(word, STEP_KINDS)
    return f"'{word}' is not a step; {found} " if found else ""


def _read(path: Path) -> tuple[dict, list]:
    """The plan's keys and its steps, each (line, kind, value)."""
    node = _compose(path)
    if not isinstance(node, yaml.MappingNode):
        raise _Fail(1, "a plan is a set of 'key: value' lines with 'steps:'")
    constructor = yaml.constructor.SafeConstructor()
    plan, steps = {}, []
    for k, v in node.value:
        if k.value not in PLAN_KEYS:
            raise _Fail(k.start_mark.line + 1, f"unknown key '{k.value}' in the plan "
                        f"(the keys are: {', '.join(sorted(PLAN_KEYS))})")
        if k.value == "steps":
            steps += _steps(constructor, v)
        else:
            plan[k.value] = constructor.construct_document(v)
    if "steps" not in plan and not steps:
        raise _Fail(1, "the plan has no 'steps'")
    return plan, steps


def _compose(path: Path) -> yaml.Node | None:
    """The plan file's YAML node tree, by the rules story files are read with."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _Fail(0, f"cannot read the plan: {e}") from None
    try:
        node = yamlread.compose(text)  # YAML 1.2 rules, as for story files
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        tab = " (YAML indents with spaces, not tabs)" if mark and \
            text.splitlines()[mark.line:mark.line + 1] and "\t" in text.splitlines()[mark.line] \
            else ""
        raise _Fail(mark.line + 1 if mark else 0, f"YAML syntax: {e.problem}{tab}") from None
    except yaml.YAMLError as e:
        raise _Fail(0, f"YAML syntax: {e}") from None
    for bad, message, _hint in yamlread.bad_tags(text, node)[:1]:
        line = bad.start_mark.line + 1 if isinstance(bad, yaml.Node) else 0
        raise _Fail(line, message)  # PyYAML would raise KeyError
    return node


def _steps(constructor: yaml.constructor.SafeConstructor, v: yaml.Node) -> list:
    """The 'steps:' list as (line, kind, value), each step checked to be one kind."""
    if not isinstance(v, yaml.SequenceNode):
        raise _Fail(v.start_mark.line + 1, "'steps' should be a list")
    steps = []
    items: list[yaml.Node] = v.value
    for item in items:
        value = constructor.construct_document(item)
        if not (isinstance(value, dict) and len(value) == 1
                and next(iter(value)) in STEP_KINDS):
            raise _Fail(item.start_mark.line + 1, _step_hint(value) +
                        "each step is one of: " + ", ".join(
                            f"'{k}:'" for k in STEP_KINDS))
        steps.append((item.start_mark.line + 1, *next(iter(value.items()))))
    return steps


def _visible(p: engine.Passage) -> str:
    """Everything on screen now, as shown: emphasis marks are not part of it."""
    parts = [p.title, p.text, p.reply] + [c.text for c in p.shown] + \
        [c.reason for c in p.shown if c.reason]  # a locked choice shows its reason
    if p.ending:
        parts.append(p.ending)
    return plain("\n".join(parts))


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _shown(value) -> str:
    """A value with its kind visible: the text "41", the number 41."""
    if isinstance(value, (list, tuple)):  # a list variable's items
        return f"the items [{', '.join(map(str, value))}]"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, bool):
        return f"{fmt(value)} (true/false)"
    return f"the {_kind(value)} {fmt(value)}"


def _same(a, b) -> bool:
    if isinstance(a, tuple) and isinstance(b, list):  # a list, in any order
        return set(a) == set(map(str, b)) and len(a) == len(b)
    return _kind(a) == _kind(b) and a == b


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _choices_list(p: engine.Passage) -> str:
    avail = p.available
    if not avail:
        return "no choice is available"
    return "the choices are: " + "; ".join(f"{n}. {plain(c.text)}"
                                           for n, c in enumerate(avail, 1))


def run_plan(story: Story, path: Path, display: str | None = None) -> PlanResult:
    """Play one plan through the real engine; collect the first failure."""
    result = PlanResult(display or str(path), path.stem)
    try:
        plan, steps = _read(path)
        result.name = str(plan.get("name") or path.stem)
        state = _start(story, plan)
        for line, kind, want in steps:
            result.steps += 1
            try:
                p = engine.present(story, state)
            except AnaStoryError as e:
                raise _Fail(line, f"the story failed here: {e}") from None
            state = _STEPS[kind](story, state, p, want, line)
    except _Fail as f:
        result.failures.append((f.line, f.message))
    return result


def _set_value(value) -> str:
    """A plan's 'set:' value as --set reads it (a list's items joined by commas)."""
    return ",".join(map(str, value)) if isinstance(value, list) else fmt(value)


def _start(story: Story, plan: dict) -> State:
    """The State a plan starts from: its 'seed', 'from' and 'set'."""
    seed = plan.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise _Fail(1, "'seed' should be a whole number")
    sets = plan.get("set") or {}
    if not isinstance(sets, dict):
        raise _Fail(1, "'set' should be {name: value, ...}")
    try:
        return state_from(story, plan.get("from"),
                          [f"{k}={_set_value(v)}" for k, v in sets.items()], seed=seed)
    except UsageError as e:
        raise _Fail(1, str(e)) from None


# Each step kind: (story, State, what is on screen, the step's value, its line) ->
# the State after it; a step that does not hold raises _Fail.

def _see(story: Story, state: State, p: engine.Passage, want, line: int) -> State:
    if _norm(want) not in _norm(_visible(p)):
        raise _Fail(line, f"expected to see '{want}' in scene '{p.scene}'")
    return state


def _not_see(story: Story, state: State, p: engine.Passage, want, line: int) -> State:
    if _norm(want) in _norm(_visible(p)):
        raise _Fail(line, f"did not expect to see '{want}' in scene '{p.scene}'")
    return state


def _scene(story: Story, state: State, p: engine.Passage, want, line: int) -> State:
    if p.scene != str(want):
        raise _Fail(line, f"expected to be in scene '{want}', but this is '{p.scene}'")
    return state


def _ending(story: Story, state: State, p: engine.Passage, want, line: int) -> State:
    if not p.ended:
        raise _Fail(line, f"expected the ending '{want}', but the story goes on "
                    f"in scene '{p.scene}'")
    if str(want) not in (p.ending, p.scene):
        raise _Fail(line, f"expected the ending '{want}', but this is "
                    f"'{p.ending}' ({p.scene})")
    return state


def _variables(story: Story, state: State, p: engine.Passage, want, line: int) -> State:
    if not isinstance(want, dict):
        raise _Fail(line, "'variables' should be {name: value, ...}")
    for name, value in want.items():
        if name not in state.variables:
            raise _Fail(line, f"the story has no variable '{name}'")
        have = state.variables[name]
        if not _same(have, value):
            raise _Fail(line, f"expected {name} to be {_shown(value)}, but it "
                        f"is {_shown(have)}")
    return state


def _locked(story: Story, state: State, p: engine.Passage, want, line: int) -> State:
    match = _match(p.choices, want, line)
    if match is None:
        raise _Fail(line, f"no choice '{want}' is shown in scene '{p.scene}'")
    if not match.shown:  # unavailable and no 'locked:' text: not on screen
        raise _Fail(line, f"choice '{plain(match.text)}' is not shown at all: "
                    "it is not available and has no 'locked:' text (use "
                    "not_see: to pin that it is hidden)")
    if match.available:
        raise _Fail(line, f"choice '{match.text}' is available, not locked")
    return state


def _choose(story: Story, state: State, p: engine.Passage, want, line: int) -> State:
    if p.ended:
        raise _Fail(line, f"cannot choose '{want}': the story ended ('{p.ending}')")
    match = _match(p.available, want, line)
    if match is None:
        raise _Fail(line, f"no available choice matches '{want}' in scene "
                    f"'{p.scene}'; {_choices_list(p)}")
    try:
        return engine.choose(story, state, match.index)
    except AnaStoryError as e:
        raise _Fail(line, f"choosing '{match.text}' failed: {e}") from None


_STEPS = {"see": _see, "not_see": _not_see, "choose": _choose, "locked": _locked,
          "scene": _scene, "ending": _ending, "variables": _variables}


def _match(views, want, line: int = 0):
    """A choice by number (among ``views``), key, or a part of its text as shown;
    a part of the text of two choices is an error that names both."""
    views = tuple(views)
    if isinstance(want, int) and not isinstance(want, bool):
        return views[want - 1] if 1 <= want <= len(views) else None
    w = str(want)
    for v in views:
        if v.key == w:
            return v
    hits = [v for v in views if _norm(w) in _norm(plain(v.text))]
    if len(hits) > 1:
        names = " and ".join(f"'{plain(v.text)}' ({v.key})" for v in hits[:3])
        raise _Fail(line, f"'{w}' matches {len(hits)} choices: {names}; write more of "
                    "the text, or the choice's number or key")
    return hits[0] if hits else None
