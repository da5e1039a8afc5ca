"""Issue 18.8 and 18.9, found again by attack: a story file that is not a regular
file. A named pipe named like a scene file was skipped without a word (the tools
said nothing of a missing chapter), a pipe or a folder named ``story.yaml`` was
reported as "no story.yaml", and a file swapped for a pipe would have hung the
reader. Each is now refused aloud, and a pipe is never waited on."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli, write_story

from ana_story.loader import check

STORY = "title: T\nstart: a\nvariables:\n  craft: 0\n"
SCENES = """\
chapter: One
scenes:
  a:
    text: Hi.
    choices:
      - text: Go
        goto: far
  b:
    text: Bye.
    ending: End
"""


def _errors(diags):
    return [(Path(d.file).name, d.code) for d in diags if d.severity == "error"]


def _make(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "empty-folder":
        path.mkdir()
    else:  # a folder holding something else than YAML
        path.mkdir()
        (path / "notes.txt").write_text("mine")


@pytest.mark.parametrize("kind", ["fifo", "empty-folder", "folder"])
def test_a_scene_file_that_is_not_a_file_is_refused_aloud(tmp_path, kind):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    _make(kind, folder / "02-far.yaml")
    story, diags = check(folder)
    assert story is None and _errors(diags) == [("02-far.yaml", "unreadable-file")]
    # 'far' may be defined there: no false 'unknown scene' beside it


@pytest.mark.parametrize("kind", ["fifo", "empty-folder"])
def test_a_story_yaml_that_is_not_a_file_is_not_called_missing(tmp_path, kind):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    (folder / "story.yaml").unlink()
    _make(kind, folder / "story.yaml")
    story, diags = check(folder)
    assert story is None and _errors(diags) == [("story.yaml", "unreadable-file")]


def test_the_commands_refuse_a_pipe_without_waiting_for_it(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    os.mkfifo(folder / "02-far.yaml")
    for args in (["check", str(folder)], ["play", "--plain", str(folder)],
                 ["graph", str(folder)]):
        r = run_cli(*args, input="1\n", timeout=20)  # a wait would time out
        assert r.returncode == 1 and "internal error" not in r.stderr, (args, r.stderr)
        assert "02-far.yaml" in r.stdout + r.stderr, args
