"""Issue 15, the first ten minutes, through the installed command: play's options on
the bare `ana-story`, and the wording a new player meets (plurals, play time, import
messages, the hint after a wrong answer)."""
from __future__ import annotations

import json
import re

import pytest
from conftest import FIXTURES, run_cli

FEATURES = str(FIXTURES / "features")
ANSWERS = "1\n1\n2\n"  # with --seed 4: the key, the stairs, up to the lamp


# --- play's options on the bare command ----------------------------------------------

def test_bare_command_takes_plays_options_and_plays_the_same_game(tmp_path):
    played = run_cli("play", FEATURES, "--seed", "4", "--plain", input=ANSWERS,
                     env={"ANA_STORY_SAVES": str(tmp_path / "a")})
    bare = run_cli("--seed", "4", "--plain", FEATURES, input=ANSWERS,
                   env={"ANA_STORY_SAVES": str(tmp_path / "b")})
    assert bare.returncode == 0, bare.stderr
    assert "THE END: The Light" in bare.stdout
    assert bare.stdout == played.stdout


def test_bare_command_takes_a_story_folder_first():
    r = run_cli(FEATURES, "--seed", "4", input=ANSWERS)
    assert r.returncode == 0, r.stderr
    assert "THE END: The Light" in r.stdout


@pytest.mark.parametrize("option", [["--pace"], ["--pace", "0.5"], ["--watch"],
                                    ["--from", "stairs"], ["--set", "courage=2"]])
def test_bare_command_accepts_every_other_play_option(option):
    r = run_cli(*option, "--seed", "4", FEATURES, input="quit\n")
    assert r.returncode == 0, r.stderr
    assert "Goodbye." in r.stdout


def test_bare_saves_option_is_the_save_folder_not_a_command(tmp_path):
    folder = tmp_path / "elsewhere"
    r = run_cli("--saves", str(folder), "--seed", "4", FEATURES, input="1\nquit\n")
    assert r.returncode == 0, r.stderr
    assert "invalid choice" not in r.stderr
    [autosave] = folder.glob("*/autosave.json")
    assert json.loads(autosave.read_text())["slot"] == "autosave"


def test_bare_command_errors_still_exit_2_with_its_usage():
    r = run_cli("--seed", "three")
    assert r.returncode == 2
    assert "usage: ana-story" in r.stderr and "--seed" in r.stderr
    r = run_cli("chek")  # a mistyped command is still a usage error, not a story folder
    assert r.returncode == 2 and "invalid choice: 'chek'" in r.stderr
    r = run_cli("--plain", "check", FEATURES)  # play options do not go before a command
    assert r.returncode == 2 and "unrecognized arguments: --plain" in r.stderr


def test_subcommands_are_unchanged():
    assert run_cli("check", FEATURES).returncode == 0
    r = run_cli("play", FEATURES, "--seed", "4", input=ANSWERS)
    assert r.returncode == 0 and "THE END: The Light" in r.stdout


@pytest.mark.parametrize("command", ["", "play", "check", "saves", "explore", "graph",
                                     "schema", "new", "test"])
def test_every_help_keeps_an_example(command):
    r = run_cli(*([command] if command else []), "--help")
    assert r.returncode == 0, r.stderr
    assert "example:" in r.stdout or "examples:" in r.stdout
    if not command:
        assert "ana-story --plain --seed 3" in r.stdout


# --- wording -----------------------------------------------------------------------

def test_check_counts_in_the_singular_when_there_is_one(story_dir):
    folder = story_dir("""\
        title: One of Each
        start: only
        variables:
          spare: 0
        """, **{"01-a.yaml": """\
        chapter: One
        scenes:
          only:
            text: Alone.
            ending: The Only End
        """})
    r = run_cli("check", str(folder))
    assert r.returncode == 0, r.stdout + r.stderr
    last = r.stdout.rstrip().splitlines()[-1]
    assert last == "One of Each: 1 scene, 1 ending, 1 variable; 0 errors, 1 warning"


def test_play_time_reads_the_same_in_saves_list_as_in_the_game(tmp_path):
    saves = tmp_path / "saves"
    r = run_cli("play", FEATURES, "--seed", "4", "--saves", str(saves), input=ANSWERS)
    assert "in under a minute" in r.stdout or "THE END" in r.stdout
    listed = run_cli("saves", "list", "--story", FEATURES, "--saves", str(saves))
    assert listed.returncode == 0, listed.stderr
    assert "played under a minute" in listed.stdout
    # no clock-style duration ("played 0:00:12"); the listing's own timestamp ("10:07")
    # may hold "0:0", so only what follows "played" is read
    assert not re.search(r"played \d+:\d\d", listed.stdout), listed.stdout
    shown = run_cli("saves", "show", "autosave", "--story", FEATURES, "--saves", str(saves))
    assert "played:    under a minute" in shown.stdout
    assert "undo:      3 steps back" in shown.stdout


def test_import_of_a_missing_file_says_the_file_is_missing(tmp_path):
    r = run_cli("saves", "import", "missing.json", "--story", FEATURES,
                "--saves", str(tmp_path / "saves"), cwd=tmp_path)
    assert r.returncode != 0
    assert r.stderr.strip() == "ana-story: could not read missing.json: there is no such file"


def test_import_name_clash_names_the_two_ways_out(tmp_path):
    saves = tmp_path / "saves"
    run_cli("play", FEATURES, "--seed", "4", "--saves", str(saves), input="1\n")
    out = tmp_path / "a.json"
    assert run_cli("saves", "export", "autosave", str(out), "--story", FEATURES,
                   "--saves", str(saves)).returncode == 0
    r = run_cli("saves", "import", str(out), "--story", FEATURES, "--saves", str(saves))
    assert r.returncode != 0
    assert "already a save named 'autosave'" in r.stderr
    assert "--as NAME" in r.stderr and "--replace" in r.stderr


def test_a_wrong_answer_suggests_help_too():
    r = run_cli("play", FEATURES, "--seed", "4", input="dance\n9\nquit\n")
    out = " ".join(r.stdout.split())
    assert "'dance' is not a choice or a command. Type a number from 1 to 2, 'help' for " \
           "the commands, or 'quit'." in out
    assert "There is no choice 9 here. Type a number from 1 to 2, 'help' for the " \
           "commands, or 'quit'." in out
