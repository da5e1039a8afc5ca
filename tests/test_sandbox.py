"""The story language is a sandbox: known escape and bomb payloads are refused, never run."""
from __future__ import annotations

from pathlib import Path

import pytest

from ana_story import engine
from ana_story.errors import StoryRuntimeError
from ana_story.expressions import Env, ExprError, compile_expr, compile_template
from ana_story.loader import check, load_story

DATA = Path(__file__).parent / "data"
MARKER = "ana_story_pwned"


def _payloads(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


EXPRESSIONS = _payloads("injection-expressions.txt")
TEMPLATES = _payloads("injection-templates.txt")
ENV = Env({"craft": "int", "name": "str"}, {"attic"})


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Run each test in an empty folder, so a payload that ran would leave its marker."""
    monkeypatch.chdir(tmp_path)
    yield
    assert not (tmp_path / MARKER).exists(), "a payload was executed"


def test_corpus_is_large_enough():
    assert len(EXPRESSIONS) >= 30
    assert len(TEMPLATES) >= 20


@pytest.mark.parametrize("payload", EXPRESSIONS)
def test_expression_payload_is_refused_at_compile_time(payload):
    with pytest.raises(ExprError) as info:
        compile_expr(payload, ENV)
    err = info.value
    assert err.code in {"expression-forbidden", "expression-syntax", "unknown-function",
                        "undeclared-variable", "too-large", "type-mismatch",
                        "expression-error"}
    assert err.message and "Traceback" not in err.message


@pytest.mark.parametrize("payload", EXPRESSIONS)
def test_expression_payload_in_a_story_is_reported_by_check(payload, story_dir):
    quoted = payload.replace("'", "''")
    folder = story_dir(
        """\
        title: T
        start: a
        variables: {craft: 0, name: x}
        """,
        **{"01-a.yaml": f"""\
        scenes:
          a:
            text: Hello.
            choices:
              - text: Go
                if: '{quoted}'
                goto: b
          b:
            ending: End
            text: Bye.
        """})
    story, diags = check(folder)
    assert story is None
    [d] = [d for d in diags if d.severity == "error"]
    assert (d.file.endswith("01-a.yaml"), d.line) == (True, 6)


LEAKS = ("<class", "<function", "<module", "__", "uid=", "root:", "Traceback", "object at 0x")


@pytest.mark.parametrize("payload", TEMPLATES)
def test_template_payload_is_refused_or_renders_harmlessly(payload):
    """Check time: refused with a clear message, or compiled by the sandbox. Run time:
    whatever compiled renders plain text: no code ran, nothing of Python leaked."""
    try:
        t = compile_template(payload, ENV)
    except ExprError as e:
        assert e.code in {"template-syntax", "expression-forbidden", "expression-syntax",
                          "unknown-function", "undeclared-variable", "too-large",
                          "type-mismatch", "control-character"}, e.code
        assert e.message
        return
    out = t.render({"craft": 2, "name": "x"}, None)
    assert isinstance(out, str) and len(out) <= 20_000
    assert not any(leak in out for leak in LEAKS), out
    if "{{" not in payload and "{%" not in payload and "{#" not in payload:
        assert out == payload  # not a template at all: shown exactly as written


def test_accepted_template_payloads_play_harmlessly_through_the_cli(story_dir):
    """Every payload the compiler accepts, as a scene of a real story, played."""
    from conftest import run_cli
    accepted = []
    for payload in TEMPLATES:
        try:
            compile_template(payload, ENV)
        except ExprError:
            continue
        accepted.append(payload)
    assert len(accepted) >= 10
    scenes = ["scenes:"]
    for i, payload in enumerate(accepted):
        body = payload.replace("'", "''")
        nxt = f"s{i + 1}" if i + 1 < len(accepted) else "end"
        scenes += [f"  s{i}:", f"    text: '{body}'", "    choices:",
                   "      - text: next", f"        goto: {nxt}"]
    scenes += ["  end:", "    text: done", "    ending: Done"]
    folder = story_dir("title: T\nstart: s0\nvariables: {craft: 2, name: x}\n",
                       **{"01-a.yaml": "\n".join(scenes) + "\n"})
    result = run_cli("play", str(folder), "--plain", "--seed", "1",
                     input="1\n" * (len(accepted) + 1))
    assert result.returncode == 0, result.stderr
    assert "THE END: Done" in result.stdout
    assert not any(leak in result.stdout + result.stderr for leak in LEAKS)
    assert "${7*7}" in result.stdout and "<%= 7*7 %>" in result.stdout


RUNTIME_BOMBS = """\
title: Bombs
start: hub
variables:
  big: 10000000000
  nine: 9
  text: ab
  zero: 0
  n: 3
"""

RUNTIME_SCENES = """\
scenes:
  hub:
    text: "Pick a bomb. {{ text }}"
    choices:
      - text: Repeat text ten billion times
        set: {text: text * big}
        goto: hub
      - text: A tower of powers
        set: {n: nine ** big}
        goto: hub
      - text: Divide by zero
        set: {n: n // zero}
        goto: hub
      - text: Double the text
        set: {text: text + text}
        goto: hub
      - text: Square the number
        set: {big: big * big}
        goto: hub
"""


def test_runtime_bombs_stop_with_a_clear_message(story_dir):
    story = load_story(story_dir(RUNTIME_BOMBS, **{"01-hub.yaml": RUNTIME_SCENES}))
    state = engine.new_state(story, 1)
    for index, needle in [(0, "10000 characters"), (1, "too large"), (2, "division by zero"),
                          (4, "larger than")]:
        with pytest.raises(StoryRuntimeError) as info:
            engine.choose(story, state, index)
        assert needle in str(info.value)
        assert "01-hub.yaml" in str(info.value)
    # Doubling text works for a while, then hits the size limit instead of eating memory.
    with pytest.raises(StoryRuntimeError) as info:
        for _ in range(64):
            state = engine.choose(story, state, 3)
    assert "10000 characters" in str(info.value)
    assert len(state.variables["text"]) <= 10_000


def test_runtime_bomb_through_the_cli_is_a_message_not_a_traceback(story_dir):
    from conftest import run_cli
    folder = story_dir(RUNTIME_BOMBS, **{"01-hub.yaml": RUNTIME_SCENES})
    result = run_cli("play", str(folder), "--seed", "1", input="2\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "too large" in result.stderr
