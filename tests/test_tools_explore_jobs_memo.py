"""explore --jobs over the memos (jobs.py, jobpart.py, jobstep.py): once shared, the
search gives the very report one process gives, cut or not, whoever met a State
first, whichever worker expands it; a worker that fails or dies is said, not waited on."""
from __future__ import annotations

import os

import pytest
from conftest import FIXTURES, ROOT

from ana_story.loader import load_story
from ana_story.tools.explore import explore, jobpart, jobs

# stories the memos step (step.covers, no 'let:' or calls): endings, soft-locks, loops,
# errors of the text and of the dice (by the engine's step, in a worker), once-only
# choices, tallies, visit counts, talking stories, strings, a long chain
STORIES = ["tools-explore", "tools-loop", "tools-random", "tools-tallies", "explore-fallible",
           "explore-fallible-visits", "explore-dice-effects", "explore-trapped-loop",
           "explore-bounded-loop", "explore-dead-choices", "explore-long-path",
           "conversation", "satchel", "explore-grow-debt", "explore-talk-porch",
           "explore-talk-enter", "explore-talk-fail", "vary-explore"]


@pytest.fixture
def shared(monkeypatch):
    """The search shared from its first level (SWITCH 1), States handed between the
    workers at every level (SLACK 0); the hand-overs counted, so that a test knows
    the workers took the search (else it would compare one process with itself)."""
    monkeypatch.setattr(jobs, "SWITCH", 1)
    monkeypatch.setattr(jobpart, "SLACK", 0)
    went: list[int] = []
    call = jobs._Hand.__call__

    def counted(self, explored, progress):
        went.append(explored)
        return call(self, explored, progress)

    monkeypatch.setattr(jobs._Hand, "__call__", counted)
    return went


def _json(story, n: int, **kw) -> dict:
    data = explore(story, jobs=n, **kw).to_json()
    del data["seconds"]
    return data


@pytest.mark.parametrize("name", STORIES)
def test_two_and_three_workers_give_the_report_one_process_gives(name, shared):
    story = load_story(FIXTURES / name)
    for cap in (3000, 40):  # whole, and cut by the bound (most stories)
        one = _json(story, 1, max_states=cap)
        assert _json(story, 2, max_states=cap) == one
        assert _json(story, 3, max_states=cap) == one
    assert shared


@pytest.mark.parametrize("cap", [3000, 8000, 30_000])
def test_the_shipped_story_cut_inside_a_wide_level_is_cut_alike(cap, shared):
    """The bound falls inside a level the workers share, so which new States are kept
    rests on the order the workers number them in; the shipped story's vectors hold
    numbers of strings and once-only choices, handed over as packed States."""
    story = load_story(ROOT / "scenes")
    one = _json(story, 1, max_states=cap)
    assert one["cut"] and not one["complete"] and one["growing"]
    assert _json(story, 2, max_states=cap) == one
    assert _json(story, 3, max_states=cap) == one
    assert shared


def test_a_search_shared_halfway_gives_the_same_report(monkeypatch, shared):
    """One process for the first 2,000 States (its memos and keys inherited at the
    fork), the workers for the rest, the default SLACK."""
    monkeypatch.setattr(jobs, "SWITCH", 2000)
    monkeypatch.setattr(jobpart, "SLACK", 256)
    story = load_story(ROOT / "scenes")
    one = _json(story, 1, max_states=12_000)
    assert _json(story, 2, max_states=12_000) == one
    assert shared and shared[0] >= 1000


def test_a_small_space_is_searched_in_one_process():
    """Below SWITCH States the search never forks: no worker, the kept proof kept."""
    story = load_story(FIXTURES / "tools-tallies")
    from ana_story.tools.explore.search import _search
    s = _search(story, 3000, 0, False, 2, None)
    assert isinstance(s, jobs.JobSearch)
    s.run(None)
    assert not s.went and len(s.ids) == 69


def test_a_worker_that_fails_is_said_not_waited_on(monkeypatch, shared):
    def broken(self, *args):
        raise ValueError("broken on purpose")

    monkeypatch.setattr(jobpart.Part, "level", broken)
    with pytest.raises(RuntimeError, match="a worker failed: ValueError: broken on purpose"):
        explore(load_story(ROOT / "scenes"), jobs=2, max_states=2000)


def test_a_worker_that_dies_is_said_not_waited_on(monkeypatch, shared):
    """A worker killed (no word from it): its peers and the main process see its
    pipes close, and the search stops with a message."""
    level = jobpart.Part.level

    def dying(self, block, s0):
        if self.me == 1 and s0 > 100:
            os._exit(9)
        return level(self, block, s0)

    monkeypatch.setattr(jobpart.Part, "level", dying)
    with pytest.raises(jobs.WorkerLost, match="a worker process stopped without a word"):
        explore(load_story(ROOT / "scenes"), jobs=2, max_states=5000)


@pytest.mark.slow
def test_the_shipped_story_is_proven_alike_when_shared(monkeypatch, shared):
    monkeypatch.setattr(jobs, "SWITCH", 20_000)
    monkeypatch.setattr(jobpart, "SLACK", 256)
    story = load_story(ROOT / "scenes")
    one = _json(story, 1)
    assert one["complete"] and one["states"] > 50_000
    assert _json(story, 2) == one


def test_a_reactive_story_whose_vectors_are_arrays_is_shared_alike(tmp_path, shared):
    """bench/gen_story.py's reactive model (values below 0: vectors queued as arrays of
    two-byte numbers, handed over as one run of bytes), cut and whole."""
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import gen_story
        gen_story.render(30, tmp_path / "reactive", variables=24)
    except (ImportError, OSError) as e:  # pragma: no cover - the shared model missing
        pytest.skip(f"the reactive story cannot be made here: {e}")
    story = load_story(tmp_path / "reactive")
    for cap in (20_000, 2500):
        one = _json(story, 1, max_states=cap)
        assert _json(story, 2, max_states=cap) == one
    assert shared


def test_the_progress_is_said_within_a_level_and_the_report_is_the_same(monkeypatch, shared):
    """A worker says every TICK States how far it got, so that a bar moves (and a
    caller can stop) inside a level of millions of States."""
    monkeypatch.setattr(jobpart, "TICK", 50)
    story = load_story(ROOT / "scenes")
    said: list[tuple[int, int]] = []
    one = _json(story, 1, max_states=5000)
    assert _json(story, 2, max_states=5000, progress=lambda d, k: said.append((d, k))) == one
    assert len(said) >= 5000 // 50 // 2  # the shipped story's first 5,000 in ~30 levels
    assert [d for d, _ in said] == sorted(d for d, _ in said)  # never back
