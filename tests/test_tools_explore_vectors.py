"""explore's memo of the step (tools/explore/vectors.py): the very report the search
gives without it (search.VECTORS False) and the engine's own step gives
(search.FAST_STEP False), on real stories: errors, endings, once-only choices,
visit counts, cut searches, keys past 255 scenes; in stories that talk (replies,
stays, taken() counts, 'enter:') too; and the memo is really used."""
from __future__ import annotations

from array import array
from pathlib import Path

import pytest
from conftest import FIXTURES

from ana_story.loader import load_story
from ana_story.state import State
from ana_story.tools.explore import explore, keyfn, search, vecloop
from ana_story.tools.explore.key import Keyer
from ana_story.tools.explore.step import Stepper, visits_read
from ana_story.tools.explore.vectors import Vectors

# every fixture a memo may take (no conversation, 'let:' or call)
PLAIN = ["check-ranges", "check-text-numbers", "conversation-v0", "explore-blowup",
         "explore-bounded-loop", "explore-dead-choices", "explore-dice-effects",
         "explore-fallible", "explore-fallible-visits", "explore-grow-debt",
         "explore-grow-multiply", "explore-grow-text", "explore-long-path",
         "explore-trapped-loop", "expr-runtime", "plans-screen", "satchel", "stats-screen",
         "tools-explore", "tools-lint", "tools-loop", "tools-random", "tools-tallies",
         "ui-garden", "vary-explore", "versions-v1", "versions-v2"]
# stories that talk (Story.talks): replies, stays, counted choices, 'enter:'
TALKING = ["conversation", "conversation-order", "explore-talk-enter", "explore-talk-fail",
           "explore-talk-porch"]
SHIPPED = Path(__file__).resolve().parent.parent / "scenes"


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


def _on_back_light(i: int, n: int) -> list[str]:
    """The three choices every room of both rings has: on, back, light (once)."""
    return ["      - text: On", "        if: coins < 4", "        set: {coins: coins + 1}",
            f"        goto: s{(i + 1) % n}",
            "      - text: Back", "        set: {mood: \"'tired'\"}",
            f"        goto: s{(i + 7) % n}",
            "      - text: Light", "        once: true", "        set: {lit: 'true'}",
            f"        goto: s{(i + 2) % n}"]


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
                  *_on_back_light(i, n),
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


@pytest.mark.parametrize("name", TALKING)
def test_the_memo_reports_what_the_search_without_it_does_in_stories_that_talk(
        name, monkeypatch):
    story = load_story(FIXTURES / name)
    assert story.talks
    want = _report(story, monkeypatch, vectors=False, max_states=5000)
    visited = _visits(monkeypatch)
    assert _report(story, monkeypatch, max_states=5000) == want
    if want["states"] > 30:
        assert len(visited) < want["states"] / 5, "the memo was not used"
    assert _report(story, monkeypatch, fast=False, max_states=5000) == want


def test_the_shipped_story_by_the_memo(monkeypatch, shipped_exploration):
    """The story the project ships talks: its whole proof by the memo (the run's shared
    one, `ana-story explore`: conftest.py), the same report; the engine's own step
    gives it too (cut, to keep the test short)."""
    story = load_story(SHIPPED)
    assert story.talks
    want = _report(story, monkeypatch, vectors=False)
    _, shared = shipped_exploration
    got = {k: v for k, v in shared.items() if k != "seconds"}
    assert got == want and got["complete"]
    visited = _visits(monkeypatch)
    cut = _report(story, monkeypatch, max_states=3000)
    assert not cut["complete"]
    assert len(visited) < cut["states"] / 20, "the memo was not used"
    assert _report(story, monkeypatch, fast=False, max_states=3000) == cut


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


def _talking_ring(folder: Path, n: int) -> Path:
    """_ring's rooms talking: a stay whose reply fails at one value and at its second
    time, a counted stay a condition caps (and one only text reads), an 'enter:'
    that adds up to a bound and one that overflows, a reply and an 'enter:' that
    draw."""
    lines = ["scenes:"]
    for i in range(n):
        lines += [f"  s{i}:", f"    title: Room {i}"]
        if i % 10 == 5:
            lines += ["    enter:", "      coins: min(coins + 1, 4)"]
        if i == 6:
            lines += ["    enter:", "      echo: echo * 1000"]  # past the bounds, in time
        if i == 8:
            lines += ["    enter:", "      mood: \"pick('calm', 'tired')\""]
        asked = "{{ taken('s1.chat') }}"
        lines += [f'    text: "Room {i}: {{{{ coins }}}} coins, asked {asked}."',
                  "    choices:",
                  *_on_back_light(i, n),
                  "      - id: chat", "        text: Chat"]
        if i % 50 == 0:
            lines += ["        if: taken('s0.chat') < 2"]
        lines += ["        set: {echo: echo + 1}"] if i == 6 else []
        if i % 50 == 3:
            lines += ['        reply: "{{ 12 // (3 - coins) }} words,'
                      " {{ 6 // (2 - taken('s3.chat')) }}.\""]
        elif i == 9:
            lines += ["        reply: \"{{ pick('Yes.', 'No.') }}\""]
        else:
            lines += ['        reply: "{{ mood }}."']
        lines += ["      - text: Leave",
                  "        if: visits('s5') > 0 and lit and coins > 2 and taken('s0.chat') > 0",
                  "        goto: end"]
    lines += ["  end:", "    title: Out", "    ending: Out", "    text: Out."]
    folder.mkdir()
    (folder / "01-ring.yaml").write_text("\n".join(lines) + "\n")
    (folder / "story.yaml").write_text(
        'title: Ring\nstart: s0\nvariables:\n  coins: 0\n  mood: "calm"\n  lit: false\n'
        "  echo: 1\n")
    return folder


@pytest.fixture(scope="module", params=[40, 300])
def talking_ring(request, tmp_path_factory) -> tuple:
    """_talking_ring's story of 40 and of 300 rooms searched without the memo and with
    it, once for the two tests that read the searches: (n, the story, the two reports,
    for each search the States it left to Search.visit as _kept reads them, keyed by
    their numbers, and how many it left)."""
    n = request.param
    story = load_story(_talking_ring(tmp_path_factory.mktemp("ring") / "ring", n))
    read = visits_read(story, Keyer(story).counted)
    visit = search.Search.visit
    runs: list[tuple[dict, list]] = []

    def kept(self, sid, state):
        visits = {k: c for k, c in state.visits.items() if k in read}
        seen, calls = runs[-1]
        seen[sid] = (state.scene, state.variables, visits, state.once, state.turn,
                     state.began, state.taken, state.dice, state.seed)
        calls.append(sid)
        return visit(self, sid, state)

    reports = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search.Search, "visit", kept)
        for vectors in (False, True):
            runs.append(({}, []))
            reports.append(_report(story, mp, vectors=vectors, max_states=6000))
    return n, story, reports, [seen for seen, _ in runs], [len(calls) for _, calls in runs]


def test_a_talking_ring(talking_ring, monkeypatch):
    n, story, (want, got), _, (_, visited) = talking_ring
    assert story.talks
    assert got == want
    messages = " ".join(e["message"] for e in got["errors"])
    assert "division by zero" in messages
    assert visited < got["states"] / 5, "the memo was not used"
    if n < 256:  # the engine's own step too (the search without the memo is held to it
        # elsewhere; on the long-key ring it would double the test's time)
        assert _report(story, monkeypatch, fast=False, max_states=6000) == want


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


def _queued(monkeypatch) -> list:
    """The entries the search's loop queues (vecloop.py), in order."""
    got: list = []
    run = search.Search.run

    def spied(self, progress):
        class Queue(type(self.queue)):
            def append(self, x):
                got.append(x)
                super().append(x)
        self.queue = Queue(self.queue)
        return run(self, progress)

    monkeypatch.setattr(search.Search, "run", spied)
    return got


def test_a_vector_is_queued_as_bytes_and_stands_for_the_same_state(monkeypatch):
    """The shipped story's vectors hold strings, bools and once-only choices taken:
    as numbers (codes.py), a byte each, so every one is queued as bytes (126 bytes
    where a tuple took 800); read back, the very State: a string a string, a bool a
    bool, the once-only choices the set, and its key the Keyer's."""
    story = load_story(SHIPPED)
    queued = _queued(monkeypatch)
    explore(story, max_states=3000)
    assert len(queued) > 2000 and all(type(q) is bytes for q in queued)
    keyer = Keyer(story)
    vectors = Vectors(story, keyer, Stepper(story), frozenset(story.scenes), {}, (), 0)
    kinds = {n: type(v.initial) for n, v in story.variables.items()}
    assert {str, bool} <= set(kinds.values())
    values = {n: v.initial for n, v in story.variables.items()}
    for once in (frozenset(), frozenset({"viktor_meeting.sekt", "viktor_meeting.why"})):
        s = State(story.start, values, {}, once, (), 3, 0, {}, "", began=3)
        vec = vectors.vector(s)
        assert vec is not None and all(type(x) is int or type(x) is bool for x in vec)
        back = vectors.state(bytes(vec))
        assert back == vectors.state(vec)
        assert (back.variables, back.once, back.turn) == (s.variables, s.once, s.turn)
        assert {n: type(x) for n, x in back.variables.items()} == kinds
        assert keyer(back) == keyer(s)


@pytest.mark.parametrize("name", ["explore-grow-multiply", "explore-long-path"])
def test_a_vector_with_a_number_past_255_is_queued_as_two_bytes_or_a_tuple(name, monkeypatch):
    """A value past 255 (or below 0) does not fit a byte: that vector is queued as an
    array of two-byte numbers, one past 32,767 as a tuple (its successors built as a
    list), the others as bytes, and the report is the one without the memo. (These
    vectors are short: queued as tuples, unless vecloop.WIDE says otherwise.)"""
    story = load_story(FIXTURES / name)
    want = _report(story, monkeypatch, vectors=False, max_states=3000)
    queued = _queued(monkeypatch)
    assert _report(story, monkeypatch, max_states=3000) == want
    assert {type(q) for q in queued} == {tuple}
    queued.clear()
    monkeypatch.setattr(vecloop, "WIDE", 1)
    assert _report(story, monkeypatch, max_states=3000) == want
    assert {type(q) for q in queued} == {bytes, array, tuple}
    assert all(min(q) >= 0 and max(q) < 256 for q in queued if type(q) is bytes)
    assert all(q.typecode == "h" for q in queued if type(q) is array)
    assert all(max(map(abs, q)) > 32767 for q in queued if type(q) is tuple)


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
    # another seed: left a State (a vector does not hold it); a visit begun before
    # its turn (after a stay) is a vector
    assert vectors.vector(State(story.start, values, seed=5)) is None
    assert vectors.vector(State(story.start, values, turn=2, began=1)) is not None
    assert vectors.vector(State(story.start, values, turn=2, began=2)) is not None


def test_the_states_left_to_the_engine_are_the_ones_the_search_without_it_has(talking_ring):
    """Every State the memo leaves to Search.visit, built from its vector, is the very
    State the search without the memo visits under that number (its visit begun
    before its turn after a stay, its taken() counts; the visit counts something
    reads: step.visits_read, the others are dropped by both, not always alike)."""
    _, _, _, (old, new), _ = talking_ring
    assert new and all(old[sid] == st for sid, st in new.items())
    assert any(st[4] != st[5] for st in new.values()), "no State after a stay was left"


def test_a_talking_state_and_its_vector_are_the_same_state():
    """taken() counts, a stay's visit begun before its turn: kept, and the key read
    from the vector is key.py's."""
    story = load_story(FIXTURES / "explore-talk-porch")
    keyer = Keyer(story)
    vectors = Vectors(story, keyer, Stepper(story), frozenset(story.scenes), {}, (), 0)
    values = {n: v.initial for n, v in story.variables.items()}
    for taken in ({}, {"porch.war": 1}, {"porch.war": 5}):
        s = State("porch", values, {"porch": 2}, frozenset({"porch.weather"}), (), 4, 0,
                  taken, "", began=2)
        vec = vectors.vector(s)
        assert vec is not None
        back = vectors.state(vec)
        assert (back.visits, back.taken, back.turn, back.began, back.once) == \
            (s.visits, s.taken, s.turn, s.began, s.once)
        for info in vectors.keys[vec[0]]:  # the pair: without counts, with them
            if bool(taken) == (info is vectors.keys[vec[0]][1]):
                assert Vectors.key(list(vec), info) == keyer(s)
    # a count of a choice no taken() names: not a vector
    assert vectors.vector(State("porch", values, taken={"porch.tea": 1})) is None


@pytest.mark.parametrize("cut", [500, 20_000])
@pytest.mark.parametrize("talks", [False, True])
def test_the_search_keeps_the_same_keys_tree_and_counts(cut, talks, tmp_path, monkeypatch):
    """What later runs read (incremental.py keeps the keys and the tree) is the same
    byte for byte, the counts in the same order."""
    story = load_story((_talking_ring if talks else _ring)(tmp_path / "ring", 30))
    got = []
    for vectors in (True, False):
        monkeypatch.setattr(search, "VECTORS", vectors)
        s = search.Search(story, cut, 0, False)
        s.run(None)
        got.append(_kept(s))
    assert got[0] == got[1]


def _kept(s) -> tuple:
    """What later runs read of a finished search (incremental.py keeps the keys and the
    tree), byte for byte, and its counts in their order."""
    t = s.tree
    return (bytes(s.ids.data), list(s.ids.ends), list(t.first), list(t.succ), list(t.via),
            list(t.parent), list(t.step), list(t.scene_of), bytes(s.good),
            list(s.report.choice_hits.items()), list(s.report.scene_hits.items()))


def _counter(folder: Path) -> Path:
    """A story whose count ``n`` a condition compares with another variable (so the
    key keeps it exact: one number per value, past 255 a long key)."""
    folder.mkdir()
    (folder / "01-a.yaml").write_text(
        "scenes:\n  a:\n    title: A\n    text: \"{{ n }}\"\n    choices:\n"
        "      - text: Up\n        if: n < 400\n        set: {n: n + 1}\n        goto: a\n"
        "      - text: Out\n        if: n == m\n        goto: end\n"
        "  end:\n    title: End\n    ending: End\n    text: End.\n")
    (folder / "story.yaml").write_text("title: Counter\nstart: a\nvariables:\n  n: 0\n  m: 3\n")
    return folder


def test_a_compiled_key_is_key_py_s_own(tmp_path):
    """keyfn.py's key functions give key.py's bytes: one byte a number, and the long
    key once a value's number passes 254 (the tables numbering values as met), and
    in a story past 255 scenes (long keys throughout)."""
    story = load_story(_counter(tmp_path / "counter"))
    keyer = Keyer(story)
    vectors = Vectors(story, keyer, Stepper(story), frozenset(story.scenes), {}, (), 0)
    lengths = set()
    for n in range(300):
        s = State("a", {"n": n, "m": 3}, {"a": 1})
        vec = vectors.vector(s)
        assert vec is not None
        got = vectors.compiled(vec[0])[vec[vectors.flag]](list(vec))
        assert got == keyer(s)
        lengths.add(len(got))
    assert len(lengths) == 2, "short keys, then long ones"
    ring = load_story(_ring(tmp_path / "ring", 300))
    keyer = Keyer(ring)
    vectors = Vectors(ring, keyer, Stepper(ring), frozenset(ring.scenes), {}, (), 0)
    values = {n: v.initial for n, v in ring.variables.items()}
    for room in ("s3", "s299"):
        lit = [c.key for c in ring.scenes[room].choices if c.once]
        s = State(room, {**values, "coins": 2}, {"s5": 2}, frozenset(lit))
        vec = vectors.vector(s)
        assert vec is not None
        assert vectors.compiled(vec[0])[0](list(vec)) == keyer(s)


def _line(folder: Path, n: int) -> Path:
    """A ring of ``n`` rooms with no once-only choice (so compiled keys): a count
    that goes up, a visit count read (a way into s5 raises it), an ending (past
    255 scenes, key.py's long keys)."""
    lines = ["scenes:"]
    for i in range(n):
        lines += [f"  s{i}:", f"    title: Room {i}", f'    text: "Room {i}: {{{{ coins }}}}."',
                  "    choices:",
                  "      - text: On", "        if: coins < 3", "        set: {coins: coins + 1}",
                  f"        goto: s{(i + 1) % n}",
                  "      - text: Back", "        if: visits('s5') < 3",
                  f"        goto: s{(i + 7) % n}",
                  "      - text: Leave", "        if: visits('s5') > 1 and coins > 2",
                  "        goto: end"]
    lines += ["  end:", "    title: Out", "    ending: Out", "    text: Out."]
    folder.mkdir()
    (folder / "01-line.yaml").write_text("\n".join(lines) + "\n")
    (folder / "story.yaml").write_text("title: Line\nstart: s0\nvariables:\n  coins: 0\n")
    return folder


@pytest.mark.parametrize("name", ["line", "counter", "talking", "explore-fallible-visits",
                                  "explore-talk-fail", "tools-tallies"])
def test_a_way_s_key_read_from_the_state_it_leads_from_is_the_successor_s_own(
        name, tmp_path, monkeypatch):
    """vecloop.py reads a way's successor's key from the vector it leads from and
    the way's written numbers (keyfn.successor): the same keys, tree and counts as
    when every successor is built and its key read from it (a visit count one
    higher, taken() counts, numbers past 255, long keys past 255 scenes); and the
    lazy keys are used."""
    folder = tmp_path / "story"
    made = {"line": lambda: _line(folder, 300), "counter": lambda: _counter(folder),
            "talking": lambda: _talking_ring(folder, 30)}
    story = load_story(made[name]() if name in made else FIXTURES / name)
    lazies: list = []
    lazy = vecloop._lazy

    def counted(*args):
        got = lazy(*args)
        lazies.append(got[0] is not None)
        return got

    got = []
    for way in (counted, lambda *args: (None, None)):
        monkeypatch.setattr(vecloop, "_lazy", way)
        s = search.Search(story, 20_000, 0, False)
        s.run(None)
        got.append(_kept(s))
    assert got[0] == got[1]
    assert any(lazies), "no lazy key made"


def test_a_successor_holding_a_float_is_built_as_a_tuple():
    """vecloop._compact builds a successor as its parent holds it where its numbers
    fit (bytes), else as two bytes a number (an array: a number below 0), else (a
    float, which a tuple parent may hold) as the tuple _successor builds."""
    after = ["t", None, ((4, 2.5),), 5, 3, None]  # writes 2.5 at place 4, a visit at 5
    vec = (1, 0, 7, 6, 1.0, 0)
    got = vecloop._compact(vec, after)
    assert type(got) is tuple
    assert got == vecloop._successor(vec, after) == (3, 0, 8, 8, 2.5, 1)
    small = vecloop._compact(bytes((1, 0, 7, 6, 1, 0)), ["t", None, ((4, 9),), 5, 3, None])
    assert small == bytes((3, 0, 8, 8, 9, 1))
    wide = vecloop._compact(bytes((1, 0, 7, 6, 1, 0)), ["t", None, ((4, -1),), 5, 3, None])
    assert type(wide) is array and list(wide) == [3, 0, 8, 8, -1, 1]


@pytest.mark.parametrize(("writes", "count"), [((), 0), (((4, 9),), 0), (((6, 2), (4, 1)), 5),
                                               (((7, 1),), 6)])
def test_a_compiled_builder_builds_what_successor_does(writes, count):
    """keyfn.builder, how the search queues a way's successor when its vectors are
    tuples and the way changes nothing but its writes and a visit count: item for
    item vecloop._successor's tuple."""
    vec = (1, 0, 7, 6, 3, 4, 5, 0)
    after = ["t", None, writes, count, 12, None]
    build = keyfn.builder(len(vec), tuple(p for p, _ in writes), count)
    got = build(vec, after)
    assert type(got) is tuple and got == vecloop._successor(vec, after)
    assert got[:4] == (12, 0, 8, 8) and keyfn.builder(len(vec), tuple(
        p for p, _ in writes), count) is build  # compiled once per shape
