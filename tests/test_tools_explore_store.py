"""store.py: the table of keys met, the packed queue and the scene column give back
exactly what was put in (the search's reports rest on it; the report tests compare
whole searches, these the parts)."""
from __future__ import annotations

import random
from dataclasses import astuple

import pytest
from conftest import FIXTURES

from ana_story.engine import new_state
from ana_story.loader import load_story
from ana_story.tools.explore import search
from ana_story.tools.explore.store import SHARED, Packer, Scenes, Visited


def test_visited_numbers_keys_in_turn_and_finds_each_again():
    rng = random.Random(5)
    keys = list(dict.fromkeys(bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
                              for _ in range(20_000)))
    ids = Visited(4)  # grows many times
    for n, k in enumerate(keys):
        place = ids.find(k)
        assert place < 0
        assert ids.add(place, k) == n
        assert ids.find(k) == n
    assert len(ids) == len(keys)
    assert all(ids.find(k) == n for n, k in enumerate(keys))
    assert list(ids) == keys
    assert b"\x00" * 21 not in ids and ids.get(b"\x00" * 21) is None
    assert ids[keys[7]] == 7 and ids.number(keys[7]) == 7
    with pytest.raises(KeyError):
        ids[b"never"]


def test_visited_takes_ids_k_equals_len_as_the_dict_did_and_nothing_else():
    ids = Visited()
    ids[b"a"] = 0
    ids[b"bb"] = len(ids)
    assert ids[b"bb"] == 1
    with pytest.raises(ValueError):
        ids[b"a"] = 2  # met already
    with pytest.raises(ValueError):
        ids[b"c"] = 5  # out of turn


def _states(folder, limit=3000):
    """States of a real search, as the queue held them (their turn, seed, counts)."""
    story = load_story(folder)
    s = search.Search(story, limit, 0, False)
    out = []
    visit = s.visit

    def keep(sid, state):
        out.append(state)
        visit(sid, state)

    s.visit = keep  # type: ignore[method-assign]
    saved, search.VECTORS = search.VECTORS, False  # every State built and visited
    try:
        s.run(None)
    finally:
        search.VECTORS = saved
    return story, out


@pytest.mark.parametrize("name", ["features", "conversation", "tools-tallies",
                                  "explore-talk-porch"])
def test_a_state_packed_and_taken_again_is_the_same_state(name):
    story, states = _states(FIXTURES / name)
    pack = Packer(story)
    assert len(states) > 10
    for st in states:
        back = pack.unpack(pack.state(st))
        assert astuple(back)[:2] == astuple(st)[:2]
        assert list(back.variables) == list(st.variables)  # the order shows in reports
        assert (back.visits, back.once, back.turn, back.seed, back.taken, back.began,
                back.dice) == (st.visits, st.once, st.turn, st.seed, st.taken, st.began,
                               st.dice)
        assert back.path == () and back.reply == ""


def test_a_move_packed_is_the_state_step_build_makes():
    from ana_story.tools.explore.step import Stepper, build
    story = load_story(FIXTURES / "conversation")
    stepper, pack = Stepper(story), Packer(story)
    _, states = _states(FIXTURES / "conversation", 500)
    made = 0
    for st in states:
        for c in stepper.available(st):
            nxt = stepper.after(st, c)
            if type(nxt) is not tuple:
                continue
            want, got = build(st, nxt), pack.unpack(pack.move(st, nxt))
            assert astuple(got) == astuple(want)
            made += 1
    assert made > 50


def test_visit_counts_past_255_are_kept_as_they_are():
    from ana_story.state import State
    story = load_story(FIXTURES / "features")
    pack = Packer(story)
    st = new_state(story)
    many = {**st.visits, st.scene: 300}
    big = State(st.scene, st.variables, many, st.once, (), 4, 0)
    assert pack.unpack(pack.state(big)).visits == many
    move = (st.scene, dict(st.variables), frozenset(), st.scene, {})
    assert pack.unpack(pack.move(big, move)).visits[st.scene] == 301


def test_the_counts_remembered_are_bounded():
    from ana_story.state import State
    story = load_story(FIXTURES / "features")
    pack = Packer(story)
    st = new_state(story)
    other = next(s for s in story.scenes if s != st.scene)
    for n in range(SHARED * 3):
        s = State(st.scene, st.variables, {st.scene: 1, other: n % 200}, st.once, (), n, 0)
        move = (other, dict(st.variables), frozenset(), other, {})
        assert pack.unpack(pack.move(s, move)).visits == {st.scene: 1, other: n % 200 + 1}
        assert len(pack.shared) <= SHARED


def test_scenes_keeps_each_states_scene_by_number():
    ids = [f"s{i}" for i in range(300)]
    col = Scenes(ids, "s5")
    for i in range(1000):
        col.append(ids[i * 7 % 300])
    assert len(col) == 1001 and col[0] == "s5" and col[3] == ids[14]
    assert list(col)[1:] == [ids[i * 7 % 300] for i in range(1000)]
