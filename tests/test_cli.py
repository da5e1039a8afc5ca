"""The installed `ana-story` command: check's output and exit codes, piped play."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import FIXTURES, ROOT, python_cli, run_cli

FEATURES = str(FIXTURES / "features")
TEN = str(FIXTURES / "ten-mistakes")
TEN_SHOWN = "tests/fixtures/ten-mistakes"  # paths are shown relative to where you stand


def no_traceback(result):
    assert "Traceback" not in result.stdout + result.stderr


def test_check_clean_story_exits_0():
    r = run_cli("check", FEATURES)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "The Lighthouse Keeper: 5 scenes, 2 endings, 5 variables; 0 errors" in r.stdout


def test_check_prints_every_diagnostic_as_file_line_col_code_message():
    r = run_cli("check", TEN)
    assert r.returncode == 1
    lines = [ln for ln in r.stdout.splitlines() if ": error[" in ln]
    assert len(lines) == 10
    assert f"{TEN_SHOWN}/story.yaml:5:8: error[unknown-scene] the start scene 'kitchn' " \
           "does not exist" in r.stdout
    assert "    hint: did you mean 'kitchen'?" in r.stdout
    assert f"{TEN_SHOWN}/01-home.yaml:12:9: error[unknown-key] unknown key 'gotoo'" in r.stdout
    assert r.stdout.rstrip().endswith("10 errors, 0 warnings")
    no_traceback(r)


def test_check_json_format():
    r = run_cli("check", TEN, "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert len(data) == 10
    for d in data:
        assert set(d) >= {"file", "line", "column", "code", "severity", "message", "hint"}
    assert {d["code"] for d in data} >= {"unknown-key", "yaml-syntax", "duplicate-scene"}
    clean = json.loads(run_cli("check", FEATURES, "--format", "json").stdout)
    assert clean == []


def test_usage_errors_exit_2():
    r = run_cli("check", "--format", "xml")
    assert r.returncode == 2 and "invalid choice" in r.stderr
    r = run_cli("fly")
    assert r.returncode == 2
    no_traceback(r)


def test_check_missing_folder_is_a_message(tmp_path):
    r = run_cli("check", str(tmp_path / "nope"))
    assert r.returncode == 1
    assert "missing-file" in r.stdout and "nope" in r.stdout
    no_traceback(r)


def test_every_command_help_has_an_example():
    for command in ("check", "play"):
        r = run_cli(command, "--help")
        assert r.returncode == 0 and "example:" in r.stdout, command


def test_piped_play_reaches_an_ending_and_exits_0():
    r = run_cli("play", FEATURES, "--seed", "4", input="1\n1\n2\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "THE SHORE" in out and "Wind off the water." in out
    assert "  1. Pick up the rusted key" in out
    assert "Climb the stairs (locked: You are too afraid)" in out
    assert "Climb the stairs with the key in your fist" in out
    assert "Mara the Brave lights the lamp" in out
    assert "THE END: The Light" in out
    assert r.stderr == ""


def test_piped_play_ends_cleanly_at_end_of_input():
    r = run_cli("play", FEATURES, "--seed", "4", input="1\n")
    assert r.returncode == 0
    assert out_count(r.stdout, "THE SHORE") == 2
    no_traceback(r)


def out_count(text, needle):
    return text.count(needle)


def test_piped_play_explains_a_bad_answer_and_goes_on():
    r = run_cli("play", FEATURES, "--seed", "4", input="7\nhello\n2\n1\n")
    assert r.returncode == 0
    assert "There is no choice 7 here. Type a number from 1 to 2" in r.stdout
    assert "'hello' is not a choice or a command." in r.stdout
    assert "THE END: The Fire at Home" in r.stdout  # breathe, then the fallback


def test_quit_ends_play():
    r = run_cli("play", FEATURES, input="quit\n1\n")
    assert r.returncode == 0 and "Goodbye." in r.stdout
    assert r.stdout.count("THE SHORE") == 1


def test_play_of_a_broken_story_lists_the_errors_and_exits_1():
    r = run_cli("play", TEN, input="1\n")
    assert r.returncode == 1
    assert "error[unknown-scene]" in r.stderr
    # the hint checks this story, not the shipped one (which has 0 errors)
    assert "run 'ana-story check tests/fixtures/ten-mistakes' for the full list" in r.stderr
    no_traceback(r)


def test_play_with_no_input_at_all():
    r = run_cli("play", FEATURES, input="")
    assert r.returncode == 0
    no_traceback(r)


def test_python_dash_m_runs_the_same_cli():
    r = python_cli("check", FEATURES)
    assert r.returncode == 0 and "0 errors" in r.stdout


def test_wheel_ships_the_story(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("ana_story-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ana_story/_story/story.yaml" in names
    shipped = sorted(p.name for p in (ROOT / "scenes").glob("*.yaml"))
    assert sorted(Path(n).name for n in names if n.startswith("ana_story/_story/")) == shipped
    assert "ana_story/engine.py" in names
    assert "ana_story/publish/web/app.js" in names  # the page `publish --web` writes


def test_bare_play_knows_every_command_without_building_their_parsers():
    """app.COMMANDS tells `ana-story saves` from a story folder named like one
    without building the commands' parsers (the first screen's start-up); it must
    name exactly the parser's commands, and play's options must be the same either way."""
    from ana_story.cli import app
    from ana_story.cli import parser as P
    from ana_story.cli.play import play_arguments
    parser = P.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert tuple(sub.choices) == app.COMMANDS == tuple(P.TABLE)
    bare = app.parse(["--plain", "--seed", "3", "--from", "x", "--width", "40"])
    full = parser.parse_args(["play", "--plain", "--seed", "3", "--from", "x",
                              "--width", "40"])
    assert bare.command is None and full.command == "play"
    assert {**vars(bare), "command": "play"} == vars(full)
    play = sub.choices["play"]
    play.prog = "ana-story"  # as the bare command names itself
    bare_parser = play_arguments(P.Parser(
        prog="ana-story", **{k: v for k, v in P.PLAY.items() if k != "help"}))
    assert play.format_help() == bare_parser.format_help()
    # no arguments at all: play's defaults, no parser built
    assert vars(app.parse([])) == {**vars(bare_parser.parse_args([])), "command": None}


def test_each_command_builds_only_its_own_parser_and_help_lists_them_all():
    """`ana-story --help` builds no command's parser, `ana-story NAME` only its
    group's, and both say exactly what the whole parser says: the one-line helps of
    parser.TABLE are the commands' own, and each command's parser is the same."""
    from ana_story.cli import parser as P

    def commands(p):
        return next(a for a in p._actions
                    if a.__class__.__name__ == "_SubParsersAction").choices
    whole = P.build_parser()
    assert P.build_parser(None).format_help() == whole.format_help()
    for name, real in commands(whole).items():
        alone = P.build_parser(name)
        assert commands(alone)[name].format_help() == real.format_help(), name
        assert alone.format_help() == whole.format_help(), name


def test_command_modules_load_only_when_needed():
    """Start-up: the bare command imports no argparse; play's options build no other
    command group's parser; `--help` and `check` load no other command's module; and
    the whole parser loads no saves module until `saves` runs."""
    code = ("import sys, contextlib, io; from ana_story.cli import app; app.parse([]); "
            "none = 'argparse' in sys.modules; app.parse(['--plain']); "
            "bare = sorted(m for m in sys.modules if m.startswith('ana_story.cli.')); "
            "out = io.StringIO(); "
            "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit): "
            "app.parse(['--help']); "
            "helped = sorted(m for m in sys.modules if m.startswith('ana_story.cli.')); "
            "app.parse(['check', 'x']); "
            "check = sorted(m for m in sys.modules if m.startswith('ana_story.cli.')); "
            "from ana_story.cli.parser import build_parser; build_parser(); "
            "heavy = sorted(m for m in ('ana_story.saves.store', 'ana_story.saves.searching', "
            "'ana_story.cli.saves_show', 'ana_story.loader', 'ana_story.tools') "
            "if m in sys.modules); print(none, bare, helped == bare, check, heavy)")
    code = code.replace("; with ", "\nwith ").replace(": app.parse(['--help']); ",
                                                        ": app.parse(['--help'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    assert out == ("False ['ana_story.cli.app', 'ana_story.cli.parser', 'ana_story.cli.play'] "
                   "True ['ana_story.cli.app', 'ana_story.cli.parser', 'ana_story.cli.play', "
                   "'ana_story.cli.tools'] []")
