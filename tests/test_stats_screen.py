"""Issue 12's stats screen, titles as templates and stat functions, played through the
real loader and engine: the fixture story tests/fixtures/stats-screen, the
diagnostics at their exact file:line:col, the rows each front end draws, and
fair_add/fair_sub against ChoiceScript's own formula."""
from __future__ import annotations

import dataclasses
import io
import math
import re

import pytest
from conftest import FIXTURES, ROOT, write_story

from ana_story import engine
from ana_story.errors import StoryRuntimeError
from ana_story.expressions import statfuncs
from ana_story.loader import check, load_story
from ana_story.saves.records import SaveData
from ana_story.saves.store import SaveStore
from ana_story.ui import render, theme
from ana_story.ui.statscreen import stat_rows
from ana_story.ui.views import StatRow

STUDIO = FIXTURES / "stats-screen"


@pytest.fixture(scope="module")
def studio():
    return load_story(STUDIO)


def said(story, state) -> list[str]:
    return [r.said for r in stat_rows(story, state)]


# --- the stats screen ----------------------------------------------------------------

def test_the_fixture_checks_clean():
    story, diags = check(STUDIO)
    assert story is not None and diags == []


def test_the_story_designs_its_stats_screen(studio):
    state = engine.new_state(studio)
    assert said(studio, state) == [
        "Craft: 40 of 100", "Nerve: -2 from -5 to 5",
        "Her own voice 60%, What sells 40%", "Where: moscow", "Days left: 3"]
    rows = stat_rows(studio, state)
    assert [r.kind for r in rows] == ["bar", "bar", "opposed", "value", "value"]
    assert rows[0].fill == 0.4 and rows[1].fill == 0.3 and rows[2].fill == 0.6


def test_a_stat_with_a_condition_shows_only_while_it_holds(studio):
    state = engine.choose(studio, engine.new_state(studio), 1)  # paint what sells
    assert said(studio, state) == [
        "Craft: 40 of 100", "Nerve: 5 from -5 to 5", "Her own voice 30%, What sells 70%",
        "Where: berlin", "Days left: 3", "Sold a painting: true"]


def test_a_value_outside_the_bar_is_drawn_at_its_end_with_its_own_number(studio):
    state = _with(engine.new_state(studio), craft=150, vision=-20)
    rows = stat_rows(studio, state)
    assert (rows[0].fill, rows[0].said) == (1.0, "Craft: 150 of 100")
    assert rows[2].said == "Her own voice 0%, What sells 100%"


def _with(state, **values):
    return dataclasses.replace(state, variables={**state.variables, **values})


def test_a_story_without_stats_keeps_its_screen():
    story = load_story(FIXTURES / "ui-garden")
    rows = stat_rows(story, engine.new_state(story))
    assert rows == [StatRow("Courage", "0"), StatRow("Roses picked", "0")]


@pytest.mark.parametrize("width", [40, 80, 200])
def test_rich_draws_bars_and_pairs_at_every_width(studio, width):
    buf = io.StringIO()
    theme.console(file=buf, width=width, color_system=None).print(
        render.stats(stat_rows(studio, engine.new_state(studio)), width))
    out = buf.getvalue()
    for needle in ("Craft", "40 of 100", "Her own voice", "What sells", "60%", "40%",
                   "moscow", "█", "░"):
        assert needle in out, (width, needle, out)
    assert max(len(line) for line in out.splitlines()) <= width


# --- diagnostics -----------------------------------------------------------------------

SCENE = {"01-a.yaml": "scenes:\n  a:\n    text: x\n    ending: E\n"}
HEAD = "title: T\nstart: a\nvariables:\n  craft: 10\n  city: moscow\n"


@pytest.mark.parametrize("stats, want", [
    ("  - bar: craf\n", (7, 10, "undeclared-variable", "did you mean 'craft'?")),
    ("  - bar: city\n", (7, 10, "type-mismatch", "show it with 'value:' instead")),
    ("  - opposed: city\n    labels: [a, b]\n", (7, 14, "type-mismatch", None)),
    ("  - opposed: craft\n", (7, 5, "missing-key", None)),
    ("  - opposed: craft\n    labels: [a]\n", (8, 13, "wrong-type", None)),
    ("  - opposed: craft\n    label: X\n    labels: [a, b]\n", (8, 5, "unknown-key", None)),
    ("  - bar: craft\n    value: city\n", (7, 5, "wrong-type", None)),
    ("  - label: X\n", (7, 5, "missing-key", None)),
    ("  - bar: craft\n    min: 5\n    max: 5\n", (9, 10, "wrong-type", None)),
    ("  - bar: craft\n    max: lots\n", (8, 10, "wrong-type", None)),
    ("  - value: craft\n    min: 1\n", (8, 5, "unknown-key", None)),
    ("  - bar: craft\n    lable: X\n", (8, 5, "unknown-key", "did you mean 'label'?")),
    ("  - bar: craft\n    if: craft\n", (8, 9, "type-mismatch", None)),
    ("  bar: craft\n", (7, 3, "wrong-type", None)),
])
def test_a_stats_mistake_is_reported_at_its_place(tmp_path, stats, want):
    write_story(tmp_path, HEAD + "stats:\n" + stats, **SCENE)
    story, diags = check(tmp_path)
    assert story is None
    got = [(d.line, d.column, d.code, d.hint) for d in diags if d.severity == "error"]
    assert got[0][:3] == want[:3], diags
    assert diags[0].file.endswith("story.yaml")
    if want[3] is not None:
        assert got[0][3] == want[3]


# --- titles are templates --------------------------------------------------------------

def test_a_title_is_rendered_for_the_state(studio):
    state = engine.new_state(studio)
    assert engine.present(studio, state).title == "3 Days Left"
    state = engine.choose(studio, state, 0)
    assert engine.present(studio, state).title == "2 Days Left"
    assert studio.scenes["studio"].title == "{{ days }} Days Left"  # the source is kept


def test_the_saves_list_shows_the_rendered_title(studio, tmp_path):
    state = engine.choose(studio, engine.new_state(studio), 0)
    store = SaveStore(studio, tmp_path)
    info = store.save("mine", SaveData(state, (), 1.0))
    assert info.scene_title == "2 Days Left"
    [listed] = store.list()
    assert listed.scene_title == "2 Days Left"
    loaded = store.load("mine")
    assert loaded.info.scene_title == "2 Days Left" and loaded.data.state == state


@pytest.mark.parametrize("title, want", [
    ('"{% cycle %}a{% endcycle %}"', (4, 13, "template-syntax")),
    ('"{{ dayz }} left"', (4, 16, "undeclared-variable")),
    ('"{% if craft %}x{% endif %}"', (4, 19, "type-mismatch")),
])
def test_a_title_mistake_is_reported_at_its_place(tmp_path, title, want):
    write_story(tmp_path, HEAD, **{"01-a.yaml": f"scenes:\n  a:\n    text: x\n    title: "
                                                f"{title}\n    ending: E\n"})
    story, diags = check(tmp_path)
    assert story is None
    assert [(d.line, d.column, d.code) for d in diags][0] == want, diags
    assert diags[0].file.endswith("01-a.yaml")


def test_an_ending_cannot_take_its_name_from_a_changing_title(tmp_path):
    write_story(tmp_path, HEAD, **{"01-a.yaml": "scenes:\n  a:\n    text: x\n    title: "
                                                "'{{ craft }} Days'\n    ending: true\n"})
    story, diags = check(tmp_path)
    assert story is None
    assert [(d.line, d.column, d.code) for d in diags] == [(5, 13, "ending-no-name")]


def test_a_story_with_plain_titles_keeps_them(studio):
    story = load_story(FIXTURES / "ui-garden")
    assert all(s.title_template is None for s in story.scenes.values())


# --- the stat functions ----------------------------------------------------------------

def choicescript_fair_add(v1: float, v2: float) -> float:
    """scene.js's "%+", line for line (JavaScript numbers are IEEE doubles)."""
    multiplier = (100 - v1) / 100
    actual_modifier = v2 * multiplier
    value = 1 * v1 + actual_modifier
    value = math.floor(value)
    return min(value, 99)


def choicescript_fair_sub(v1: float, v2: float) -> float:
    multiplier = v1 / 100
    actual_modifier = v2 * multiplier
    value = v1 - actual_modifier
    value = math.ceil(value)
    return max(value, 1)


def test_fair_add_and_fair_sub_are_choicescripts_for_every_stat_and_percent():
    for x in range(1, 100):
        for p in range(0, 101):
            assert statfuncs.fair_add(x, p) == choicescript_fair_add(x, p), (x, p)
            assert statfuncs.fair_sub(x, p) == choicescript_fair_sub(x, p), (x, p)


@pytest.mark.parametrize("expr, want", [
    ("fair_add(50, 20)", 60), ("fair_sub(50, 20)", 40), ("fair_add(40, 50)", 70),
    ("fair_add(99, 100)", 99), ("fair_sub(1, 100)", 1), ("fair_add(0, 10)", 10),
    ("fair_add(100, 10)", 99), ("fair_add(30, 10)", 37), ("fair_add(50.5, 10)", 55),
    ("clamp(15, 0, 10)", 10), ("clamp(-3, 0, 10)", 0), ("clamp(2.5, 0, 10)", 2.5),
    ("case(2, 'a', 'b', 'c')", "b"), ("case(1, 10, 20)", 10), ("cap('moscow')", "Moscow"),
    ("cap('')", ""),
])
def test_the_stat_functions_exact_values(expr, want):
    from ana_story.expressions import Env, compile_expr
    got = compile_expr(expr, Env({}, None))({}, None)
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize("expr, code", [
    ("case(3, 'a', 'b')", "expression-error"), ("case(0, 'a', 'b')", "expression-error"),
    ("case('x', 'a')", "type-mismatch"), ("case(1, 'a', 2)", "type-mismatch"),
    ("fair_add(150, 10)", "expression-error"), ("fair_add('a', 1)", "type-mismatch"),
    ("clamp(1, 5, 0)", "expression-error"), ("cap(3)", "type-mismatch"),
    ("clamp(1, 2)", "expression-syntax"),
])
def test_the_stat_functions_are_checked_at_load(expr, code):
    from ana_story.expressions import Env, ExprError, compile_expr
    with pytest.raises(ExprError) as e:
        compile_expr(expr, Env({}, None))
    assert e.value.code == code


def test_a_case_out_of_range_in_play_names_its_line(tmp_path):
    write_story(tmp_path, HEAD, **{"01-a.yaml": "scenes:\n  a:\n    text: |\n"
                                   "      {{ case(craft, 'a', 'b') }}\n    ending: E\n"})
    story = load_story(tmp_path)
    with pytest.raises(StoryRuntimeError) as e:
        engine.present(story, engine.new_state(story))
    assert (e.value.line, "case() was given 10") == (4, "case() was given 10")
    assert "case() was given 10, but has options 1 to 2" in str(e.value)


def test_a_variable_may_still_be_named_after_a_new_function(tmp_path):
    write_story(tmp_path, "title: T\nstart: a\nvariables:\n  cap: 3\n",
                **{"01-a.yaml": "scenes:\n  a:\n    text: '{{ cap }} {{ cap(\"x\") }}'\n"
                                "    ending: E\n"})
    story = load_story(tmp_path)
    assert engine.present(story, engine.new_state(story)).text == "3 X"


def test_the_guide_stats_example_loads_and_shows(tmp_path):
    guide = (ROOT / "docs" / "writing-scenes.md").read_text(encoding="utf-8")
    [story_yaml] = re.findall(r"<!-- stats-example: story.yaml -->\n```yaml\n(.*?)```",
                              guide, re.S)
    write_story(tmp_path, story_yaml, **{"01-a.yaml": "scenes:\n  studio:\n    text: |\n"
                                         "      {{ craft }} {{ vision }} {{ nerve }} "
                                         "{{ city }}{% if sold %}!{% endif %}\n"
                                         "    ending: E\n"})
    story, diags = check(tmp_path)
    assert story is not None, diags
    assert said(story, engine.new_state(story)) == [
        "Craft: 40 of 100", "Nerve: -2 from -5 to 5", "Her own voice 60%, What sells 40%",
        "Where: Karaganda", "Satchel: pencils"]


# --- the cache, the web page, a save's round trip ----------------------------------------

def test_the_stats_and_titles_survive_the_cache(tmp_path):
    from ana_story import cache
    from ana_story.model import LazyScenes
    cold = cache.load(STUDIO, folder=tmp_path)
    warm = cache.load(STUDIO, folder=tmp_path)
    assert isinstance(warm.scenes, LazyScenes)
    assert [(s.kind, s.variable, s.label, s.labels, s.low, s.high, s.where) for s in warm.stats] \
        == [(s.kind, s.variable, s.label, s.labels, s.low, s.high, s.where) for s in cold.stats]
    state = engine.choose(warm, engine.new_state(warm), 1)
    assert said(warm, state) == said(cold, state)
    assert engine.present(warm, engine.new_state(warm)).title == "3 Days Left"


def test_the_web_page_is_sent_the_stats_rows(studio):
    from ana_story.publish.session import _stat
    rows = [_stat(r) for r in stat_rows(studio, engine.new_state(studio))]
    assert rows[0] == ["Craft", "40", "bar", 0.4, "40 of 100", "", ""]
    assert rows[2] == ["Her own voice", "60%", "opposed", 0.6, "60%, What sells 40%",
                       "What sells", "40%"]
    assert rows[3] == ["Where", "moscow"]  # a value row keeps the old [label, value]


def test_undo_and_a_save_do_not_change_what_the_screen_shows(studio, tmp_path):
    first = engine.new_state(studio)
    after = engine.choose(studio, first, 0)
    store = SaveStore(studio, tmp_path)
    store.save("s", SaveData(after, (first,), 2.0))
    loaded = store.load("s").data
    assert said(studio, loaded.state) == said(studio, after)
    assert said(studio, loaded.undo[-1]) == said(studio, first)
    assert engine.present(studio, loaded.undo[-1]).title == "3 Days Left"
