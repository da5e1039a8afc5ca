"""The story language: what it computes, how it types, and how text templates render."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from ana_story.expressions import Env, ExprError, compile_expr, compile_template, fmt

ENV = Env({"craft": "int", "oil": "float", "brave": "bool", "name": "str"}, {"attic", "yard"})
VARS = {"craft": 3, "oil": 1.5, "brave": True, "name": "Ana"}
STATE = SimpleNamespace(visits={"attic": 2}, seed=11, turn=4, dice=2)


def ev(src, variables=VARS, state=STATE, **kw):
    return compile_expr(src, ENV, **kw)(dict(variables), state)


@pytest.mark.parametrize("src, value", [
    ("craft + 1", 4), ("craft - 5", -2), ("craft * 2", 6), ("craft / 2", 1.5),
    ("craft // 2", 1), ("craft % 2", 1), ("craft ** 2", 9), ("-craft", -3),
    ("oil * 2", 3.0), ("craft > 2 and brave", True), ("craft > 5 or not brave", False),
    ("1 < craft <= 3", True), ("name == 'Ana'", True), ("name + '!'", "Ana!"),
    ("'ab' * 2", "abab"), ("craft if brave else 0", 3), ("min(craft, 2)", 2),
    ("max(oil, 4)", 4), ("abs(-craft)", 3), ("round(oil)", 2), ("round(2.345, 1)", 2.3),
    ("floor(oil)", 1), ("ceil(oil)", 2), ("int(oil)", 1), ("str(craft) + name", "3Ana"),
    ("len(name)", 3), ("visits('attic')", 2), ("visits('yard')", 0), ("seen('attic')", True),
    ("seen('yard')", False), ("true", True), ("False", False),
])
def test_expression_values(src, value):
    assert ev(src) == value


@pytest.mark.parametrize("src, type_", [
    ("craft + 1", "int"), ("craft / 2", "float"), ("craft + oil", "float"),
    ("craft > 1", "bool"), ("name", "str"), ("random(1, 6)", "int"), ("chance(0.5)", "bool"),
    ("pick('a', 'b')", "str"), ("pick(1, 2.5)", "float"),
])
def test_expressions_are_typed_statically(src, type_):
    assert compile_expr(src, ENV).type == type_


@pytest.mark.parametrize("src, code, hint", [
    ("craft + name", "type-mismatch", "str(x)"),
    ("craft and brave", "type-mismatch", "craft > 0"),
    ("name > 3", "type-mismatch", None),
    ("crafts > 1", "undeclared-variable", "did you mean 'craft'?"),
    ("visits('atic')", "unknown-scene", "did you mean 'attic'?"),
    ("visits(craft)", "expression-syntax", None),
    ("rnd(1, 2)", "unknown-function", None),
    ("craft = 2", "expression-syntax", "'=='"),
    ("craft > 1 && brave", "expression-syntax", "'and'"),
    ("random(1)", "expression-syntax", None),
    ("pick('a', 1)", "type-mismatch", None),
    ("brave if craft else 1", "type-mismatch", None),
])
def test_bad_expressions_are_explained(src, code, hint):
    with pytest.raises(ExprError) as info:
        compile_expr(src, ENV)
    assert info.value.code == code
    if hint:
        assert hint in info.value.hint


def test_condition_must_be_true_or_false():
    with pytest.raises(ExprError) as info:
        compile_expr("craft", ENV, want="bool")
    assert info.value.code == "type-mismatch"
    assert "craft > 0" in info.value.hint


def test_int_is_widened_to_float_where_a_float_is_wanted():
    e = compile_expr("craft", ENV, want="float")
    assert e.type == "float" and e(dict(VARS), STATE) == 3.0
    assert type(e(dict(VARS), STATE)) is float


def test_error_offset_points_at_the_culprit():
    with pytest.raises(ExprError) as info:
        compile_expr("craft > 1 and crafty", ENV)
    assert info.value.offset == len("craft > 1 and ")


def test_random_draws_depend_only_on_seed_turn_and_site():
    e = compile_expr("random(1, 1000)", ENV)
    a = e({}, SimpleNamespace(visits={}, seed=1, turn=1, dice=2))
    assert a == e({}, SimpleNamespace(visits={}, seed=1, turn=1, dice=2))
    draws = {e({}, SimpleNamespace(visits={}, seed=s, turn=t, dice=2))
             for s in range(5) for t in range(5)}
    assert len(draws) > 15 and all(1 <= d <= 1000 for d in draws)


def test_random_is_roughly_uniform():
    e = compile_expr("random(1, 4)", ENV)
    counts = {k: 0 for k in range(1, 5)}
    for turn in range(4000):
        counts[e({}, SimpleNamespace(visits={}, seed=3, turn=turn, dice=2))] += 1
    assert all(800 < c < 1200 for c in counts.values()), counts


def test_constant_parts_are_folded_and_known_constant():
    assert compile_expr("2 ** 10 + 1", ENV).constant
    assert not compile_expr("craft + 1", ENV).constant
    assert not compile_expr("random(1, 2)", ENV).constant


def test_fmt_reads_like_text():
    assert [fmt(True), fmt(False), fmt(2.0), fmt(2.5), fmt(1 / 3), fmt(7)] == \
        ["true", "false", "2", "2.5", "0.333333", "7"]


# --- templates -------------------------------------------------------------------

def render(src, variables=VARS):
    return compile_template(src, ENV).render(dict(variables), STATE)


def test_plain_text_is_a_constant_and_costs_nothing_to_render():
    t = compile_template("One line\nand the next.\n\nA second paragraph.\n", ENV)
    assert t.fn is None
    assert t.const == "One line and the next.\n\nA second paragraph."


def test_interpolation_formats_values():
    assert render("{{ name }} has {{ craft }} brushes, {{ oil }} l of oil; brave: {{ brave }}.") \
        == "Ana has 3 brushes, 1.5 l of oil; brave: true."


def test_conditional_text_branches():
    src = "{% if craft > 5 %}master{% elif craft > 2 %}journeyman{% else %}novice{% endif %}"
    assert render(src) == "journeyman"
    assert render(src, {**VARS, "craft": 9}) == "master"
    assert render(src, {**VARS, "craft": 0}) == "novice"


def test_conditions_nest():
    src = "{% if brave %}A{% if craft > 1 %}B{% else %}C{% endif %}D{% endif %}"
    assert render(src) == "ABD"
    assert render(src, {**VARS, "craft": 0}) == "ACD"
    assert render(src, {**VARS, "brave": False}) == ""


def test_a_tag_alone_on_its_line_leaves_no_blank_line():
    src = "First.\n{% if brave %}\nBrave line.\n{% endif %}\nLast.\n\nNext paragraph.\n"
    assert render(src) == "First. Brave line. Last.\n\nNext paragraph."
    assert render(src, {**VARS, "brave": False}) == "First. Last.\n\nNext paragraph."


def test_conditional_paragraphs():
    src = "One.\n\n{% if brave %}\nTwo.\n\n{% endif %}\nThree."
    assert render(src) == "One.\n\nTwo.\n\nThree."
    assert render(src, {**VARS, "brave": False}) == "One.\n\nThree."


def test_comments_vanish():
    assert render("A{# a note for the author #}B") == "AB"


@pytest.mark.parametrize("src, code", [
    ("{% if craft > 1 %}open", "template-syntax"),
    ("{% endif %}", "template-syntax"),
    ("{% else %}", "template-syntax"),
    ("{% for x in y %}{% endfor %}", "template-syntax"),
    ("{{ name", "template-syntax"),
    ("{% if craft %}x{% endif %}", "type-mismatch"),
    ("{{ nam }}", "undeclared-variable"),
    ("{% if %}x{% endif %}", "template-syntax"),
])
def test_bad_templates_are_explained(src, code):
    with pytest.raises(ExprError) as info:
        compile_template(src, ENV)
    assert info.value.code == code


def test_template_error_offset_points_inside_the_text():
    src = "Hello there.\n{{ nmae }}"
    with pytest.raises(ExprError) as info:
        compile_template(src, ENV)
    assert src[info.value.offset:].startswith("nmae")


def test_a_compiled_expression_keeps_its_checked_tree_and_type():
    import ast

    env = Env({"craft": "int"})
    e = compile_expr("craft + 1 > visits('a')", env, want="bool")
    assert isinstance(e.tree, ast.Compare) and e.type == "bool"
    assert e.at("somewhere").tree is e.tree  # a cached Expr placed elsewhere keeps it
    t = compile_template("{{ craft }} {% if craft > 2 %}yes{% endif %}", env)
    assert [type(x) for x in t.trees] == [ast.Name, ast.Compare]


def test_the_author_tools_never_parse_an_expression_a_second_time():
    from pathlib import Path

    tools = Path(__file__).resolve().parent.parent / "ana_story" / "tools"
    for name in ("analysis.py", "ranges.py", "lint.py", "sceneorder.py"):
        assert "ast.parse" not in (tools / name).read_text(), name
