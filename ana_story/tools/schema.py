"""JSON Schemas of the story files, for editors (yaml-language-server) and tests.

They describe the shape the loader accepts: keys, nesting and kinds of value.
What a schema cannot say (does a scene exist, does an expression type-check)
stays with `ana-story check`. The committed copies in tools/schemas/ are what
scene files point at; a test keeps them equal to what this module builds.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..loader import CHOICE_KEYS, FILE_KEYS, ROUTE_KEYS, SCENE_KEYS, STORY_KEYS, VARIABLE_KEYS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
FILES = {"scene": "scene-file.schema.json", "story": "story-file.schema.json"}

ID = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$"
VAR = r"^[A-Za-z][A-Za-z0-9_]*$"
# The loader reads any scalar as text ("title: 1984" is the title "1984").
SCALAR = {"type": ["string", "number", "boolean"]}


def _text(description: str) -> dict:
    return {**SCALAR, "description": description}


def _expr(description: str) -> dict:
    return {"type": ["string", "boolean", "number"], "description": description}


def scene_file_schema() -> dict:
    route = {
        "type": "object", "additionalProperties": False, "required": ["to"],
        "properties": {
            "if": _expr("Take this route when this condition holds."),
            "to": {"type": "string", "pattern": ID, "description": "A scene id."},
        },
    }
    goto = {
        "description": "Where the choice leads: a scene id; a list of routes "
                       "(- if: ..., to: ...; the last without 'if'); or "
                       "{random: [a, b]} / {random: {a: 3, b: 1}}.",
        "oneOf": [
            {"type": "string", "pattern": ID},
            {"type": "array", "minItems": 1, "items": route},
            {"type": "object", "additionalProperties": False, "required": ["random"],
             "properties": {"random": {"oneOf": [
                 {"type": "array", "minItems": 1,
                  "items": {"type": "string", "pattern": ID}},
                 {"type": "object", "minProperties": 1,
                  "propertyNames": {"pattern": ID},
                  "additionalProperties": {"type": "number", "exclusiveMinimum": 0}},
             ]}}},
        ],
    }
    choice = {
        "type": "object", "additionalProperties": False, "required": ["text", "goto"],
        "properties": {
            "text": _text("What the player reads; may hold {{ }} and {% if %}."),
            "goto": goto,
            "if": _expr("Offered only when this condition holds, e.g. craft > 2."),
            "set": {"type": "object", "description": "Variables to change: "
                    "{ craft: craft + 1 }.", "propertyNames": {"pattern": VAR},
                    "additionalProperties": SCALAR},
            "once": {"type": "boolean", "description": "Offered only until taken once."},
            "fallback": {"type": "boolean",
                         "description": "Offered only when no other choice is available."},
            "locked": _text("Shown greyed, with this reason, when 'if' does not hold."),
            "id": {**SCALAR, "description": "A stable name for the choice (for saves "
                                            "and transcripts)."},
        },
    }
    assert set(choice["properties"]) == CHOICE_KEYS and set(route["properties"]) == ROUTE_KEYS
    scene = {
        "type": "object", "additionalProperties": False, "required": ["text"],
        "properties": {
            "title": _text("The scene's heading."),
            "text": _text("The prose; paragraphs separated by a blank line. "
                          "May hold {{ expr }} and {% if cond %}...{% endif %}."),
            "choices": {"type": ["array", "null"], "items": choice,
                        "description": "What the player can do next."},
            "tags": {"description": "Notes for authors and the UI, e.g. [home, mama].",
                     "oneOf": [{"type": "array", "items": SCALAR}, SCALAR,
                               {"type": "null"}]},
            "ending": {**SCALAR, "description": "Marks an ending: its title (or true, to "
                                                "use the scene's title)."},
            "notes": {"type": ["string", "number", "boolean", "null"],
                      "description": "Notes for authors; never shown."},
        },
    }
    assert set(scene["properties"]) == SCENE_KEYS
    schema = {
        "$schema": DRAFT,
        "$id": "https://ana-story.invalid/schemas/" + FILES["scene"],
        "title": "ana-story scene file",
        "description": "One chapter of a story: its title and its scenes.",
        "type": "object", "additionalProperties": False, "required": ["scenes"],
        "properties": {
            "chapter": _text("The chapter's title (default: from the file name)."),
            "scenes": {"type": "object", "description": "Scene id -> scene.",
                       "propertyNames": {"pattern": ID},
                       "additionalProperties": scene},
        },
    }
    assert set(schema["properties"]) == FILE_KEYS
    return schema


def story_file_schema() -> dict:
    variable = {
        "oneOf": [
            {**SCALAR, "description": "The starting value: a number, true/false or text."},
            {"type": "object", "additionalProperties": False, "required": ["value"],
             "properties": {
                 "value": {**SCALAR, "description": "The starting value."},
                 "label": _text("How `stats` names it."),
                 "visible": {"type": "boolean", "description": "Shown to the player by "
                                                               "`stats`."},
                 "description": _text("Notes for authors."),
             }},
        ],
    }
    assert set(variable["oneOf"][1]["properties"]) == VARIABLE_KEYS
    schema = {
        "$schema": DRAFT,
        "$id": "https://ana-story.invalid/schemas/" + FILES["story"],
        "title": "ana-story story.yaml",
        "description": "A story's title, first scene and variables.",
        "type": "object", "additionalProperties": False, "required": ["title", "start"],
        "properties": {
            "title": _text("The story's title."),
            "author": _text("Who wrote it."),
            "version": _text("The story's version; saves record it."),
            "id": _text("A stable id for saves (default: from the title)."),
            "description": _text("A line about the story."),
            "ifid": {"type": "string", "pattern": "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-"
                     "[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
                     "description": "The story's IFID (a UUID), for archives such as "
                                    "IFDB; chosen once, never changed."},
            "language": _text("The story's language, as a tag such as en or fr-CA."),
            "start": {"type": "string", "pattern": ID, "description": "The first scene."},
            "variables": {"type": ["object", "null"], "propertyNames": {"pattern": VAR},
                          "additionalProperties": variable,
                          "description": "Every variable with its starting value."},
            "renamed": {"type": ["object", "null"],
                        "additionalProperties": {"type": "string", "pattern": ID},
                        "description": "Old scene id -> new id, so old saves still load."},
        },
    }
    assert set(schema["properties"]) == STORY_KEYS
    return schema


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
