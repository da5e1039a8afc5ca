"""Every command a tool suggests names the author's own story (issue 13.8): a bare
'ana-story check' after a failure elsewhere would check the shipped story and
answer "0 errors". Hints show the author's own variables, never the shipped
story's."""
from __future__ import annotations

from conftest import FIXTURES, run_cli, write_story

SHIPPED_NAMES = ("craft", "vision", "mama", "oil")


def test_play_of_a_broken_story_suggests_checking_that_story(tmp_path):
    folder = write_story(tmp_path / "my tale", """\
        title: T
        start: a
        variables: {gold: 1}
        """, **{"01-a.yaml": """\
        chapter: A
        scenes:
          a:
            title: A
            text: "{{ silver }}"
            choices:
              - text: on
                goto: a
        """})
    r = run_cli("play", str(folder), "--plain", input="1\n")
    assert r.returncode == 1
    assert f'run "ana-story check \'{folder}\'" for the full list' in r.stderr  # copyable


def test_check_warning_suggests_exploring_that_story():
    r = run_cli("check", "tests/fixtures/tools-lint")
    assert "run 'ana-story explore tests/fixtures/tools-lint' to see" in r.stdout


def test_goodbye_names_the_command_that_continues_this_story():
    r = run_cli("play", "tests/fixtures/features", "--plain", input="1\nquit\n")
    assert r.returncode == 0
    assert "run ana-story play tests/fixtures/features again" in " ".join(r.stdout.split())


def test_hints_use_the_authors_own_variables(tmp_path):
    folder = write_story(tmp_path / "s", """\
        title: T
        start: a
        variables: {coins: 2, flag: false}
        """, **{"01-a.yaml": """\
        chapter: A
        scenes:
          a:
            title: A
            text: hi
            choices:
              - text: on
                if: coins and flag
                set: {flag: coins + 1}
                goto: a
        """})
    r = run_cli("check", str(folder))
    assert "compare it, for example 'coins > 0'" in r.stdout
    assert "'flag' holds true/false: give it true, false or a comparison" in r.stdout
    bad_set = run_cli("play", "tests/fixtures/tools-explore", "--set", "gold")
    assert "write it as name=value, like --set gold=1" in bad_set.stderr
    for name in SHIPPED_NAMES:
        assert name not in r.stdout + bad_set.stderr, name
    assert FIXTURES.name not in r.stdout


def test_graph_without_graphviz_suggests_commands_for_this_story(tmp_path):
    import os
    import shutil
    here = os.path.dirname(shutil.which("ana-story"))  # no 'dot' on this PATH
    r = run_cli("graph", "tests/fixtures/tools-loop", "--output", str(tmp_path / "g.svg"),
                env={"PATH": f"{tmp_path}{os.pathsep}{here}"})
    assert r.returncode == 1
    assert "'ana-story graph tests/fixtures/tools-loop --format dot > story.dot'" in r.stderr


def test_a_tool_run_inside_a_story_folder_without_a_folder_says_which_story(tmp_path):
    folder = write_story(tmp_path / "mine", "title: Mine\nstart: a\n", **{"01-a.yaml": """\
        chapter: A
        scenes:
          a:
            title: A
            text: "{{ 1 // 0 }}"
            ending: A
        """})
    for args in (("check",), ("explore", "--max-states", "10")):
        r = run_cli(*args, cwd=folder)
        assert "note: no story folder given, so this is the shipped story, not the one " \
            "in this folder; add '.' for that one" in r.stderr, (args, r.stderr)
    r = run_cli("check", ".", cwd=folder)
    assert r.returncode == 1 and "note:" not in r.stderr.replace("note: story.yaml", "")


def test_a_suggested_command_with_a_quoted_folder_can_be_copied(tmp_path):
    folder = write_story(tmp_path / "my tale", "title: T\nstart: a\n", **{"01-a.yaml": """\
        chapter: A
        scenes:
          a:
            title: A
            text: A.
            choices:
              - text: Wait
                if: visits('a') > 1
                goto: a
        """})
    r = run_cli("check", str(folder))
    assert f"or run \"ana-story explore '{folder}'\" to see whether" in r.stdout, r.stdout
