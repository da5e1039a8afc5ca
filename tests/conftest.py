"""Shared helpers: small stories written into tmp folders, and the real CLI."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The smallest story that plays to an ending: a base for tests that add one thing to it.
SMALL_STORY = "title: T\nstart: a\nvariables:\n  craft: 0\n"
SMALL_SCENES = """\
chapter: One
scenes:
  a:
    text: Hi.
    choices:
      - text: Go
        goto: b
  b:
    text: Bye.
    ending: End
"""


def write_story(folder: Path, story: str, **files: str) -> Path:
    """Write story.yaml and scene files (name -> YAML text, dedented) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(textwrap.dedent(story), encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def checked_story(folder: Path, *, warnings_ok: bool = False):
    """The story in ``folder``, which must load with no error (nor a warning, unless
    ``warnings_ok``): the fixture stories the engine tests play."""
    from ana_story.loader import check
    story, diags = check(folder)
    bad = [d for d in diags if d.severity == "error" or
           (not warnings_ok and d.severity != "info")]
    assert story is not None and not bad, diags
    return story


def take(story, state, text: str, *, starts: bool = False):
    """The State after the one available choice whose text is ``text`` (or starts with
    it), taken through the real engine."""
    from ana_story import engine
    p = engine.present(story, state)
    [view] = [c for c in p.available
              if (c.text.startswith(text) if starts else c.text == text)]
    return engine.choose(story, state, view.index)


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


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` between the test run's processes (xdist workers);
    where there is no fcntl, none (a worker may then repeat the work, never mix it)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shipped_exploration(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict]:
    """`ana-story explore --format json --jobs 1` on the shipped story (one process,
    explore's default: the one --jobs 2 is held to), run once per test run (a few
    seconds) and shared by every test that needs the proof, in every pytest-xdist
    worker: the first to need it runs it under a lock and leaves the result in the run's
    temporary folder, common to the workers. Its folders are its own (a session fixture
    is set up before the per-test ones)."""
    import json
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # pytest-N/, the parent of every worker's popen-gwN/
    kept = shared / "shipped-exploration.json"
    with _locked(shared / "shipped-exploration.lock"):
        if not kept.is_file():
            env = {f"ANA_STORY_{name}": str(tmp_path_factory.mktemp(f"explore-{name.lower()}"))
                   for name in ("SAVES", "CACHE", "CONFIG")}
            r = run_cli("explore", "--format", "json", "--jobs", "1", timeout=600, env=env)
            part = kept.with_suffix(".part")
            part.write_text(json.dumps([r.returncode, r.stdout, r.stderr]), encoding="utf-8")
            os.replace(part, kept)
        code, out, err = json.loads(kept.read_text(encoding="utf-8"))
    r = subprocess.CompletedProcess(["ana-story", "explore", "--format", "json", "--jobs", "1"],
                                    code, out, err)
    return r, (json.loads(out) if out.startswith("{") else {})


def pytest_configure(config) -> None:
    """The package's bytecode compiled once, before any worker starts, where Python
    keeps it (``__pycache__/``, or PYTHONPYCACHEPREFIX). Under PYTHONDONTWRITEBYTECODE
    (set on this project's development machine) nothing ever writes it, so on a fresh clone each
    of the suite's hundreds of `ana-story` processes compiled every module it imported
    afresh: about 60 ms of CPU a process. Bytecode is checked against its source at
    each import, so what a process runs is the same."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    import compileall

    import ana_story
    with contextlib.suppress(OSError):  # a read-only install: compiled as before
        compileall.compile_dir(Path(ana_story.__file__).parent, quiet=2)


def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist, hand out the slow files (pseudo-terminal, browser, crash, fuzz:
    the longest) first, so that no worker starts a long file when the others are done;
    a one-process run keeps the files' own order."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)
