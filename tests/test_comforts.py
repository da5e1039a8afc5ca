"""The player's comforts (issue 15) through the installed command, piped: redo,
repeat, the endings gallery, chapters, "Previously…", skipping read text, the
preferences file, screen-reader mode, shell completion and the man page."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

GARDEN = str(FIXTURES / "ui-garden")
TODAY = date.today().strftime("%d %b %Y")


def play(*lines: str, args=(), env=None):
    return run_cli("play", GARDEN, "--seed", "1", *args, input="".join(ln + "\n" for ln in lines),
                   env=env)


def profile_file() -> Path:
    found = list(Path(os.environ["ANA_STORY_SAVES"]).glob("*/_profile.json"))
    assert len(found) == 1, found
    return found[0]


def flat(text: str) -> str:
    return " ".join(text.split())


# --- redo -------------------------------------------------------------------------

def test_redo_takes_again_what_undo_took_back_until_a_new_choice():
    r = play("1", "1", "undo 2", "redo", "redo", "redo", "undo", "1", "redo")
    out = flat(r.stdout)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "Took back 2 choices." in out
    parts = out.split("> redo")
    assert "Took again 1 choice." in parts[1] and "KNOCKING" in parts[1]
    assert "Took again 1 choice." in parts[2] and "THE GATE" in parts[2]
    assert "Climb the wall 3. Walk away" in parts[2]  # courage 2 again: the wall opens
    assert "Nothing to redo" in parts[3]
    assert "Nothing to redo" in parts[4]  # '1' was a new choice: the redo is gone


def test_redo_does_not_survive_a_load(tmp_path):
    r = play("1", "undo", "load autosave", "redo")
    assert "Nothing to redo" in flat(r.stdout)


def test_help_lists_the_new_commands():
    out = play("help").stdout
    for cmd in ("redo [n]", "repeat", "skip", "endings", "chapters"):
        assert cmd in out


# --- repeat -----------------------------------------------------------------------

def test_repeat_reads_the_scene_again_in_full():
    out = play("1", "repeat").stdout
    assert out.count("Nobody answers. You knock again, louder.") == 2


# --- endings gallery ----------------------------------------------------------------

def test_endings_gallery_names_each_ending_found_with_its_date():
    play("2")  # walk away: The Long Way Home
    out = flat(play("endings").stdout)
    assert f"ENDINGS FOUND The Long Way Home — first reached {TODAY}" in out
    assert "1 of 2 endings found; 1 still to find." in out
    assert "Gardener's Apprentice" not in out  # no spoilers for endings not found


def test_an_old_profile_without_dates_still_loads():
    play("1")  # makes the save folder
    folder = next(Path(os.environ["ANA_STORY_SAVES"]).glob("*/"))
    path = folder / "_profile.json"
    path.write_text(json.dumps({"format": "ana-story-save-profile", "format_version": 1,
                                "story": "the-walled-garden",
                                "profile": {"endings_seen": ["road"]}}))
    out = flat(play("endings").stdout)
    assert "The Long Way Home — date not recorded" in out
    play("1", "1", "2", "2")  # the second ending: dated; the old list is kept too
    doc = json.loads(path.read_text())["profile"]
    assert doc["endings_seen"] == ["road", "gardener"]
    assert doc["endings_found"] == {"gardener": date.today().isoformat()}


# --- chapters ---------------------------------------------------------------------

def test_a_chapter_reached_starts_with_what_the_player_had_then():
    play("1", "1", "2")  # courage 2, into the garden (chapter 2)
    r = play("chapters", "2", "stats")
    out = flat(r.stdout)
    assert "Start again from which chapter?" in out
    assert f"1. Outside the Wall (first reached {TODAY})" in out
    assert "2. Inside the Wall" in out
    after = out.split("> 2", 1)[1]
    assert "THE GARDEN" in after and re.search(r"Courage\s+2", after)


def test_a_chapter_record_that_no_longer_fits_starts_the_chapter_afresh():
    play("1", "1", "2")
    path = profile_file()
    doc = json.loads(path.read_text())
    doc["profile"]["chapters"]["Inside the Wall"]["state"] = {"scene": "gone", "x": 1}
    path.write_text(json.dumps(doc))
    out = flat(play("chapters", "2", "stats").stdout)
    after = out.split("> 2", 1)[1]
    assert "THE GARDEN" in after and re.search(r"Courage\s+0", after)


def test_a_chapter_record_is_held_to_the_save_rules():
    play("1", "1", "2")
    path = profile_file()
    doc = json.loads(path.read_text())
    doc["profile"]["chapters"]["Inside the Wall"]["state"]["variables"]["courage"] = 10**20
    path.write_text(json.dumps(doc))
    after = flat(play("chapters", "2", "stats").stdout).split("> 2", 1)[1]
    assert "THE GARDEN" in after and re.search(r"Courage\s+0", after)


# --- Previously… ------------------------------------------------------------------

def test_continuing_recalls_the_last_choices_and_where_ana_is():
    play("1", "1", "1")
    out = flat(play("load autosave").stdout)
    recap = out.split("Loaded 'autosave'.", 1)[1]
    assert recap.startswith(" PREVIOUSLY… The Gate — you chose: Knock on the gate "
                            "Knocking — you chose: Knock once more The Gate — you chose: "
                            "Knock on the gate Now: Outside the Wall · Knocking.")


# --- skip what you have read --------------------------------------------------------

def test_skip_collapses_read_passages_until_the_first_unread_text():
    play("1", "1")  # read: the gate, knocking
    out = play("skip", "1", "1", "2").stdout
    after = out.split("> skip", 1)[1]
    assert "Type 'skip' again to stop." in flat(after)
    assert "Nobody answers" not in after  # knocking, read before: collapsed
    assert after.count("You have read this before") == 2
    garden = after.split("Here is text you have not read: skipping stops.", 1)[1]
    assert "Roses everywhere, red and white." in garden


def test_the_passages_read_are_bounded_in_the_profile():
    play("1")
    folder = next(Path(os.environ["ANA_STORY_SAVES"]).glob("*/"))
    old = [f"x{i}:000000000000" for i in range(6000)]
    (folder / "_profile.json").write_text(json.dumps(
        {"format": "ana-story-save-profile", "format_version": 1,
         "story": "the-walled-garden", "profile": {"seen": old}}))
    play("1")
    seen = json.loads((folder / "_profile.json").read_text())["profile"]["seen"]
    assert len(seen) == 5000 and seen[0] == "x1002:000000000000"
    assert any(k.startswith("knock:") for k in seen[-2:])


# --- preferences ------------------------------------------------------------------

def prefs_file() -> Path:
    return Path(os.environ["ANA_STORY_CONFIG"]) / "prefs.toml"


def test_prefs_set_show_and_precedence_cli_env_file():
    r = run_cli("prefs", "set", "width", "50")
    assert r.returncode == 0 and "width = 50" in r.stdout
    assert prefs_file().read_text().splitlines()[1] == "width = 50"
    run_cli("prefs", "set", "theme", "mono")
    out = run_cli("prefs", env={"ANA_STORY_WIDTH": "60"}).stdout
    assert re.search(r"width\s+60\s+from environment", out)
    assert re.search(r'theme\s+"mono"\s+from file', out)
    assert re.search(r"show_locked\s+true\s+from default", out)
    # in play: the file's 50 columns, then the environment's 60, then the option's 40
    widths = []
    for env, args in (({}, ()), ({"ANA_STORY_WIDTH": "60"}, ()),
                      ({"ANA_STORY_WIDTH": "60"}, ("--width", "40"))):
        out = play("quit", args=args, env=env).stdout
        widths.append(max(len(line) for line in out.split("> quit")[0].splitlines()))
    assert widths[0] <= 50 < widths[1] <= 60 and widths[2] <= 40, widths
    r = run_cli("prefs", "unset", "width")
    assert "width" not in prefs_file().read_text().split("\n", 1)[1]


def test_prefs_refuses_a_bad_value_in_one_line():
    r = run_cli("prefs", "set", "pace", "fast")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "'fast' is not seconds from 0 to 60" in r.stderr
    assert not prefs_file().exists()


@pytest.mark.parametrize("text, says", [
    ("pace = [1, 2\n", "is not valid TOML"),
    ("width = 'wide'\n", "= wide is not a whole number of columns"),
    ("colour = 'mono'\n", "'colour' is not a preference"),
    ("\udcff", "is not UTF-8 text"),
    ('"\\u001b[2J" = 1\n', "'\\x1b[2J' is not a preference"),  # never drives the terminal
    ('theme = "\\u001b[31mred"\n', "= \\x1b[31mred is not one of default"),
])
def test_a_damaged_prefs_file_is_one_line_and_never_blocks_play(text, says):
    prefs_file().parent.mkdir(parents=True, exist_ok=True)
    prefs_file().write_bytes(text.encode("utf-8", "surrogateescape"))
    r = play("1")
    assert r.returncode == 0 and "KNOCKING" in r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and lines[0].startswith("ana-story: warning:")
    assert "Traceback" not in r.stderr and "\x1b" not in r.stderr


def test_a_bad_environment_value_is_a_warning_and_play_goes_on():
    r = play("1", env={"ANA_STORY_PACE": "soon"})
    assert r.returncode == 0 and "KNOCKING" in r.stdout
    assert ("$ANA_STORY_PACE = soon is not seconds from 0 to 60 (0: all at once); using 0.0"
            in r.stderr)


def test_locked_choices_can_be_hidden():
    shown = play("quit").stdout
    assert "Climb the wall (locked: You are not brave enough yet)" in shown
    run_cli("prefs", "set", "show_locked", "false")
    hidden = play("2").stdout
    assert "Climb the wall" not in hidden and "2. Walk away" in hidden
    assert "The Long Way Home" in hidden  # the numbers still take the same choices
    assert "Climb the wall (locked" in play("quit", args=("--locked", "show")).stdout


# --- screen-reader mode -------------------------------------------------------------

def test_screen_reader_mode_announces_choices_and_keeps_lines_whole():
    r = play("repeat", "1", args=("--screen-reader",))
    out = r.stdout
    assert r.returncode == 0
    assert ("Chapter: Outside the Wall\nScene: The Gate\n"
            "The gate is green with moss and locked at dusk.\n"
            "A sign says [red]KEEP OUT[/red], in letters nobody repainted.\n"
            "2 choices, 1 locked:\n1. Knock on the gate\n"
            "Locked: Climb the wall (You are not brave enough yet)\n2. Walk away") in out
    assert out.count("Scene: The Gate") == 2  # 'repeat' read it again
    assert "Scene: Knocking" in out and "2 choices:\n1. Knock once more\n2. Give up" in out


def test_screen_reader_mode_from_the_preferences():
    run_cli("prefs", "set", "screen_reader", "yes")
    assert "2 choices, 1 locked:" in play("quit").stdout


# --- shell completion and man page ----------------------------------------------------

BASH = shutil.which("bash")


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completion_is_valid_and_completes_subcommands(tmp_path):
    script = tmp_path / "c.bash"
    script.write_text(run_cli("completion", "bash").stdout)
    assert subprocess.run([BASH, "-n", str(script)]).returncode == 0

    def complete(line: str) -> list[str]:
        probe = (f'source {script}; read -ra COMP_WORDS <<< "{line}"; '
                 f'[[ "{line}" == *" " ]] && COMP_WORDS+=(""); '
                 'COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _ana_story; '
                 'printf "%s\\n" "${COMPREPLY[@]}"')
        r = subprocess.run([BASH, "-c", probe], capture_output=True, text=True,
                           cwd=tmp_path)
        return r.stdout.split()

    assert complete("ana-story pl") == ["play"]
    assert complete("ana-story pr") == ["prefs"]
    assert {"list", "export", "import"} <= set(complete("ana-story saves "))
    assert complete("ana-story play --scr") == ["--screen-reader"]
    assert complete("ana-story play --theme h") == ["high-contrast"]
    assert complete("ana-story completion ") == ["bash", "zsh", "fish", "-h", "--help"]
    assert "screen_reader" in complete("ana-story prefs set ")


def test_zsh_and_fish_completion_name_every_command():
    subcommands = re.findall(r"^    (\w+)\s", run_cli("--help").stdout, re.M)
    assert "play" in subcommands and "prefs" in subcommands
    for shell in ("zsh", "fish"):
        out = run_cli("completion", shell).stdout
        for sub in subcommands:
            assert sub in out, (shell, sub)
    assert run_cli("completion", "zsh").stdout.startswith("#compdef ana-story")
    assert "complete -c ana-story -f -n '__fish_use_subcommand' -a play" in \
        run_cli("completion", "fish").stdout
    assert "-n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'" in \
        run_cli("completion", "fish").stdout
    zsh = run_cli("completion", "zsh").stdout
    assert "local -a values=(bash zsh fish)" in zsh
    assert "local -a path_ words" not in zsh  # 'words' is zsh's own: never shadowed
    assert run_cli("completion", "tcsh").returncode == 2


def test_man_page_is_generated_from_the_parser(tmp_path):
    page = run_cli("man").stdout
    assert page.startswith(".TH ANA\\-STORY 1")
    for needle in ("\\-\\-screen\\-reader", "ana\\-story prefs", "ana\\-story saves export",
                   "ANA_STORY_CONFIG"):
        assert needle in page
    if shutil.which("man"):
        (tmp_path / "ana-story.1").write_text(page)
        r = subprocess.run(["man", "-l", str(tmp_path / "ana-story.1")], capture_output=True,
                           text=True, env=dict(os.environ, MANPAGER="cat", PAGER="cat",
                                               MANWIDTH="80"))
        assert r.returncode == 0 and "--screen-reader" in r.stdout.replace("‐", "-")
        assert "warning" not in r.stderr
