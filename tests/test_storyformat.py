"""storyformat: the one description of the story format. The schema, the loader's walk
and the key tables of docs/writing-scenes.md all come from it, so a key added to it
shows up in each, with its position in the author's file."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import ROOT

from ana_story import storyformat as sf
from ana_story import yamlread
from ana_story.loader import check
from ana_story.loader.reader import Reader, YamlFile
from ana_story.tools.schema import scene_file_schema

GUIDE = ROOT / "docs" / "writing-scenes.md"


@pytest.mark.parametrize("record", [sf.STORY_FILE, sf.SCENE_FILE, sf.SCENE_RECORD, sf.CHOICE,
                                    sf.ROUTE, sf.VARIABLE, sf.FUNCTION, sf.SNIPPET],
                         ids=lambda r: r.name)
def test_the_guide_shows_each_records_keys_as_the_description_has_them(record):
    # a key left out of the guide, or described differently, fails here: regenerate the
    # table with storyformat.key_table(record)
    assert sf.key_table(record) in GUIDE.read_text(encoding="utf-8")


def test_every_key_of_a_record_is_in_its_table():
    table = sf.key_table(sf.CHOICE)
    for f in sf.CHOICE.fields:
        assert f"`{f.name}`" in table


def test_the_aliases_come_from_the_fields():
    assert sf.ALIASES["options"] == "choices"
    assert sf.ALIASES["condition"] == "if"
    assert sf.ALIASES["divert"] == sf.ALIASES["target"] == "goto"
    assert "random" in sf.FORMAT_KEYS and "chapter" in sf.FORMAT_KEYS


@pytest.fixture
def with_mood(monkeypatch):
    """The description with one more plain field: a scene's 'mood', default 'calm'."""
    mood = sf.Field("mood", sf.TEXT, "How the scene feels.", default="calm",
                    aliases=("atmosphere",), attr="mood", prose=True)
    scene = dataclasses.replace(sf.SCENE_RECORD, fields=(*sf.SCENE_RECORD.fields, mood))
    scene_file = dataclasses.replace(sf.SCENE_FILE, fields=tuple(
        dataclasses.replace(f, item=scene) if f.name == "scenes" else f
        for f in sf.SCENE_FILE.fields))
    monkeypatch.setattr(sf, "SCENE_RECORD", scene)
    monkeypatch.setattr(sf, "SCENE_FILE", scene_file)
    return scene


def _walk(record, text):
    reader = Reader(Path("."), "")
    f = YamlFile("01-a.yaml", text, text.split("\n"))
    scene_node = yamlread.compose(text).value[0][1].value[0][1]
    return reader, reader.walk(f, scene_node, "scene 'a'", record)


def test_a_field_added_to_the_description_is_in_the_schema(with_mood):
    scene = scene_file_schema()["properties"]["scenes"]["additionalProperties"]
    assert scene["properties"]["mood"] == {"type": ["string", "number", "boolean"],
                                           "description": "How the scene feels."}
    assert "mood" not in scene["required"]


def test_a_field_added_to_the_description_is_read_by_the_walk_with_its_position(with_mood):
    text = "scenes:\n  a:\n    text: x\n    mood:  stormy\n"
    reader, w = _walk(with_mood, text)
    assert reader.diags == []
    assert w.values["mood"] == "stormy"
    key, value = w.nodes["mood"]
    assert (value.start_mark.line + 1, value.start_mark.column + 1) == (4, 12)
    # and it reaches the model's constructor by its attribute, or its default
    assert sf.plain_values(with_mood, w.values)["mood"] == "stormy"
    _, w = _walk(with_mood, "scenes:\n  a:\n    text: x\n")
    assert sf.plain_values(with_mood, w.values)["mood"] == "calm"


def test_a_field_added_to_the_description_is_checked_by_the_walk(with_mood):
    reader, _ = _walk(with_mood, "scenes:\n  a:\n    text: x\n    mood: [a, b]\n")
    assert [(d.line, d.column, d.code, d.message) for d in reader.diags] == [
        (4, 11, "wrong-type", "'mood' should be text, not a list")]
    reader, _ = _walk(with_mood, "scenes:\n  a:\n    text: x\n    atmosphere: dark\n")
    assert [(d.line, d.column, d.code, d.hint) for d in reader.diags] == [
        (4, 5, "unknown-key", "did you mean 'mood'?")]


def test_without_the_field_the_loader_calls_it_unknown(tmp_path):
    (tmp_path / "story.yaml").write_text("title: T\nstart: a\n", encoding="utf-8")
    (tmp_path / "01-a.yaml").write_text("scenes:\n  a:\n    text: x\n    ending: E\n"
                                        "    mood: stormy\n", encoding="utf-8")
    story, diags = check(tmp_path)
    assert story is None
    assert [(d.line, d.column, d.code) for d in diags] == [(5, 5, "unknown-key")]


@pytest.mark.parametrize("record", sf.RECORDS, ids=lambda r: r.name)
def test_each_field_fills_an_attribute_its_model_has(record):
    from ana_story import model
    names = {f.name for f in dataclasses.fields(getattr(model, record.model))}
    for f in record.fields:
        assert f.attr is None or f.attr in names, (record.name, f.name, f.attr)


def test_a_field_added_once_reaches_schema_loader_model_and_cache(with_mood, monkeypatch,
                                                                  tmp_path):
    """Issue 11's promise: a new key is one entry in the description plus its model field.
    Nothing in the loader, the schema or the cache is edited for it."""
    from ana_story import cache, model, modeljson
    from ana_story.loader import scenes as scene_builder
    moody = dataclasses.make_dataclass(
        "Scene", [("mood", str, dataclasses.field(default=""))], bases=(model.Scene,),
        frozen=True)
    monkeypatch.setattr(scene_builder, "Scene", moody)  # the model grows the field
    monkeypatch.setattr(modeljson, "Scene", moody)
    assert "mood" in scene_file_schema()["properties"]["scenes"]["additionalProperties"][
        "properties"]
    story_dir = tmp_path / "story"
    story_dir.mkdir()
    (story_dir / "story.yaml").write_text("title: T\nstart: a\n", encoding="utf-8")
    (story_dir / "01-a.yaml").write_text(
        "scenes:\n  a:\n    text: x\n    mood: stormy\n    choices:\n"
        "      - text: on\n        goto: b\n  b:\n    text: y\n    ending: E\n",
        encoding="utf-8")
    cold = cache.load(story_dir, folder=tmp_path / "cache")  # from the YAML, then cached
    warm = cache.load(story_dir, folder=tmp_path / "cache")  # from the cache
    assert type(warm.scenes).__name__ == "LazyScenes"
    assert (cold.scenes["a"].mood, warm.scenes["a"].mood) == ("stormy", "stormy")
    assert (cold.scenes["b"].mood, warm.scenes["b"].mood) == ("calm", "calm")  # its default
