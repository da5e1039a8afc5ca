"""explore's memo of the step (tools/explore/vectors.py): the very report the search
gives without it (search.VECTORS False) and the engine's own step gives
(search.FAST_STEP False), on real stories: errors, endings, once-only choices,
visit counts, cut searches, keys past 255 scenes; and the memo is really used."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from ana_story.loader import load_story
from ana_story.state import State
from ana_story.tools.explore import explore, search
from ana_story.tools.explore.key import Keyer
from ana_story.tools.explore.step import Stepper
from ana_story.tools.explore.vectors import Vectors

# every fixture a memo may take (no conversation, 'let:' or call)
PLAIN = ["check-ranges", "check-text-numbers", "conversation-v0", "explore-blowup",
         "explore-bounded-loop", "explore-dead-choices", "explore-dice-effects",
         "explore-fallible", "explore-fallible-visits", "explore-grow-debt",
         "explore-grow-multiply", "explore-grow-text", "explore-long-path",
         "explore-trapped-loop", "expr-runtime", "plans-screen", "satchel", "stats-screen",
         "tools-explore", "tools-lint", "tools-loop", "tools-random", "tools-tallies",
         "ui-garden", "vary-explore", "versions-v1", "versions-v2"]


def _report(story, monkeypatch, vectors: bool = True, fast: bool = True, **kw) -> dict:
    monkeypatch.setattr(search, "VECTORS", vectors)
    monkeypatch.setattr(search, "FAST_STEP", fast)
    data = explore(story, **kw).to_json()
    del data["seconds"]
    return data


def _visits(monkeypatch) -> list:
    """Count the States Search.visit takes (the ones the memo leaves)."""
    calls: list = []
    visit = search.Search.visit

    def counted(self, sid, state):
        calls.append(sid)
        return visit(self, sid, state)

    monkeypatch.setattr(search.Search, "visit", counted)
    return calls


def _ring(folder: Path, n: int) -> Path:
    """A story of ``n`` rooms in a ring: a tally a condition reads, a text that
    reads three variables, a once-only choice, a visit count, a division that fails
    at one value, an ending (past 255 scenes its keys are key.py's long ones)."""
    lines = ["scenes:"]
    for i in range(n):
        lines += [f"  s{i}:", f"    title: Room {i}",
                  f'    text: "Room {i}: {{{{ coins }}}} coins{{% if lit %}}, lit{{% endif %}},'
                  ' {{ mood }}."',
                  "    choices:",
                  "      - text: On", "        if: coins < 4", "        set: {coins: coins + 1}",
                  f"        goto: s{(i + 1) % n}",
                  "      - text: Back", "        set: {mood: \"'tired'\"}",
                  f"        goto: s{(i + 7) % n}",
                  "      - text: Light", "        once: true", "        set: {lit: 'true'}",
                  f"        goto: s{(i + 2) % n}",
                  "      - text: Leave", "        if: visits('s5') > 0 and lit and coins > 2",
                  "        goto: end"]
        if i % 50 == 3:
            lines += ["      - text: Gamble", "        set: {coins: 12 // (3 - coins)}",
                      f"        goto: s{(i + 3) % n}"]
    lines += ["  end:", "    title: Out", "    ending: Out", "    text: Out."]
    folder.mkdir()
    (folder / "01-ring.yaml").write_text("\n".join(lines) + "\n")
    (folder / "story.yaml").write_text(
        'title: Ring\nstart: s0\nvariables:\n  coins: 0\n  mood: "calm"\n  lit: false\n')
    return folder


@pytest.mark.parametrize("name", PLAIN)
def test_the_memo_reports_what_the_search_without_it_does(name, monkeypatch):
    story = load_story(FIXTURES / name)
    want = _report(story, monkeypatch, vectors=False, max_states=5000)
    assert _report(story, monkeypatch, max_states=5000) == want
    # the engine's step: the same
    assert _report(story, monkeypatch, fast=False, max_states=5000) == want


@pytest.mark.parametrize("cut", [40, 3000, 1_000_000])
@pytest.mark.parametrize("name", ["explore-long-path", "tools-tallies", "versions-v1"])
def test_cut_searches_and_whole_ones_are_reported_alike(name, cut, monkeypatch):
    story = load_story(FIXTURES / name)
    want = _report(story, monkeypatch, vectors=False, max_states=cut)
    visited = _visits(monkeypatch)
    got = _report(story, monkeypatch, max_states=cut)
    assert got == want
    if got["states"] > 200:
        assert len(visited) < got["states"] / 5, "the memo was not used"


@pytest.mark.parametrize("n", [40, 300])
def test_a_ring_with_an_error_an_ending_and_long_keys(n, tmp_path, monkeypatch):
    story = load_story(_ring(tmp_path / "ring", n))
    want = _report(story, monkeypatch, vectors=False, max_states=6000)
    visited = _visits(monkeypatch)
    got = _report(story, monkeypatch, max_states=6000)
    assert got == want
    assert got["errors"] and "division by zero" in got["errors"][0]["message"]
    assert len(visited) < got["states"] / 5, "the memo was not used"
    if n == 40:
        assert got["endings"], "the ring's ending is reached"


def test_a_state_and_its_vector_are_the_same_state():
    story = load_story(FIXTURES / "tools-tallies")
    keyer = Keyer(story)
    vectors = Vectors(story, keyer, Stepper(story), frozenset(story.scenes), {}, (), 7)
    values = {n: v.initial for n, v in story.variables.items()}
    s = State(story.start, values, {story.start: 1}, frozenset({"a", "b"}), (), 3, 7, {}, "",
              began=3)
    vec = vectors.vector(s)
    assert vec is not None
    back = vectors.state(vec)
    assert (back.scene, back.variables, back.visits, back.once, back.turn, back.seed,
            back.began, back.dice) == (s.scene, s.variables, s.visits, s.once, s.turn,
                                       s.seed, s.began, s.dice)
    assert keyer(back) == keyer(s)


def test_a_value_of_another_type_than_its_variable_started_with_is_no_vector():
    story = load_story(FIXTURES / "tools-tallies")
    vectors = Vectors(story, Keyer(story), Stepper(story), frozenset(), {}, (), 0)
    values = {n: v.initial for n, v in story.variables.items()}
    ints = [n for n, v in values.items() if type(v) is int]
    assert ints
    assert vectors.vector(State(story.start, values)) is not None
    # True == 1 and 1.0 == 1: a memo keyed by values would take them for the int
    for odd in (True, 1.0):
        assert vectors.vector(State(story.start, {**values, ints[0]: odd})) is None
    # a visit begun before its turn, another seed: left a State (a vector holds neither)
    assert vectors.vector(State(story.start, values, turn=2, began=1)) is None
    assert vectors.vector(State(story.start, values, seed=5)) is None
    assert vectors.vector(State(story.start, values, turn=2, began=2)) is not None


@pytest.mark.parametrize("cut", [500, 100_000])
def test_the_search_keeps_the_same_keys_tree_and_counts(cut, tmp_path, monkeypatch):
    """What later runs read (incremental.py keeps the keys and the tree) is the same
    byte for byte, the counts in the same order."""
    story = load_story(_ring(tmp_path / "ring", 30))
    got = []
    for vectors in (True, False):
        monkeypatch.setattr(search, "VECTORS", vectors)
        s = search.Search(story, cut, 0, False)
        s.run(None)
        t = s.tree
        got.append((bytes(s.ids.data), list(s.ids.ends), list(t.first), list(t.succ),
                    list(t.via), list(t.parent), list(t.step), list(t.scene_of),
                    bytes(s.good), list(s.report.choice_hits.items()),
                    list(s.report.scene_hits.items())))
    assert got[0] == got[1]
