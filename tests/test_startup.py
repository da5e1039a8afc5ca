"""Start-up's shape (issue 17): nothing on the way to the first screen imports what
that screen does not need. Not a timing test (timings on a shared machine are noise):
the installed `ana-story` runs with `-X importtime` (PYTHONPROFILEIMPORTTIME), and the
modules it had imported when the first screen was up are checked by name, so an
import that creeps back onto the path fails here, whatever the machine's load.
bench/bench_startup.py gives the times."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pexpect
import pytest
from conftest import ROOT

_BESIDE = os.path.join(os.path.dirname(sys.executable), "ana-story")
ANA_STORY = _BESIDE if os.path.isfile(_BESIDE) else "ana-story"

# Never on the way to a first screen: the YAML reader (the compiled-story cache is
# warm), the author tools, publishing, the parser of any other command (the bare
# command builds none: not even argparse), and what only other paths need.
NEVER = {
    "yaml", "ana_story.loader", "ana_story.storyformat", "ana_story.tools",
    "ana_story.publish", "ana_story.cli.parser", "ana_story.cli.tools",
    "ana_story.cli.saves", "ana_story.cli.saves_show", "ana_story.cli.prefs",
    "ana_story.cli.publish", "ana_story.cli.completion", "ana_story.startfrom",
    "ana_story.ui.watch", "argparse", "gettext",
    "platformdirs",  # paths.user_folder: the XDG rule itself on Linux
    "hashlib", "_hashlib",  # digests.py: no OpenSSL for three short hashes
    "shutil", "tempfile", "secrets", "random", "bz2", "lzma",  # came with the above
    "datetime",  # no save to list, none made yet
    "asyncio", "prompt_toolkit",
    # records.py makes the first screen's classes: not dataclasses, nor what it brings
    "dataclasses", "inspect", "dis", "tokenize",
}
PLAIN_NEVER = NEVER | {"rich", "ana_story.ui.render", "ana_story.ui.terminal"}


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "COLUMNS", "LINES")}
    env.update(ANA_STORY_SAVES=str(tmp_path / "saves"), ANA_STORY_CACHE=str(tmp_path / "cache"),
               ANA_STORY_CONFIG=str(tmp_path / "config"), HOME=str(tmp_path),
               TERM="xterm-256color", **extra)
    return env


def _warm(tmp_path) -> None:
    """One game first: the compiled-story cache written (and the .pyc files)."""
    subprocess.run([ANA_STORY, "--plain", "--seed", "1"], input="", text=True,
                   env=_env(tmp_path), capture_output=True, check=True, cwd=ROOT, timeout=60)


def _imported(log: str) -> set[str]:
    """The modules named by `-X importtime` lines, as written so far."""
    return {m.group(1) for m in re.finditer(r"^import time:.*\| +(\S+)$", log, re.M)}


def _top(names: set[str]) -> set[str]:
    """Every name and each of its parents: 'ana_story.tools' stands for its modules."""
    return {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 2)}


@pytest.mark.slow
def test_plain_first_screen_imports_only_what_it_needs(tmp_path):
    """`ana-story` with pipes: up to the first scene's choices and the `> ` prompt."""
    _warm(tmp_path)
    child = subprocess.Popen([ANA_STORY], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=ROOT,
                             env=_env(tmp_path, PYTHONPROFILEIMPORTTIME="1"))
    try:
        got = b""
        while b"\n> " not in got:  # the game waits for a line: it imports nothing now
            chunk = os.read(child.stdout.fileno(), 65536)
            assert chunk, got[-300:]
            got += chunk
        child.send_signal(signal.SIGKILL)  # stderr holds what was imported until now
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    imported = _top(_imported(err.decode()))
    assert "ana_story.engine" in imported and "ana_story.ui.plain" in imported  # it ran
    assert sorted(imported & PLAIN_NEVER) == []


@pytest.mark.slow
def test_title_menu_in_a_terminal_imports_only_what_it_needs(tmp_path):
    """`ana-story` in a pseudo-terminal, up to the title menu on screen: written
    before Rich and prompt_toolkit load (ui/earlytitle.py, ui/earlymenu.py). The
    `-X importtime` lines go to the same terminal as the screen, in the order they
    were written, so the modules named before the menu are those it was drawn with."""
    _warm(tmp_path)
    env = _env(tmp_path, PYTHONPROFILEIMPORTTIME="1")
    child = pexpect.spawn(ANA_STORY, env=env, cwd=str(ROOT), dimensions=(24, 80))
    try:
        child.expect_exact(b"New story", timeout=60)
        text = child.before.decode("utf-8", "replace").replace("\r", "")
    finally:
        child.kill(signal.SIGKILL)
        child.close(force=True)
    imported = _top(_imported(text))
    assert "ana_story.engine" in imported and "ana_story.ui.earlytitle" in imported  # it ran
    assert sorted(imported & (NEVER | {"rich", "ana_story.ui.render"})) == []


def test_help_and_a_command_build_only_their_own_parsers(tmp_path):
    """`ana-story --help` lists every command and loads none of their modules, nor
    the game's; `ana-story schema` loads the author tools' commands alone."""
    def imports(*args: str) -> tuple[str, set[str]]:
        out = subprocess.run([ANA_STORY, *args], capture_output=True, text=True, check=True,
                             env=_env(tmp_path, PYTHONPROFILEIMPORTTIME="1"), cwd=ROOT)
        return out.stdout, _top(_imported(out.stderr))

    text, imported = imports("--help")
    assert all(f"    {name}" in text for name in ("play", "check", "saves", "man"))
    assert sorted(m for m in imported if m.startswith("ana_story.")) == [
        "ana_story.bytebundle", "ana_story.cli", "ana_story.cli.app", "ana_story.cli.parser",
        "ana_story.cli.play", "ana_story.errors", "ana_story.lazyre", "ana_story.recordinit",
        "ana_story.records", "ana_story.sanitize"]
    _, imported = imports("schema")
    cli = sorted(m for m in imported if m.startswith("ana_story.cli."))
    assert cli == ["ana_story.cli.app", "ana_story.cli.parser", "ana_story.cli.play",
                   "ana_story.cli.tools"]
    assert sorted(imported & {"ana_story.saves", "ana_story.state", "ana_story.engine"}) == []


def test_dataclasses_on_the_first_screen_have_docstrings():
    """A dataclass made without a docstring gets one from inspect.signature at
    import, which costs each such class of the model a fraction of a millisecond
    at start-up: every dataclass on the way to the first screen has its own."""
    code = ("import dataclasses, sys, inspect\n"
            "import ana_story.ui.run, ana_story.ui.plain, ana_story.cache, "
            "ana_story.saves.searching, ana_story.prefs\n"
            "for name, mod in list(sys.modules.items()):\n"
            "    if not name.startswith('ana_story'):\n"
            "        continue\n"
            "    for cls in vars(mod).values():\n"
            "        if isinstance(cls, type) and dataclasses.is_dataclass(cls) \\\n"
            "                and cls.__module__ == name \\\n"
            "                and (cls.__doc__ or '').startswith(cls.__name__ + '('):\n"
            "            print(name, cls.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out == ""


@pytest.mark.parametrize("env", [
    {},
    {"XDG_DATA_HOME": "/x/data", "XDG_CONFIG_HOME": "/x/config"},
    {"XDG_DATA_HOME": "relative/data", "XDG_CONFIG_HOME": ""},  # not absolute: ignored
    {"HOME": "/home/someone/"},
    {"HOME": "/"},
])
def test_user_folders_are_platformdirs_own(monkeypatch, tmp_path, env):
    """paths.user_folder works out the XDG rule itself (platformdirs costs the first
    screen about 5 ms): the same folders as platformdirs, whatever the variables say."""
    import platformdirs

    from ana_story.paths import user_folder
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert str(user_folder("data")) == platformdirs.user_data_dir("ana-story", appauthor=False)
    assert str(user_folder("config")) == platformdirs.user_config_dir("ana-story",
                                                                       appauthor=False)
