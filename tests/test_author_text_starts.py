"""Text whose first character YAML reads as syntax (issue 13.1, 13.4): the error
is at the value, with a hint to quote it, never an indentation hint or a false
"empty" error; an anchor ('&name') that would silently drop the start of a text
is an error. Each case is a scene file as a new author writes it."""
from __future__ import annotations

import pytest
from conftest import run_cli, write_story

SCENE = """\
chapter: A
scenes:
  a:
    title: A
    text: {text}
    ending: The End
"""


def _check(tmp_path, text: str):
    folder = write_story(tmp_path / "s", "title: T\nstart: a\n",
                         **{"01-a.yaml": SCENE.format(text=text)})
    r = run_cli("check", str(folder))
    lines = [ln for ln in r.stdout.splitlines() if "01-a.yaml" in ln or "hint:" in ln]
    return r, lines


@pytest.mark.parametrize("text, says", [
    ("*Very* late, she said", "YAML reads '*' at the start of a value as an alias"),
    ("@home at last", "YAML reads '@' at the start of a value as reserved"),
    ("%50 off the price", "YAML reads '%' at the start of a value as a directive"),
    ("[aside] she whispers", "YAML reads '[' at the start of a value as the start of a list"),
    ("{curly} braces", "YAML reads '{' at the start of a value as the start of a map"),
    ('"Hi," she said', "the value starts with a quote, so YAML reads a quoted text"),
    ("&Co. opened", "YAML reads '&' at the start of a value as an anchor"),
    ("|pipe dream", "YAML reads '|' at the start of a value as a block of text"),
])
def test_a_text_starting_with_yaml_syntax_is_reported_at_the_value(tmp_path, text, says):
    r, lines = _check(tmp_path, text)
    assert r.returncode == 1
    assert ":5:11: error[yaml-syntax]" in lines[0], lines
    assert lines[1].startswith("    hint: " + says), lines
    assert "put the whole text in quotes" in lines[1] and "indent" not in lines[1]


def test_an_unclosed_apostrophe_quote_is_reported_where_it_opens(tmp_path):
    r, lines = _check(tmp_path, "'Tis a long way")
    assert ":5:11: error[yaml-syntax] YAML syntax: found unexpected end of stream" in lines[0]
    assert "an apostrophe inside '...' written twice: 'It''s'" in lines[1]


@pytest.mark.parametrize("text, col", [("&big Big day", 11), ("&alone", 11)])
def test_an_anchor_is_an_error_not_silently_dropped_text(tmp_path, text, col):
    r, lines = _check(tmp_path, text)
    assert r.returncode == 1
    name = text.split()[0]
    assert lines == [
        f"{lines[0].split(':5:')[0]}:5:{col}: error[yaml-alias] '{name}' is a YAML anchor, "
        "which YAML drops from the value it stands before, so that value reads without "
        "it; anchors and aliases are not used in stories",
        "    hint: quote the whole value to keep the '&' as text",
    ]  # and no false "the scene's text is empty" for '&alone'


@pytest.mark.parametrize("text", ['"*Very* late, she said"', "'It''s late'", "Rain & snow",
                                  "Mama's brush", '"Mama\'s brush: gone."'])
def test_quoted_or_plain_text_that_yaml_reads_as_written_is_fine(tmp_path, text):
    r, _ = _check(tmp_path, text)
    assert r.returncode == 0, r.stdout
