"""The game session (commands, undo, saves, endings, live reload) played through
the plain front end with a real story, the real engine and a real SaveStore."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES, run_cli

from ana_story import engine
from ana_story.loader import load_story
from ana_story.saves.store import SaveStore
from ana_story.ui.game import Game
from ana_story.ui.plain import PlainUI
from ana_story.ui.watch import Watcher

GARDEN = FIXTURES / "ui-garden"


class Script(io.StringIO):
    """Lines of input; a callable in the list runs (e.g. edits a file) when reached."""

    def __init__(self, items):
        super().__init__()
        self.items = list(items)

    def readline(self, *a):
        while self.items and callable(self.items[0]):
            self.items.pop(0)()
        return self.items.pop(0) + "\n" if self.items else ""


def play(lines, saves, story_dir=GARDEN, seed=1, watch=False):
    story = load_story(story_dir)
    store = SaveStore(story, saves)
    out = io.StringIO()
    ui = PlainUI(Script(lines), out, 80, watch=Watcher(story_dir) if watch else None)
    game = Game(story, engine.new_state(story, seed), ui, store=store, seed=seed,
                reload=(lambda: load_story(story_dir)) if watch else None)
    rc = game.run()
    return rc, out.getvalue(), game, store


def flat(text: str) -> str:
    """Messages wrap to the width; compare them with the line breaks undone."""
    return " ".join(text.split())


@pytest.fixture
def saves(tmp_path):
    return tmp_path / "saves"


def test_a_number_takes_the_choice_and_autosaves_at_once(saves):
    rc, out, game, store = play(["1", "saves"], saves)
    assert rc == 0 and "KNOCKING" in out
    assert "autosave | Outside the Wall · Knocking | turn 1" in out  # before quitting
    assert store.load("autosave").data.state.scene == "knock"


def test_undo_takes_back_as_many_choices_as_asked(saves):
    rc, out, game, _ = play(["1", "1", "1", "undo 2", "undo", "undo"], saves)
    assert "Took back 2 choices." in flat(out) and "Took back 1 choice." in flat(out)
    assert "Nothing to undo: this is where your story begins." in flat(out)
    assert game.state.scene == "gate" and game.state.turn == 0


def test_undo_survives_a_save_and_load(saves):
    play(["1", "1", "save two steps"], saves)
    rc, out, game, _ = play(["load two steps", "undo 2"], saves)
    assert "Loaded 'two steps'." in flat(out) and "Took back 2 choices." in flat(out)
    assert game.state.turn == 0


def test_save_and_load_return_to_the_saved_scene(saves):
    rc, out, game, store = play(["1", "save at the door", "1", "load at the door"], saves)
    assert "Saved as 'at the door'." in flat(out) and "Loaded 'at the door'." in flat(out)
    assert game.state.scene == "knock" and game.state.turn == 1
    assert out.rindex("KNOCKING") > out.index("Loaded")


def test_save_without_a_name_is_the_quicksave_and_load_picks_from_a_list(saves):
    rc, out, game, _ = play(["save", "1", "load", "", "load quicksave"], saves)
    assert "Saved as 'quicksave'." in flat(out)
    assert "Which save?" in out and "quicksave (Outside the Wall · The Gate" in out
    assert "autosave (Outside the Wall · Knocking" in out
    assert game.state.scene == "gate"


def test_a_bad_save_name_is_explained_and_play_goes_on(saves):
    rc, out, game, _ = play(["save ../../etc", "1"], saves)
    assert "Not saved:" in flat(out) and "cannot be a save name" in flat(out)
    assert rc == 0 and game.state.scene == "knock"


def test_loading_a_missing_save_says_so(saves):
    rc, out, game, _ = play(["load nowhere"], saves)
    assert "Could not load:" in flat(out) and "nowhere" in flat(out) and rc == 0


def test_history_lists_scenes_and_the_choices_taken(saves):
    rc, out, _, _ = play(["1", "1", "history"], saves)
    story_so_far = out[out.index("THE STORY SO FAR"):]
    assert story_so_far.index("THE GATE") < story_so_far.index("-> Knock on the gate") \
        < story_so_far.index("KNOCKING") < story_so_far.index("-> Knock once more")


def test_stats_shows_only_the_visible_variables(saves):
    rc, out, _, _ = play(["1", "stats"], saves)
    assert "Courage       1" in out and "Roses picked  0" in out
    assert "secret" not in out.lower()


def test_unknown_input_gets_a_one_line_hint(saves):
    rc, out, game, _ = play(["sav", "dance", "9"], saves)
    assert "'sav' is not a choice or a command. Did you mean 'save'?" in out
    assert ("'dance' is not a choice or a command. Type a number from 1 to 2, 'help' for the "
            "commands, or 'quit'.") in flat(out)
    assert ("There is no choice 9 here. Type a number from 1 to 2, 'help' for the commands, "
            "or 'quit'.") in flat(out)
    assert rc == 0 and game.state.turn == 0


def test_the_game_uses_the_stores_slot_names():
    from ana_story.saves import store as saves
    from ana_story.ui import frontend
    assert (frontend.AUTOSAVE, frontend.QUICKSAVE) == (saves.AUTOSAVE, saves.QUICKSAVE)


def test_help_lists_every_command(saves):
    rc, out, _, _ = play(["help"], saves)
    for cmd in ("save [name]", "load [name]", "saves", "undo [n]", "history", "stats",
                "restart", "help", "quit"):
        assert cmd in out
    assert "↑/↓" not in out  # no arrow keys in plain mode


def test_restart_asks_first(saves):
    rc, out, game, _ = play(["1", "restart", "n", "restart", "y"], saves)
    assert "Begin the story again from the start? (y/n)" in flat(out)
    assert "Carrying on." in flat(out)
    assert game.state.scene == "gate" and game.state.turn == 0
    assert "kept as 'previous'" in flat(out)


def test_quit_autosaves_and_the_next_session_can_continue(saves):
    rc, out, _, _ = play(["1", "quit"], saves)
    assert rc == 0 and "Your place is saved" in flat(out)
    rc, out, game, _ = play(["load autosave"], saves)
    assert game.state.scene == "knock"


def test_a_failing_autosave_is_said_once_and_play_goes_on(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the save folder should be")
    rc, out, game, _ = play(["1", "1", "quit"], blocker)
    text = flat(out)
    assert rc == 0 and game.state.turn == 2
    assert text.count("Autosave failed:") == 1 and "Your game goes on" in text
    assert "Your place is saved" not in text
    assert "Goodbye. Your place could not be saved (see above)." in text


def test_a_new_story_keeps_the_old_autosave_as_previous(saves):
    play(["1", "1", "1"], saves)  # knock, knock once more, knock: turn 3 at 'knock'
    rc, out, game, store = play(["2"], saves)  # a new story: walk away
    assert "kept as 'previous'" in flat(out)
    assert store.load("previous").data.state.turn == 3


def test_endings_found_are_kept_across_playthroughs(saves):
    rc, out, _, _ = play(["2"], saves)
    assert rc == 0 and "THE END: The Long Way Home (a new ending)" in out
    assert "Endings found: 1 of 2: The Long Way Home" in out
    rc, out, _, _ = play(["1", "1", "2", "2"], saves)  # knock twice, climb, gardener
    assert "THE END: The Gardener's Apprentice (a new ending)" in out
    assert "Endings found: 2 of 2" in out
    rc, out, _, _ = play(["2"], saves)
    assert "(a new ending)" not in out and "Endings found: 2 of 2" in out


def test_title_screen_offers_to_continue_the_autosave(saves):
    play(["1", "1"], saves)
    story = load_story(GARDEN)
    out = io.StringIO()
    game = Game(story, engine.new_state(story, 2), PlainUI(Script(["1"]), out, 80),
                store=SaveStore(story, saves))
    assert game.title_screen() is True
    assert "1. Continue (Outside the Wall · The Gate · saved just now)" in out.getvalue()
    assert "2. New story" in out.getvalue() and "3. Load" in out.getvalue()
    assert game.state.turn == 2 and len(game.undo_stack) == 2


def test_a_damaged_autosave_is_reported_and_the_title_screen_still_works(saves):
    play(["1"], saves)
    story = load_story(GARDEN)
    store = SaveStore(story, saves)
    store.path("autosave").write_text("{not json")
    store.previous_path("autosave").write_text("{not json either")  # no good copy left
    out = io.StringIO()
    game = Game(story, engine.new_state(story, 2), PlainUI(Script(["1"]), out, 80),
                store=store)
    assert game.title_screen() is True
    text = flat(out.getvalue())
    assert "The save 'autosave' could not be read:" in text
    assert "Continue" not in text and "1. New story" in text


# --- play --watch ------------------------------------------------------------------

@pytest.fixture
def garden_copy(tmp_path):
    return shutil.copytree(GARDEN, tmp_path / "garden")


def edit(path, old, new):
    def run():
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
    return run


def test_watch_reloads_an_edited_scene_and_keeps_the_place(saves, garden_copy):
    f = garden_copy / "01-outside.yaml"
    rc, out, game, _ = play(["1", edit(f, "Nobody answers.", "A dog barks."), "stats"],
                            saves, story_dir=garden_copy, watch=True)
    assert "The story changed on disk and was reloaded; you are where you were." in flat(out)
    assert out.rindex("A dog barks.") > out.index("reloaded")
    assert "Courage       1" in out and game.state.turn == 1


def test_watch_keeps_the_old_version_when_the_new_one_has_errors(saves, garden_copy):
    f = garden_copy / "01-outside.yaml"
    rc, out, game, _ = play(["1", edit(f, "goto: gate", "goto: gatee"), "1"], saves,
                            story_dir=garden_copy, watch=True)
    assert "still playing the version loaded before" in flat(out)
    assert "01-outside.yaml:" in out and "gatee" in out
    assert game.state.scene == "gate"  # the old story went on


def test_watch_says_where_you_resume_when_your_scene_is_gone(saves, garden_copy):
    f = garden_copy / "01-outside.yaml"
    def drop_knock():
        text = f.read_text()
        start = text.index("  knock:")
        end = text.index("  road:")
        f.write_text(text[:start] + text[end:]
                     .replace("goto: knock", "goto: road"))
        (garden_copy / "01-outside.yaml").write_text(
            f.read_text().replace("goto: knock", "goto: road"))
    rc, out, game, _ = play(["1", drop_knock, "stats"], saves, story_dir=garden_copy,
                            watch=True)
    assert "('knock') is no longer in the story" in flat(out)
    assert game.state.scene == "gate"


# --- the real command, piped -------------------------------------------------------

def test_piped_play_reaches_an_ending_and_exits_0():
    r = run_cli("play", str(GARDEN), "--seed", "3", input="1\n2\n")
    assert r.returncode == 0, r.stderr
    assert "KNOCKING" in r.stdout and "THE END: The Long Way Home" in r.stdout
    assert "Endings found: 1 of 2" in r.stdout and r.stderr == ""


def test_piped_play_at_40_columns_keeps_every_line_within_40():
    r = run_cli("play", str(GARDEN), input="help\n1\n", env={"COLUMNS": "40"})
    assert r.returncode == 0
    assert max(len(x) for x in r.stdout.splitlines()) <= 40


def test_piped_play_at_200_columns_keeps_prose_at_the_measure():
    r = run_cli("play", str(GARDEN), input="", env={"COLUMNS": "200"})
    assert max(len(x) for x in r.stdout.splitlines()) <= 80


def test_plain_output_has_no_escape_codes_even_without_no_color():
    r = run_cli("play", str(GARDEN), "--plain", input="1\nstats\n", env={"NO_COLOR": ""})
    assert "\x1b" not in r.stdout and "[red]KEEP OUT[/red]" in r.stdout


def test_piped_play_never_imports_the_terminal_libraries():
    code = ("import sys; from ana_story.cli import main; rc = main(['play', sys.argv[1]]); "
            "print(sorted(m for m in ('rich', 'prompt_toolkit') if m in sys.modules), rc)")
    r = subprocess.run([sys.executable, "-c", code, str(GARDEN)], input="1\n",
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines()[-1] == "[] 0", r.stdout + r.stderr


def test_a_bad_pace_is_a_usage_error():
    r = run_cli("play", str(GARDEN), "--pace", "100", input="")
    assert r.returncode == 2
    assert r.stderr.strip() == ("ana-story: --pace 100: give the seconds between "
                                "paragraphs, 0 to 60")


def test_end_of_input_mid_story_is_a_clean_goodbye_and_resumable(tmp_path):
    env = {"ANA_STORY_SAVES": str(tmp_path)}
    r = run_cli("play", str(GARDEN), input="1\n", env=env)
    assert r.returncode == 0 and "Your place is saved" in r.stdout
    r = run_cli("play", str(GARDEN), input="load autosave\n", env=env)
    assert "A story in progress was saved (Outside the Wall · Knocking" in r.stdout
    assert r.stdout.rindex("KNOCKING") > r.stdout.index("load autosave")


def test_play_from_a_scene_starts_there_and_spares_the_autosave(tmp_path):
    env = {"ANA_STORY_SAVES": str(tmp_path)}
    run_cli("play", str(GARDEN), input="1\n", env=env)
    r = run_cli("play", str(GARDEN), "--from", "garden", "--set", "roses=4", input="stats\n",
                env=env)
    assert r.returncode == 0 and "THE GARDEN" in r.stdout and "Roses picked  4" in r.stdout
    r = run_cli("play", str(GARDEN), input="load autosave\n", env=env)
    assert r.stdout.rindex("KNOCKING") > r.stdout.index("load autosave")
