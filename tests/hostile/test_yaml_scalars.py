"""Explicitly tagged YAML scalars (issue 18.7): every value PyYAML's own constructors
choke on (KeyError on `!!bool maybe`, IndexError on `!!int ''`) is a `yaml-tag`
diagnostic at its file:line:col, in every command that loads a story, and YAML 1.1's
base-60 numbers cost linear time, not quadratic."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_SCENES as SCENES
from conftest import SMALL_STORY as STORY
from conftest import run_cli, write_story
from hypothesis import given, settings
from hypothesis import strategies as st
from test_loader_fuzz import CORPUS, EXAMPLES, FUZZ, copy_source, load_and_play

from ana_story import yamlread
from ana_story.loader import check


def diags_of(folder):
    story, diags = check(folder)
    assert story is None
    return [(d.file.rsplit("/", 1)[-1], d.line, d.column, d.code) for d in diags
            if d.severity == "error"]


# (the value written after 'lucky: ' in story.yaml, the column of its tag)
BAD_VARIABLE_VALUES = [
    "!!bool maybe", "!!bool yes", "!!bool ''", "!!int ''", "!!int '-'", "!!int 0b101",
    "!!int 1_000", "!!int 1:59:59", "!!int 12.5", "!!int 0x", "!!float ''", "!!float '.'",
    "!!float 1:30.5", "!!float nope", "!!null 'abc'", "!!timestamp 2001-12-14",
    "!!binary aGVsbG8=", "!!python/name:os.system ''", "!local thing",
    "!<tag:example.com,2000:x> y", "!!set {a, b}", "!!omap [a: 1]", "!!str [1, 2]",
    "!!int [1]", "!!bool {a: 1}", "!!pairs [a: 1]",
]


@pytest.mark.parametrize("value", BAD_VARIABLE_VALUES)
def test_a_badly_tagged_starting_value_is_one_diagnostic_at_its_tag(tmp_path, value):
    folder = write_story(tmp_path / "s", STORY + f"  lucky: {value}\n", **{"01-a.yaml": SCENES})
    assert diags_of(folder) == [("story.yaml", 5, 10, "yaml-tag")]


@pytest.mark.parametrize("value,expected", [
    ("!!int 12", 12), ("!!int -7", -7), ("!!int 0x1F", 31), ("!!int 0o17", 15),
    ("!!float 1", 1.0), ("!!float -2.5e3", -2500.0), ("!!bool True", True),
    ("!!bool false", False), ("!!str 12", "12"), ("!!str yes", "yes"),
    ("!!float 0x1F", 31.0), ("!!float +.5", 0.5), ("!!int +7", 7),
])
def test_a_well_tagged_starting_value_loads(tmp_path, value, expected):
    folder = write_story(tmp_path / "s", STORY + f"  lucky: {value}\n", **{"01-a.yaml": SCENES})
    story, diags = check(folder)
    assert story is not None, diags
    assert story.variables["lucky"].initial == expected
    assert type(story.variables["lucky"].initial) is type(expected)


@pytest.mark.parametrize("value", [".inf", "-.inf", "+.INF", ".NaN", "!!float .inf", "1e999",
                                   "!!float -.Inf"])
def test_infinite_and_nan_starting_values_are_refused_not_crashed_on(tmp_path, value):
    folder = write_story(tmp_path / "s", STORY + f"  lucky: {value}\n", **{"01-a.yaml": SCENES})
    assert diags_of(folder) == [("story.yaml", 5, 10, "wrong-type")]


@pytest.mark.parametrize("choice_line,line,col", [
    ("        once: !!bool maybe\n", 8, 15),
    ("        once: !!bool ''\n", 8, 15),
    ("        if: !!int '-'\n", 8, 13),
    ("        set: {craft: !!float ''}\n", 8, 22),
    ("        set: !!set {craft}\n", 8, 14),
    ("        fallback: !!int ''\n", 8, 19),
])
def test_a_badly_tagged_value_in_a_choice_is_one_diagnostic(tmp_path, choice_line, line, col):
    scenes = SCENES.replace("        goto: b\n", "        goto: b\n" + choice_line)
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes})
    assert diags_of(folder) == [("01-a.yaml", line, col, "yaml-tag")]


def test_tags_in_scene_fields_and_random_weights(tmp_path):
    scenes = """\
chapter: !!int One
scenes:
  a:
    text: !!binary SGk=
    choices:
      - text: Go
        goto: {random: {b: !!float '', a: !!int 2}}
  b:
    text: Bye.
    ending: !!bool maybe
"""
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": scenes})
    assert diags_of(folder) == [("01-a.yaml", 1, 10, "yaml-tag"),
                                ("01-a.yaml", 4, 11, "yaml-tag"),
                                ("01-a.yaml", 7, 28, "yaml-tag"),
                                ("01-a.yaml", 10, 13, "yaml-tag")]


@pytest.mark.parametrize("command", ["check", "play", "explore", "graph", "test"])
def test_every_command_that_loads_a_story_gives_the_diagnostic(tmp_path, command):
    folder = write_story(tmp_path / "s", STORY + "  lucky: !!bool maybe\n  n: !!int ''\n",
                         **{"01-a.yaml": SCENES})
    r = run_cli(command, str(folder), input="")
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "story.yaml:5:10: error[yaml-tag] 'maybe' is not true/false" in out
    assert "story.yaml:6:6: error[yaml-tag] '' is not a whole number" in out
    assert "Traceback" not in out and "internal error" not in out


def test_a_plan_file_with_a_bad_tag_is_a_failure_not_a_crash(tmp_path):
    folder = write_story(tmp_path / "s", STORY, **{"01-a.yaml": SCENES})
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "p.yaml").write_text("steps:\n  - choose: !!int ''\n")
    r = run_cli("test", str(folder), "--plans", str(plans))
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "p.yaml:2" in out and "is not a whole number" in out
    assert "Traceback" not in out and "internal error" not in out


@pytest.mark.parametrize("template", [
    "  big: 1:{}\n",             # YAML 1.1 base-60: text under YAML 1.2's rules
    "  big: !!int 1:{}\n",       # the same, forced to a number: refused
    "  big: !!float 1:{}.5\n",
    "  big: 1{}\n",              # hundreds of thousands of digits: not a number we keep
    "  big: !!float 1{}\n",
])
def test_huge_sexagesimal_and_digit_strings_take_linear_time(tmp_path, template):
    digits = ":".join(["59"] * 200_000) if "1:{}" in template else "9" * 600_000
    folder = write_story(tmp_path / "s", STORY + template.format(digits),
                         **{"01-a.yaml": SCENES})
    t = time.perf_counter()
    story, diags = check(folder)
    seconds = time.perf_counter() - t
    assert seconds < 3, seconds  # PyYAML's base-60 took 18 s on 600 KB
    if template.startswith("  big: 1:"):
        # read as text (YAML 1.2), then refused as a starting value no save could hold
        assert story is None and [d.code for d in diags] == ["too-large"], diags
        assert diags[0].line == 5, diags
    else:
        assert story is None and diags[0].line == 5 and \
            diags[0].code in ("yaml-tag", "wrong-type")


# ---- fuzz: the snippets behind YAML's surprises, anywhere in a real story --------------

SNIPPETS = ["!!int ", "!!bool ", "!!float ", "!!null ", "!!str ", "!!set ", "!!omap ", "!x ",
            "!!binary ", "!<tag:a,1:b> ", " #", " # c", "\t", "  ", "{", "}", "(", ")", ", ",
            "[", "]", ": ", "'", '"', "*a ", "&a ", "yes", "no", "1:30", "0b1", "1_0", ".inf",
            ".nan", "~", "\n", "\n  ", "\n    #x\n", "<<: ", "? ", "- ", "|", ">"]


@pytest.mark.slow
@settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))  # 75 in CI; scales with the long run
@given(source=st.sampled_from(CORPUS), data=st.data())
def test_yaml_surprises_anywhere_give_a_story_or_diagnostics(source, data):
    folder, names = source
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        copy_source(folder, tmp)
        name = data.draw(st.sampled_from(names))
        text = (tmp / name).read_text(encoding="utf-8")
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(text)))
            text = text[:at] + data.draw(st.sampled_from(SNIPPETS)) + text[at:]
        (tmp / name).write_text(text, encoding="utf-8")
        load_and_play(tmp)


NUMBERISH = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"\A[-+]?(\.[0-9]{0,5}|[0-9]{1,70}(\.[0-9]{0,5})?)([eE][-+]?[0-9]{1,4})?\Z"),
    st.from_regex(r"\A[-+]?\.(inf|Inf|INF|nan|NaN|NAN)\Z"),
    st.from_regex(r"\A[-+]?0[xob][0-9a-fA-F_]{0,70}\Z"),
    st.from_regex(r"\A[-+]?[0-9]{1,3}(:[0-9]{1,2}){1,5}(\.[0-9]*)?\Z"))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(tag=st.sampled_from([yamlread.BOOL, yamlread.INT, yamlread.FLOAT, yamlread.NULL,
                            yamlread.STR, "tag:yaml.org,2002:timestamp", "!x"]),
       value=NUMBERISH)
def test_scalar_value_never_raises_whatever_the_tag_and_text(tag, value):
    node = yaml.ScalarNode(tag, value)
    got = yamlread.scalar_value(node)
    assert got is None or isinstance(got, (bool, int, float))
    if tag == yamlread.INT and got is not None:
        assert type(got) is int and len(value) <= yamlread.MAX_NUMBER_CHARS
