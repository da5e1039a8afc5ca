"""JSON Schemas of the story files, for editors (yaml-language-server) and tests.

They are generated from the one description of the format (storyformat.py), the
one the loader's walk reads: keys, nesting and kinds of value. What a schema
cannot say (does a scene exist, does an expression type-check) stays with
`ana-story check`. The committed copies in tools/schemas/ are what scene files
point at; a test keeps them equal to what this module builds.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import storyformat as sf

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
FILES = {"scene": "scene-file.schema.json", "story": "story-file.schema.json"}

# The loader reads any scalar as text ("title: 1984" is the title "1984").
SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean"]}
_ID = {"type": "string", "pattern": sf.ID}
_ITEM = {"type": "string", "pattern": sf.VAR}  # an item of a list variable
_IFID = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"


def _random() -> dict:
    return {"oneOf": [
        {"type": "array", "minItems": 1, "items": _ID},
        {"type": "object", "minProperties": 1, "propertyNames": {"pattern": sf.ID},
         "additionalProperties": {"type": "number", "exclusiveMinimum": 0}},
    ]}


def _goto() -> dict:
    one = {**record(sf.GOTO_MAP), "minProperties": 1, "maxProperties": 1}
    return {"oneOf": [_ID, {"type": "array", "minItems": 1, "items": record(sf.ROUTE)}, one]}


def _kind(kind: str | sf.Record) -> dict:
    """The schema of one kind of value (a record's, for a record)."""
    if isinstance(kind, sf.Record):
        return record(kind)
    simple: dict[str, dict] = {
        sf.TEXT: SCALAR, sf.TEMPLATE: SCALAR, sf.COMMENT: SCALAR, sf.ENDING: SCALAR,
        sf.VALUE: {"oneOf": [SCALAR, {"type": "array", "items": _ITEM}]},
        sf.ITEM: _ITEM,
        sf.CONDITION: {"type": ["string", "boolean", "number"]},
        sf.EXPRESSION: {"type": ["string", "boolean", "number"]},
        sf.PARAMS: {"type": "object", "propertyNames": {"pattern": sf.VAR},
                    "additionalProperties": {"enum": sorted(sf.PARAM_TYPES)}},
        sf.BOOL: {"type": "boolean"}, sf.SCENE: _ID, sf.NUMBER: {"type": "number"},
        sf.IFID: {"type": "string", "pattern": _IFID},
        sf.EFFECTS: {"type": "object", "propertyNames": {"pattern": sf.VAR},
                     "additionalProperties": SCALAR},
        sf.TAGS: {"oneOf": [{"type": "array", "items": SCALAR}, SCALAR]},
    }
    if kind in simple:
        return dict(simple[kind])
    if kind == sf.RETURN:
        return {"oneOf": [{"const": True}, _ID]}
    return _goto() if kind == sf.GOTO else _random()


def _field(f: sf.Field) -> dict:
    if f.kind == sf.LIST:
        assert f.item is not None
        out = {"type": "array", "items": _kind(f.item)}
    elif f.kind == sf.MAP:
        assert f.item is not None
        out = {"type": "object"}
        if f.keys:
            out["propertyNames"] = {"pattern": f.keys}
        out["additionalProperties"] = _kind(f.item)
    else:
        out = _kind(f.kind)
    if f.empty_ok:
        if "oneOf" in out:
            out["oneOf"] = [*out["oneOf"], {"type": "null"}]
        else:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
    return {**out, "description": f.help}


def record(r: sf.Record) -> dict:
    """A record as a JSON object schema (or either it or its short scalar form)."""
    out: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if r.required:
        out["required"] = list(r.required)
    out["properties"] = {f.name: _field(f) for f in r.fields}
    if r.short:
        return {"oneOf": [{**SCALAR, "description": r.short}, out]}
    return out


def _file(kind: str, r: sf.Record) -> dict:
    return {"$schema": DRAFT, "$id": "https://ana-story.invalid/schemas/" + FILES[kind],
            "title": r.title, "description": r.help, **record(r)}


def scene_file_schema() -> dict:
    return _file("scene", sf.SCENE_FILE)


def story_file_schema() -> dict:
    return _file("story", sf.STORY_FILE)


def schema(kind: str) -> dict:
    return scene_file_schema() if kind == "scene" else story_file_schema()


def dumps(kind: str) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def schema_comment(kind: str, file: Path) -> str:
    """The yaml-language-server line for ``file``, pointing at the committed schema."""
    import os
    target = SCHEMA_DIR / FILES[kind]
    rel = os.path.relpath(target, Path(file).resolve().parent)
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}"
