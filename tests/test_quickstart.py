"""Issue 15: the README's play line, run verbatim in a fresh copy of the project as a
new user would, on a PEP 668 Python when the machine has one (where `python` does not
exist and `python3 -m pip install .` refuses); then the issue's own story: play and
quit, reinstall the other way (editable), and the next `ana-story` still offers
Continue. (The test line is what .ci/run runs, verbatim.)

Slow (pip installs from this machine's package index): about fifteen seconds."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

SYSTEM_PYTHON = Path("/usr/bin/python3")
_IGNORE_ANYWHERE = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info",
                                         "__pycache__", ".pytest_cache", ".hypothesis")


def _ignore(folder: str, names: list[str]) -> set[str]:
    """What the copy leaves out: the build and cache folders anywhere, and the
    checkout's own saves/ (but not the ana_story/saves package)."""
    skip = set(_IGNORE_ANYWHERE(folder, names))
    if Path(folder) == ROOT and "saves" in names:
        skip.add("saves")
    return skip


def quick_start() -> tuple[str, str]:
    """The README's play line and test line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    play, test = re.findall(r"```sh\n(.*?)\n```", section, re.S)[:2]
    return play.strip(), test.strip()


def _externally_managed() -> bool:
    """Whether /usr/bin/python3 is a PEP 668 Python (Debian, Ubuntu...)."""
    if not SYSTEM_PYTHON.is_file():
        return False
    stdlib = subprocess.run([str(SYSTEM_PYTHON), "-c",
                             "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                            capture_output=True, text=True).stdout.strip()
    return (Path(stdlib) / "EXTERNALLY-MANAGED").is_file()


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "ana-story"
    shutil.copytree(ROOT, project, ignore=_ignore)
    return project


def _env(tmp_path: Path, path: str) -> dict:
    """A new user's shell: no virtual environment, no save folder named, a home of
    its own (so the saves land in its user data folder)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "ANA_STORY_SAVES", "XDG_DATA_HOME",
                        "PYTEST_ADDOPTS", "PYTHONHOME", "NO_COLOR", "COLUMNS")}
    env.update(PATH=path, HOME=str(tmp_path / "home"))
    return env


def _sh(line: str, project: Path, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", line], cwd=project, env=env, input=stdin,
                          capture_output=True, text=True, timeout=600)


def _user_path() -> tuple[str, bool]:
    """A new user's PATH, and whether its python3 is externally managed: the system
    Python alone when it is a PEP 668 one (as on Debian and Ubuntu), else this
    machine's PATH without the tests' own virtual environment."""
    if _externally_managed():
        return "/usr/bin:/bin", True
    here = os.path.abspath(os.path.dirname(sys.executable))
    return os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if p and os.path.abspath(p) != here), False


def test_the_play_line_works_verbatim_and_a_reinstall_keeps_continue(tmp_path):
    play, test = quick_start()
    # the test line installs the same way (CI runs it verbatim: .ci/run, test_docs.py)
    prefix = "python3 -m venv .venv && . .venv/bin/activate && python -m pip install "
    assert play.startswith(prefix) and test.startswith(prefix)
    project = _copy(tmp_path)
    path, pep668 = _user_path()
    env = _env(tmp_path, path)
    if pep668:  # the machine is what the issue describes: no `python`, pip refuses
        assert shutil.which("python", path=path) is None
        refused = _sh("python3 -m pip install .", project, env)
        assert refused.returncode != 0
        assert "externally-managed-environment" in refused.stderr

    # the play line, verbatim; piped input, so plain play: one choice, then quit
    r = _sh(play, project, env, stdin="1\nquit\n")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "THE LEDGER" in r.stdout and "Your place is saved" in r.stdout
    data = tmp_path / "home" / ".local" / "share" / "ana-story" / "saves"
    assert list(data.glob("*/autosave.json")), "the autosave is in the user data folder"

    # reinstalled the other way (editable, as the test line does), in a checkout with a
    # saves/ folder as older versions shipped: their editable install moved the save
    # folder there, and Continue was gone
    (project / "saves").mkdir()
    r = _sh(". .venv/bin/activate && python -m pip install -q -e .", project, env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]

    # the next `ana-story`, in a real terminal, still offers Continue
    child = pexpect.spawn(str(project / ".venv" / "bin" / "ana-story"), cwd=str(project),
                          env=dict(env, TERM="xterm-256color"), dimensions=(24, 80),
                          encoding="utf-8", timeout=30)
    try:
        child.expect("Continue")
        child.expect("New story")
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
