"""'let:' (issue 12, rule 4): values worked out on each entry after 'enter:', kept in
the State for the visit, changed by 'set:' until the scene is left, never re-rolled by
a stay, an undo or a reload; checked at the author's lines, cached, saved, explored
(every outcome of a draw, its path replaying the draws) and played by the real CLI."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, checked_story, run_cli, take

from ana_story import cache, engine, modeljson
from ana_story.loader import check
from ana_story.model import LazyScenes
from ana_story.saves.records import SaveData
from ana_story.saves.store import SaveStore
from ana_story.state import State
from ana_story.tools.explore.replay import replay_state
from ana_story.tools.explore.search import explore

STORY = FIXTURES / "let-market"


@pytest.fixture(scope="module")
def story():
    return checked_story(STORY, warnings_ok=True)


def _take(story, state: State, text: str) -> State:
    return take(story, state, text, starts=True)


def test_let_is_worked_out_on_entry_after_enter_and_read_by_the_scene(story):
    s = engine.new_state(story, 3)
    price = s.let["price"]
    assert 10 <= price <= 20 and s.let == {"price": price, "discount": price // 2,
                                           "haggled": False}
    assert s.variables == {"money": 41, "pencils": 0}  # enter: ran; no let name in it
    p = engine.present(story, s)
    assert p.title == f"A stall, asking {price}"
    assert f"The pencils cost {price} kopecks. You have 41." in p.text
    assert [c.text for c in p.available][:2] == ["Haggle", f"Pay {price} for the pencils"]


def test_set_changes_a_let_name_until_the_scene_is_left(story):
    s0 = engine.new_state(story, 3)
    price, discount = s0.let["price"], s0.let["discount"]
    s1 = _take(story, s0, "Haggle")
    assert s1.let == {"price": price - discount, "discount": discount, "haggled": True}
    assert (s1.turn, s1.began, s1.visits) == (1, 0, {"stall": 1})  # a stay: no visit
    p = engine.present(story, s1)
    assert p.stayed and p.reply == f'"{price - discount}, then," he sighs.'
    assert "Haggle" not in [c.text for c in p.available]  # if: not haggled
    s2 = _take(story, s1, "Pay")
    assert s2.scene == "street" and s2.let == {}
    assert s2.variables == {"money": 41 - (price - discount), "pencils": 1}


def test_a_stay_rerolls_nothing_on_screen_and_a_reentry_rolls_again(story):
    """Draws in text use the turn the visit began: the tune hummed stays the same
    after a stay; entering again is a new visit with its own let: and text."""
    rerolled = set()
    for seed in range(20):
        s0 = engine.new_state(story, seed)
        s1 = _take(story, s0, "Haggle")
        hum = engine.present(story, s0).text.split("hums")[-1]
        assert engine.present(story, s1).text.split("hums")[-1] == hum
        again = _take(story, s1, "Come back tomorrow")
        assert again.began == again.turn == 2 and again.visits == {"stall": 2}
        assert again.let["haggled"] is False
        rerolled.add((s0.let["price"], again.let["price"]))
    assert any(a != b for a, b in rerolled)  # a new visit, a new draw


BAD = FIXTURES / "broken" / "let-errors"  # apart: the fixtures beside load cleanly


def test_diagnostics_at_the_authors_lines():
    story, diags = check(BAD)
    assert story is None
    got = [(Path(d.file).name, d.line, d.column, d.code) for d in diags
           if d.severity == "error"]
    assert got == [("01-market.yaml", 5, 7, "let-shadows"),  # money: a story variable
                   ("01-market.yaml", 7, 13, "type-mismatch"),  # a let holding a list
                   ("01-market.yaml", 8, 7, "bad-name"),  # random: a story function
                   ("01-market.yaml", 9, 7, "let-shadows"),  # ledger: a list's item
                   ("01-market.yaml", 19, 19, "undeclared-variable"),  # price elsewhere
                   ("01-market.yaml", 22, 13, "undeclared-variable")]
    by_line = {d.line: d for d in diags}
    assert "an item of the list 'satchel'" in by_line[9].message
    assert by_line[19].hint.startswith("'price' is a 'let:' name of scene 'stall'")
    assert "declare a story variable" in by_line[22].hint


def test_let_typed_from_its_expression(tmp_path):
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\nvariables:\n  n: 0\n")
    (tmp_path / "01.yaml").write_text(
        "chapter: One\nscenes:\n  a:\n    let:\n      word: \"'hi'\"\n    text: x\n"
        "    choices:\n      - text: Go\n        set:\n          n: word + 1\n"
        "        goto: b\n  b:\n    text: B.\n    ending: B\n")
    story, diags = check(tmp_path)
    assert story is None
    [d] = [d for d in diags if d.severity == "error"]
    assert (d.line, d.code) == (10, "type-mismatch")


def test_the_cache_keeps_let_and_plays_identically(tmp_path):
    folder = tmp_path / "cache"
    cold = cache.load(STORY, folder=folder)
    warm = cache.load(STORY, folder=folder)
    assert isinstance(warm.scenes, LazyScenes)
    assert warm == cold and warm.framed and warm.timed == cold.timed
    # built from the cache's JSON, not rebuilt from the YAML (which a failure would do)
    out, blob, spans = modeljson.Out(), b"", {}
    for sid, data in modeljson.scenes_json(cold, out):
        spans[sid] = [len(blob), len(data)]
        blob += data
    index = json.loads(modeljson.index_json(cold, out, spans))

    def refuse(sid):
        raise AssertionError(f"scene {sid} did not build from its JSON")
    again = modeljson.read_story(index, blob, cold.root, refuse)
    assert again.scenes["stall"] == cold.scenes["stall"] and again.scenes["stall"].let
    for seed in range(10):
        a, b = engine.new_state(cold, seed), engine.new_state(warm, seed)
        assert a == b and engine.present(cold, a) == engine.present(warm, b)


def test_save_undo_and_reload_never_reroll_or_reenter(story, tmp_path):
    s0 = engine.new_state(story, 11)
    s1 = _take(story, s0, "Haggle")
    s2 = _take(story, s1, "Come back tomorrow")
    store = SaveStore(story, tmp_path)
    store.save("market", SaveData(s2, (s0, s1)))
    raw = json.loads(next(tmp_path.rglob("market.json")).read_text())
    got = store.load("market").data
    assert got.state == s2 and got.undo == (s0, s1)
    assert [u.let for u in got.undo] == [s0.let, s1.let]  # each moment's own frame
    assert got.undo[1].began == 0 and got.undo[1].turn == 1
    assert got.state.visits == {"stall": 2}  # no re-entry on load
    assert engine.present(story, got.undo[1]) == engine.present(story, s1)
    assert json.dumps(raw).count('"haggled"') >= 2  # written out, never recomputed


def test_a_format_2_save_still_loads(story, tmp_path):
    s = engine.new_state(story, 5)
    data = s.to_json()
    for key in ("let", "began", "stack", "entered", "dice"):
        data.pop(key)
    data["format"] = 2
    old = State.from_json(data)
    assert old.let == {} and old.began == old.turn and old.dice == 1


BRITTLE = ("chapter: One\nscenes:\n  a:\n    text: A.\n    choices:\n"
           "      - text: Go\n        goto: b\n"
           "  b:\n    let:\n      d: random(0, 3)\n    text: |\n      {{ 12 // d }} each.\n"
           "    choices:\n      - text: Again\n        goto: b\n      - text: End\n"
           "        goto: c\n"
           "  c:\n    text: C.\n    ending: C\n")


def test_explore_branches_on_every_let_draw_and_its_path_replays_it(tmp_path):
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\n")
    (tmp_path / "01.yaml").write_text(BRITTLE)
    story, diags = check(tmp_path)
    assert story is not None, diags
    report = explore(story, seed=0)
    [err] = report.errors
    assert "division by zero" in err.message and err.scene == "b"
    assert err.path[-1].let == {"d": 0}  # the draw that fails, recorded on the path
    got = replay_state(story, err.path, 0)
    assert got is not None and got.let == {"d": 0}
    data = report.to_json()
    assert data["errors"][0]["draws"] == {"0": {"d": 0}}
    assert not data.get("sampled")


def test_explore_says_when_a_let_draw_is_sampled(tmp_path):
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\n")
    (tmp_path / "01.yaml").write_text(BRITTLE.replace("random(0, 3)", "random(1, 500)"))
    story, _ = check(tmp_path)
    report = explore(story)
    assert not report.errors
    [note] = report.to_json()["sampled"]
    assert "scene 'b'" in note and "more than 64 values" in note


def test_explore_takes_a_choice_only_some_let_draws_offer(story):
    report = explore(story)
    assert report.complete and not report.errors and not report.softlocks
    assert report.choice_hits.get("stall.4")  # if: price == 10: one draw in eleven


def test_the_cli_plays_checks_and_explores_a_let_story():
    r = run_cli("play", "--plain", "--seed", "3", str(STORY), input="1\n1\n")
    assert r.returncode == 0, r.stderr
    state = engine.new_state(check(STORY)[0], 3)
    price, cut = state.let["price"], state.let["price"] - state.let["discount"]
    assert f"A STALL, ASKING {price}" in r.stdout.upper()
    assert f'"{cut}, then," he sighs.' in r.stdout
    assert f"You have 1 pencils and {41 - cut} kopecks." in r.stdout
    r = run_cli("check", str(STORY))
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_cli("explore", str(STORY), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["choices"]["stall.4"] > 0
    r = run_cli("check", str(BAD))
    assert r.returncode == 1 and "01-market.yaml:19:19" in r.stdout + r.stderr


# turns_since('scene') (rule 9), recorded only for the scenes it names --------------

TURNS = FIXTURES / "let-turns"


def test_turns_since_counts_from_the_last_entry_and_is_capped():
    story, diags = check(TURNS)
    assert story is not None, diags
    assert story.timed == ("well",) and story.framed
    s = engine.new_state(story, 0)
    assert "You have not been to the well yet." in engine.present(story, s).text
    s = _take(story, _take(story, s, "Go to the well"), "Continue")
    assert s.entered == {"well": 1}  # only the scene turns_since() names
    assert "still wet" in engine.present(story, s).text
    for n in range(1, 4):
        s = _take(story, s, "Wait")
        assert engine.present(story, s).reply == f"Time passes: {n} turns since the well."
    # a stay does not re-draw the text, but turns_since() still counts its turns
    assert "Go in" in [c.text for c in engine.present(story, s).available]
    far = State(s.scene, s.variables, s.visits, s.once, (), 10_000, 0, entered={"well": 1})
    assert "dry" in engine.present(story, far).text
    p = engine.present(story, engine.choose(story, far, 1))
    assert p.reply == "Time passes: 100 turns since the well."  # TURNS_CAP


def test_turns_since_names_a_scene_with_did_you_mean(tmp_path):
    shutil.copytree(TURNS, tmp_path / "s")
    f = tmp_path / "s" / "01-yard.yaml"
    f.write_text(f.read_text().replace("if: turns_since('well') >= 4",
                                       "if: turns_since('wel') >= 4"))
    story, diags = check(tmp_path / "s")
    assert story is None
    [d] = [d for d in diags if d.severity == "error"]
    assert (d.line, d.column, d.code, d.hint) == (15, 25, "unknown-scene",
                                                  "did you mean 'well'?")


def test_explore_keys_turns_since_capped_so_the_search_ends():
    story, _ = check(TURNS)
    report = explore(story)
    assert report.complete and not report.softlocks and not report.errors
    assert not report.unreached_choices and 100 <= report.states <= 400


def test_a_save_keeps_the_entry_turns(tmp_path):
    story, _ = check(TURNS)
    s0 = engine.new_state(story, 0)
    s1 = _take(story, s0, "Go to the well")
    s2 = _take(story, s1, "Continue")
    store = SaveStore(story, tmp_path)
    store.save("t", SaveData(s2, (s0, s1)))
    got = store.load("t").data
    assert got.state.entered == {"well": 1} and [u.entered for u in got.undo] == \
        [{}, {"well": 1}]


def test_the_cli_plays_turns_since():
    r = run_cli("play", "--plain", str(TURNS), input="2\n1\n1\n2\n2\n2\n3\n")
    assert r.returncode == 0, r.stderr
    assert "Time passes: -1 turns since the well." in r.stdout
    assert "Time passes: 3 turns since the well." in r.stdout
    assert "THE END: Inside" in r.stdout


def test_migration_works_out_a_let_frame_that_no_longer_fits_without_rerolling(story):
    """A save whose let: frame another version named differently: worked out again on
    the turn its visit began, so the same draw gives the same value."""
    from ana_story.saves.migration import migrate
    s = engine.new_state(story, 9)
    old = replace(s, let={"cost": 3})  # what an older version called it
    fitted, _, _ = migrate(story, old, (), "Market", strict=False)
    assert fitted.let == s.let
    kept, _, _ = migrate(story, s, (), "Market", strict=False)
    assert kept.let is s.let  # a frame that fits is kept as it is


# explore branches on the 'let:' draws of every target of a random goto -------------

RIVER = FIXTURES / "let-random"


def test_explore_enters_every_random_target_under_every_let_draw():
    """Seed 0 tosses the coin to the bridge, and entering the ferry draws wind 1 with
    it: the gust (wind 6) is found only when the ferry is entered under every draw."""
    story, _ = check(RIVER)
    s0 = engine.new_state(story, 0)
    assert engine.choose(story, s0, 0).scene == "bridge"
    assert engine.choose(story, s0, 0, "ferry").let == {"wind": 1}
    report = explore(story, seed=0)
    assert report.complete and not report.errors and not report.unreached_endings
    gust = report.ending_paths["gust"]
    assert [(s.choice, s.let) for s in gust.path] == [("bank.0", {"wind": 6}),
                                                      ("ferry.0", None)]
    got = replay_state(story, gust.path, gust.seed)
    assert got is not None and got.scene == "gust"


def test_the_cli_explores_a_random_goto_into_a_let_and_its_path_replays():
    r = run_cli("explore", str(RIVER), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    gust = json.loads(r.stdout)["endings"]["gust"]
    assert gust["reached"] and gust["draws"] == {"0": {"wind": 6}}
    story, _ = check(RIVER)
    state = engine.new_state(story, gust["seed"])  # the seed tosses to the ferry;
    for n, (key, number) in enumerate(zip(gust["path"], gust["numbers"], strict=True)):
        [view] = [c for c in engine.present(story, state).available if c.key == key]
        assert engine.present(story, state).available.index(view) + 1 == number
        state = engine.choose(story, state, view.index, let=gust["draws"].get(str(n)))
    assert state.scene == "gust"  # the recorded draws do the rest


# explore branches on the start scene's own 'let:' draws ------------------------------

DAWN = FIXTURES / "let-start"


def test_explore_begins_under_every_draw_of_the_start_scenes_let():
    """Seed 0 turns over an 8: the ace's ending is found only when the search begins
    under every draw of the start scene's 'let:', and its path records that draw."""
    story, _ = check(DAWN)
    assert engine.new_state(story, 0).let == {"card": 8}
    report = explore(story, seed=0)
    assert report.complete and not report.errors and not report.softlocks
    assert not report.unreached_endings and report.states == 10  # 8 starts, 2 endings
    ace = report.ending_paths["ace"]
    assert ace.start == {"card": 1} and [s.choice for s in ace.path] == ["dawn.0"]
    got = replay_state(story, ace.path, ace.seed, ace.start)
    assert got is not None and got.scene == "ace"
    assert replay_state(story, ace.path, ace.seed) is None  # the seed alone draws an 8


def test_an_error_only_some_start_draws_give_is_found_with_an_empty_path(tmp_path):
    (tmp_path / "story.yaml").write_text("title: T\nstart: b\n")
    (tmp_path / "01.yaml").write_text(BRITTLE.replace("  a:\n    text: A.\n    choices:\n"
                                                      "      - text: Go\n        goto: b\n", ""))
    story, diags = check(tmp_path)
    assert story is not None, diags
    assert engine.new_state(story, 0).let != {"d": 0}
    report = explore(story, seed=0)
    [err] = [e for e in report.errors if e.scene == "b"]
    assert "division by zero" in err.message and err.path == [] and err.start == {"d": 0}
    assert report.to_json()["errors"][0]["draws"] == {"start": {"d": 0}}
    assert err.seed is not None  # a seed with which, the draw forced, it really fails
    with pytest.raises(Exception, match="division by zero"):
        engine.present(story, engine.new_state(story, err.seed, err.start))


def test_explore_says_when_a_start_let_draw_is_sampled(tmp_path):
    (tmp_path / "story.yaml").write_text("title: T\nstart: dawn\n")
    (tmp_path / "01.yaml").write_text(
        (DAWN / "01-dawn.yaml").read_text().replace("random(1, 8)", "random(1, 500)"))
    story, _ = check(tmp_path)
    report = explore(story)
    assert not report.unreached_endings  # 1 is an end: tried
    [note] = report.to_json()["sampled"]
    assert "scene 'dawn'" in note and "more than 64 values" in note
    assert 2 + 50 < report.states <= 2 + 64 + 1  # the faces tried, and the seed's own


def test_the_cli_explores_the_start_scenes_let_and_its_path_replays():
    r = run_cli("explore", str(DAWN), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    ace = json.loads(r.stdout)["endings"]["ace"]
    assert ace["reached"] and ace["draws"] == {"start": {"card": 1}}
    story, _ = check(DAWN)
    state = engine.new_state(story, ace["seed"], ace["draws"]["start"])
    [number] = ace["numbers"]
    state = engine.choose(story, state, engine.present(story, state).available[number - 1].index)
    assert state.scene == "ace"
