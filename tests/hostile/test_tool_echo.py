"""Every author tool echoes a stranger's story through the one sanitiser: bidi and
zero-width marks in titles, chapters and choice texts never reach the terminal raw."""
from __future__ import annotations

import json

import pytest
from conftest import run_cli, write_story

MARKS = ("\u202e", "\u200b", "\u200f", "\u2066", "\ufeff")


@pytest.fixture
def marked(tmp_path):
    folder = write_story(tmp_path / "s", 'title: "Evil\u202eTitle"\nstart: a\n', **{
        "01-a.yaml": 'chapter: "One\u200b"\nscenes:\n'
                     '  a:\n    title: "A\u202e\u200bB"\n    tags: ["t\u2066ag"]\n'
                     '    text: Hi\n    choices:\n'
                     '      - text: "Go\u202e on"\n        goto: b\n'
                     '  b:\n    title: "End\u200f\ufeff"\n    ending: true\n    text: Bye\n'})
    (folder / "playthroughs").mkdir()
    (folder / "playthroughs" / "p\u202e.yaml").write_text(
        'steps:\n  - choose: "Go"\n  - ending: "End\u200f\ufeff"\n', encoding="utf-8")
    assert run_cli("check", str(folder)).returncode == 0
    return folder


@pytest.mark.parametrize("args", [["explore"], ["explore", "--format", "json"],
                                  ["explore", "--random", "3"], ["graph"],
                                  ["graph", "--format", "dot"], ["graph", "--tags"],
                                  ["test"], ["check"], ["check", "--format", "json"]])
def test_no_invisible_mark_reaches_the_terminal(marked, args):
    r = run_cli(*args[:1], str(marked), *args[1:])
    out = r.stdout + r.stderr
    assert "Traceback" not in out and "internal error" not in out, out
    assert not any(m in out for m in MARKS), [m for m in MARKS if m in out]
    assert "\x1b" not in out
    if "json" in args:
        json.loads(r.stdout)  # still JSON, the marks written as \u escapes
    else:
        assert "<U+202E>" in out or "<U+2066>" in out, out  # shown, not sent
