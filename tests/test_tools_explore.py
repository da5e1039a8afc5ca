"""explore: exhaustive search over real engine States, and seeded random runs."""
from __future__ import annotations

import json

from conftest import FIXTURES, run_cli

from ana_story import engine
from ana_story.loader import load_story
from ana_story.tools.analysis import relevant_variables, visit_caps
from ana_story.tools.explore import explore, random_runs, replay_seed

MARKET = FIXTURES / "tools-explore"
LOOP = FIXTURES / "tools-loop"
COIN = FIXTURES / "tools-random"


def _play_numbers(story, seed, numbers):
    """Type the numbers as a player would; return the final State."""
    state = engine.new_state(story, seed)
    for n in numbers:
        p = engine.present(story, state)
        state = engine.choose(story, state, p.available[n - 1].index)
    return state


def test_ending_the_scene_graph_reaches_but_no_player_can():
    story = load_story(MARKET)
    r = explore(story)
    assert r.complete
    assert r.unreached_endings == ["rich"]
    assert r.unreached_choices == ["square.2"]
    assert r.exit_code() == 1


def test_softlock_appears_only_with_certain_values_and_its_path_replays():
    story = load_story(MARKET)
    r = explore(story)
    [lock] = r.softlocks
    assert lock.scene == "square" and lock.stuck
    assert lock.variables == {"gold": 0, "has_bread": False, "name": "Ana, fed"}
    assert [s.choice for s in lock.path] == ["gate.0", "stall.1", "square.1"]
    # buying the bread and begging leaves no coin for the ferry: a real dead end
    end = _play_numbers(story, lock.seed, [s.number for s in lock.path])
    p = engine.present(story, end)
    assert p.scene == "square" and p.stuck


def test_shortest_path_to_each_ending_replays_to_that_ending():
    story = load_story(MARKET)
    r = explore(story)
    home = r.ending_paths["home"]
    assert [s.choice for s in home.path] == ["gate.0", "stall.0", "square.0"]
    end = _play_numbers(story, home.seed, [s.number for s in home.path])
    assert engine.present(story, end).ending == "Home Again"


def test_variables_only_shown_in_text_do_not_split_states():
    story = load_story(MARKET)
    assert relevant_variables(story) == ("gold", "has_bread")
    assert explore(story).states == 7


def test_loop_with_no_way_out_is_a_softlock_and_a_loop_that_can_be_left_is_not():
    story = load_story(LOOP)
    r = explore(story)
    assert r.complete
    assert [(f.scene, f.stuck) for f in r.softlocks] == [("stairwell", False),
                                                         ("landing", False)]
    assert [(g["scenes"], g["exit"], g["can_end"]) for g in r.loops] == [
        (["landing", "stairwell"], False, False),
        (["gallery", "lobby"], True, True),
    ]
    assert r.unreached_scenes == []


def test_visit_counts_are_capped_where_counting_higher_changes_nothing():
    story = load_story(LOOP)
    assert visit_caps(story) == {"gallery": 3}
    r = explore(story)
    # finite although the gallery can be visited forever: lobby and gallery with the
    # gallery counted 0-3, the stairwell and landing once each ('rounds' is only
    # shown in text), the street
    assert r.states == 10
    assert len(r.ending_paths["street"].path) == 6  # three visits to the gallery


def test_every_outcome_of_a_random_goto_is_explored():
    story = load_story(COIN)
    r = explore(story)
    assert r.clean and r.complete and r.exit_code() == 0
    assert sorted(r.ending_paths) == ["edge", "heads", "tails"]


def test_replay_seed_finds_a_seed_that_takes_the_random_branch():
    story = load_story(COIN)
    r = explore(story)
    edge = r.ending_paths["edge"]
    assert edge.seed is not None
    end = _play_numbers(story, edge.seed, [1])
    assert end.scene == "edge"
    assert replay_seed(story, edge.path, 0) == edge.seed


def test_max_states_cuts_the_search_and_says_what_kept_growing():
    story = load_story(FIXTURES / "features")
    r = explore(story, max_states=500)
    assert not r.complete and r.states == 500 and r.cut > 0
    assert r.widest[0]["what"] == "variable 'courage'"
    assert r.exit_code() == 1  # locked_door is unreachable even so
    assert r.unreached_scenes == ["locked_door"]


def test_cut_search_reports_no_false_softlocks():
    story = load_story(FIXTURES / "features")
    assert explore(story, max_states=300).softlocks == []


def test_random_runs_count_hits_and_are_reproducible():
    story = load_story(COIN)
    a = random_runs(story, 400, seed=5)
    b = random_runs(story, 400, seed=5)
    assert a.ending_hits == b.ending_hits
    assert sum(a.ending_hits.values()) == 400
    assert a.ending_hits["heads"] > 150 and a.ending_hits["tails"] > 150
    assert a.scene_hits["table"] == 400 and a.choice_hits["table.0"] == 400


def test_random_runs_report_stuck_runs_as_softlocks():
    story = load_story(MARKET)
    r = random_runs(story, 200, seed=1)
    assert [f.scene for f in r.softlocks] == ["square"]
    assert r.exit_code() == 1
    lock = r.softlocks[0]
    end = _play_numbers(story, lock.seed, [s.number for s in lock.path])
    assert engine.present(story, end).stuck


def test_random_runs_stop_at_max_turns_in_a_loop():
    story = load_story(LOOP)
    r = random_runs(story, 50, seed=2, max_turns=40)
    assert r.long_runs > 0
    assert sum(r.ending_hits.values()) + r.long_runs == 50


def test_explore_cli_json_has_the_documented_keys():
    r = run_cli("explore", str(MARKET), "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert {"scenes", "choices", "endings", "unreached", "softlocks", "states"} <= set(data)
    assert data["states"] == 7
    assert data["unreached"] == {"scenes": ["rich"], "endings": ["rich"],
                                 "choices": ["square.2"]}
    assert data["endings"]["home"]["path"] == ["gate.0", "stall.0", "square.0"]
    assert data["endings"]["rich"]["reached"] is False
    assert data["softlocks"][0]["scene"] == "square"


def test_explore_cli_text_report_on_a_clean_story():
    r = run_cli("explore", str(COIN))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Endings: 3/3 reached" in r.stdout
    # the replay command names this story's folder, not the shipped story's (13.8)
    assert "The Edge [edge]: 1 choice; ana-story play tests/fixtures/tools-random --seed 117, " \
           "then type 1" in r.stdout
    assert r.stdout.rstrip().endswith(
        "OK: every scene and ending is reachable, no player can get stuck, and no play "
        "can fail.")


def test_explore_cli_exit_3_when_cut_with_nothing_found(story_dir):
    folder = story_dir("""\
        title: Counter
        start: a
        variables: {n: 0}
        """, **{"01-a.yaml": """\
        scenes:
          a:
            text: "{{ n }}"
            choices:
              - {text: Count, set: {n: n + 1}, goto: a}
              - {text: Stop, if: n >= 0, goto: b}
          b: {text: B, ending: End}
        """})
    r = run_cli("explore", str(folder), "--max-states", "50")
    assert r.returncode == 3
    assert "INCOMPLETE: stopped at --max-states 50" in r.stdout
    assert "variable 'n' took 49 values" in r.stdout


def test_explore_cli_random_mode():
    r = run_cli("explore", str(COIN), "--random", "300", "--seed", "3", "--format", "json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["mode"] == "random" and data["runs"] == 300
    assert sum(e["hits"] for e in data["endings"].values()) == 300


def test_explore_cli_runtime_error_is_a_finding(story_dir):
    folder = story_dir("""\
        title: Div
        start: a
        variables: {n: 0}
        """, **{"01-a.yaml": """\
        scenes:
          a:
            text: A
            choices:
              - {text: Divide, set: {n: 10 // n}, goto: b}
              - {text: Leave, goto: b}
          b: {text: B, ending: End}
        """})
    r = run_cli("explore", str(folder))
    assert r.returncode == 1
    assert "Error in a: choice 1 (a.0):" in r.stdout and "division by zero" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_explore_cli_bad_numbers_are_usage_errors():
    r = run_cli("explore", str(COIN), "--max-states", "0")
    assert r.returncode == 2 and "--max-states" in r.stderr


def _naive(story):
    """A search with no merging beyond equal States: the reference for explore's."""
    from collections import deque
    start = engine.new_state(story, 0)

    def key(s):
        return (s.scene, tuple(sorted(s.variables.items())), tuple(sorted(s.visits.items())),
                s.once)

    seen = {key(start): start}
    succ, todo = {}, deque([start])
    choices = set()
    while todo:
        s = todo.popleft()
        p = engine.present(story, s)
        succ[key(s)] = []
        for view in p.available:
            choices.add(view.key)
            nxt = engine.choose(story, s, view.index)
            k = key(nxt)
            succ[key(s)].append(k)
            if k not in seen:
                seen[k] = nxt
                todo.append(nxt)
    good = {k for k, s in seen.items() if story.scenes[s.scene].is_ending}
    changed = True
    while changed:
        changed = False
        for k, outs in succ.items():
            if k not in good and any(o in good for o in outs):
                good.add(k)
                changed = True
    return {"states": len(seen), "scenes": {s.scene for s in seen.values()},
            "choices": choices,
            "softlocks": {seen[k].scene for k in seen if k not in good}}


def test_merging_tallies_finds_exactly_what_a_search_without_merging_finds():
    story = load_story(FIXTURES / "tools-tallies")
    naive = _naive(story)
    r = explore(story)
    assert r.complete
    assert set(s for s, n in r.scene_hits.items() if n) == naive["scenes"]
    assert set(r.choice_hits) == naive["choices"]
    assert {f.scene for f in r.softlocks} == naive["softlocks"] == {"thaw", "flood", "gate"}
    assert r.unreached_endings == ["end_shop"]
    assert (naive["states"], r.states) == (85, 69)  # and with fewer States


def test_market_and_random_fixtures_agree_with_the_search_without_merging():
    for name in ("tools-explore",):
        story = load_story(FIXTURES / name)
        naive = _naive(story)
        r = explore(story)
        assert {s for s, n in r.scene_hits.items() if n} == naive["scenes"]
        assert {f.scene for f in r.softlocks} == naive["softlocks"]


def test_thresholds_are_the_comparisons_still_ahead_seen_from_each_scene():
    from ana_story.tools.analysis import thresholds
    story = load_story(FIXTURES / "tools-tallies")
    t = thresholds(story)
    # at the gate: craft is compared with 4 and 3, money with 4 and 8
    assert t["gate"]["craft"] == (3, 4) and t["gate"]["money"] == (4, 8)
    # at the flood a Sell (+2) may still come: money 2 then compares like 4 at the gate
    assert t["flood"]["money"] == (2, 4, 6, 8)
    assert t["gate"]["days"] == ()  # never compared: any value plays the same
    assert thresholds(load_story(MARKET))["gate"]["gold"] == (0, 1, 2, 3, 4)
    # a loop that keeps adding to a tally leaves it exact
    assert thresholds(load_story(FIXTURES / "features"))["shore"]["courage"] is None
