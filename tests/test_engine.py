"""The engine plays real stories: choices, conditions, effects, once-only, fallback,
routing, randomness and visit counts; it is deterministic and touches no I/O."""
from __future__ import annotations

import ast
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from ana_story import engine
from ana_story.errors import ChoiceError, StateError
from ana_story.loader import load_story
from ana_story.state import State

PACKAGE = Path(__file__).resolve().parent.parent / "ana_story"


@pytest.fixture(scope="module")
def story():
    return load_story(FIXTURES / "features")


def texts(passage):
    return [c.text for c in passage.shown]


def pick(story, state, text):
    """Choose the available choice whose text starts with ``text``."""
    p = engine.present(story, state)
    [c] = [c for c in p.available if c.text.startswith(text)]
    return engine.choose(story, state, c.index)


def test_first_passage(story):
    state = engine.new_state(story, seed=1)
    p = engine.present(story, state)
    assert (p.scene, p.title, p.chapter, p.turn, p.ended) == ("shore", "The Shore", "The Shore",
                                                              0, False)
    assert p.text.startswith("Wind off the water. Mara stands at the foot of the lighthouse "
                             "with 2 coins and 1.5 litres of oil.\n\nYou have never been here")
    assert texts(p) == ["Pick up the rusted key", "Climb the stairs", "Take a deep breath"]
    climb = p.shown[1]
    assert (climb.available, climb.reason) == (False, "You are too afraid")
    # the fallback is listed, not available, while other choices are
    assert [c.available for c in p.choices if c.text == "Give up and go home"] == [False]


def test_effects_once_only_and_visit_counts(story):
    state = pick(story, engine.new_state(story, 1), "Pick up")
    assert state.variables["has_key"] is True
    assert state.visits == {"shore": 2} and state.turn == 1
    p = engine.present(story, state)
    assert "Pick up the rusted key" not in texts(p)  # once-only: gone
    assert "You have been here 2 times now." in p.text
    assert texts(p)[0] == "Climb the stairs with the key in your fist"  # conditional choice text


def test_fallback_appears_only_when_nothing_else_is_available(story):
    state = pick(story, engine.new_state(story, 1), "Take a deep breath")  # courage 1
    p = engine.present(story, state)
    # the key needs courage 0, breathing courage < 1, the climb courage 2 or the key
    assert [c.text for c in p.available] == ["Give up and go home"]
    assert texts(p) == ["Climb the stairs", "Give up and go home"]  # the locked one shows
    home = engine.choose(story, state, p.available[0].index)
    assert engine.present(story, home).ending == "The Fire at Home"


def test_fallback_cannot_be_forced_while_another_choice_is_open(story):
    state = engine.new_state(story, 1)
    with pytest.raises(ChoiceError):
        engine.choose(story, state, 3)


def test_effects_apply_in_order_and_keep_types(story):
    state = pick(story, engine.new_state(story, 1), "Pick up")
    state = pick(story, state, "Climb")
    assert state.scene == "stairs"
    assert state.variables["courage"] == 1
    assert state.variables["lamp_oil"] == 1.0 and type(state.variables["lamp_oil"]) is float


def test_conditional_routing_takes_the_first_route_that_holds(story):
    with_key = pick(story, pick(story, engine.new_state(story, 1), "Pick up"), "Climb")
    up = pick(story, with_key, "Go on up")
    assert up.scene == "lamp_room"
    assert up.variables["name"] == "Mara the Brave"
    assert 3 <= up.variables["gold"] <= 5
    without = State("stairs", {**with_key.variables, "has_key": False}, with_key.visits,
                    with_key.once, with_key.path, with_key.turn, with_key.seed)
    assert pick(story, without, "Go on up").scene == "locked_door"


def test_random_goto_is_seeded_and_reaches_both_targets(story):
    at_stairs = pick(story, pick(story, engine.new_state(story, 0), "Pick up"), "Climb")
    targets = set()
    for seed in range(40):
        s = State(at_stairs.scene, at_stairs.variables, at_stairs.visits, at_stairs.once,
                  at_stairs.path, at_stairs.turn, seed)
        first = pick(story, s, "Toss a coin").scene
        assert first == pick(story, s, "Toss a coin").scene  # same State, same result
        targets.add(first)
    assert targets == {"lamp_room", "shore"}


def test_ending(story):
    state = pick(story, pick(story, engine.new_state(story, 1), "Pick up"), "Climb")
    state = pick(story, state, "Go on up")
    p = engine.present(story, state)
    assert p.ended and p.ending == "The Light" and p.choices == ()
    assert "Mara the Brave lights the lamp" in p.text
    with pytest.raises(ChoiceError):
        engine.choose(story, state, 0)


def test_unavailable_or_unknown_choice_is_refused(story):
    state = engine.new_state(story, 1)
    with pytest.raises(ChoiceError):
        engine.choose(story, state, 1)  # locked: too afraid
    with pytest.raises(ChoiceError):
        engine.choose(story, state, 99)


def test_state_for_an_unknown_scene_is_refused(story):
    with pytest.raises(StateError):
        engine.present(story, State("nowhere", {}, {}, frozenset(), (), 0, 0))


def random_walk(story, seed, steps=50):
    rng = random.Random(seed)
    state = engine.new_state(story, seed)
    states = [state]
    for _ in range(steps):
        p = engine.present(story, state)
        if p.ended:
            break
        state = engine.choose(story, state, rng.choice(p.available).index)
        states.append(state)
    return states


def test_same_state_and_choice_always_give_the_same_result(story):
    for seed in range(20):
        a, b = random_walk(story, seed), random_walk(story, seed)
        assert [s.to_json() for s in a] == [s.to_json() for s in b]
        assert [engine.present(story, s) for s in a] == [engine.present(story, s) for s in b]


def test_state_json_round_trip(story):
    for seed in range(20):
        for state in random_walk(story, seed):
            data = json.loads(json.dumps(state.to_json()))
            back = State.from_json(data)
            assert back == state
            assert back.key() == state.key()
            assert engine.present(story, back) == engine.present(story, state)


@pytest.mark.parametrize("bad, message", [
    ([], "JSON object"),
    ({"variables": {}, "visits": {}}, "no 'scene'"),
    ({"scene": 3, "variables": {}, "visits": {}}, "'scene'"),
    ({"scene": "a", "variables": {"x": [1]}, "visits": {}}, "'x'"),
    ({"scene": "a", "variables": {}, "visits": {"a": -1}}, "visit count"),
    ({"scene": "a", "variables": {}, "visits": {}, "path": [["a"]]}, "path"),
    ({"scene": "a", "variables": {}, "visits": {}, "turn": True}, "turn"),
    ({"scene": "a", "variables": {}, "visits": {}, "format": 99}, "format"),
])
def test_malformed_state_json_is_refused(bad, message):
    with pytest.raises(StateError) as info:
        State.from_json(bad)
    assert message in str(info.value)


# every module of the expressions package, found on disk so a new one is checked too
PURE = ["engine.py", "choosing.py", "frames.py", "plans.py", "state.py", "model.py", "suggest.py",
        "wording.py", "records.py", "recordinit.py", "lazyre.py"] + sorted(
    f"expressions/{p.name}" for p in (PACKAGE / "expressions").glob("*.py"))
ALLOWED_IMPORTS = {"__future__", "ast", "dataclasses", "math", "re", "typing", "difflib",
                   "collections", "warnings", "operator"}
# what a pure module may import from the package: the pure modules and "errors"
PURE_NAMES = {m[:-3].replace("/", ".").removesuffix(".__init__") for m in PURE} | {"errors"}


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The dotted name, within ana_story, that a relative import in ``module`` names."""
    parts = module[:-3].split("/")[:-1]  # the package the module is in
    parts = parts[:len(parts) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def test_the_purity_check_covers_every_module_of_the_expressions_package():
    assert "expressions/__init__.py" in PURE and len(PURE) > 8
    assert "expressions" in PURE_NAMES and "expressions.runtime" in PURE_NAMES


@pytest.mark.parametrize("module", PURE)
def test_core_modules_import_no_io_terminal_or_yaml(module):
    tree = ast.parse((PACKAGE / module).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # within the package: only other pure modules
                assert _absolute(module, node) in PURE_NAMES, (module, node.module)
                continue
            names = [node.module]
        else:
            if isinstance(node, ast.Name) and node.id == "open":
                pytest.fail(f"{module} calls open()")
            continue
        for name in names:
            assert name.split(".")[0] in ALLOWED_IMPORTS, f"{module} imports {name}"


def test_importing_the_engine_loads_no_rich_prompt_toolkit_or_yaml():
    code = ("import sys, ana_story.engine, ana_story.state, ana_story.model; "
            "print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in {'rich', 'prompt_toolkit', 'yaml'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_terminal_front_end_imports_no_author_tool():
    """ui/ is a front end over the core: what it shares with the tools lives at the
    top of the package (hints, startfrom, suggest), so the layers stay one-way."""
    for path in sorted((PACKAGE / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("tools"), f"ui/{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert not any(".tools" in a.name for a in node.names), path.name


# The layers, lowest first (docs/architecture.md draws them): a package may import from its
# own layer and the layers below, never from above.
LAYERS = {
    "cli": 4, "__main__": 4,
    "ui": 3, "tools": 3, "publish": 3,
    "loader": 2, "saves": 2, "cache": 2, "startfrom": 2,
}


def _imports(path: Path) -> set[str]:
    rel = path.relative_to(PACKAGE).with_suffix("")
    here = list(rel.parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[:len(here) - node.level + 1]
            name = ".".join(base + ([node.module] if node.module else []))
            found |= {name} if node.module else {f"{name}.{a.name}".lstrip(".") for a in
                                                 node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ana_story"):
            found.add(node.module.removeprefix("ana_story").lstrip("."))
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_from_a_layer_above_its_own(path):
    top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    mine = LAYERS.get(top, 1)
    for name in _imports(path):
        theirs = LAYERS.get(name.split(".")[0], 1)
        assert theirs <= mine, f"{path.relative_to(PACKAGE)} (layer {mine}) imports {name} " \
                               f"(layer {theirs})"



# Names that hold something other than a State where one of its field names is assigned:
# (module, the name, the field). A new entry here wants a reason.
NOT_STATES = {("tools/explore/search.py", "f", "seed"),  # a Finding's replay seed
              ("tools/explore/parallel.py", "ending", "path"),  # a Finding's path
              ("publish/session.py", "g", "chapter")}  # the Game's chapter on screen


def _state_field_assignments(source: str, rel: str) -> list[str]:
    """Each `name.field = ...` (or `+=`, `|=`, ...) of ``source`` whose field is a State's,
    or a Passage's in a module that names Passage (it is not frozen either: engine.py).
    A function's own object being built is not changed: a name the function binds to
    ``_new(...)`` (object.__new__: nothing else has seen it yet), as state_of() does."""
    fields = set(State.__dataclass_fields__)
    if "Passage" in source or "present(" in source:
        fields |= set(engine.Replied.__dataclass_fields__)
    tree = ast.parse(source)
    owner: dict[ast.AST, ast.AST | None] = {}  # node -> the innermost function holding it

    def mark(node: ast.AST, fn: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            owner[child] = fn
            mark(child, child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                 else fn)
    mark(tree, None)
    built = {(owner[node], t.id) for node in ast.walk(tree)  # bound to _new(...) there
             if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
             and isinstance(node.value.func, ast.Name) and node.value.func.id == "_new"
             for t in node.targets if isinstance(t, ast.Name)}
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for t in targets:
            if isinstance(t, ast.Attribute) and t.attr in fields and \
                    isinstance(t.value, ast.Name) and t.value.id != "self" and \
                    (owner[node], t.value.id) not in built and \
                    (rel, t.value.id, t.attr) not in NOT_STATES:
                found.append(f"{rel}:{t.lineno}: {t.value.id}.{t.attr} =")
    return found


def test_the_builders_give_what_the_constructors_give():
    """state_of() and passage_of() set every field (a field added to State or Passage
    and not to them fails here) to what the class's own constructor sets."""
    from dataclasses import fields

    from ana_story.state import Step, state_of
    args = ("hall", {"a": 1}, {"hall": 2}, frozenset({"x.0"}), (Step("x.0", "hall"),),
            4, 7, {"x.0": 1})
    made, want = state_of(*args), State(*args)
    assert [getattr(made, f.name) for f in fields(State)] == \
        [getattr(want, f.name) for f in fields(State)] and type(made) is State
    views = (engine.ChoiceView(0, "hall.0", "Go", True),)
    shown = ("hall", "The Hall", "One", "Text.", views, None, ("t",), 4)
    made_p, want_p = engine.passage_of(*shown), engine.Passage(*shown)
    assert [getattr(made_p, f.name) for f in fields(engine.Passage)] == \
        [getattr(want_p, f.name) for f in fields(engine.Passage)]
    assert made_p == want_p and type(made_p) is engine.Passage


def test_no_module_changes_a_state_once_built():
    # State is not frozen (its constructor runs on every step; see state.py): it is never
    # changed once built, and this holds it for the package
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += _state_field_assignments(path.read_text(encoding="utf-8"),
                                          path.relative_to(PACKAGE).as_posix())
    assert found == []


def test_the_scan_finds_a_state_changed():
    source = "def f(state, after):\n    state.turn = 3\n    after.visits |= {}\n"
    assert _state_field_assignments(source, "engine.py") == [
        "engine.py:2: state.turn =", "engine.py:3: after.visits ="]
    # one being built (bound to _new() in the same function) is not changed; one built
    # elsewhere, or bound otherwise, is
    built = ("def g():\n    s = _new(State)\n    s.turn = 1\n    return s\n"
             "def h(s):\n    s.turn = 2\n    t = s\n    t.turn = 3\n")
    assert _state_field_assignments(built, "engine.py") == [
        "engine.py:6: s.turn =", "engine.py:8: t.turn ="]
    shown = "def g(story, state):\n    p = present(story, state)\n    p.text = ''\n"
    assert _state_field_assignments(shown, "ui/game.py") == ["ui/game.py:3: p.text ="]
