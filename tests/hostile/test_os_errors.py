"""Issue 18.8: an operating-system error is one line, never `internal error` (exit 70).

Every place the CLI touches the file system, refused: the save folder, a slot file,
the story folder and its files, the compiled-story cache, an export target; names
too long in bytes; a path component over the system's limit in --saves, in
$ANA_STORY_SAVES and in STORY_DIR. Run as root, the installed command runs with the
capabilities that override file permissions dropped (setpriv), as an unprivileged
user would; run as a user, permissions apply by themselves.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli
from hostile_saves import FEATURES, valid_doc, write
from test_tty import ANA_STORY

from ana_story.saves.store import SaveStore

FOLDER = "the-lighthouse-keeper"
LONG = "d" * 300  # one path component over NAME_MAX (255 bytes)

if hasattr(os, "geteuid") and os.geteuid() == 0:
    _SETPRIV = shutil.which("setpriv")
    PREFIX = [_SETPRIV, "--inh-caps=-all",
              "--bounding-set=-dac_override,-dac_read_search,-fowner"] if _SETPRIV else None
else:
    PREFIX = []

needs_unprivileged = pytest.mark.skipif(PREFIX is None, reason="root without setpriv")


def unprivileged(*args: str, env: dict, input: str = "") -> subprocess.CompletedProcess:
    full = dict(os.environ, NO_COLOR="1", COLUMNS="80")
    full.pop("ANA_STORY_DEBUG", None)
    full.update(env)
    return subprocess.run([*PREFIX, ANA_STORY, *args], input=input, capture_output=True,
                          text=True, env=full, timeout=60)


def one_line_error(r: subprocess.CompletedProcess, *words: str) -> None:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ana-story: "), r.stderr
    for w in words:
        assert w in lines[0], r.stderr


@pytest.fixture
def saves(tmp_path) -> Path:
    """A save folder holding the save 'mine' (and nothing else)."""
    root = tmp_path / "saves"
    write(root / FOLDER / "mine.json", dict(valid_doc(), slot="mine"))
    return root


@pytest.fixture
def locked(tmp_path):
    """chmod, undone afterwards so pytest can clean up."""
    changed = []

    def lock(path: Path, mode: int) -> Path:
        changed.append((path, path.stat().st_mode))
        path.chmod(mode)
        return path
    yield lock
    for path, mode in reversed(changed):
        path.chmod(mode)


@needs_unprivileged
@pytest.mark.slow
def test_an_unreadable_save_folder(saves, locked):
    locked(saves / FOLDER, 0o000)
    env = {"ANA_STORY_SAVES": str(saves)}
    one_line_error(unprivileged("saves", "--story", str(FEATURES), "list", env=env),
                   "permission denied")
    one_line_error(unprivileged("saves", "--story", str(FEATURES), "show", "mine", env=env),
                   "permission denied")
    r = unprivileged("play", str(FEATURES), env=env, input="1\nquit\n")
    assert r.returncode == 0 and "internal error" not in r.stderr
    assert "Saves could not be listed" in r.stdout and "could not be saved" in r.stdout


@needs_unprivileged
@pytest.mark.slow
def test_a_read_only_save_folder(saves, locked, tmp_path):
    locked(saves / FOLDER, 0o555)
    env = {"ANA_STORY_SAVES": str(saves)}
    one_line_error(unprivileged("saves", "--story", str(FEATURES), "delete", "mine", env=env),
                   "could not delete 'mine'", "permission denied")
    one_line_error(unprivileged("saves", "--story", str(FEATURES), "import",
                                str(saves / FOLDER / "mine.json"), "--as", "other", env=env),
                   "could not save 'other'", "permission denied")
    r = unprivileged("play", str(FEATURES), env=env, input="1\nquit\n")
    assert r.returncode == 0 and "Autosave failed" in r.stdout
    assert (saves / FOLDER / "mine.json").exists()
    target = locked(tmp_path / "out", 0o555) if (tmp_path / "out").mkdir() is None else None
    one_line_error(unprivileged("saves", "--story", str(FEATURES), "export", "mine",
                                str(target / "x.json"), env=env), "permission denied")


@needs_unprivileged
@pytest.mark.slow
def test_an_unreadable_slot_file(saves, locked):
    locked(saves / FOLDER / "mine.json", 0o000)
    env = {"ANA_STORY_SAVES": str(saves)}
    one_line_error(unprivileged("saves", "--story", str(FEATURES), "show", "mine", env=env),
                   "cannot load 'mine'", "permission denied")
    r = unprivileged("saves", "--story", str(FEATURES), "list", env=env)
    assert r.returncode == 0 and "mine: cannot be used: cannot read it: permission denied" \
        in r.stdout
    one_line_error(unprivileged("saves", "--story", str(FEATURES), "export", "mine",
                                str(saves / "x.json"), env=env), "permission denied")


@needs_unprivileged
@pytest.mark.slow
def test_an_unreadable_story(tmp_path, locked):
    for name, mode in (("story.yaml", 0o000), (".", 0o000), (".", 0o311)):
        story = tmp_path / f"story{len(list(tmp_path.iterdir()))}"
        shutil.copytree(FEATURES, story)
        locked(story / name if name != "." else story, mode)
        env = {"ANA_STORY_SAVES": str(tmp_path / "saves")}
        for args in (("check", str(story)), ("play", str(story)), ("explore", str(story)),
                     ("saves", "--story", str(story), "list")):
            r = unprivileged(*args, env=env)
            assert r.returncode == 1, (args, r.stderr)
            assert "internal error" not in r.stderr and "ermission denied" in \
                r.stdout + r.stderr, (name, mode, args, r.stdout, r.stderr)


@needs_unprivileged
@pytest.mark.slow
def test_an_unusable_cache_folder_only_costs_speed(tmp_path, locked):
    cache = locked(tmp_path / "cache", 0o000) if (tmp_path / "cache").mkdir() is None else None
    r = unprivileged("play", str(FEATURES), input="quit\n",
                     env={"ANA_STORY_CACHE": str(cache),
                          "ANA_STORY_SAVES": str(tmp_path / "saves")})
    assert r.returncode == 0 and "THE SHORE" in r.stdout, r.stderr


@pytest.mark.slow
def test_a_path_component_over_the_system_limit(tmp_path, saves):
    long_story = str(tmp_path / LONG)
    long_saves = str(tmp_path / LONG / "saves")
    env = {"ANA_STORY_SAVES": str(saves)}
    for args in (("check", long_story), ("play", long_story), ("explore", long_story),
                 ("graph", long_story), ("saves", "--story", long_story, "list"),
                 ("saves", "--saves", long_saves, "--story", str(FEATURES), "list"),
                 ("saves", "--saves", long_saves, "--story", str(FEATURES), "show", "x"),
                 ("saves", "--saves", long_saves, "--story", str(FEATURES), "import",
                  str(saves / FOLDER / "mine.json")),
                 ("saves", "--story", str(FEATURES), "export", "mine", long_saves),
                 ("new", long_story)):
        one_line_error(run_cli(*args, env=env, input=""), "too long")
    # play goes on without saves, and says why: from $ANA_STORY_SAVES and from --saves
    for args, env in (((), {"ANA_STORY_SAVES": long_saves}), (("--saves", long_saves), {})):
        r = run_cli("play", str(FEATURES), *args, env=env, input="1\nquit\n")
        assert r.returncode == 0 and "internal error" not in r.stderr, r.stderr
        assert "too long for the file system" in " ".join(r.stdout.split()), r.stdout


@pytest.mark.slow
def test_save_names_are_limited_in_bytes(tmp_path, saves):
    """62 four-byte letters pass the 64-letter limit but not the 255 bytes of a file
    name with its suffixes; 50 fit, and so does every file made from them."""
    env = {"ANA_STORY_SAVES": str(saves)}
    src = str(saves / FOLDER / "mine.json")
    for name in ("𝒜" * 62, "𝒜" * 51, "🙂" * 60, "中" * 40 + "🙂" * 21):
        one_line_error(run_cli("saves", "--story", str(FEATURES), "import", src, "--as",
                               name, env=env), "too long for a file name")
    for ok in ("中" * 64, "é" * 64, "𝒜" * 50):
        r = run_cli("saves", "--story", str(FEATURES), "import", src, "--as", ok, env=env)
        assert r.returncode == 0, r.stderr
    r = run_cli("play", str(FEATURES), env=env,
                input=f"save {'🙂' * 62}\nsave {ok}\nload {ok}\nquit\n")
    assert r.returncode == 0 and "too long for a file name" in " ".join(r.stdout.split())
    # the damaged copy of a fitting name fits too: it is moved aside, not lost
    (saves / FOLDER / f"{ok}.json").write_text("{broken")
    (saves / FOLDER / f"{ok}.prev.json").write_text("{broken too")
    r = run_cli("saves", "--story", str(FEATURES), "list", env=env)
    assert r.returncode == 0 and "moved to" in r.stdout, r.stdout
    assert len(list((saves / FOLDER / "damaged").iterdir())) == 2


@pytest.mark.parametrize("how", ["removed", "locked"])
def test_play_watch_goes_on_when_the_story_folder_goes_away(tmp_path, how):
    """--watch stats the folder at every prompt and reloads on a change: a folder
    removed, or a file that can no longer be read, is a warning, and play goes on."""
    import io

    from test_ui_game import GARDEN, Script

    from ana_story import engine
    from ana_story.loader import load_story
    from ana_story.ui.game import Game
    from ana_story.ui.plain import PlainUI
    from ana_story.ui.watch import Watcher
    folder = Path(shutil.copytree(GARDEN, tmp_path / "garden"))
    story = load_story(folder)

    def reload():
        if how == "locked":  # what reading a file no one may read raises
            raise PermissionError(13, "Permission denied", str(folder / "story.yaml"))
        return load_story(folder)

    def change():
        if how == "removed":
            shutil.rmtree(folder)
        else:
            (folder / "01-outside.yaml").write_text("changed: true\n")
    out = io.StringIO()
    ui = PlainUI(Script(["1", change, "1", "stats"]), out, 80, watch=Watcher(folder))
    game = Game(story, engine.new_state(story, 1), ui,
                store=SaveStore(story, tmp_path / "saves"), seed=1, reload=reload)
    assert game.run() == 0
    text = " ".join(out.getvalue().split())
    assert "still playing the version loaded before" in text or \
        "could not be read again" in text, text
    assert game.state.turn == 2  # both choices taken
