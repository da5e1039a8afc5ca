"""Issue 18.2: nothing from a stranger drives the terminal.

A save carrying escape sequences, C1 controls, bidi overrides and zero-width marks in
every field is imported, listed and shown by the installed `ana-story`, in a real
pseudo-terminal and through pipes: the only escape sequences that reach the terminal
are colour and style (SGR), the window title is untouched, and every hidden character
is shown as a visible code instead. The same holds for `check` on a story with such
names, for echoed arguments and for error messages.
"""
from __future__ import annotations

import json
import os
import re

import pexpect
import pyte
import pytest
from conftest import run_cli, write_story
from hostile_saves import ALL_PAYLOADS, FEATURES, PAYLOADS, hostile_doc, leaks, write
from hypothesis import given, settings
from hypothesis import strategies as st
from test_tty import ANA_STORY

from ana_story.sanitize import PROSE_KEPT, prose, visible

ALL = ALL_PAYLOADS


def _pty(*args: str, saves, cols: int = 200) -> tuple[bytes, pyte.Screen, int]:
    """Run the installed command in a pty; return its raw bytes, the screen a
    terminal would show, and the exit status."""
    screen = pyte.Screen(cols, 50)
    stream = pyte.ByteStream(screen)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env.update(TERM="xterm-256color", ANA_STORY_SAVES=str(saves))
    child = pexpect.spawn(ANA_STORY, list(args), env=env, dimensions=(50, cols))
    raw = child.read()  # to EOF
    child.close()
    stream.feed(raw)
    return raw, screen, child.exitstatus


def faked(text: str) -> bool:
    """Whether a stranger's line break made a line of its own (the fake-line payload)."""
    return any(line.startswith("ana-story: all is well") for line in re.split("[\r\n]", text))


def _assert_clean(raw: bytes, screen: pyte.Screen) -> str:
    text = raw.decode("utf-8")  # strict: no broken bytes either
    assert leaks(text) == [], f"reached the terminal: {leaks(text)!r}"
    assert not faked(text)
    assert screen.title == "" and screen.icon_name == ""
    return text


@pytest.mark.slow
def test_a_hostile_save_imported_listed_and_shown_in_a_terminal(tmp_path):
    saves = tmp_path / "saves"
    src = write(tmp_path / "in.json", hostile_doc(ALL))
    raw, screen, status = _pty("saves", "--story", str(FEATURES), "import", str(src),
                               saves=saves)
    text = _assert_clean(raw, screen)
    assert status == 0 and "Imported" in text
    assert "<U+202E>" in text and "\\x1b]52" in text  # shown, not sent

    # and one that cannot be used: its reason repeats the stranger's story id
    other = hostile_doc(ALL, slot="other")
    other["story"]["id"] = "x" + ALL
    write(saves / "the-lighthouse-keeper" / "other.json", other)
    raw, screen, status = _pty("saves", "--story", str(FEATURES), "list", saves=saves)
    text = _assert_clean(raw, screen)
    assert status == 0 and "hostile" in text and "other: cannot be used" in text

    raw, screen, status = _pty("saves", "--story", str(FEATURES), "show", "hostile",
                               saves=saves)
    text = _assert_clean(raw, screen)
    assert status == 0 and "version 1\\x1b]52" in text and "note:" in text
    # what the screen shows is the codes, on the lines they belong to
    shown = "\n".join(screen.display)
    assert "owned" not in screen.title and "story:     The Lighthouse Keeper" in shown


@pytest.mark.slow
def test_each_payload_alone_through_pipes(tmp_path):
    """Each payload in a save of its own, listed together and shown one by one, and
    in the file names and messages of import, export and delete."""
    saves = tmp_path / "saves"
    folder = saves / "the-lighthouse-keeper"
    names = sorted(PAYLOADS)
    for i, name in enumerate(names):
        write(folder / f"h{i}.json", hostile_doc(PAYLOADS[name], slot=f"h{i}"))
    env = {"ANA_STORY_SAVES": str(saves)}
    outs = [("list", run_cli("saves", "--story", str(FEATURES), "list", env=env))]
    outs += [(name, run_cli("saves", "--story", str(FEATURES), "show", f"h{i}", env=env))
             for i, name in enumerate(names)]
    mark = ALL_PAYLOADS.replace("/", "")
    src = write(tmp_path / f"in{mark}.json", hostile_doc(ALL_PAYLOADS, slot="i"))
    outs += [(act, run_cli("saves", "--story", str(FEATURES), *args, env=env))
             for act, args in (("import", ("import", str(src))),
                               ("export", ("export", "i", str(tmp_path / f"out{mark}.json"))),
                               ("delete", ("delete", "i")))]
    assert outs[0][1].stdout.count("turn 2") == len(PAYLOADS)
    for what, r in outs:
        out = r.stdout + r.stderr
        assert r.returncode == 0, (what, r.stderr)
        assert leaks(out) == [] and not faked(out), (what, out)
        assert "internal error" not in r.stderr


@pytest.mark.slow
def test_errors_and_echoed_arguments_are_shown_not_sent(tmp_path):
    env = {"ANA_STORY_SAVES": str(tmp_path / "saves")}
    results = [
        run_cli("play", str(FEATURES), "--from", "x" + ALL, env=env, input=""),
        run_cli("play", str(FEATURES), "--set", "x" + ALL + "=1", env=env, input=""),
        run_cli("play", str(FEATURES), "--set", "name=" + ALL, env=env, input="quit\n"),
        run_cli("play", "--seed", ALL, env=env, input=""),
        run_cli(ALL, env=env),
        run_cli("check", str(tmp_path / ("nowhere" + ALL)), env=env),
        run_cli("saves", "--story", str(FEATURES), "show", "nope" + ALL, env=env),
        run_cli("saves", "--story", str(FEATURES), "import", str(tmp_path / ALL), env=env),
        run_cli("new", str(tmp_path / ("n" + PAYLOADS["title"])), env=env),
    ]
    for i, r in enumerate(results):
        out = r.stdout + r.stderr
        # a --set value the story then prints is prose: the marks scripts need stay
        kept = PROSE_KEPT if i == 2 else ()
        assert [c for c in leaks(out) if c not in kept] == [], (r.args, out)
        assert "internal error" not in out
    assert results[0].returncode == 2 and "\\x1b]52" in results[0].stderr


def test_check_shows_a_strangers_story_visibly(tmp_path):
    """Names `check` echoes: a scene file's name, a bidi-laden title and keys."""
    bidi = PAYLOADS["bidi-override"] + PAYLOADS["zero-width"]
    folder = write_story(tmp_path / "s", f"title: 'T{bidi}'\nstart: a\n", **{
        "01-x" + PAYLOADS["clear"] + "__yaml": f"""\
            scenes:
              a:
                text: 'hi{bidi}'
                choices:
                  - text: go
                    goto: b{bidi}
                    colour: red
            """})
    for fmt in ("text", "json"):
        r = run_cli("check", str(folder), "--format", fmt)
        out = r.stdout + r.stderr
        assert r.returncode == 1 and "unknown-scene" in out, out
        assert leaks(out) == [], out
        if fmt == "json":
            diags = json.loads(r.stdout)  # still JSON, and still the same text
            assert any("\x1b[2J" in d["file"] for d in diags)


# --- the sanitiser itself, over all of Unicode ----------------------------------------

any_text = st.text(st.characters(codec=None, categories=None), max_size=60) | \
    st.lists(st.sampled_from(list(PAYLOADS.values()) + ["x", "\n", "é", "\u200d"]),
             max_size=6).map("".join)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(any_text)
def test_visible_leaves_nothing_hidden_and_is_stable(text):
    shown = visible(text)
    assert leaks(shown.replace("\n", "")) == [] and "\n" not in shown
    assert visible(shown) == shown  # cleaning twice changes nothing
    shown.encode("utf-8")  # even a lone surrogate is shown, not sent (no error here)
    kept = visible(text, newlines=True)
    assert kept.count("\n") == text.count("\n")


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(any_text)
def test_prose_keeps_only_what_the_guide_says(text):
    out = prose(text)
    assert [c for c in leaks(out) if c not in PROSE_KEPT] == []
    assert "\x1b" not in out and "\t" not in out
    assert prose(out) == out
