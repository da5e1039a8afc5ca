"""Reuse (issue 12, rule 8): story functions inlined where called, snippets included in
text, both checked at load with exact positions; the flow-map trap; fair math as
ChoiceScript's web/scene.js works it out."""
from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, SMALL_SCENES, run_cli, write_story

from ana_story import cache, engine
from ana_story.expressions import Env, ExprError, compile_expr, compile_template, statfuncs
from ana_story.expressions.snippets import SnippetText
from ana_story.loader import check, load_story

KITCHEN = FIXTURES / "reuse-kitchen"


def diags_of(folder, severity="error"):
    _, diags = check(folder)
    return [(Path(d.file).name, d.line, d.column, d.code) for d in diags
            if d.severity == severity], diags


def first_text(story, seed=1):
    return engine.present(story, engine.new_state(story, seed)).text


# ---- played through the real engine ----------------------------------------------------

def test_functions_and_snippets_play_through_the_engine():
    story = load_story(KITCHEN)
    p = engine.present(story, engine.new_state(story, 1))
    assert p.text.startswith("Good evening, Ana. She uses the voice Mama keeps for the tax "
                             "office.\n\nRolls: ")
    assert p.available[0].text == "Practise (craft 70 after)"  # nudge(40, 50)
    state = engine.choose(story, engine.new_state(story, 1), p.available[0].index)
    assert state.variables["craft"] == 70
    state = engine.choose(story, engine.new_state(story, 1), p.available[1].index)
    assert (state.variables["money"], state.variables["vision"]) == (5, 60)
    assert engine.present(story, state).text == "Craft 40, vision 60, money 5."


def test_a_function_condition_closes_a_choice():
    story = load_story(KITCHEN)
    state = replace(engine.new_state(story, 1), variables={
        **engine.new_state(story, 1).variables, "money": 10})
    assert [c.text for c in engine.present(story, state).available] == [
        "Practise (craft 70 after)"]


def test_each_include_place_draws_as_its_own_site():
    story = load_story(KITCHEN)
    pairs = []
    for seed in range(30):
        m = re.search(r"Rolls: (\d+) and (\d+); doubled (\d+)", first_text(story, seed))
        assert m, first_text(story, seed)
        pairs.append((int(m.group(1)), int(m.group(2))))
        assert int(m.group(3)) % 2 == 0  # n + n of one draw, never two draws
    assert any(a != b for a, b in pairs)  # one site for both would always agree
    assert first_text(story, 7) == first_text(story, 7)  # and each is the seed's own


def test_the_compiled_call_is_the_body_written_out():
    story = load_story(KITCHEN)
    [set_craft] = story.scenes["kitchen"].choices[0].effects
    expr = set_craft[1] if isinstance(set_craft, tuple) else set_craft
    assert ast.unparse(expr.tree) == "craft + (100 - craft) * 50 // 100"  # what tools read
    assert expr.reads == frozenset({"craft"})
    names = expr.fn.__code__.co_names
    assert not {"nudge", "nudged_craft"} & set(names)


def test_the_cache_round_trip_plays_the_same(tmp_path):
    fresh = cache.load(KITCHEN, folder=tmp_path)
    cached = cache.load(KITCHEN, folder=tmp_path)
    assert type(cached.scenes).__name__ == "LazyScenes"  # read from the cache
    assert [f.name for f in cached.functions] == [f.name for f in fresh.functions]
    assert [s.name for s in cached.snippets] == [s.name for s in fresh.snippets]
    for seed in range(5):
        for story in (fresh, cached):
            state = engine.new_state(story, seed)
            p = engine.present(story, state)
            after = engine.present(story, engine.choose(story, state, p.available[0].index))
            if story is fresh:
                want = (p.text, [c.text for c in p.available], after.text)
            else:
                assert (p.text, [c.text for c in p.available], after.text) == want


def test_functions_are_kept_callees_first():
    story = load_story(KITCHEN)
    names = [f.name for f in story.functions]
    assert names.index("nudge") < names.index("nudged_craft")


def test_a_snippet_sees_the_story_variables_never_the_includers_other_names():
    env = Env({"craft": "int"})
    env.snippets["s"] = SnippetText("s", (), "{{ price }}", {"craft": "int"}, "story.yaml:3:5")
    with_let = replace(env, variables={"craft": "int", "price": "int"})  # a let: name
    with pytest.raises(ExprError) as e:
        compile_template("Pay {% include s %}.", with_let)
    assert "unknown variable 'price'" in e.value.message
    assert "story.yaml:3:5" in e.value.message and e.value.offset == 15
    # given explicitly as a parameter, it may
    env.snippets["p"] = SnippetText("p", (("n", "int"),), "{{ n }}", {"craft": "int"}, None)
    t = compile_template("Pay {% include p(n=price) %}.", with_let)
    assert t.render({"craft": 1, "price": 12}, None) == "Pay 12."


def test_a_story_without_functions_or_snippets_is_unchanged():
    story = load_story(FIXTURES / "reuse-kitchen")
    plain = load_story(FIXTURES / "ui-garden")
    assert story.functions and not plain.functions and not plain.snippets


# ---- diagnostics at exact positions -------------------------------------------------------

STORY = """\
title: T
start: a
variables:
  craft: 0
  name: Ana
functions:
  nudge:
    params: {x: int, p: int}
    value: x + (100 - x) * p // 100
snippets:
  greeting:
    params: {who: str}
    text: "Good evening, {{ who }}."
"""


def scenes_with(line: str) -> str:
    return SMALL_SCENES.replace("        goto: b\n", "        goto: b\n" + line)


CALL_SITE = [
    ("wrong type", "        set:\n          craft: nudge(craft, 'x')\n", (9, 31),
     "type-mismatch", "nudge(craft, 'x'): p is a whole number, not text (the function is "
     "defined at "),
    ("too few", "        set:\n          craft: nudge(craft)\n", (9, 18), "expression-syntax",
     "nudge(craft): nudge() takes 2 arguments (x, p), not 1 (the function is defined at "),
    ("unknown name", "        set:\n          craft: nudg(craft, 1)\n", (9, 18),
     "unknown-function", "unknown function 'nudg'"),
    ("unknown parameter", "        set:\n          craft: nudge(craft, q=1)\n", (9, 31),
     "expression-syntax", "nudge(craft, q=1): nudge() has no parameter 'q'"),
    ("in a condition", "        if: nudge(craft, 1)\n", (8, 13), "type-mismatch",
     "this gives a whole number"),
    ("in text", None, (4, 26), "type-mismatch", "nudge(1, name): p is a whole number, not text"),
]


@pytest.mark.parametrize("line, at, code, message", [c[1:] for c in CALL_SITE],
                         ids=[c[0] for c in CALL_SITE])
def test_a_call_is_checked_where_it_is_written(tmp_path, line, at, code, message):
    scenes = scenes_with(line) if line else SMALL_SCENES.replace(
        "text: Hi.", "text: Hi {{ nudge(1, name) }}.")
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes})
    got, diags = diags_of(folder)
    assert got == [("01-a.yaml", *at, code)], diags
    assert message in diags[0].message
    if "defined at" in message:  # both places: the call's, and the body's
        assert diags[0].message.endswith("story.yaml:9:12)")


def test_did_you_mean_reaches_the_storys_functions(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes_with(
        "        set:\n          craft: nudg(craft, 1)\n")})
    _, diags = diags_of(folder)
    assert diags[0].hint == "did you mean 'nudge'?"


BODY = [
    ("a draw", "    value: x + random(1, 6)\n", (9, 16), "function-draw",
     "a function cannot draw at random"),
    ("unknown variable", "    value: x + crafty\n", (9, 16), "undeclared-variable",
     "unknown variable 'crafty'"),
    ("type error", "    value: x + 'a'\n", (9, 12), "type-mismatch", "cannot use '+'"),
]


@pytest.mark.parametrize("value, at, code, message", [c[1:] for c in BODY],
                         ids=[c[0] for c in BODY])
def test_a_body_is_checked_where_it_is_written(tmp_path, value, at, code, message):
    story = STORY.replace("    value: x + (100 - x) * p // 100\n", value)
    folder = write_story(tmp_path / "s", story, **{"01-a.yaml": SMALL_SCENES})
    got, diags = diags_of(folder)
    assert got == [("story.yaml", *at, code)], diags
    assert message in diags[0].message and "the function 'nudge'" in diags[0].message


def test_a_draw_in_a_body_has_a_hint_to_pass_it_in(tmp_path):
    story = STORY.replace("x + (100 - x) * p // 100", "x + random(1, 6)")
    _, diags = diags_of(write_story(tmp_path / "s", story, **{"01-a.yaml": SMALL_SCENES}))
    assert diags[0].hint == "draw where you call it and pass the roll in, such as " \
                            "nudge(x, random(1, 6))"


NAMES = [
    ("a builtin's name", "  round:\n    value: 1\n", (10, 3), "a function of the story language"),
    ("a variable's name", "  craft:\n    value: 1\n", (10, 3), "it is a story variable"),
    ("a parameter named like a variable", "  f:\n    params: {craft: int}\n    value: 1\n",
     (11, 14), "it is a story variable"),
    ("a bad parameter type", "  f:\n    params: {n: integer}\n    value: n\n", (11, 17),
     "'integer' is not a type"),
]


@pytest.mark.parametrize("entry, at, message", [c[1:] for c in NAMES], ids=[c[0] for c in NAMES])
def test_function_and_parameter_names_are_checked(tmp_path, entry, at, message):
    story = STORY.replace("snippets:\n", entry + "snippets:\n")
    got, diags = diags_of(write_story(tmp_path / "s", story, **{"01-a.yaml": SMALL_SCENES}))
    assert [g[1:3] for g in got] == [at], diags
    assert message in diags[0].message


def test_a_call_cycle_is_refused_naming_it(tmp_path):
    story = STORY.replace("snippets:\n", "  f:\n    params: {n: int}\n    value: g(n) + 1\n"
                          "  g:\n    params: {n: int}\n    value: f(n) * 2\n"
                          "  h:\n    value: h()\nsnippets:\n")
    got, diags = diags_of(write_story(tmp_path / "s", story, **{"01-a.yaml": SMALL_SCENES}))
    assert got == [("story.yaml", 12, 12, "function-cycle"),
                   ("story.yaml", 17, 12, "function-cycle")], diags
    assert diags[0].message.endswith("call each other in a circle: f -> g -> f")
    assert diags[1].message.endswith(": h -> h")


INCLUDES = [
    ("unknown snippet", "Hi {% include greting(who=name) %}.", (4, 26), "unknown-snippet",
     "unknown snippet 'greting'", "did you mean 'greeting'?"),
    ("missing parameter", "Hi {% include greeting %}.", (4, 26), "expression-syntax",
     "greeting: the snippet 'greeting' needs who", "write {% include greeting(who=...) %}"),
    ("wrong parameter", "Hi {% include greeting(wh=name) %}.", (4, 35), "expression-syntax",
     "has no parameter 'wh'", "did you mean 'who'?"),
    ("wrong type", "Hi {% include greeting(who=craft) %}.", (4, 39), "type-mismatch",
     "greeting(who=craft): who is text, not a whole number", None),
]


@pytest.mark.parametrize("text, at, code, message, hint", [c[1:] for c in INCLUDES],
                         ids=[c[0] for c in INCLUDES])
def test_an_include_is_checked_where_it_is_written(tmp_path, text, at, code, message, hint):
    scenes = SMALL_SCENES.replace("text: Hi.", f"text: \"{text}\"")
    got, diags = diags_of(write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes}))
    assert got == [("01-a.yaml", *at, code)], diags
    assert message in diags[0].message
    assert diags[0].hint == hint


SNIPPETS = [
    ("its own text", '    text: "Good evening, {{ whom }}."\n', (13, 29), "undeclared-variable",
     "the snippet 'greeting': unknown variable 'whom'"),
    ("a variation block", '    text: "{% cycle %}a{% or %}b{% endcycle %}"\n', (13, 12),
     "template-syntax", "variation blocks count their showings where they are written"),
]


@pytest.mark.parametrize("line, at, code, message", [c[1:] for c in SNIPPETS],
                         ids=[c[0] for c in SNIPPETS])
def test_a_snippet_is_checked_where_it_is_written(tmp_path, line, at, code, message):
    story = STORY.replace('    text: "Good evening, {{ who }}."\n', line)
    got, diags = diags_of(write_story(tmp_path / "s", story, **{"01-a.yaml": SMALL_SCENES}))
    assert got == [("story.yaml", *at, code)], diags
    assert message in diags[0].message


def test_an_include_cycle_is_refused_naming_it(tmp_path):
    story = STORY + "  a1: \"{% include b1 %}\"\n  b1: \"x {% include a1 %}\"\n"
    got, diags = diags_of(write_story(tmp_path / "s", story, **{"01-a.yaml": SMALL_SCENES}))
    assert got == [("story.yaml", 14, 7, "snippet-cycle")], diags
    assert diags[0].message.endswith("include each other in a circle: a1 -> b1 -> a1")


def test_a_title_cannot_include(tmp_path):
    scenes = SMALL_SCENES.replace("    text: Hi.\n", "    title: \"{% include greeting %}\"\n"
                                  "    text: Hi.\n")
    got, diags = diags_of(write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes}))
    assert got == [("01-a.yaml", 4, 13, "template-syntax")], diags


def test_check_on_a_broken_story_names_both_places_and_fails():
    r = run_cli("check", str(FIXTURES / "broken" / "reuse-call"))
    assert r.returncode == 1
    assert "reuse-call/01-kitchen.yaml:8:31: error[type-mismatch] the new value of 'craft': " \
           "nudge(craft, 'x'): p is a whole number, not text (the function is defined at " \
           "tests/fixtures/broken/reuse-call/story.yaml:8:12)" in r.stdout


# ---- the flow-map trap -----------------------------------------------------------------

FLOW = [
    ("set", "scene", "        set: { craft: random(10, 20) }\n", ("01-a.yaml", 8, 23),
     "set:\n        craft: random(10, 20)"),
    ("enter", "scene", None, ("01-a.yaml", 4, 21), "enter:\n        craft: max(craft, 2)"),
    ("variables", "story", "variables: {craft: 0, best: max(1, 2)}\n", ("story.yaml", 3, 29),
     "variables:\n        craft: 0\n        best: max(1, 2)"),
    ("routes", "scene", "        if: craft > 0\n      - text: Or\n"
     "        goto: [{if: random(1, 6) > 3, to: b}, {to: b}]\n", ("01-a.yaml", 10, 21),
     "goto:\n        - if: random(1, 6) > 3\n          to: b\n        - to: b"),
]


@pytest.mark.parametrize("where, line, at, block", [c[1:] for c in FLOW], ids=[c[0] for c in FLOW])
def test_a_comma_split_flow_value_says_to_use_block_style(tmp_path, where, line, at, block):
    story, scenes = "title: T\nstart: a\nvariables:\n  craft: 0\n", SMALL_SCENES
    if where == "story":
        story = story.replace("variables:\n  craft: 0\n", line)
    elif line is None:
        scenes = scenes.replace("    text: Hi.\n", "    enter: { craft: max(craft, 2) }\n"
                                "    text: Hi.\n")
    else:
        scenes = scenes_with(line)
    got, diags = diags_of(write_story(tmp_path / "s", story, **{"01-a.yaml": scenes}))
    assert got == [(*at, "flow-split")], diags
    assert "block style" in diags[0].hint and block in diags[0].hint


def test_a_comma_split_flow_list_is_said_too(tmp_path):
    scenes = SMALL_SCENES.replace("    text: Bye.\n", "    text: Bye.\n    tags: [f(a, b), c]\n")
    got, diags = diags_of(write_story(tmp_path / "s", "title: T\nstart: a\n",
                                      **{"01-a.yaml": scenes}))
    assert got == [("01-a.yaml", 10, 12, "flow-split")], diags
    assert "'f(a' and 'b)' as separate items" in diags[0].message


# ---- fair math as ChoiceScript's web/scene.js works it out -------------------------------

def scene_js_fair_add(v1, v2):
    """web/scene.js "%+" (dfabulich/choicescript), line for line."""
    if not 0 <= v1 <= 100:
        raise ValueError
    if v2 > 0:
        multiplier = (100 - v1) / 100
        actual_modifier = v2 * multiplier
        value = math.floor(1 * v1 + actual_modifier)
        return 99 if value > 99 else value
    multiplier = v1 / 100
    actual_modifier = (0 - v2) * multiplier
    value = math.ceil(v1 - actual_modifier)
    return 1 if value < 1 else value


def test_fair_math_is_scene_js_for_every_stat_and_change():
    for x in [*range(0, 101), 0.5, 50.5, 99.9]:
        for p in [*range(-100, 101), 0.5, -0.5, 150, -150]:
            assert statfuncs.fair_add(x, p) == scene_js_fair_add(x, p), (x, p)
            assert statfuncs.fair_sub(x, p) == scene_js_fair_add(x, 0 - p), (x, p)


@pytest.mark.parametrize("expr, want", [
    ("fair_add(100, 0)", 100), ("fair_add(0, 0)", 1), ("fair_add(0, 0.5)", 0),
    ("fair_sub(100, 0)", 100), ("fair_add(50, -20)", 40), ("fair_sub(50, -20)", 60),
    ("fair_add(50.5, 0)", 51), ("fair_add(99, 100)", 99), ("fair_sub(1, 100)", 1),
])
def test_fair_math_exact_values(expr, want):
    assert compile_expr(expr, Env({}))({}, None) == want


# ---- saves and explore -------------------------------------------------------------------

def test_a_saved_state_shows_the_same_includes_and_values_after_reload():
    from ana_story.state import State
    story = load_story(KITCHEN)
    state = engine.new_state(story, 11)
    before = engine.present(story, state)
    again = State.from_json(state.to_json())
    assert engine.present(story, again).text == before.text  # the same draws: no re-roll
    after = engine.choose(story, again, before.available[1].index)
    assert State.from_json(after.to_json()).variables == after.variables


def test_explore_reads_through_functions_to_a_dead_choice(tmp_path):
    folder = write_story(tmp_path / "s", KITCHEN.joinpath("story.yaml").read_text(),
                         **{"01-kitchen.yaml": KITCHEN.joinpath("01-kitchen.yaml").read_text()
                            .replace("can_afford(15)", "can_afford(50)")})
    r = run_cli("explore", "--format", "json", str(folder))
    found = [d for d in json.loads(r.stdout)["dead_choices"] if d["choice"] == "kitchen.1"]
    assert found and found[0]["reason"] == \
        "its condition 'can_afford(50)' holds in no reachable State"
    r = run_cli("explore", "--format", "json", str(KITCHEN))
    assert r.returncode == 0 and json.loads(r.stdout)["dead_choices"] == []


def test_looking_for_a_split_is_linear_in_a_long_line():
    """A 195 KB line of '{{s}}' once took minutes: the look-ahead scanned the rest of
    the line from every '{'."""
    import time

    from ana_story import flowsplit, yamlread
    text = "scenes:\n  big:\n    text: '" + "{{s}}" * 39_000 + "'\n"
    start = time.perf_counter()
    assert flowsplit.flow_splits(text, text.split("\n"), yamlread.compose(text)) == []
    assert time.perf_counter() - start < 2


def test_includes_that_multiply_are_bounded(tmp_path):
    """Ten includes of a snippet that includes ten of the next, four deep: 10,000 copies."""
    story = "title: T\nstart: a\nsnippets:\n  s0: \"" + "x" * 100 + "\"\n" + "".join(
        f"  s{n}: \"{('{% include s' + str(n - 1) + ' %}') * 10}\"\n" for n in range(1, 5))
    scenes = SMALL_SCENES.replace("text: Hi.", "text: \"{% include s4 %}\"")
    import time
    start = time.perf_counter()
    got, diags = diags_of(write_story(tmp_path / "s", story, **{"01-a.yaml": scenes}))
    assert time.perf_counter() - start < 10
    # at s4's own text (the include that crosses the bound), and where s4 is included
    assert got == [("01-a.yaml", 4, 23, "too-large"), ("story.yaml", 8, 35, "too-large")], diags
    assert all("come to more than 200000 characters" in d.message for d in diags)


def test_an_unknown_function_far_from_any_lists_the_storys_own_too(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes_with(
        "        set:\n          craft: zzzzzz(craft)\n")})
    _, diags = diags_of(folder)
    assert diags[0].hint.startswith("the story functions are: visits('scene')")
    assert diags[0].hint.endswith("; and the story's own: nudge")
