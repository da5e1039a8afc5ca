"""Shared helpers: small stories written into tmp folders, and the real CLI."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def write_story(folder: Path, story: str, **files: str) -> Path:
    """Write story.yaml and scene files (name -> YAML text, dedented) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(textwrap.dedent(story), encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _own_saves_folder(tmp_path_factory, monkeypatch):
    """Every test saves into a folder of its own, never the checkout's saves/ (a
    piped `play` autosaves, and one test's endings must not leak into the next)."""
    monkeypatch.setenv("ANA_STORY_SAVES", str(tmp_path_factory.mktemp("saves")))
    # and a compiled-story cache of its own, never the user's ~/.cache
    monkeypatch.setenv("ANA_STORY_CACHE", str(tmp_path_factory.mktemp("cache")))
    # and preferences of its own, never the user's prefs.toml or environment
    monkeypatch.setenv("ANA_STORY_CONFIG", str(tmp_path_factory.mktemp("config")))
    for name in ("PACE", "THEME", "WIDTH", "SHOW_LOCKED", "SCREEN_READER"):
        monkeypatch.delenv(f"ANA_STORY_{name}", raising=False)


@pytest.fixture
def story_dir(tmp_path):
    """A factory: story_dir(story_yaml, **{"01-a.yaml": ...}) -> folder."""
    def make(story: str, **files: str) -> Path:
        return write_story(tmp_path / "story", story, **files)
    return make


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None,
            env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the installed `ana-story` command, as a user would."""
    full_env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
    full_env.pop("ANA_STORY_DEBUG", None)
    full_env.update(env or {})
    return subprocess.run(["ana-story", *args], input=input, capture_output=True, text=True,
                          cwd=cwd or ROOT, env=full_env, timeout=timeout)


def python_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    """Run `python -m ana_story`, the other documented entry point."""
    return subprocess.run([sys.executable, "-m", "ana_story", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, **kw)


@pytest.fixture(scope="session")
def shipped_exploration() -> tuple[subprocess.CompletedProcess, dict]:
    """`ana-story explore --format json` on the shipped story, run once per test run
    (about 13 s) and shared by every test that needs the proof."""
    import json
    r = run_cli("explore", "--format", "json", timeout=600)
    return r, (json.loads(r.stdout) if r.stdout.startswith("{") else {})
