"""Lists that declare their items (issue 12, rule 7), end to end: declared, checked at the
author's line and column, played through the real engine, shown, saved, undone, migrated,
explored, and known to the schema."""
from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import FIXTURES, SMALL_SCENES, run_cli

from ana_story import cache, engine
from ana_story.loader import check, load_story
from ana_story.saves.records import SaveData
from ana_story.saves.store import AUTOSAVE, SaveStore
from ana_story.tools import schema
from ana_story.tools.playtest import run_plan

SATCHEL = FIXTURES / "satchel"

LISTS = """\
title: T
start: a
variables:
  craft: 0
  satchel: {items: [pencils, ledger, photograph], value: []}
  mood:
    items: [calm, restless]
    labels: {calm: quite calm}
    one: true
    value: [calm]
"""


def scene(**fields: str) -> str:
    """A scene file whose scene 'a' has one choice with these fields (YAML lines)."""
    fields = {"text": "Go", **fields}
    lines = "".join(f"        {k}: {v}\n" for k, v in fields.items())
    return ("chapter: One\nscenes:\n  a:\n    text: Hi.\n    choices:\n"
            f"      -\n{lines}        goto: b\n"
            "  b:\n    text: Bye.\n    ending: End\n")


def walk(story, *texts: str):
    """Play by the choices' words; the States on the way (for undo) and the last."""
    state, undo = engine.new_state(story, 1), []
    for words in texts:
        p = engine.present(story, state)
        [view] = [c for c in p.available if c.text.startswith(words)]
        undo.append(state)
        state = engine.choose(story, state, view.index)
    return state, tuple(undo)


def errors(story_dir, story: str = LISTS, scenes: str = SMALL_SCENES):
    _, diags = check(story_dir(story, **{"01-a.yaml": scenes}))
    return [(d.file.rsplit("/", 1)[-1], d.line, d.column, d.code, d.message, d.hint)
            for d in diags if d.severity == "error"]


# --- played through the real engine ----------------------------------------------------

def test_the_satchel_plays_through_the_engine_in_declaration_order_with_labels():
    story = load_story(SATCHEL)
    state = engine.new_state(story, 1)
    assert state.variables["satchel"] == () and state.variables["mood"] == ("calm",)
    assert engine.present(story, state).text.startswith(
        "In the satchel: nothing. She is quite calm.")
    state, _ = walk(story, "Take the ledger", "Take the pencils")
    assert state.variables["satchel"] == ("pencils", "ledger")  # declared order, not taken
    assert state.variables["mood"] == ("restless",)
    p = engine.present(story, state)
    assert "In the satchel: pencils and ledger. She is restless." in p.text
    assert [c.text for c in p.available] == ["Put the pencils back",
                                             "Go up to the attic with 2 things", "Go to bed"]
    state, _ = walk(story, "Take the ledger", "Take the pencils", "Go up")
    assert state.variables["mood"] == ("afraid",)  # one: true, so '+' replaced 'restless'
    assert "she is afraid of the dark" in engine.present(story, state).text
    state, _ = walk(story, "Take the ledger", "Take the pencils", "Go up", "Take the photo")
    assert state.variables["satchel"] == ("pencils", "ledger", "photograph")
    assert engine.present(story, state).text == (
        "She keeps pencils, ledger and photograph and 2 coins.")


def test_taking_out_what_is_not_held_and_adding_what_is_change_nothing(story_dir):
    folder = story_dir(LISTS, **{"01-a.yaml": scene(set="{satchel: satchel - ledger + "
                                                        "pencils + pencils}")})
    story = load_story(folder)
    state, _ = walk(story, "Go")
    assert state.variables["satchel"] == ("pencils",)


def test_an_enum_is_set_by_its_item_alone_and_compared_with_one(story_dir):
    text = "{% if mood == restless %}uneasy{% else %}{{ mood }}{% endif %}"
    folder = story_dir(LISTS, **{"01-a.yaml": scene(set="{mood: restless}").replace(
        "Bye.", f"'{text}'")})
    story = load_story(folder)
    assert engine.present(story, engine.new_state(story)).text == "Hi."
    state, _ = walk(story, "Go")
    assert state.variables["mood"] == ("restless",)
    assert engine.present(story, state).text == "uneasy"


# --- diagnostics at the author's line and column ----------------------------------------

def test_an_unknown_item_is_an_error_at_its_column_with_did_you_mean(story_dir):
    got = errors(story_dir, scenes=scene(**{"if": "pencil in satchel"}))
    assert got == [("01-a.yaml", 8, 13, "unknown-item",
                    "the condition: 'pencil' is not an item of the list 'satchel'",
                    "did you mean 'pencils'?")]


def test_an_unknown_item_added_in_set_is_an_error_at_its_column(story_dir):
    got = errors(story_dir, scenes=scene(set="{satchel: satchel + ledgr}"))
    assert got == [("01-a.yaml", 8, 34, "unknown-item",
                    "the new value of 'satchel': 'ledgr' is not an item of the list "
                    "'satchel'", "did you mean 'ledger'?")]


def test_an_item_alone_outside_its_list_says_where_it_belongs(story_dir):
    got = errors(story_dir, scenes=scene(text="'Take {{ pencils }}'"))
    assert got[0][1:4] == (7, 24, "undeclared-variable")
    assert got[0][4] == ("the choice's text: 'pencils' is an item of the list 'satchel', "
                         "not a variable")
    assert "pencils in satchel" in got[0][5]


@pytest.mark.parametrize("expr, col, message, hint", [
    ("satchel * 2", 14, "cannot use '*' between the list 'satchel' and a whole number",
     "a list takes '+' and '-' with its own items, such as satchel + pencils"),
    ("satchel + calm", 24, "'calm' is not an item of the list 'satchel'", None),
    ("str(satchel) == ''", 18, "str() does not take a list", None),
    ("satchel < satchel", 14, "cannot compare the list 'satchel' with the list 'satchel' "
     "using '<'", None),
    ("craft in satchel", 14, "'in' asks whether the list 'satchel' holds an item, but this "
     "is a whole number", "write one of its items bare, such as pencils in satchel"),
    ("satchel", 14, "this gives the list 'satchel', but true/false is needed", None),
])
def test_a_list_used_wrongly_is_a_type_error_at_its_column(story_dir, expr, col, message,
                                                           hint):
    got = errors(story_dir, scenes=scene(**{"if": f"'{expr}'" if "'" not in expr
                                             else f'"{expr}"'}))
    assert len(got) == 1, got
    _, line, column, _, msg, h = got[0]
    assert (line, msg) == (8, "the condition: " + message)
    assert column == col
    if hint:
        assert h == hint


def test_in_without_a_list_says_what_it_always_said(story_dir):
    got = errors(story_dir, scenes=scene(**{"if": "craft in craft"}))
    assert [g[4:] for g in got] == [("the condition: 'in', 'is' and their negations are not "
                                     "part of the story language", "use == or !=")]


@pytest.mark.parametrize("decl, where, code, message", [
    ("  bag: {items: [craft], value: []}\n", (11, 17), "bad-name",
     "the item 'craft' has the name of a variable"),
    ("  bag: {items: [a, a], value: []}\n", (11, 20), "bad-name", "'a' is listed twice"),
    ("  bag: {items: [and], value: []}\n", (11, 17), "bad-name",
     "'and' cannot be an item's name"),
    ("  bag: {items: [a, b], value: [c]}\n", (11, 32), "unknown-item",
     "'c' is not an item of the list 'bag'"),
    ("  bag: {items: [a, b], labels: {d: D}, value: []}\n", (11, 33), "unknown-item",
     "'d' is not an item of the list 'bag'"),
    ("  bag: {items: [a, b], one: true, value: [a, b]}\n", (11, 42), "wrong-type",
     "'bag' holds one item at a time ('one: true'), but starts with 2"),
    ("  bag: {items: [], value: []}\n", (11, 16), "wrong-type",
     "the list 'bag' declares no items"),
    ("  bag: {value: 2, one: true}\n", (11, 19), "not-a-list",
     "'one' is for lists, and 'bag' has no 'items'"),
])
def test_a_bad_declaration_is_an_error_at_its_place(story_dir, decl, where, code, message):
    got = errors(story_dir, story=LISTS + decl)
    assert [(g[0], *g[1:5]) for g in got] == [("story.yaml", *where, code, message)]


# --- shown to the player: text, stats, saves ------------------------------------------

def test_the_stats_screen_and_saves_show_a_visible_list_by_its_labels():
    got = run_cli("play", str(SATCHEL), "--plain", input="2\nstats\n")
    assert got.returncode == 0, got.stderr
    assert "Satchel  ledger" in got.stdout and "Mood     restless" in got.stdout
    shown = run_cli("saves", "show", "--story", str(SATCHEL), AUTOSAVE)
    assert "Satchel: ledger" in shown.stdout and "Mood: restless" in shown.stdout


# --- saves, undo, reload, the cache -----------------------------------------------------

def test_a_list_survives_save_undo_and_reload(tmp_path):
    story = load_story(SATCHEL)
    state, undo = walk(story, "Take the ledger", "Take the pencils")
    store = SaveStore(story, tmp_path)
    store.save("slot", SaveData(state, undo, 5.0))
    raw = json.loads(next(tmp_path.rglob("slot*.json")).read_text())
    assert raw["state"]["variables"]["satchel"] == ["pencils", "ledger"]
    loaded = SaveStore(load_story(SATCHEL), tmp_path).load("slot").data
    assert loaded.state == state and loaded.state.key() == state.key()
    assert [u.variables["satchel"] for u in loaded.undo] == [(), ("ledger",)]
    assert loaded.undo == undo


def test_the_compiled_story_cache_keeps_a_lists_items_and_values(tmp_path):
    first = cache.load(SATCHEL, folder=tmp_path)
    again = cache.load(SATCHEL, folder=tmp_path)
    assert again.variables == first.variables
    assert again.variables["mood"].initial == ("calm",)
    state, _ = walk(again, "Take the ledger")
    assert "pencils" not in state.variables["satchel"]
    assert "She is restless." in engine.present(again, state).text


def test_an_item_a_new_version_drops_is_dropped_from_a_save_and_said(story_dir, tmp_path):
    old = load_story(story_dir(LISTS.replace("version", "v") + "version: '1'\n",
                               **{"01-a.yaml": scene(set="{satchel: satchel + ledger "
                                                         "+ pencils}")}))
    state, undo = walk(old, "Go")
    SaveStore(old, tmp_path).save(AUTOSAVE, SaveData(state, undo, 1.0))
    newer = LISTS.replace("pencils, ledger", "pencils").replace(
        "satchel: {", "satchel: {label: Satchel, ") + "version: '2'\n"
    new = load_story(story_dir(newer, **{"01-a.yaml": SMALL_SCENES}))
    result = SaveStore(new, tmp_path).load(AUTOSAVE)
    assert result.data.state.variables["satchel"] == ("pencils",)
    assert "Satchel: ledger is no longer part of the story and dropped." in result.changes


# --- the author tools -------------------------------------------------------------------

def test_check_and_explore_pass_on_the_satchel():
    checked = run_cli("check", str(SATCHEL))
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stdout, checked.stdout
    got = run_cli("explore", str(SATCHEL), "--format", "json")
    assert got.returncode == 0, got.stdout + got.stderr
    report = json.loads(got.stdout)
    assert report["complete"] and not report["softlocks"] and not report["errors"]
    assert not any(report["unreached"].values()) and not report["dead_choices"]


def test_the_schema_knows_items_labels_and_one():
    props = schema.story_file_schema()["properties"]["variables"]["additionalProperties"]
    long_form = props["oneOf"][1]["properties"]
    assert long_form["items"]["items"]["pattern"] and long_form["one"]["type"] == "boolean"
    assert long_form["labels"]["type"] == "object"
    assert {"type": "array"}.items() <= long_form["value"]["oneOf"][1].items()


def test_plans_set_and_expect_a_lists_items(tmp_path):
    got = run_cli("test", str(SATCHEL))
    assert got.returncode == 0 and got.stdout.endswith("2 passed, 0 failed\n"), got.stdout
    plan = tmp_path / "wrong.yaml"
    plan.write_text("steps:\n  - choose: Take the ledger\n"
                    "  - variables: {satchel: [pencils]}\n")
    result = run_plan(load_story(SATCHEL), plan)
    assert result.failures == [(3, "expected satchel to be the items [pencils], but it is "
                                   "the items [ledger]")]


# --- the designed stats screen shows a list (stats: - list: VAR) ------------------------

def test_a_list_on_the_designed_stats_screen_reads_its_labels(tmp_path):
    from conftest import write_story

    from ana_story.ui.statscreen import stat_rows
    folder = write_story(tmp_path / "s", """\
        title: T
        start: a
        variables:
          satchel: {items: [pencils, ledger], labels: {ledger: the ledger}, value: [ledger]}
          craft: 10
        stats:
          - list: satchel
            label: In the satchel
          - bar: craft
        """, **{"01-a.yaml": "scenes:\n  a:\n    text: x\n    ending: E\n"})
    story = load_story(folder)
    state = engine.new_state(story, seed=1)
    rows = stat_rows(story, state)
    assert [(r.label, r.value) for r in rows][0] == ("In the satchel", "the ledger")
    emptied = dataclasses.replace(state, variables={**state.variables, "satchel": ()})
    assert stat_rows(story, emptied)[0].value == "nothing"


def test_a_list_stat_must_name_a_list(tmp_path):
    from conftest import write_story
    folder = write_story(tmp_path / "s", """\
        title: T
        start: a
        variables:
          craft: 10
        stats:
          - list: craft
        """, **{"01-a.yaml": "scenes:\n  a:\n    text: x\n    ending: E\n"})
    story, diags = check(folder)
    assert story is None
    assert [(d.line, d.column, d.code, d.hint) for d in diags] == [
        (6, 11, "type-mismatch", "show it with 'value:' instead")]
