"""explore --jobs: the search shared by processes gives the very report one process gives."""
from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, ROOT, run_cli

from ana_story.loader import check, load_story
from ana_story.tools.explore import explore, jobs, parallel

# Stories with endings, soft-locks, loops, errors of the text and of the dice,
# once-only choices, tallies, 'let:', tunnels, talking and varying stories, and a
# story cut by the bound.
STORIES = ["tools-explore", "tools-loop", "tools-random", "tools-tallies", "explore-fallible",
           "explore-fallible-visits", "explore-dice-chance", "explore-dice-effects",
           "explore-dice-text", "explore-trapped-loop", "explore-bounded-loop",
           "explore-dead-choices", "explore-long-path", "conversation", "satchel",
           "explore-grow-debt",
           # 'let:' draws and turns_since(), tunnels (the key's frame part, the draws a
           # path replays), talking stories (step.py's fast step), variation blocks
           "let-market", "let-turns", "tunnel-photograph", "explore-talk-porch",
           "explore-talk-enter", "explore-talk-fail", "vary-explore", "let-start", "let-random"]


def _json(story, jobs: int, **kw) -> dict:
    data = explore(story, jobs=jobs, **kw).to_json()
    del data["seconds"]
    return data


@pytest.fixture(params=[1, parallel.NARROW], ids=["every-level-to-workers", "narrow-levels-here"])
def narrow(request, monkeypatch):
    """NARROW 1 hands every level, even the first State alone, to the worker
    processes; the default keeps narrow levels in the main process."""
    monkeypatch.setattr(parallel, "NARROW", request.param)
    monkeypatch.setattr(parallel, "SLACK", 2)  # States handed between workers often
    monkeypatch.setattr(jobs, "SWITCH", 1)  # a story the memos step: shared at once
    return request.param


@pytest.mark.parametrize("name", STORIES)
def test_two_and_three_jobs_give_the_report_one_job_gives(name, narrow):
    story = load_story(FIXTURES / name)
    one = _json(story, 1, max_states=3000)
    assert _json(story, 2, max_states=3000) == one
    if narrow == 1:
        assert _json(story, 3, max_states=3000) == one


def test_a_search_cut_by_the_bound_is_cut_alike_and_says_alike_what_kept_growing(narrow):
    story = load_story(FIXTURES / "features")
    one = _json(story, 1, max_states=1500)
    assert not one["complete"] and one["cut"] and one["growing"]
    assert _json(story, 2, max_states=1500) == one


@pytest.mark.parametrize("cap", [3000, 8000])
def test_the_shipped_story_cut_inside_a_wide_level_is_cut_alike_by_two_and_three_jobs(
        cap, narrow):
    """The bound falls inside a level the workers share (wider than parallel.NARROW),
    so which new States are kept rests on the order they are merged in."""
    story = load_story(ROOT / "scenes")
    one = _json(story, 1, max_states=cap)
    assert one["cut"] and not one["complete"] and one["growing"]
    assert _json(story, 2, max_states=cap) == one
    assert _json(story, 3, max_states=cap) == one


def test_a_worker_that_fails_is_said_not_waited_on(monkeypatch):
    """A worker (or the main process's own agent) that raises stops the search with
    an error naming it (the command turns it into a message), rather than leaving
    the other processes waiting."""
    from ana_story.tools.explore import worker

    def broken(self, *args):
        raise ValueError("broken on purpose")

    monkeypatch.setattr(parallel, "NARROW", 1)
    monkeypatch.setattr(worker.Worker, "expand", broken)
    with pytest.raises((RuntimeError, ValueError), match="broken on purpose"):
        explore(load_story(FIXTURES / "let-turns"), jobs=2)  # (parallel.py's: 'let:')


def _cli_json(*args: str) -> dict:
    r = run_cli("explore", *args, "--format", "json", timeout=600)
    assert r.returncode in (0, 1, 3), r.stderr
    data = json.loads(r.stdout)
    del data["seconds"]
    return data


@pytest.mark.slow
def test_the_shipped_story_is_proven_alike_by_two_jobs(shipped_exploration):
    """Through the command, not in this process: a search of 359,000 States would leave
    this test process hundreds of MB large, and the memory bounds of the hostile tests
    count what a child inherits from it at fork (tests/hostile/test_bombs.run_bounded).
    One job's proof is the run's shared one (conftest.py: shipped_exploration)."""
    r, shared = shipped_exploration
    assert r.returncode in (0, 1, 3) and r.args[-2:] == ["--jobs", "1"], r.stderr
    one = {k: v for k, v in shared.items() if k != "seconds"}
    assert one["complete"] and one["states"] > 50_000
    assert _cli_json(str(ROOT / "scenes"), "--jobs", "2") == one


@pytest.mark.slow
def test_a_cut_search_of_the_shipped_story_is_cut_alike(narrow):
    story = load_story(ROOT / "scenes")
    one = _json(story, 1, max_states=60_000)
    assert one["cut"] and one["growing"]
    assert _json(story, 2, max_states=60_000) == one


def test_explore_cli_jobs_gives_the_same_json_as_one_job():
    outs = []
    for n in ("1", "2"):
        r = run_cli("explore", str(FIXTURES / "tools-explore"), "--format", "json",
                    "--jobs", n, "--fresh")  # (else the second reuses the first's proof)
        assert r.returncode == 1
        data = json.loads(r.stdout)
        del data["seconds"]
        outs.append(data)
    assert outs[0] == outs[1]
    assert outs[0]["states"] == 7


def test_explore_cli_jobs_cannot_be_negative_and_zero_means_the_cores():
    r = run_cli("explore", str(FIXTURES / "tools-explore"), "--jobs", "-1")
    assert r.returncode == 2 and "--jobs" in r.stderr
    r = run_cli("explore", str(FIXTURES / "tools-explore"), "--jobs", "0", "--format", "json")
    assert r.returncode == 1 and json.loads(r.stdout)["states"] == 7


def test_a_space_over_the_bound_is_said_before_the_bound_is_reached():
    r = run_cli("explore", str(FIXTURES / "features"), "--max-states", "20000", "--format",
                "json", "--jobs", "1")
    data = json.loads(r.stdout)
    p = data["projection"]
    assert r.returncode == 1 and not data["complete"]
    assert p["over_bound"] and p["states"] > 20_000
    assert p["over_bound_at"] < 20_000  # said while the search still ran


@pytest.mark.slow
def test_a_cut_search_of_the_shipped_story_tells_its_projection_as_text():
    story = load_story(ROOT / "scenes")
    r = explore(story, max_states=30_000)
    assert not r.complete and r.projection is not None and r.projection["over_bound"]
    from ana_story.tools.explore import format_report
    assert "Size of the space: at least" in format_report(r)


def test_guided_runs_after_a_cut_reach_what_the_search_left_and_say_it_apart():
    story = load_story(ROOT / "scenes")
    r = explore(story, max_states=3000)
    g = r.guided
    assert g is not None and g["runs"] == 200
    assert g["endings"] and set(g["endings"]) <= set(r.unreached_endings)
    assert set(g["scenes"]) <= set(r.unreached_scenes) and len(g["scenes"]) >= 5
    assert not set(g["choices"]) & {k for k, n in r.choice_hits.items() if n}
    assert explore(story, max_states=3000).guided == g  # seeded: the same runs
    assert explore(story, max_states=3000, jobs=2).to_json()["guided"] == g


# a 'let:' draw that fails at one value: the error's path records the draw it replays
DRAWN = ("chapter: One\nscenes:\n  a:\n    text: A.\n    choices:\n"
         "      - text: Go\n        goto: b\n"
         "  b:\n    let:\n      d: random(0, 3)\n    text: |\n      {{ 12 // d }} each.\n"
         "    choices:\n      - text: Again\n        goto: b\n      - text: End\n"
         "        goto: c\n"
         "  c:\n    text: C.\n    ending: C\n")


def test_the_let_draws_a_path_replays_come_back_from_the_workers(tmp_path, narrow):
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\n")
    (tmp_path / "01.yaml").write_text(DRAWN)
    story, diags = check(tmp_path)
    assert story is not None, diags
    one = _json(story, 1)
    assert one["errors"][0]["draws"] == {"0": {"d": 0}}
    assert _json(story, 2) == one
