"""A story whose saves the game would refuse is a story error.

Loading a save checks every field against bounds (fileformat.py, fields.py).
Whatever the story itself puts into a save must fit them, or the first autosave
is one the next start refuses. `check` and every command that loads a story
report the mismatch here, at the author's line, before anyone plays.
"""
from __future__ import annotations

import math

from ..errors import Diagnostic
from ..expressions import MAX_INT, MAX_STR
from ..model import Location, Story
from .fields import MAX_KEY_LEN
from .fileformat import MAX_ITEMS

MAX_VAR_NAME = 200  # what fileformat accepts as a variable name


def _diag(where: Location | None, fallback: str, message: str, hint: str) -> Diagnostic:
    if where is None:
        return Diagnostic(fallback, 0, 0, "too-large", message, hint)
    return Diagnostic(where.file, where.line, where.column, "too-large", message, hint)


def start_value_problem(value: object) -> str | None:
    """Why a variable's value could not be saved, or None: the bounds the engine
    keeps in play (numbers within 10^15, finite, text within 10,000 characters)."""
    if type(value) is int and abs(value) > MAX_INT:
        return f"is larger than {MAX_INT:,}, the most a story may store"
    if type(value) is float and not math.isfinite(value):
        return "is not a finite number"
    if type(value) is str:
        if len(value) > MAX_STR:
            return f"is longer than {MAX_STR:,} characters, the most a story may store"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "is not valid Unicode text"
    return None


def diagnostics(story: Story, story_file: str) -> list[Diagnostic]:
    """Every part of ``story`` a save would carry but a save may not hold."""
    out = []
    for v in story.variables.values():
        why = start_value_problem(v.initial)
        if why:
            out.append(_diag(v.where, story_file, f"the starting value of '{v.name}' {why}",
                             "a save holds at most that; start with a smaller value"))
        if len(v.items) > MAX_ITEMS or any(len(i) > MAX_VAR_NAME for i in v.items):
            out.append(_diag(v.where, story_file, f"the list '{v.name[:40]}' declares more "
                             f"than {MAX_ITEMS:,} items, or an item name longer than "
                             f"{MAX_VAR_NAME} characters", "a save holds at most that"))
        if len(v.name) > MAX_VAR_NAME:
            out.append(_diag(v.where, story_file, f"the variable name '{v.name[:40]}…' is "
                             f"longer than {MAX_VAR_NAME} characters", "use a shorter name"))
    for what, text, hint in (
            ("the story's id", story.id, "shorten the title, or give a short 'id:'"),
            ("the story's version", story.version, "shorten the 'version:'")):
        if len(text) > MAX_STR:
            out.append(_diag(None, story_file, f"{what} is longer than {MAX_STR:,} "
                             "characters, more than a save records", hint))
    for scene in story.scenes.values():
        out.extend(_scene_problems(scene, story_file))
    return out


def _scene_problems(scene, story_file: str) -> list[Diagnostic]:
    out = []
    if len(scene.id) > MAX_KEY_LEN:
        out.append(_diag(scene.where, story_file, f"the scene id '{scene.id[:40]}…' is "
                         f"longer than {MAX_KEY_LEN:,} characters", "use a shorter id"))
    for what, text in (("title", scene.title), ("chapter title", scene.chapter)):
        if len(text) > MAX_STR:
            out.append(_diag(scene.where, story_file, f"the {what} of scene "
                             f"'{scene.id[:40]}' is longer than {MAX_STR:,} characters",
                             "a save records it; shorten it"))
    for c in scene.choices:
        if len(c.key) > MAX_KEY_LEN:
            out.append(_diag(c.where or scene.where, story_file,
                             f"the choice id '{c.key[:40]}…' is longer than "
                             f"{MAX_KEY_LEN:,} characters", "use a shorter id"))
    return out
