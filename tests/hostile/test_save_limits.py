"""Issues 18.4 and 18.9 (third bullet): the game never writes a save it will refuse,
and no save makes a choice slow.

- `check` (and so `play`) rejects a story whose own values break the save rules;
  --seed and --set are range-checked; a story's names that a save records fit it.
- A save is bounded in path steps: a bigger one is refused at load with a clear
  message; play past the bound keeps the newest steps (in blocks, so undo still
  stores earlier paths as lengths), and what it writes loads back, undo included.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import run_cli, write_story
from hostile_saves import FEATURES, valid_doc, write

from ana_story import engine
from ana_story.loader import load_story
from ana_story.saves.fields import MAX_PATH_STEPS
from ana_story.saves.records import SaveData
from ana_story.saves.store import SaveStore
from ana_story.state import State, Step

LOOP_STORY = "title: Loop\nstart: a\nvariables:\n  n: 0\n"
LOOP_SCENES = """\
    scenes:
      a:
        text: A {{ n }}
        choices:
          - text: to b
            goto: b
            set: {n: n + 1}
      b:
        text: B
        choices:
          - text: to a
            goto: a
          - text: stop
            goto: end
      end:
        ending: The end
        text: Over after {{ n }}.
    """


@pytest.fixture
def loop(tmp_path) -> Path:
    return write_story(tmp_path / "loop", LOOP_STORY, **{"01-loop__yaml": LOOP_SCENES})


# --- 18.4: nothing the game writes is refused -----------------------------------------

BAD_STARTS = [  # (declaration, what check says about it)
    ("big: 1000000000000001", "'big' is larger than 1,000,000,000,000,000"),
    ("neg: -1000000000000001", "'neg' is larger than 1,000,000,000,000,000"),
    ("hexbig: 0x38D7EA4C68001", "'hexbig' is larger than 1,000,000,000,000,000"),
    ("text: '" + "x" * 10_001 + "'", "'text' is longer than 10,000 characters"),
    ("v" * 201 + ": 1", "is longer than 200 characters"),
]


def test_check_rejects_start_values_a_save_refuses(story_dir):
    """All five in one story: the loader reports every problem in one pass."""
    declarations = "".join(f"  {d}\n" for d, _ in BAD_STARTS)
    folder = story_dir(f"title: T\nstart: a\nvariables:\n{declarations}",
                       **{"01-a__yaml": "scenes:\n  a:\n    text: hi\n    ending: E\n"})
    r = run_cli("check", str(folder))
    assert r.returncode == 1 and r.stdout.count("error[too-large]") == len(BAD_STARTS)
    for _, problem in BAD_STARTS:
        assert problem in r.stdout, (problem, r.stdout)
    r = run_cli("play", str(folder), input="")
    assert r.returncode == 1 and "internal error" not in r.stderr
    assert r.stderr.count("error[too-large]") == len(BAD_STARTS)


def test_check_rejects_a_title_that_makes_an_id_a_save_refuses(story_dir):
    folder = story_dir(f"title: {'T' * 10_001}\nstart: a\nversion: '{'9' * 10_001}'\n",
                       **{"01-a__yaml": "scenes:\n  a:\n    text: hi\n    ending: E\n"})
    r = run_cli("check", str(folder))
    assert r.returncode == 1 and "the story's id is longer" in r.stdout
    assert "the story's version is longer" in r.stdout


def test_check_rejects_a_lone_surrogate_no_save_could_hold(story_dir):
    """In a set:, an if: and a {{ }} of the text: each is reported at its line."""
    literal = r"'a\\udc80'"  # in a "..." YAML scalar: Python's literal 'a\udc80'
    folder = story_dir("title: T\nstart: a\nvariables:\n  name: x\n", **{
        "01-a__yaml": f"scenes:\n  a:\n    text: \"{{{{ {literal} }}}}\"\n    choices:\n"
                      f"      - text: go\n        goto: a\n"
                      f"        set:\n          name: \"{literal}\"\n"
                      f"      - text: on\n        goto: a\n"
                      f"        if: \"name != {literal}\"\n"})
    r = run_cli("check", str(folder))
    assert r.returncode == 1 and r.stdout.count("lone surrogate") == 3, r.stdout
    assert {line.split(":")[1] for line in r.stdout.splitlines()
            if "lone surrogate" in line} == {"3", "8", "11"}


def test_values_at_the_bounds_are_fine_and_saved(story_dir, tmp_path):
    folder = story_dir("title: T\nstart: a\nvariables:\n  big: 1000000000000000\n"
                       "  small: -1000000000000000\n  huge: 1.0e300\n"
                       f"  text: '{'x' * 10_000}'\n",
                       **{"01-a__yaml": "scenes:\n  a:\n    text: hi\n    choices:\n"
                                        "      - text: on\n        goto: a\n"})
    assert run_cli("check", str(folder)).returncode == 0
    r = run_cli("play", str(folder), input="1\nquit\n")
    assert r.returncode == 0
    r = run_cli("saves", "--story", str(folder), "show", "autosave")
    assert r.returncode == 0 and "turn:      1" in r.stdout, r.stderr


def test_seed_is_range_checked(tmp_path):
    for seed in (str(2**64), "-1", "9" * 5000, "1e3"):
        r = run_cli("play", str(FEATURES), "--seed", seed, input="")
        assert r.returncode == 2 and "is not a seed" in r.stderr, (seed, r.stderr)
    for seed in (str(2**64 - 1),):
        r = run_cli("play", str(FEATURES), "--seed", seed, input="1\nquit\n")
        assert r.returncode == 0, r.stderr
        r = run_cli("saves", "--story", str(FEATURES), "show", "autosave")
        assert r.returncode == 0, r.stderr  # the save it wrote loads


@pytest.mark.parametrize("assignment, problem", [
    ("courage=1000000000000001", "larger than"), ("name=" + "x" * 10_001, "longer than"),
    ("courage=" + "9" * 5000, "holds a whole number")])
def test_set_values_a_save_refuses_are_usage_errors(assignment, problem):
    r = run_cli("play", str(FEATURES), "--set", assignment, input="")
    assert r.returncode == 2 and problem in r.stderr and "internal error" not in r.stderr


# --- 18.9: bounded in path steps --------------------------------------------------------

def _loop_states(n: int, undo: int) -> tuple[State, tuple[State, ...]]:
    """The States of the loop story after ``n`` choices, built directly (fast)."""
    steps = tuple(Step("a.0", "b") if i % 2 == 0 else Step("b.0", "a") for i in range(n))

    def at(k: int) -> State:
        return State("b" if k % 2 else "a", {"n": (k + 1) // 2},
                     {"a": (k + 2) // 2, "b": (k + 1) // 2}, frozenset(), steps[:k], k, 1)
    return at(n), tuple(at(k) for k in range(max(0, n - undo), n))


def test_a_save_over_the_bound_is_refused_at_load_quickly(tmp_path, loop):
    saves = tmp_path / "saves"
    big = dict(valid_doc(), slot="big")
    big["state"]["path"] = [["shore.0", "shore"]] * 300_000  # about 9.8 MB, as reported
    write(saves / "the-lighthouse-keeper" / "big.json", big)
    undo = dict(valid_doc(), slot="undo")
    undo["undo"] = [dict(undo["undo"][0], path=[["shore.0", "shore"]] * 6_000)
                    for _ in range(3)]
    for d in undo["undo"]:
        d.pop("path_len", None)
    write(saves / "the-lighthouse-keeper" / "undo.json", undo)
    env = {"ANA_STORY_SAVES": str(saves)}
    t = time.monotonic()
    r = run_cli("saves", "--story", str(FEATURES), "show", "big", env=env)
    assert r.returncode == 1 and "path is longer than 10,000 steps" in r.stderr, r.stderr
    r = run_cli("saves", "--story", str(FEATURES), "show", "undo", env=env)
    assert r.returncode == 1 and "more than 10,000 steps of path" in r.stderr, r.stderr
    assert time.monotonic() - t < 15
    r = run_cli("play", str(FEATURES), input="quit\n", env=env)
    assert r.returncode == 0 and "internal error" not in r.stderr


@pytest.mark.parametrize("n, back", [(MAX_PATH_STEPS, 1000), (MAX_PATH_STEPS + 1, 300),
                                     (3 * MAX_PATH_STEPS + 7, 300)])
def test_play_past_the_bound_writes_what_load_accepts_with_undo(tmp_path, loop, n, back):
    story = load_story(loop)
    now, undo = _loop_states(n, back)
    store = SaveStore(story, tmp_path / "saves")
    store.save("autosave", SaveData(now, undo, 1.0))
    got = store.load("autosave").data
    assert len(got.state.path) <= MAX_PATH_STEPS
    assert got.state.path == now.path[len(now.path) - len(got.state.path):]  # newest kept
    assert got.state.variables == now.variables and got.state.turn == now.turn
    assert [s.variables for s in got.undo] == [s.variables for s in undo]
    for earlier, later in zip(got.undo, got.undo[1:] + (got.state,), strict=True):
        assert later.path[:len(earlier.path)] == earlier.path  # still one path
    # and play goes on from it: the next choices save and load again
    state, kept = got.state, list(got.undo)
    for _ in range(3):
        kept.append(state)
        state = engine.choose(story, state, engine.present(story, state).available[0].index)
        store.save("autosave", SaveData(state, tuple(kept[-back:]), 1.0))
    assert store.load("autosave").data.state.turn == n + 3
    assert store.path("autosave").stat().st_size < 2_000_000


@pytest.mark.slow
def test_choices_stay_quick_across_the_bound_through_the_cli(tmp_path, loop):
    saves = tmp_path / "saves"
    store = SaveStore(load_story(loop), saves)
    now, undo = _loop_states(MAX_PATH_STEPS - 20, 1000)
    store.save("autosave", SaveData(now, undo, 1.0))
    t = time.monotonic()
    r = run_cli("play", str(loop), env={"ANA_STORY_SAVES": str(saves)},
                input="load autosave\n" + "1\n" * 60 + "undo 3\nquit\n")
    took = time.monotonic() - t
    assert r.returncode == 0 and "internal error" not in r.stderr, r.stderr
    assert took < 20, took  # 60 choices, each with an autosave, past the bound
    r = run_cli("saves", "--story", str(loop), "show", "autosave",
                env={"ANA_STORY_SAVES": str(saves)})
    assert r.returncode == 0 and "undo:      997 steps back" in r.stdout, r.stdout  # 1,000 - 3
    assert f"turn:      {MAX_PATH_STEPS - 20 + 60 - 3}" in r.stdout, r.stdout


@pytest.mark.slow
def test_a_long_game_keeps_its_memory_bounded_and_saves_what_load_accepts(tmp_path, loop):
    """12,001 choices in one session (no store: the engine and the game only): the
    game keeps 1,000 States for undo and at most 10,000 steps of path, as a save
    does, instead of a copy of the whole path per choice (20,000 choices took
    1.5 GB before); then undo, a save and a load."""
    import io

    from test_ui_game import Script

    from ana_story.ui.game import Game
    from ana_story.ui.plain import PlainUI
    story = load_story(loop)
    n = MAX_PATH_STEPS + 2001
    out = io.StringIO()
    game = Game(story, engine.new_state(story, 1), PlainUI(Script(["1"] * n), out, 80),
                store=None, seed=1)
    game.run()
    assert game.state.turn == n
    assert len(game.undo_stack) == 1000 and len(game.state.path) <= MAX_PATH_STEPS
    for earlier, later in zip(game.undo_stack, game.undo_stack[1:] + [game.state], strict=True):
        assert later.path[:len(earlier.path)] == earlier.path
    before = game.undo_stack[-5]
    game.cmd_undo("5")
    assert game.state == before
    store = SaveStore(story, tmp_path / "saves")
    store.save("long", game._data())
    got = store.load("long").data
    assert got.state == game.state and got.undo == tuple(game.undo_stack)
