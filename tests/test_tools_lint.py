"""check's warnings: each one triggered by tests/fixtures/tools-lint, at its line."""
from __future__ import annotations

import json

from conftest import FIXTURES, run_cli

from ana_story.loader import check, load_story
from ana_story.tools.lint import lint, render

LINT = FIXTURES / "tools-lint"


def _warnings(path=LINT):
    story = load_story(path)
    return [(d.file.rsplit("/", 1)[-1], d.line, d.column, d.code) for d in lint(story)]


def test_each_warning_is_found_at_its_line():
    assert _warnings() == [
        ("01-house.yaml", 12, 13, "condition-never-true"),
        ("01-house.yaml", 16, 3, "no-fallback"),
        ("01-house.yaml", 37, 3, "unreachable-scene"),
        ("01-house.yaml", 43, 3, "unreachable-ending"),
        ("01-house.yaml", 47, 3, "unreachable-ending"),
        ("story.yaml", 5, 3, "variable-never-set"),
        ("story.yaml", 6, 3, "variable-never-read"),
    ]


def test_every_warning_is_a_warning_not_an_error():
    story = load_story(LINT)
    assert {d.severity for d in lint(story)} == {"warning"}


def test_ending_with_no_way_in_says_why():
    story = load_story(LINT)
    by_scene = {d.message.split("'")[1]: d.message for d in lint(story)
                if d.code == "unreachable-ending"}
    assert by_scene["vault"].endswith("no choice leads to it")
    assert "scenes no player can reach" in by_scene["secret"]


def test_condition_never_true_names_the_constant_it_reads():
    story = load_story(LINT)
    [d] = [d for d in lint(story) if d.code == "condition-never-true"]
    assert "'lamp > 5'" in d.message and "'lamp' (always 1)" in d.message


def test_self_update_alone_does_not_count_as_reading_a_variable():
    story = load_story(LINT)
    codes = {d.message.split("'")[1]: d.code for d in lint(story)
             if d.code.startswith("variable-")}
    assert codes == {"lamp": "variable-never-set", "dust": "variable-never-read"}


def test_features_story_has_no_warnings():
    assert _warnings(FIXTURES / "features") == []


def test_conditions_that_can_change_are_not_flagged(story_dir):
    folder = story_dir("""\
        title: T
        start: a
        variables: {n: 0}
        """, **{"01-a.yaml": """\
        scenes:
          a:
            text: A
            choices:
              - text: Up
                set: {n: n + 1}
                goto: a
              - text: Out
                if: n > 5
                goto: b
              - text: Wait
                goto: a
          b: {text: B, ending: End}
        """})
    assert [d.code for d in lint(load_story(folder))] == []


def test_render_puts_a_caret_under_the_column():
    story = load_story(LINT)
    d = next(d for d in lint(story) if d.code == "condition-never-true")
    lines = render(d).split("\n")
    assert lines[0].startswith(f"{d.file}:12:13: warning[condition-never-true] ")
    assert lines[1] == "   12 |         if: lamp > 5"
    assert lines[2] == "      |             ^"
    assert lines[1].index("lamp") == lines[2].index("^")
    assert lines[3].startswith("    hint: ")


def test_render_in_color_wraps_the_same_text_in_ansi_codes():
    story = load_story(LINT)
    d = lint(story)[0]
    import re
    plain = re.sub(r"\x1b\[[0-9;]*m", "", render(d, color=True))
    assert plain == render(d)
    assert "\x1b[1;33mwarning[" in render(d, color=True)


def test_check_cli_prints_source_and_caret_after_the_first_line():
    r = run_cli("check", str(LINT))
    assert r.returncode == 0  # warnings alone do not fail
    out = r.stdout.splitlines()
    i = out.index(f"{LINT.relative_to(LINT.parents[2])}/01-house.yaml:37:3: warning"
                  "[unreachable-scene] scene 'shed' cannot be reached from the start ('hall')")
    assert out[i + 1] == "   37 |   shed:"
    assert out[i + 2] == "      |   ^"
    assert out[-1] == "Lint Bait: 7 scenes, 3 endings, 3 variables; 0 errors, 7 warnings"


def test_check_strict_fails_on_warnings():
    assert run_cli("check", str(LINT), "--strict").returncode == 1
    assert run_cli("check", str(FIXTURES / "features"), "--strict").returncode == 0


def test_check_json_keeps_its_keys_and_lists_warnings():
    r = run_cli("check", str(LINT), "--format", "json")
    data = json.loads(r.stdout)
    assert len(data) == 7
    for d in data:
        assert set(d) == {"file", "line", "column", "code", "message", "hint", "severity"}
        assert d["severity"] == "warning"


def test_lint_runs_only_on_a_story_that_loads():
    story, _ = check(FIXTURES / "ten-mistakes")
    assert story is None
    r = run_cli("check", str(FIXTURES / "ten-mistakes"))
    assert r.returncode == 1
    for code in ("unreachable-scene", "unreachable-ending", "variable-never-read",
                 "variable-never-set", "condition-never-true", "no-fallback"):
        assert f"[{code}]" not in r.stdout
    assert "error[unknown-scene]" in r.stdout


def test_condition_on_a_scene_no_player_reaches_can_never_hold(story_dir):
    folder = story_dir("""\
        title: T
        start: a
        """, **{"01-a.yaml": """\
        scenes:
          a:
            text: A
            choices:
              - text: Remember the attic
                if: seen('attic')
                goto: b
              - text: Go on
                goto: b
          attic:
            text: Nobody comes here.
            choices:
              - {text: Out, goto: b}
          b: {text: B, ending: End}
        """})
    diags = lint(load_story(folder))
    assert [(d.line, d.column, d.code) for d in diags] == [
        (6, 13, "condition-never-true"), (10, 3, "unreachable-scene")]
    assert "visits of 'attic' (always 0: no player reaches it)" in diags[0].message
