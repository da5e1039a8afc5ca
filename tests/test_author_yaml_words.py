"""YAML as a new author writes it (issue 13.1, 13.3): every diagnostic at the
author's own file:line:col, with a hint that points the right way.

Fixtures: author-yaml-words (a text starting value cut by ' #'; 'off' declared
and used as true/false; 'no' and 'yes' inside expressions) and author-flow-calls
(a comma inside '{ }' that cuts a call so that YAML itself cannot read the line)."""
from __future__ import annotations

from conftest import run_cli

WORDS = "tests/fixtures/broken/author-yaml-words"
FLOW = "tests/fixtures/broken/author-flow-calls"


def _lines(r) -> list[str]:
    return [ln for ln in r.stdout.splitlines() if ln.startswith("tests/") or
            ln.startswith("    hint:")]


def test_yaml_words_are_reported_where_written_with_the_right_fix():
    r = run_cli("check", WORDS)
    assert r.returncode == 1, r.stdout
    out = _lines(r)
    assert out == [
        f"{WORDS}/01-stair.yaml:7:41: error[undeclared-variable] the scene's text: "
        "unknown variable 'no'",
        "    hint: write false: only true and false are true/false in a story "
        "(and 'no' in quotes is the text 'no')",
        f"{WORDS}/01-stair.yaml:14:19: error[undeclared-variable] the new value of "
        "'logged': unknown variable 'yes'",
        "    hint: write true: only true and false are true/false in a story "
        "(and 'yes' in quotes is the text 'yes')",
        f"{WORDS}/story.yaml:4:28: warning[comment-cut] the starting text of 'motto' "
        "stops at ' #': YAML reads ' #' and the rest of the line as a comment, so the "
        "text is 'Keep the lamp lit'",
        "    hint: quote the whole text to keep the '#', or put a comment on a line of "
        "its own",
        f"{WORDS}/story.yaml:5:3: error[declared-type] 'beacon' starts as the text "
        f"\"off\", but a use treats it as true/false (first at {WORDS}/01-stair.yaml:10:13)",
        "    hint: did you mean 'beacon: false'? Only true and false are true/false: "
        "yes, no, on and off are text",
    ]
    assert "In quotes" not in r.stdout  # 'off' was not in quotes


def test_a_yes_no_word_beats_a_lookalike_variable_in_the_hint(tmp_path):
    from conftest import write_story
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  n: 1\n"
                         "  door: false\n", **{"01-a.yaml": """\
        chapter: One
        scenes:
          a:
            title: A
            text: "{% if door == no %}Shut.{% endif %} {{ n }}"
            ending: A
        """})
    r = run_cli("check", str(folder))
    assert ":5:26: error[undeclared-variable]" in r.stdout, r.stdout
    assert "hint: write false: only true and false are true/false in a story (and 'no' " \
        "in quotes is the text 'no'); or did you mean 'n'?" in r.stdout


def test_a_comma_that_cuts_a_call_yaml_cannot_read_gets_the_flow_hint():
    r = run_cli("check", FLOW)
    assert r.returncode == 1
    assert _lines(r) == [
        f"{FLOW}/01-shore.yaml:10:41: error[yaml-syntax] YAML syntax: did not find "
        "expected ',' or '}'",
        "    hint: a comma inside '{ }' separates entries, so it cut this value in two: "
        "write the entries one per line, without '{ }', or quote the value",
    ]


def test_a_condition_in_braces_is_told_to_quote(tmp_path):
    from conftest import write_story
    folder = write_story(tmp_path / "s", "title: T\nstart: a\nvariables:\n  x: 1\n",
                         **{"01-a.yaml": """\
        chapter: One
        scenes:
          a:
            title: A
            text: A.
            choices:
              - text: Go
                if: {x > 1}
                goto: b
              - text: Stay
                goto: b
          b:
            title: B
            text: B.
            ending: B
        """})
    r = run_cli("check", str(folder))
    assert ":8:13: error[wrong-type] the condition should be text" in r.stdout, r.stdout
    assert "hint: a value that starts with '{' or '[' is a map or a list to YAML: " \
        "quote the whole value" in r.stdout


def test_a_quoted_number_repeated_by_star_is_a_warning_at_its_declaration():
    # "12" * 2 plays as "1212" without an error; check says so, where 'coins' is
    # declared, naming the use; 'label' is also used as text (len), so no warning
    story = "tests/fixtures/check-text-numbers"
    r = run_cli("check", story)
    assert r.returncode == 0, r.stdout
    found = [ln for ln in r.stdout.splitlines() if "declared-type" in ln]
    assert found == [
        f"{story}/story.yaml:4:3: warning[declared-type] 'coins' starts as the text \"12\", "
        f"so '*' repeats it as text (at {story}/01-till.yaml:8:32: coins * 2 would show "
        "\"1212\"), not a number",
        f"{story}/story.yaml:5:3: warning[declared-type] 'price' starts as the text "
        f"\"2.5\", so '*' repeats it as text (at {story}/01-till.yaml:12:18: price * 2 "
        "would show \"2.52.5\"), not a number",
    ]
    assert "hint: did you mean 'coins: 12'? In quotes, a value is text" in r.stdout
    assert run_cli("check", "--strict", story).returncode == 1


def test_words_given_to_a_text_variable_get_the_quote_it_inside_hint(tmp_path):
    from conftest import write_story
    folder = write_story(tmp_path / "s", 'title: T\nstart: a\nvariables:\n  word: "x"\n',
                         **{"01-a.yaml": """\
        chapter: One
        scenes:
          a:
            title: A
            text: "{{ word }}"
            choices:
              - text: Go
                set:
                  word: "hello there"
                goto: b
          b:
            title: B
            text: B.
            ending: B
        """})
    r = run_cli("check", str(folder))
    assert ":9:24: error[expression-syntax] the new value of 'word': cannot read this " \
        "expression: invalid syntax" in r.stdout, r.stdout
    assert "hint: to store the text hello there, quote it inside: word: \"'hello there'\"" \
        in r.stdout
