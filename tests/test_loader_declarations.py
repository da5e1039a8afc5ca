"""Errors where the mistake is (issue 13.3, first bullet): a variable declared with the
wrong type is one error at its declaration, with the fix, not a cascade at its uses.
And an ending must have a name the player can see (issue 13.9)."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli, write_story

from ana_story.loader import check, load_story

SCENES = """\
chapter: One
scenes:
  a:
    text: |
      You have {{ gold + 1 }} coins.
    choices:
      - text: Buy
        if: gold > 5
        set:
          gold: gold - 5
        goto: b
      - text: Rest
        set:
          gold: 20
        goto: b
  b:
    text: Bye.
    ending: End
"""


def errors(folder):
    _, diags = check(folder)
    return [d for d in diags if d.severity == "error"]


def test_a_number_declared_as_text_is_one_error_at_the_declaration(tmp_path):
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: \"12\"\n",
                         **{"01-a.yaml": SCENES})
    errs = errors(folder)
    assert [(Path(d.file).name, d.line, d.column, d.code) for d in errs] == \
        [("story.yaml", 4, 3, "declared-type")]
    d = errs[0]
    assert d.message.startswith("'gold' starts as the text \"12\", but 4 uses treat it as "
                                "a whole number (first at ")
    assert d.message.endswith("01-a.yaml:5:19)")
    assert d.hint == "did you mean 'gold: 12'? In quotes, a value is text"


@pytest.mark.parametrize("declared,literal,kind", [
    ("'2.5'", "2.5", "a number"),
    ("\"true\"", "true", "true/false"),
    ("'no'", "false", "true/false"),
    ("yes", "true", "true/false"),      # a word under YAML 1.2's rules, so text
    ("\" 7 \"", "7", "a whole number"),
])
def test_other_wrong_types_are_found_from_their_uses(tmp_path, declared, literal, kind):
    use = "flag" if kind == "true/false" else "flag * 2 > 1"
    scenes = SCENES.replace("if: gold > 5", f"if: {use}").replace("gold", "x").replace(
        "flag", "gold")
    folder = write_story(tmp_path / "s", f"title: T\nstart: a\nvariables:\n  gold: {declared}\n"
                         "  x: 0\n", **{"01-a.yaml": scenes})
    errs = errors(folder)
    assert [(d.line, d.code) for d in errs] == [(4, "declared-type")], \
        [(d.line, d.code, d.message) for d in errs]
    assert f"treat it as {kind}" in errs[0].message or f"treats it as {kind}" in errs[0].message
    assert f"did you mean 'gold: {literal}'?" in errs[0].hint


def test_a_variable_some_uses_need_as_text_is_reported_at_its_uses(tmp_path):
    """The declaration cannot be blamed when the fix would break other uses."""
    scenes = SCENES.replace("gold + 1", "gold + ' coins'")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: \"12\"\n",
                         **{"01-a.yaml": scenes})
    got = [(Path(d.file).name, d.line, d.code) for d in errors(folder)]
    assert got == [("01-a.yaml", 8, "type-mismatch"), ("01-a.yaml", 10, "type-mismatch"),
                   ("01-a.yaml", 14, "type-mismatch")]


def test_a_text_that_is_meant_as_text_is_left_alone(tmp_path):
    scenes = SCENES.replace("gold + 1", "gold + ' coins'").replace("gold > 5", "gold == '12'") \
        .replace("gold - 5", "gold + '!'").replace("gold: 20", "gold: \"'20'\"")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: \"12\"\n",
                         **{"01-a.yaml": scenes})
    story = load_story(folder)
    assert story.variables["gold"].type == "str"


def test_an_unrelated_error_in_the_same_expression_is_still_reported_at_its_use(tmp_path):
    scenes = SCENES.replace("if: gold > 5", "if: gold > 5 and name")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: \"12\"\n"
                         "  name: Ana\n", **{"01-a.yaml": scenes})
    got = [(Path(d.file).name, d.line, d.code) for d in errors(folder)]
    # gold + 1, gold - 5 and gold: 20 are explained by the declaration; the condition,
    # which also uses a text as true/false, is not
    assert got == [("01-a.yaml", 8, "type-mismatch"), ("story.yaml", 4, "declared-type")]


def test_check_shows_the_declaration_error_and_no_cascade(tmp_path):
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: \"12\"\n",
                         **{"01-a.yaml": SCENES})
    r = run_cli("check", str(folder))
    assert r.returncode == 1
    assert "story.yaml:4:3: error[declared-type] 'gold' starts as the text \"12\"" in r.stdout
    assert "hint: did you mean 'gold: 12'? In quotes, a value is text" in r.stdout
    assert "type-mismatch" not in r.stdout
    assert r.stdout.rstrip().endswith("1 error, 0 warnings")


# ---- endings need a name ---------------------------------------------------------------

def test_an_ending_with_no_name_is_refused(tmp_path):
    scenes = SCENES.replace("    ending: End\n", "    ending: true\n")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: 12\n",
                         **{"01-a.yaml": scenes})
    errs = errors(folder)
    assert [(d.line, d.column, d.code) for d in errs] == [(18, 13, "ending-no-name")]
    assert errs[0].message == "scene 'b' is an ending with no name: the player would see its " \
                              "id 'b'"
    assert "give the scene a 'title'" in errs[0].hint


def test_an_ending_true_takes_the_scene_title(tmp_path):
    scenes = SCENES.replace("    ending: End\n", "    title: The Quiet End\n    ending: True\n")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: 12\n",
                         **{"01-a.yaml": scenes})
    story = load_story(folder)
    assert story.scenes["b"].ending == "The Quiet End"


def test_ending_false_is_not_an_ending(tmp_path):
    scenes = SCENES.replace("    ending: End\n", "    ending: false\n    choices:\n"
                            "      - text: Again\n        goto: a\n")
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  gold: 12\n",
                         **{"01-a.yaml": scenes})
    assert load_story(folder).scenes["b"].ending is None


@pytest.mark.parametrize("folder", [ROOT / "scenes", *sorted(
    p for p in FIXTURES.iterdir() if (p / "story.yaml").exists()
    and p.name not in ("ten-mistakes", "tools-plans"))], ids=lambda p: p.name)
def test_the_shipped_story_and_fixtures_have_named_endings(folder):
    story = load_story(folder)
    for scene in story.scenes.values():
        assert scene.ending is None or scene.ending != scene.id or scene.title
