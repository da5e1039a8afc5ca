"""Tunnels (issue 12, rules 6 and 10): `goto: {call: S}` pushes a Frame and enters S,
`{return: true}` pops it and comes back to the caller as a stay (its let: frame as it
was, no visit), `{return: X}` pops and enters X, an ending clears the stack; checked
at the author's lines (cyclic calls, escaping regions, returns outside a call,
unknown targets), explored, graphed, saved, migrated and played by the real CLI."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, checked_story, run_cli, take

from ana_story import engine
from ana_story.errors import StateError
from ana_story.loader import check
from ana_story.saves.migration import migrate
from ana_story.saves.records import SaveData
from ana_story.saves.store import SaveStore
from ana_story.state import Frame, State
from ana_story.tools.explore.search import explore
from ana_story.tools.graph import dot, mermaid

STORY = FIXTURES / "tunnel-photograph"
BAD = FIXTURES / "broken" / "tunnel-errors"  # apart: the fixtures beside load cleanly


@pytest.fixture(scope="module")
def story():
    return checked_story(STORY, warnings_ok=True)


def _take(story, state: State, text: str) -> State:
    return take(story, state, text, starts=True)


def test_a_call_pushes_the_caller_and_return_true_comes_back_as_a_stay(story):
    s0 = engine.new_state(story, 2)
    cups = s0.let["cups"]
    s1 = _take(story, s0, "Remember the photograph")  # set: cups + 1, then the call
    assert s1.scene == "photograph" and s1.let == {}
    assert s1.stack == (Frame("kitchen", "kitchen.photo", {"cups": cups + 1}, 0),)
    assert s1.variables["remembered"] == 1  # the callee's enter: ran (a real entry)
    s2 = _take(story, s1, "Put it away")
    p = engine.present(story, s2)
    assert (s2.scene, s2.stack, s2.let, s2.began) == ("kitchen", (), {"cups": cups + 1}, 0)
    assert s2.visits == {"kitchen": 1, "photograph": 1}  # coming back is not a visit
    assert p.returned and p.stayed and p.reply == "You put it back in the drawer."
    assert p.text == f"Mama pours {cups + 1} cups of tea."  # the caller's text again
    # a stay after the return sees the same let frame
    s3 = _take(story, s2, "Ask about the ledger")
    assert engine.present(story, s3).reply == f'"Numbers," she says. The tea is at ' \
        f'{cups + 1} cups.'


def test_return_to_a_scene_pops_and_enters_it_and_an_ending_clears_the_stack(story):
    s = _take(story, engine.new_state(story, 2), "Remember the photograph")
    s = _take(story, _take(story, s, "Look closer"), "Burn it")
    assert (s.scene, s.stack, s.reply) == ("yard", (), "It curls in the stove.")
    assert s.visits["yard"] == 1
    s = _take(story, s, "Continue")  # next: hallway
    s = _take(story, s, "Answer it")  # a call made by a choice
    assert s.scene == "phone" and [f.scene for f in s.stack] == ["hallway"]
    s = _take(story, s, "Continue")  # next: {return: true}
    assert s.scene == "hallway" and s.stack == () and s.visits["hallway"] == 1
    ending = engine.choose(story, replace(s, stack=(Frame("kitchen", "kitchen.photo"),)),
                           engine.present(story, s).available[0].index)
    assert ending.scene == "bed" and ending.stack == ()


def test_diagnostics_at_the_authors_lines():
    story, diags = check(BAD)
    assert story is None
    got = [(Path(d.file).name, d.line, d.column, d.code) for d in diags
           if d.severity == "error"]
    assert got == [("01-desk.yaml", 8, 9, "call-escapes"),
                   ("01-desk.yaml", 10, 9, "return-outside-call"),
                   ("01-desk.yaml", 13, 22, "unknown-scene"),
                   ("01-desk.yaml", 19, 9, "cyclic-call")]
    by_code = {d.code: d for d in diags}
    assert by_code["unknown-scene"].hint == "did you mean 'photo'?"
    assert "reaches scene 'desk'" in by_code["call-escapes"].message
    assert "deeper -> memory -> deeper" in by_code["cyclic-call"].message
    assert "'return'" in by_code["call-escapes"].hint


@pytest.mark.parametrize("goto, code", [
    ("{call: a, return: true}", "goto-forms"),
    ("{return: false}", "wrong-type"),
    ("{cal: b}", "unknown-key"),
])
def test_a_goto_map_holds_one_form(tmp_path, goto, code):
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\n")
    (tmp_path / "01.yaml").write_text(
        "chapter: One\nscenes:\n  a:\n    text: A.\n    choices:\n      - text: Go\n"
        f"        goto: {goto}\n  b:\n    text: B.\n    ending: B\n")
    story, diags = check(tmp_path)
    assert story is None
    errors = [(d.line, d.code) for d in diags if d.severity == "error"]
    assert errors[0][0] == 7 and code in [c for _, c in errors], diags


def test_explore_plays_the_calls_and_returns(story):
    report = explore(story)
    assert report.complete and not report.errors and not report.softlocks
    assert not report.unreached_scenes and not report.unreached_choices


def test_a_return_with_no_call_waiting_is_a_clean_error(story):
    """A return reachable with no call waiting is refused at load; a State that has
    one anyway (a save edited by hand) is a StateError, never a traceback."""
    bad = replace(engine.new_state(story), scene="phone")
    with pytest.raises(StateError) as e:
        engine.choose(story, bad, 0)
    assert "no call is waiting" in str(e.value)


def test_save_undo_reload_keeps_the_calls_waiting_and_renamed_moves_them(story, tmp_path):
    s0 = engine.new_state(story, 4)
    s1 = _take(story, s0, "Remember the photograph")
    s2 = _take(story, s1, "Look closer")
    store = SaveStore(story, tmp_path)
    store.save("call", SaveData(s2, (s0, s1)))
    got = store.load("call").data
    assert got.state == s2 and got.undo == (s0, s1)
    assert got.state.stack == s1.stack and got.undo[1].stack == s1.stack
    assert got.undo[0].stack == () and got.undo[0].let == s0.let  # no re-roll
    # a later version renames the caller: the frame follows story.renamed
    renamed = replace(story, scenes={("galley" if k == "kitchen" else k): v
                                     for k, v in story.scenes.items()},
                      renamed={"kitchen": "galley"})
    moved, undo, changes = migrate(renamed, got.state, got.undo, "Kitchen", strict=False)
    assert moved.stack[0].scene == "galley" and moved.stack[0].let == s1.stack[0].let
    # and a caller that vanished: the call comes back to the chapter's start instead
    gone = replace(story, scenes={k: v for k, v in story.scenes.items() if k != "kitchen"})
    moved, _, changes = migrate(gone, got.state, (), "Kitchen", strict=False)
    assert moved.stack[0].scene != "kitchen"
    assert any("'kitchen'" in c for c in changes)


def test_graph_draws_calls_and_returns_dashed(story):
    lines = mermaid(story).splitlines()
    assert "  s_kitchen -.->|call| s_photograph" in lines
    assert "  s_closer -.->|return| s_yard" in lines
    assert '  "hallway" -> "phone" [label="call", style=dashed];' in dot(story).splitlines()


def test_the_cli_plays_a_tunnel_checks_and_explores_it(tmp_path):
    r = run_cli("play", "--plain", "--seed", "2", str(STORY), input="1\n2\n3\n2\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    back = out[out.index("A man on a horse"):]
    # the return: the caller's text again, then the reply
    assert back.index("Mama pours 4 cups") < back.index("You put it back in the drawer.")
    assert "THE END: Goodnight" in out
    r = run_cli("check", str(STORY))
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_cli("explore", str(STORY), "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["unreached"]["scenes"] == []
    shutil.copytree(BAD, tmp_path / "bad")
    r = run_cli("check", str(tmp_path / "bad"))
    assert r.returncode == 1 and "cyclic-call" in r.stdout + r.stderr


def test_next_takes_routes_a_call_and_a_return(tmp_path):
    """Rule 10: next: takes what goto takes, shown as one Continue."""
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\nvariables:\n  n: 0\n")
    (tmp_path / "01.yaml").write_text(
        "chapter: One\nscenes:\n"
        "  a:\n    text: A.\n    next: {call: b}\n"
        "  b:\n    text: B.\n    enter:\n      n: n + 1\n    next: {return: c}\n"
        "  c:\n    text: C.\n    next:\n      - if: n > 0\n        to: d\n      - to: a\n"
        "  d:\n    text: D.\n    ending: D\n")
    story, diags = check(tmp_path)
    assert story is not None, diags
    s = engine.new_state(story)
    seen = []
    while not engine.present(story, s).ended:
        p = engine.present(story, s)
        assert [c.text for c in p.choices] == ["Continue"]
        seen.append((s.scene, len(s.stack)))
        s = engine.choose(story, s, 0)
    assert seen == [("a", 0), ("b", 1), ("c", 0)] and s.scene == "d"
    assert story.scenes["a"].next == "b" and story.scenes["c"].next == "d"
