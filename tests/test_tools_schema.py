"""schema: the JSON Schemas validate every story file that loads, and refuse what
the loader refuses. jsonschema is a test-only dependency."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

from ana_story.loader import check
from ana_story.paths import shipped_story
from ana_story.tools.schema import FILES, SCHEMA_DIR, dumps, schema, schema_comment


def _validator(kind):
    return jsonschema.Draft202012Validator(schema(kind))


def _story_folders():
    folders = [p for p in sorted(FIXTURES.iterdir()) if (p / "story.yaml").is_file()]
    shipped = Path(shipped_story())
    if (shipped / "story.yaml").is_file():
        folders.append(shipped)
    return [f for f in folders if check(f)[0] is not None]


def _files(folder):
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def test_the_schemas_are_valid_json_schemas():
    for kind in FILES:
        jsonschema.Draft202012Validator.check_schema(schema(kind))


def test_committed_schema_files_match_what_the_command_prints():
    for kind, name in FILES.items():
        assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == dumps(kind)


def test_there_are_stories_to_validate():
    names = {f.name for f in _story_folders()}
    assert {"features", "tools-lint", "tools-explore", "tools-loop", "tools-random",
            "tools-tallies", "scenes"} <= names


@pytest.mark.parametrize("folder", _story_folders(), ids=lambda p: p.name)
def test_every_file_of_every_loading_story_is_valid(folder):
    for path in _files(folder):
        kind = "story" if path.name == "story.yaml" else "scene"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = sorted(_validator(kind).iter_errors(data), key=str)
        assert errors == [], f"{path}: {errors[0].message}"


@pytest.mark.parametrize("text, kind", [
    ("chapter: A\nscenes:\n  a:\n    text: x\n    choices:\n      - text: go\n"
     "        gotoo: a\n", "scene"),
    ("scenes:\n  a:\n    txt: x\n", "scene"),
    ("scenes:\n  bad id:\n    text: x\n", "scene"),
    ("scenes:\n  a:\n    text: x\n    choices:\n      - text: go\n        goto: a\n"
     "        once: maybe\n", "scene"),
    ("title: T\nautor: me\nstart: a\n", "story"),
    ("title: T\n", "story"),
    ("title: T\nstart: a\nvariables:\n  gold: {label: Gold}\n", "story"),
])
def test_what_the_loader_refuses_the_schema_refuses(text, kind):
    assert list(_validator(kind).iter_errors(yaml.safe_load(text)))


def test_schema_cli_prints_json():
    r = run_cli("schema")
    assert r.returncode == 0
    assert json.loads(r.stdout)["title"] == "ana-story scene file"
    r = run_cli("schema", "story")
    assert json.loads(r.stdout)["required"] == ["title", "start"]


def test_schema_comment_points_at_the_committed_file():
    line = schema_comment("scene", ROOT / "scenes" / "01-x.yaml")
    assert line == ("# yaml-language-server: "
                    "$schema=../ana_story/tools/schemas/scene-file.schema.json")
    target = (ROOT / "scenes" / line.split("=", 1)[1]).resolve()
    assert target == SCHEMA_DIR / FILES["scene"]


def test_shipped_scene_files_carry_the_schema_comment():
    folder = Path(shipped_story())
    files = _files(folder)
    if not any(p.name != "story.yaml" for p in files):
        pytest.fail("the shipped story has no scene files")
    for path in files:
        kind = "story" if path.name == "story.yaml" else "scene"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == schema_comment(kind, path), path
