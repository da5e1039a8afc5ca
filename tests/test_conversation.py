"""Conversations (issue 12, rules 1, 2, 3 and 10): a choice without 'goto' stays and
shows its reply, 'enter:' runs on each entry and never on a stay, 'next:' is a single
Continue, taken('scene.choice') counts; played through the real engine, checked at
the author's lines, explored, saved and loaded, and shown by the real CLI."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, checked_story, run_cli, take

from ana_story import engine
from ana_story.loader import check
from ana_story.saves.records import SaveData
from ana_story.saves.store import SaveStore
from ana_story.state import State
from ana_story.tools.explore.search import explore

STORY = FIXTURES / "conversation"
OLD_SAVE = ROOT / "tests" / "data" / "conversation-format1-save.json"


@pytest.fixture(scope="module")
def story():
    return checked_story(STORY)


def _take(story, state: State, text: str) -> State:
    return take(story, state, text)


def test_a_stay_adds_a_turn_not_a_visit_and_never_reruns_enter(story):
    s0 = engine.new_state(story, 1)
    assert s0.variables["evenings"] == 1 and s0.visits == {"kitchen": 1}  # enter: at the start
    s1 = _take(story, s0, "Ask about the ledger")
    p = engine.present(story, s1)
    assert (s1.scene, s1.turn, s1.visits) == ("kitchen", 1, {"kitchen": 1})
    assert s1.variables["evenings"] == 1  # enter: did not run again
    assert p.stayed and p.reply == '"Numbers," she says, "never pretend to like you."'
    # the once-only choice dropped out; the others are offered again
    assert [c.text for c in p.available] == ["Ask about her hands", "Pour another cup",
                                             "Say goodnight"]


def test_goto_this_scene_is_a_real_reentry(story):
    s = _take(story, engine.new_state(story, 1), "Pour another cup")
    p = engine.present(story, s)
    assert s.visits == {"kitchen": 2} and s.variables["evenings"] == 2
    assert not p.stayed and p.reply == ""


def test_set_then_reply_then_taken_counts(story):
    s = engine.new_state(story, 1)
    s = _take(story, s, "Ask about her hands")
    assert engine.present(story, s).reply == "She turns them over. Trust 1, asked 1 times."
    s = _take(story, s, "Ask about her hands")
    assert engine.present(story, s).reply == "She turns them over. Trust 2, asked 2 times."
    assert s.taken == {"kitchen.hands": 2}
    s = _take(story, s, "Ask about her hands")
    # taken() in a condition: asked three times, the choice is no longer offered
    assert "Ask about her hands" not in [c.text for c in engine.present(story, s).available]


def test_a_goto_with_a_reply_opens_the_next_screen_then_next_is_one_continue(story):
    s = engine.new_state(story, 1)
    s = _take(story, _take(story, s, "Ask about her hands"), "Ask about her hands")
    s = _take(story, s, "Say goodnight")
    p = engine.present(story, s)
    assert (p.scene, p.reply, p.stayed) == ("hallway", '"Goodnight, Anushka."', False)
    assert "Her hands stay with you." in p.text  # taken() in text
    assert [c.text for c in p.choices] == ["Continue"]
    s = engine.choose(story, s, p.choices[0].index)
    assert engine.present(story, s).ended and s.reply == ""


def test_enter_runs_after_the_choices_set_and_reply():
    """Rule 3's order: the reply sees the choice's set:, not the next scene's enter:."""
    story, diags = check(FIXTURES / "conversation-order")
    assert story is not None, diags
    s = engine.choose(story, engine.new_state(story), 0)
    assert s.reply == "n is 5." and s.variables["n"] == 50


BROKEN = {
    "stay-nothing": ("      - text: Hum\n", 9, "missing-key"),
    "fallback-stays": ("      - text: Hum\n        fallback: true\n        reply: Hm.\n",
                       10, "fallback-stays"),
    "unknown-taken": ("      - text: Hum\n        if: taken('room.lef') < 1\n"
                      "        goto: room\n", 10, "unknown-choice"),
}


def _story(tmp_path: Path, extra: str, *, choices: bool = True) -> Path:
    (tmp_path / "story.yaml").write_text("title: T\nstart: room\nvariables:\n  n: 0\n")
    body = ("chapter: One\nscenes:\n  room:\n    text: A room.\n"
            + ("    choices:\n      - id: left\n        text: Leave\n"
               "        goto: out\n" if choices else "")
            + extra
            + "  out:\n    text: Out.\n    ending: Out\n")
    (tmp_path / "01-one.yaml").write_text(body)
    return tmp_path


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_diagnostics_at_the_authors_line(tmp_path, name):
    extra, line, code = BROKEN[name]
    story, diags = check(_story(tmp_path, extra))
    assert story is None
    errors = [(Path(d.file).name, d.line, d.code) for d in diags if d.severity == "error"]
    assert errors == [("01-one.yaml", line, code)], diags
    if code == "unknown-choice":
        assert diags[0].hint == "did you mean 'room.left'?"
        assert diags[0].column == 19  # at the quote


def test_a_scene_of_only_once_only_stays_is_an_error(tmp_path):
    extra = "    choices:\n      - text: Hum\n        once: true\n        reply: Hm.\n"
    story, diags = check(_story(tmp_path, extra, choices=False))
    assert story is None
    [d] = [d for d in diags if d.severity == "error"]
    assert (Path(d.file).name, d.line, d.column, d.code) == ("01-one.yaml", 3, 3, "no-way-out")
    assert "goto" in (d.hint or "")


def test_next_and_choices_together_is_an_error(tmp_path):
    story, diags = check(_story(tmp_path, "    next: out\n"))
    assert story is None
    [d] = [d for d in diags if d.severity == "error"]
    assert (d.line, d.column, d.code) == (9, 5, "next-with-choices")


def test_next_names_a_scene_that_exists(tmp_path):
    story, diags = check(_story(tmp_path, "    next: outt\n", choices=False))
    assert story is None
    [d] = [d for d in diags if d.severity == "error"]
    assert (d.line, d.column, d.code, d.hint) == (5, 11, "unknown-scene",
                                                  "did you mean 'out'?")


def test_explore_plays_the_stays_and_finds_no_problem(story):
    report = explore(story)
    assert report.complete and not report.softlocks and not report.errors
    assert not report.unreached_scenes and not report.unreached_choices


def test_explore_finds_the_player_stuck_after_the_stays(tmp_path):
    """Only once-only stays and an exit that never opens: a soft-lock explore finds."""
    extra = ("    choices:\n      - text: Hum\n        once: true\n        set:\n"
             "          n: n + 1\n      - text: Go\n        if: n > 5\n        goto: out\n")
    story, diags = check(_story(tmp_path, extra, choices=False))
    assert story is not None, diags
    report = explore(story)
    assert report.softlocks and report.softlocks[0].stuck


def test_save_undo_and_reload_through_a_stay(story, tmp_path):
    s0 = engine.new_state(story, 7)
    s1 = _take(story, s0, "Ask about her hands")
    s2 = _take(story, s1, "Ask about the ledger")
    store = SaveStore(story, tmp_path)
    store.save("talk", SaveData(s2, (s0, s1)))
    got = store.load("talk").data
    assert got.state == s2 and got.undo == (s0, s1)  # the replies on screen came back
    back = engine.present(story, got.undo[-1])
    assert back.stayed and back.reply.startswith("She turns them over. Trust 1")
    assert got.state.visits == {"kitchen": 1}  # no re-entry on load
    assert got.state.taken == {"kitchen.hands": 1}


def test_a_format_1_save_made_before_conversations_loads(tmp_path):
    """A real save written by the version before this language (state format 1)."""
    for folder in ("conversation-v0", "conversation"):
        story, _ = check(FIXTURES / folder)
        saves = tmp_path / folder
        (saves / story.id).mkdir(parents=True)
        shutil.copy(OLD_SAVE, saves / story.id / "old.json")
        got = SaveStore(story, saves).load("old").data
        assert got.state.scene == "hallway" and got.state.taken == {}
        assert got.state.reply == "" and len(got.undo) == 3
        assert engine.present(story, got.state).scene == "hallway"


def test_the_cli_in_plain_mode_shows_a_conversation():
    r = run_cli("play", "--plain", str(STORY), input="1\n1\nhistory\nundo\n3\n1\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    # a stay: the reply, then the choices left, and not the scene's text again
    first = out.index('"Numbers," she says')
    # at the start, in the history, after the undo: never after a stay
    assert out.count("Mama pours the tea") == 3
    assert out.index("Mama pours the tea") < first
    assert "She turns them over. Trust 1, asked 1 times." in out
    # history shows the replies taken
    hist = out[out.index("THE STORY SO FAR"):]
    assert '"Numbers," she says' in hist and "-> Ask about the ledger" in hist
    # after the undo: the scene's text again, then the reply on screen
    after = out[out.index("Took back 1 choice."):]
    assert after.index("Mama pours the tea") < after.index('"Numbers," she says')
    # a goto's reply opens the next screen; next: is a single Continue
    hall = out[out.index("THE HALLWAY"):]
    assert hall.index('"Goodnight, Anushka."') < hall.index("The corridor smells")
    assert "  1. Continue" in hall and "THE END: Goodnight" in out


def test_graph_draws_stays_as_a_self_loop_of_their_own(story):
    from ana_story.tools.graph import mermaid
    lines = mermaid(story).splitlines()
    assert "  s_kitchen -->|stays| s_kitchen" in lines  # the choices without goto
    assert "  s_kitchen --> s_kitchen" in lines  # goto: kitchen, a real re-entry
    assert "  s_hallway --> s_stairs" in lines  # next: stairs


def test_explore_caps_a_take_count_as_it_caps_visits(tmp_path):
    """A stay taken again and again: its count matters only up to the condition's
    threshold, so the search ends (the bare {{ taken() }} in text cannot fail)."""
    extra = ("    choices:\n      - id: hum\n        text: Hum\n        reply: Hummed "
             "{{ taken('room.hum') }} times.\n      - text: Go\n"
             "        if: taken('room.hum') > 2\n        goto: out\n")
    story, diags = check(_story(tmp_path, extra, choices=False))
    assert story is not None, diags
    report = explore(story, max_states=1_000)
    assert report.complete and not report.softlocks and not report.unreached_scenes
