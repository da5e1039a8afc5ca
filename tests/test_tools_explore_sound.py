"""explore's OK means no reachable play can fail (issue 13.5), dead choices are
findings (13.6), and its suggested commands name the author's story (13.8).

Each fixture under tests/fixtures/explore-* is a small story built for one class;
the findings are asserted through the real engine and the installed command."""
from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, run_cli

from ana_story import engine
from ana_story.errors import StoryRuntimeError
from ana_story.loader import load_story
from ana_story.tools.explore import dead_choices, explore, random_runs

GROW_MULTIPLY = FIXTURES / "explore-grow-multiply"
GROW_DEBT = FIXTURES / "explore-grow-debt"
GROW_TEXT = FIXTURES / "explore-grow-text"
BOUNDED = FIXTURES / "explore-bounded-loop"
FALLIBLE = FIXTURES / "explore-fallible"
DEAD = FIXTURES / "explore-dead-choices"
TRAPPED = FIXTURES / "explore-trapped-loop"
LOOP = FIXTURES / "tools-loop"


def _play(story, seed, numbers):
    """Type the numbers as a player would; return the final State."""
    state = engine.new_state(story, seed)
    for n in numbers:
        p = engine.present(story, state)
        state = engine.choose(story, state, p.available[n - 1].index)
    return state


def test_loop_multiplying_a_value_no_condition_reads_fails_with_a_path():
    r = run_cli("explore", str(GROW_MULTIPLY.relative_to(FIXTURES.parent.parent)))
    assert r.returncode == 1, r.stdout
    assert "'listeners' would become" in r.stdout and "larger than" in r.stdout
    assert "FAILED" in r.stdout and "OK:" not in r.stdout
    story = load_story(GROW_MULTIPLY)
    [err] = explore(story).errors
    state = _play(story, err.seed, [s.number for s in err.path])
    with pytest.raises(StoryRuntimeError, match="listeners"):
        engine.choose(story, state, 0)  # the path ends where the next doubling fails


def test_loop_doubling_by_addition_is_played_for_real_and_its_path_replays():
    story = load_story(GROW_DEBT)
    r = explore(story)
    assert r.exit_code() == 1 and r.states == 4  # merged: debt is read by no condition
    [err] = r.errors
    assert "'debt' would become" in err.message and "49 rounds" in err.message
    start, one, rounds = err.loop
    assert (start, one, rounds) == (1, [1, 1, 1], 49)
    state = _play(story, err.seed, [s.number for s in err.path])
    assert state.scene == "lender" and state.variables["debt"] == 2**49 - 1
    with pytest.raises(StoryRuntimeError, match="debt"):
        engine.choose(story, state, 0)


def test_text_growing_round_a_loop_is_a_finding_with_the_rounds_left():
    story = load_story(GROW_TEXT)
    r = explore(story)
    assert r.exit_code() == 1 and not r.errors
    [g] = r.growth
    assert g.scene == "desk" and "'diary' grows every time round the loop" in g.message
    assert "passes 10,000 characters" in g.message
    assert g.hint == ("set 'diary' anew rather than add to it each time round, or give "
                      "the loop an end")
    out = run_cli("explore", "tests/fixtures/explore-grow-text")
    assert out.returncode == 1
    assert "Grows without bound in desk" in out.stdout
    assert "ana-story play tests/fixtures/explore-grow-text --seed 0, then type " \
           '"1" again and again' in out.stdout


def test_loops_that_change_values_within_bounds_are_clean():
    r = explore(load_story(BOUNDED))
    assert not r.errors and not r.growth and r.exit_code() == 0
    assert r.loops and r.loops[0]["exit"]


def test_a_divisor_no_condition_reads_is_kept_exact_so_its_zero_is_found():
    story = load_story(FALLIBLE)
    r = explore(story)
    [err] = r.errors
    assert err.scene == "notary" and "division by zero" in err.message
    assert [s.choice for s in err.path] == ["will.1"]
    with pytest.raises(StoryRuntimeError, match="division by zero"):
        engine.present(story, _play(story, err.seed, [s.number for s in err.path]))


def test_random_runs_stopped_by_max_turns_fail_with_seed_and_path():
    story = load_story(LOOP)
    r = random_runs(story, 3, seed=0, max_turns=5)
    assert r.long_runs == 3 and r.exit_code() == 1
    for f in r.long:
        assert len(f.path) == 5
        assert _play(story, f.seed, [s.number for s in f.path]).scene == f.scene
    out = run_cli("explore", "tests/fixtures/tools-loop", "--random", "3", "--max-turns", "5")
    assert out.returncode == 1
    assert "still going after 5 choices" in out.stdout
    assert "replay it: ana-story play tests/fixtures/tools-loop --seed " in out.stdout
    assert "Soft-locks: none found, but 3 runs never ended (below)" in out.stdout
    assert out.stdout.rstrip().endswith("FAILED: see the findings above.")


def test_a_loop_only_some_states_can_leave_is_not_called_can_be_left():
    r = explore(load_story(TRAPPED))
    [g] = r.loops
    assert g["exit"] and g["trapped"] == 2
    assert g["trapped_path"] == ["stairs.0", "cellar.0", "barrels.0"]
    out = run_cli("explore", "tests/fixtures/explore-trapped-loop")
    assert "2 States have NO WAY OUT" in out.stdout
    assert ", can be left\n" not in out.stdout


def test_dead_choices_are_named_with_why_and_fail_under_strict():
    r = explore(load_story(DEAD))
    assert r.exit_code() == 0
    dead = {d["choice"]: d["reason"] for d in dead_choices(r)}
    assert set(dead) == {"gate.1", "gate.3", "lane.0"}
    assert "'apples > 5' holds in no reachable State" in dead["gate.1"]
    assert "fallback that can never appear: choice 3 (gate.2)" in dead["gate.3"]
    assert explore(load_story(DEAD), strict=True).exit_code() == 1
    plain = run_cli("explore", "tests/fixtures/explore-dead-choices")
    strict = run_cli("explore", "tests/fixtures/explore-dead-choices", "--strict",
                     "--format", "json")
    assert plain.returncode == 0 and "3 choices can never be taken" in plain.stdout
    assert strict.returncode == 1
    assert [d["choice"] for d in json.loads(strict.stdout)["dead_choices"]] == \
        ["gate.1", "gate.3", "lane.0"]


def test_shipped_story_hints_name_no_folder_and_other_stories_do():
    from ana_story.hints import command
    from ana_story.paths import shipped_story
    assert command("check", shipped_story()) == "ana-story check"
    assert command("check", "my story") == "ana-story check 'my story'"
    out = run_cli("explore", "tests/fixtures/tools-random")
    assert "ana-story play tests/fixtures/tools-random --seed 117, then type 1" in out.stdout


LOOP_STORY = """\
    title: T
    start: room
    variables: {x: START}
    """
LOOP_SCENES = """\
    chapter: C
    scenes:
      room:
        title: Room
        text: "x is {{ x }}"
        choices:
          - text: again
            set:
              x: EFFECT
            goto: room
          - text: stop
            goto: out
      out:
        title: Out
        ending: Out
        text: done
    """


@pytest.mark.parametrize("start, effect, grows", [
    ("0", "x + 1", "after about 999,999,999,999,936 more rounds it passes 10^15"),
    ("1.0", "x + x / 2 + 1", "it passes the largest number there is"),
    ("0.0", "x + 0.5", None),  # a float that only adds stalls long before infinity
    ("0", "max(x - 1, -3)", None),
    ("'a'", "x + x", None),  # doubles past 10,000 characters within 64 rounds: an error
])
def test_growth_of_numbers_and_texts_in_a_loop(story_dir, start, effect, grows):
    folder = story_dir(LOOP_STORY.replace("START", start),
                       **{"01-a.yaml": LOOP_SCENES.replace("EFFECT", effect)})
    r = explore(load_story(folder))
    if grows is None:
        assert not r.growth
    else:
        [g] = r.growth
        assert grows in g.message, g.message
        assert g.hint.startswith("cap it, e.g. 'x: min(x + 1, 99)'")
        assert r.exit_code() == 1
    if start == "'a'":
        [err] = r.errors
        assert "more than 10000 characters" in err.message and r.exit_code() == 1


def test_a_visit_count_text_divides_by_is_kept_exact():
    """The condition only asks visits('well') > 1, so counts 2, 3, 4... used to be
    merged and the division by zero at 3 visits was never evaluated."""
    story = load_story(FIXTURES / "explore-fallible-visits")
    r = explore(story, max_states=300)
    assert not r.complete and r.exit_code() == 1
    [err] = r.errors
    assert err.scene == "tavern" and "division by zero" in err.message
    state = _play(story, err.seed, [s.number for s in err.path])
    assert state.visits["well"] == 3
    with pytest.raises(StoryRuntimeError, match="division by zero"):
        engine.present(story, state)


def test_a_path_without_loops_that_doubles_past_the_bound_is_found():
    """55 days, each with 'invest everything' (fortune + fortune): no loop, no '*',
    no condition reads the fortune; the 50th doubling fails."""
    story = load_story(FIXTURES / "explore-long-path")
    r = explore(story)
    assert r.exit_code() == 1
    first = r.errors[0]
    assert first.scene == "s49" and "'fortune' would become" in first.message
    state = _play(story, first.seed, [s.number for s in first.path])
    assert state.variables["fortune"] == 2**49
    with pytest.raises(StoryRuntimeError, match="fortune"):
        engine.choose(story, state, 1)


def test_json_gives_loop_findings_with_their_rounds():
    debt = json.loads(run_cli("explore", "tests/fixtures/explore-grow-debt", "--format",
                              "json").stdout)
    [err] = debt["errors"]
    assert err["loop"] == {"after": 1, "numbers": [1, 1, 1], "rounds": 49}
    assert len(err["numbers"]) == 1 + 3 * 49
    text = json.loads(run_cli("explore", "tests/fixtures/explore-grow-text", "--format",
                              "json").stdout)
    [g] = text["growth"]
    assert g["loop"] == {"after": 0, "numbers": [1], "rounds": 0}
    assert "'diary' grows every time round the loop" in g["message"]
