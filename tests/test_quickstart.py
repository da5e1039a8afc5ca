"""Issue 15: the README's two quick-start lines, run verbatim in a fresh copy of the
project, as a new user would: on a PEP 668 Python (where `python` does not exist and
`python3 -m pip install .` refuses), and on the Python of this machine. Then the
issue's own story: play and quit, run the test line (an editable reinstall into the
same environment), and the next `ana-story` still offers Continue.

Slow (pip installs from this machine's package index): about half a minute."""
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
IGNORE = shutil.ignore_patterns(".venv", ".git", "saves", "build", "dist", "*.egg-info",
                                "__pycache__", ".pytest_cache", ".hypothesis")


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
    shutil.copytree(ROOT, project, ignore=IGNORE)
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


@pytest.mark.skipif(not _externally_managed(), reason="needs a PEP 668 /usr/bin/python3")
def test_both_lines_work_verbatim_on_a_pep_668_python_and_saves_survive(tmp_path):
    play, test = quick_start()
    project = _copy(tmp_path)
    env = _env(tmp_path, "/usr/bin:/bin")
    # the machine is what the issue describes: no `python`, and pip refuses outside a venv
    assert shutil.which("python", path=env["PATH"]) is None
    refused = _sh("python3 -m pip install .", project, env)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr

    # the play line, verbatim; piped input, so plain play: one choice, then quit
    r = _sh(play, project, env, stdin="1\nquit\n")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "Your place is saved" in r.stdout
    data = tmp_path / "home" / ".local" / "share" / "ana-story" / "saves"
    assert list(data.glob("*/autosave.json")), "the autosave is in the user data folder"

    # a checkout as older versions shipped it, with a saves/ folder: their editable
    # install moved the save folder there, and Continue was gone
    (project / "saves").mkdir()
    # the test line, verbatim: an editable reinstall into the same .venv, then pytest
    # (held to one test by PYTEST_ADDOPTS, which pytest reads; the whole suite is CI's)
    r = _sh(test, project, dict(env, PYTEST_ADDOPTS="-q -p no:cacheprovider "
                                "-k test_readme_test_line_is_what_ci_runs"))
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout, r.stdout[-2000:] + r.stderr[-2000:]

    # the next `ana-story` in a real terminal still offers Continue
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


def test_the_play_line_works_verbatim_with_this_machines_python3(tmp_path):
    play, _ = quick_start()
    project = _copy(tmp_path)
    here = os.path.dirname(sys.executable)  # the tests' own venv is not the user's
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if p and os.path.abspath(p) != os.path.abspath(here))
    env = _env(tmp_path, path)
    r = _sh(play, project, env, stdin="quit\n")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "THE LEDGER" in r.stdout and "Goodbye." in r.stdout
    assert (project / ".venv" / "bin" / "ana-story").exists()  # installed in the venv
