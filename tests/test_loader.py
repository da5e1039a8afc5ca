"""The loader: every feature of the format loads; every mistake is pointed at file:line."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES

from ana_story import yamlread
from ana_story.errors import StoryError
from ana_story.loader import check, load_story

STORY = """\
title: T
start: a
variables:
  craft: 0
  brave: false
  name: Ana
"""

GOOD_SCENES = """\
chapter: One
scenes:
  a:
    text: Hello.
    choices:
      - text: Go
        goto: b
  b:
    ending: End
    text: Bye.
"""


def only_diag(folder: Path):
    story, diags = check(folder)
    assert story is None, "the story should not load"
    errors = [d for d in diags if d.severity == "error"]
    assert len(errors) == 1, "\n".join(f"{d.line} {d.code} {d.message}" for d in errors)
    return errors[0]


# --- the feature fixture ---------------------------------------------------------------

def test_feature_fixture_loads_with_every_part():
    story = load_story(FIXTURES / "features")
    assert (story.title, story.author, story.version, story.start) == \
        ("The Lighthouse Keeper", "ana-story tests", "1.2", "shore")
    assert story.id == "the-lighthouse-keeper"
    types = {n: v.type for n, v in story.variables.items()}
    assert types == {"courage": "int", "lamp_oil": "float", "has_key": "bool", "name": "str",
                     "gold": "int"}
    gold = story.variables["gold"]
    assert (gold.initial, gold.label, gold.visible) == (2, "Gold coins", True)
    assert [c.title for c in story.chapters] == ["The Shore", "The Tower"]
    shore = story.scenes["shore"]
    assert shore.tags == ("outside", "start") and shore.chapter == "The Shore"
    once, climb, breathe, give_up = shore.choices
    assert once.once and give_up.fallback and climb.locked is not None
    assert climb.condition.source == "courage >= 2 or has_key"
    assert [name for name, _ in climb.effects] == ["courage", "lamp_oil"]
    assert story.scenes["home"].ending == "The Fire at Home"
    toss, up = story.scenes["stairs"].choices
    assert toss.goto.random and toss.goto.targets == ("lamp_room", "shore")
    assert up.goto.targets == ("lamp_room", "locked_door")
    assert up.goto.routes[0].condition is not None and up.goto.routes[1].condition is None
    assert {s.id for s in story.endings} == {"home", "lamp_room"}


def test_scene_and_choice_locations_point_at_the_yaml():
    story = load_story(FIXTURES / "features")
    shore = story.scenes["shore"]
    assert shore.where.file.endswith("01-shore.yaml") and shore.where.line == 3
    assert shore.choices[1].where.line == 22


def test_uses_the_c_safe_loader_when_libyaml_is_present():
    if yaml.__with_libyaml__:
        assert issubclass(yamlread.StoryYamlLoader, yaml.CSafeLoader)
    assert issubclass(yamlread.StoryYamlLoader, (yaml.SafeLoader, yaml.CSafeLoader))


def test_a_python_object_tag_is_not_constructed(story_dir):
    folder = story_dir(STORY, **{"01-a.yaml": GOOD_SCENES.replace(
        "text: Hello.", "text: !!python/object/apply:os.system ['touch pwned']")})
    d = only_diag(folder)
    assert d.code in ("yaml-syntax", "wrong-type", "yaml-tag")
    assert not Path("pwned").exists()


def test_bom_and_crlf_line_ends_are_accepted(story_dir):
    folder = story_dir(STORY)
    (folder / "01-a.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD_SCENES.replace("\n", "\r\n")
                                       .encode())
    story, diags = check(folder)
    assert story is not None and diags == []


def test_ten_mistakes_are_all_reported_at_their_lines():
    _, diags = check(FIXTURES / "ten-mistakes")
    got = sorted((Path(d.file).name, d.line, d.code) for d in diags)
    assert got == sorted([
        ("story.yaml", 4, "unknown-key"),
        ("story.yaml", 5, "unknown-scene"),
        ("01-home.yaml", 7, "template-syntax"),
        ("01-home.yaml", 12, "unknown-key"),
        ("01-home.yaml", 14, "expression-syntax"),
        ("01-home.yaml", 17, "undeclared-variable"),
        ("01-home.yaml", 20, "type-mismatch"),
        ("01-home.yaml", 22, "no-choices"),
        ("02-away.yaml", 3, "duplicate-scene"),
        ("03-broken.yaml", 4, "yaml-syntax"),
    ])
    hints = {(Path(d.file).name, d.line): d.hint for d in diags}
    assert hints[("story.yaml", 4)] == "did you mean 'author'?"
    assert hints[("story.yaml", 5)] == "did you mean 'kitchen'?"
    assert hints[("01-home.yaml", 12)] == "did you mean 'goto'?"
    assert hints[("01-home.yaml", 17)] == "did you mean 'craft'?"
    assert "01-home.yaml:22" in hints[("02-away.yaml", 3)]
    assert "tabs" in hints[("03-broken.yaml", 4)]


# --- one test per diagnostic: (scene file text, line, code, hint fragment) ---------------

def scenes_with(choice_extra: str = "", scene_extra: str = "", text: str = "Hello.") -> str:
    return f"""\
chapter: One
scenes:
  a:
    text: "{text}"
{scene_extra}    choices:
      - text: Go
        goto: b
{choice_extra}  b:
    ending: End
    text: Bye.
"""


CASES = [
    # id, scene file, line, code, hint fragment
    ("unknown choice key", scenes_with("        gotoo: b\n"), 8, "unknown-key", "goto"),
    ("alias from another engine", scenes_with("        condition: craft > 1\n"), 8,
     "unknown-key", "'if'"),
    ("unknown scene key", scenes_with(scene_extra="    titel: A\n"), 5, "unknown-key", "title"),
    ("duplicate key", scenes_with("        goto: a\n"), 8, "duplicate-key", "line 7"),
    ("goto unknown scene", scenes_with().replace("goto: b", "goto: bb"), 7, "unknown-scene",
     "did you mean 'b'?"),
    ("condition syntax", scenes_with("        if: craft >\n"), 8, "expression-syntax", None),
    ("condition forbidden", scenes_with("        if: craft.__class__ == 1\n"), 8,
     "expression-forbidden", None),
    ("condition is a number", scenes_with("        if: craft\n"), 8, "type-mismatch",
     "craft > 0"),
    ("undeclared in condition", scenes_with("        if: crat > 1\n"), 8,
     "undeclared-variable", "did you mean 'craft'?"),
    ("undeclared in set", scenes_with("        set: {crat: 1}\n"), 8, "undeclared-variable",
     "craft"),
    ("wrong type in set", scenes_with("        set: {craft: name}\n"), 8, "type-mismatch",
     "whole number"),
    ("text into a text variable without quotes", scenes_with("        set: {name: Paris}\n"),
     8, "undeclared-variable", "quote it"),
    ("plus-one sets rather than adds", scenes_with("        set: {craft: +1}\n"), 8,
     "ambiguous-increment", "craft: craft + 1"),
    ("unknown function", scenes_with("        if: rand(1, 2) > 1\n"), 8, "unknown-function",
     None),
    ("once is not true/false", scenes_with("        once: maybe\n"), 8, "wrong-type", None),
    ("choices not a list", scenes_with().replace(
        "    choices:\n      - text: Go\n        goto: b\n", "    choices: b\n"), 5,
     "wrong-type", None),
    ("choice without goto", scenes_with().replace("        goto: b\n", ""), 6, "missing-key",
     "goto"),
    ("scene without text", scenes_with().replace('    text: "Hello."\n', ""), 3,
     "missing-key", "text"),
    ("template never closed", scenes_with(text="{% if brave %}Hi"), 4, "template-syntax",
     "endif"),
    ("undeclared in text", scenes_with(text="Hi {{ nme }}"), 4, "undeclared-variable",
     "did you mean 'name'?"),
    ("visits of unknown scene", scenes_with("        if: visits('bb') > 0\n"), 8,
     "unknown-scene", "did you mean 'b'?"),
    ("ending with choices", GOOD_SCENES.replace("    ending: End\n", "    ending: End\n"
     "    choices:\n      - text: x\n        goto: a\n"), 10, "ending-with-choices", None),
    ("scene with no choices", GOOD_SCENES.replace("    ending: End\n", ""), 8, "no-choices",
     "ending"),
    ("bad scene id", GOOD_SCENES.replace("  b:", "  my scene:").replace("goto: b",
     "goto: a"), 8, "bad-name", None),
    ("goto routes without default", scenes_with().replace(
        "goto: b", "goto:\n          - if: brave\n            to: b"), 8, "goto-no-default",
     None),
    ("random goto unknown scene", scenes_with().replace("goto: b", "goto: {random: [b, c]}"),
     7, "unknown-scene", None),
    ("scenes missing", "chapter: One\n", 1, "missing-key", "scenes"),
    ("yaml error", GOOD_SCENES.replace("text: Hello.", "text: Hello: there."), 4,
     "yaml-syntax", "quoted"),
    ("power bomb", scenes_with("        if: 9 ** 9 ** 9 > craft\n"), 8, "too-large", None),
]


@pytest.mark.parametrize("name, scenes, line, code, hint", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_at_its_line(story_dir, name, scenes, line, code, hint):
    d = only_diag(story_dir(STORY, **{"01-a.yaml": scenes}))
    assert (Path(d.file).name, d.line, d.code) == ("01-a.yaml", line, code), d.message
    assert d.column >= 1 and d.message
    if hint:
        assert hint in (d.hint or ""), d.hint


STORY_CASES = [
    ("missing title", STORY.replace("title: T\n", ""), 1, "missing-key", "title"),
    ("start unknown", STORY.replace("start: a", "start: aa"), 2, "unknown-scene",
     "did you mean 'a'?"),
    ("variable without value", STORY + "  empty:\n", 7, "missing-value", None),
    ("variable list value", STORY + "  items: [1, 2]\n", 7, "wrong-type", None),
    ("variable bad name", STORY + "  and: 1\n", 7, "bad-name", None),
    ("variable long form unknown key", STORY + "  gold: {value: 1, visibel: true}\n", 7,
     "unknown-key", "visible"),
    # (a date such as 2020-01-01 is text under YAML 1.2: see test_loader_yaml12.py)
    ("variable number too large for a float", STORY + "  when: 1e999\n", 7, "wrong-type",
     "quotes"),
    ("renamed to unknown scene", STORY + "renamed: {old: nowhere}\n", 7, "unknown-scene",
     None),
]


@pytest.mark.parametrize("name, story, line, code, hint", STORY_CASES,
                         ids=[c[0] for c in STORY_CASES])
def test_each_story_file_mistake_is_reported(story_dir, name, story, line, code, hint):
    d = only_diag(story_dir(story, **{"01-a.yaml": GOOD_SCENES}))
    assert (Path(d.file).name, d.line, d.code) == ("story.yaml", line, code), d.message
    if hint:
        assert hint in (d.hint or "")


def test_duplicate_scene_names_both_places(story_dir):
    d = only_diag(story_dir(STORY, **{"01-a.yaml": GOOD_SCENES,
                                      "02-b.yaml": "scenes:\n  b:\n    text: x\n    ending: E\n"}))
    assert (Path(d.file).name, d.line, d.code) == ("02-b.yaml", 2, "duplicate-scene")
    assert "01-a.yaml:8" in d.hint


def test_not_utf8_is_reported_with_its_line(story_dir):
    folder = story_dir(STORY)
    (folder / "01-a.yaml").write_bytes(GOOD_SCENES.replace("Bye.", "Caf\xe9.").encode("latin-1"))
    d = only_diag(folder)
    assert (d.code, d.line, d.column) == ("encoding", 10, 14)


def test_missing_story_yaml(tmp_path):
    (tmp_path / "01-a.yaml").write_text(GOOD_SCENES)
    d = only_diag(tmp_path)
    assert (Path(d.file).name, d.code) == ("story.yaml", "missing-file")


def test_missing_folder(tmp_path):
    d = only_diag(tmp_path / "nowhere")
    assert d.code == "missing-file" and "nowhere" in d.file


def test_folder_with_no_scene_files(story_dir):
    d = only_diag(story_dir(STORY))
    assert d.code == "no-scenes"


def test_minus_value_in_set_is_a_warning_not_an_error(story_dir):
    story, diags = check(story_dir(STORY, **{"01-a.yaml": scenes_with(
        "        set: {craft: -1}\n")}))
    assert story is not None
    assert [(d.severity, d.code, d.line) for d in diags] == \
        [("warning", "ambiguous-decrement", 8)]


def test_errors_in_several_files_are_all_collected(story_dir):
    folder = story_dir(STORY.replace("start: a", "start: zz"),
                       **{"01-a.yaml": scenes_with("        gotoo: b\n"),
                          "02-b.yaml": "scenes:\n  c:\n    text: '{{ nope }}'\n    ending: E\n"})
    with pytest.raises(StoryError) as info:
        load_story(folder)
    codes = sorted((Path(d.file).name, d.code) for d in info.value.diagnostics)
    assert codes == [("01-a.yaml", "unknown-key"), ("02-b.yaml", "undeclared-variable"),
                     ("story.yaml", "unknown-scene")]


def test_title_that_yaml_reads_as_a_number_stays_text(story_dir):
    story = load_story(story_dir(STORY.replace("title: T", "title: 1984"),
                                 **{"01-a.yaml": GOOD_SCENES}))
    assert story.title == "1984"


def test_chapter_defaults_to_the_file_name(story_dir):
    story = load_story(story_dir(STORY, **{"03-the-long-road.yaml":
                                           GOOD_SCENES.replace("chapter: One\n", "")}))
    assert story.chapters[0].title == "The long road"
