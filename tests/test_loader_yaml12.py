"""YAML surprises (issue 13.1): story files are read by YAML 1.2's core rules, the
same in `variables:`, `set:`, `once:` and text; prose cut short by a ` #` comment is
reported; a `{ }` map split by a comma inside an expression is one error."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SMALL_SCENES as SCENES
from conftest import run_cli, write_story

from ana_story import engine
from ana_story.loader import check, load_story


def diags_of(folder, severity="error"):
    _, diags = check(folder)
    return [(Path(d.file).name, d.line, d.column, d.code) for d in diags
            if d.severity == severity], diags


# ---- YAML 1.2 scalars -------------------------------------------------------------------

@pytest.mark.parametrize("written,value", [
    ("no", "no"), ("yes", "yes"), ("off", "off"), ("On", "On"), ("y", "y"), ("N", "N"),
    ("2020-01-01", "2020-01-01"), ("1:30", "1:30"), ("0b101", "0b101"), ("1_000", "1_000"),
    ("12:30:00", "12:30:00"), ("~", None), ("true", True), ("False", False), ("TRUE", True),
    ("017", 17), ("0x1F", 31), ("0o17", 15), ("+5", 5), ("-0", 0), ("1e3", 1000.0),
    (".5", 0.5), ("-2.", -2.0),
])
def test_starting_values_are_read_by_yaml_1_2_rules(tmp_path, written, value):
    folder = write_story(tmp_path / "s", f"title: T\nstart: a\nvariables:\n  v: {written}\n",
                         **{"01-a.yaml": SCENES})
    story, diags = check(folder)
    if value is None:
        assert story is None and diags[0].code == "missing-value"
        return
    assert story is not None, diags
    assert story.variables["v"].initial == value
    assert type(story.variables["v"].initial) is type(value)


def test_a_text_variable_written_no_shows_as_no_in_play(tmp_path):
    scenes = SCENES.replace("text: Hi.", "text: \"Mood: {{ mood }}, answer: {{ answer }}.\"")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  mood: no\n"
                         "  answer: Off\n", **{"01-a.yaml": scenes})
    r = run_cli("play", str(folder), input="1\n")
    assert "Mood: no, answer: Off." in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("line,col,hint", [
    ("        once: yes\n", 15, "only true and false are true/false"),
    ("        fallback: on\n", 19, "only true and false are true/false"),
    ("        if: has_key == no\n", 24, "write false"),
    ("        set: {has_key: Yes}\n", 24, "write true"),
])
def test_yaml_1_1_booleans_are_words_everywhere_with_a_hint(tmp_path, line, col, hint):
    scenes = SCENES.replace("        goto: b\n", "        goto: b\n" + line)
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  has_key: false\n",
                         **{"01-a.yaml": scenes})
    got, diags = diags_of(folder)
    assert [g[:3] for g in got] == [("01-a.yaml", 8, col)]
    assert hint in diags[0].hint


def test_a_visible_flag_of_no_is_not_false(tmp_path):
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n"
                         "  gold: {value: 1, visible: no}\n", **{"01-a.yaml": SCENES})
    got, _ = diags_of(folder)
    assert got == [("story.yaml", 4, 29, "wrong-type")]


def test_the_same_word_reads_the_same_in_variables_set_and_text(tmp_path):
    scenes = SCENES.replace("text: Hi.", "text: The answer is no.").replace(
        "        goto: b\n", "        goto: b\n        set:\n          answer: \"'no'\"\n")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  answer: no\n",
                         **{"01-a.yaml": scenes})
    story = load_story(folder)
    state = engine.new_state(story)
    assert engine.present(story, state).text == "The answer is no."
    state = engine.choose(story, state, 0)
    assert state.variables["answer"] == story.variables["answer"].initial == "no"


# ---- prose cut by a comment -----------------------------------------------------------------

CUT = [
    ("scene text", "    text: She read letter #2 twice\n", "text: Hi.", 4, 27),
    ("scene title", "    title: Room #4\n    text: Hi.\n", "    text: Hi.\n", 4, 17),
    ("choice text", "      - text: Take door #1\n", "      - text: Go\n", 6, 25),
    ("ending name", "    ending: The end #1\n", "    ending: End\n", 10, 21),
    ("chapter", "chapter: Part #2\n", "chapter: One\n", 1, 15),
    ("tab before the #", "    text: Dust\t# and more\n", "text: Hi.", 4, 16),
    ("on the next line", "    text: She read letter\n      #2 twice\n", "text: Hi.", 5, 7),
]


@pytest.mark.parametrize("new,old,line,col", [c[1:] for c in CUT], ids=[c[0] for c in CUT])
def test_prose_cut_short_by_a_comment_is_a_warning_with_a_hint(tmp_path, new, old, line, col):
    scenes = SCENES.replace(old if old.endswith("\n") else f"    {old}\n", new)
    folder = write_story(tmp_path / "s", "title: T\nstart: a\n", **{"01-a.yaml": scenes})
    got, diags = diags_of(folder, "warning")
    assert got == [("01-a.yaml", line, col, "comment-cut")]
    assert "quote the whole text" in diags[0].hint


@pytest.mark.parametrize("line", [
    "    text: \"She read letter #2 twice\"\n",
    "    text: 'She read letter #2 twice'\n",
    "    text: She read letter#2 twice\n",       # '#' inside a word is not a comment
    "    text: |\n      She read letter #2 twice\n",
])
def test_quoted_or_block_prose_keeps_its_hash(tmp_path, line):
    scenes = SCENES.replace("    text: Hi.\n", line)
    folder = write_story(tmp_path / "s", "title: T\nstart: a\n", **{"01-a.yaml": scenes})
    story, diags = check(folder)
    assert story is not None and [d for d in diags if d.code == "comment-cut"] == []
    assert "#2 twice" in story.scenes["a"].text.const


def test_a_comment_after_an_id_or_an_expression_is_no_warning(tmp_path):
    scenes = SCENES.replace("        goto: b\n", "        goto: b          # the end\n"
                            "        if: 1 > 0           # always\n").replace(
        "    text: Bye.\n", "    text: Bye.\n    # a comment of its own, at the key's indent\n")
    folder = write_story(tmp_path / "s", "title: T\nstart: a   # first\n",
                         **{"01-a.yaml": scenes})
    got, _ = diags_of(folder, "warning")
    assert [g for g in got if g[3] == "comment-cut"] == []


def test_check_strict_fails_on_a_cut_text(tmp_path):
    folder = write_story(tmp_path / "s", "title: T\nstart: a\n", **{"01-a.yaml": SCENES.replace(
        "text: Hi.", "text: Hi #1")})
    r = run_cli("check", "--strict", str(folder))
    assert r.returncode == 1
    assert "01-a.yaml:4:14: warning[comment-cut] the scene's text stops at ' #'" in r.stdout


# ---- a { } map split by a comma -------------------------------------------------------------

SPLIT = [
    ("issue example", "        set: { best: max(best, 2) }\n", 8, 22, "'max(best' and '2)'"),
    ("two splits, said once", "        set: {best: min(best, 3), gold: max(gold, 1)}\n", 8, 21,
     "'min(best' and '3)'"),
    ("a split inside a call", "        set: { gold: round(gold * 1.5, 0) }\n", 8, 22,
     "'round(gold * 1.5' and '0)'"),
    ("nested calls", "        set: { name: name + str(max(gold, 1)) }\n", 8, 22,
     "'name + str(max(gold' and '1))'"),
    ("a choice written as a map", None, 6, 16, "'Go left' and 'then right'"),
]


@pytest.mark.parametrize("line,at,col,pieces", [c[1:] for c in SPLIT], ids=[c[0] for c in SPLIT])
def test_a_comma_split_flow_map_is_one_error_with_a_hint(tmp_path, line, at, col, pieces):
    if line is None:
        scenes = SCENES.replace("      - text: Go\n        goto: b\n",
                                "      - {text: Go left, then right, goto: b}\n")
    else:
        scenes = SCENES.replace("        goto: b\n", "        goto: b\n" + line)
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  best: 0\n"
                         "  gold: 1\n  name: Ana\n", **{"01-a.yaml": scenes})
    got, diags = diags_of(folder)
    assert got == [("01-a.yaml", at, col, "flow-split")]  # and no 'unknown variable 2)'
    if pieces:
        assert pieces in diags[0].message
    assert "one per line" in diags[0].hint


def test_flow_maps_without_a_split_still_load(tmp_path):
    scenes = SCENES.replace("        goto: b\n", "        goto: b\n        set: {best: "
                            "\"max(best, 2)\", gold: gold + 1}\n")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  best: 0\n"
                         "  gold: {value: 1, visible: true}\n", **{"01-a.yaml": scenes})
    story, diags = check(folder)
    assert story is not None, diags


_SCALARS = ["", "~", "null", "Null", "NULL", "nul", "true", "True", "TRUE", "tRue", "false",
            "no", "yes", "on", "0", "-0", "+12", "012", "0o17", "0o8", "0x1F", "0xG", "1_000",
            "1:30", "0b101", "1.5", "-.5", ".5e3", "1e5", "1.", ".", "+", ".inf", "-.Inf",
            ".NaN", ".nan", "<<", "<", "a", "Kitchen", "#x", "!x", "'q'", '"d"', "-1.5e-3"]


def test_the_fast_composer_resolves_every_node_as_the_plain_loader_does():
    """yamlread's composer replaces PyYAML's resolver calls by quicker ones: the tag of
    every node (plain and quoted scalars, lists, maps, flow and block) is the same."""
    import yaml

    from ana_story import yamlread
    docs = ["\n".join(f"k{i}: {s}" for i, s in enumerate(_SCALARS)),
            "- " + "\n- ".join(repr(s) if s else "''" for s in _SCALARS),
            "{" + ", ".join(f"a{i}: [{s or '~'}, {{b: {s or '~'}}}]"
                            for i, s in enumerate(_SCALARS) if not set(s) & set(",#!'\"<")) + "}",
            "text: |\n  block\nq: 'single'\nd: \"double\"\nf: >\n  folded\n",
            "? [complex, key]\n: value\n<<: {a: 1}\n", "", "just a scalar", "[]", "{}"]
    for doc in docs:
        fast = yamlread.compose(doc)
        plain = yaml.compose(doc, Loader=yamlread.StoryYamlLoader)
        got = [(type(n).__name__, n.tag, getattr(n, "style", None))
               for n in (yamlread.walk_nodes(fast) if fast is not None else ())]
        want = [(type(n).__name__, n.tag, getattr(n, "style", None))
                for n in (yamlread.walk_nodes(plain) if plain is not None else ())]
        assert got == want and (fast is None) == (plain is None), doc
        assert len(got) > 0 or doc == ""
