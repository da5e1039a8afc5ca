"""What an explore proof depends on, as digests (incremental.py compares them).

- ``story_id``: everything but the scenes (variables and their declarations,
  functions, snippets, the start, the chapters...) with explore's options.
- ``scene_ids``: each scene's whole compiled form (its texts and where they are
  written included): a scene whose digest changed is re-checked.
- ``unplaced_id``: a scene without where it is written, so that lines added above
  it in its file do not count as a change to it.
- ``effect_id``: of one scene, what makes the States it leads to (effects, 'enter:',
  'let:', once, stay, counted, the routes' targets and weights): when it changed,
  the States after it may differ in values no key holds, and the proof is redone.
  Its texts and conditions are not in it: those the re-check plays again.
- ``frame_id``: of one scene, its effects but its choices' (reshape.py: an edit of
  choices' effects only re-checks the ways on of the scene's States).
- ``keyer_id``: the abstraction the search merges States by (key.py's layout);
  ``layout_ids`` the same per scene.
"""
from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Any

from ... import modeljson
from ...digests import sha256
from ...expressions import Expr, Template
from ...model import Choice, Route, Scene, Story
from .key import Keyer

# Fields whose change a re-check of the scene's States covers (texts, conditions,
# where a thing is written); every other field is an effect.
_CHECKED = {"text", "title", "title_template", "notes", "where", "tags", "locked", "reply",
            "condition", "ending", "draws"}
_KNOWN = {Scene: {"id", "title", "chapter", "text", "choices", "tags", "ending", "notes",
                  "where", "title_template", "enter", "next", "let", "draws"},
          Choice: {"key", "index", "text", "goto", "condition", "effects", "once", "fallback",
                   "locked", "where", "reply", "stay", "counted"},
          Route: {"scene", "condition", "weight", "where"}}


def _digest(x: Any) -> str:
    return sha256(json.dumps(x, sort_keys=True, default=repr).encode()).hexdigest()


def story_id(story: Story, options: dict) -> tuple[str, dict[str, str]]:
    """(the story-level digest with ``options``, each scene's digest)."""
    out = modeljson.Out()
    scenes = {sid: sha256(data).hexdigest() for sid, data in modeljson.scenes_json(story, out)}
    rest = modeljson.index_json(story, out, {})
    return _digest([sha256(rest).hexdigest(), options, list(scenes)]), scenes


def known_model() -> bool:
    """Whether the model has only the fields ``effect_id`` knows what to do with."""
    return all({f.name for f in fields(cls)} <= names for cls, names in _KNOWN.items())


def _plain(x: Any, skip: set[str] = _CHECKED) -> Any:
    """``x`` as JSON data without the fields ``skip``; an expression or text as its
    source (and whether it draws or varies)."""
    if isinstance(x, Expr | Template):
        return ["code", x.source, getattr(x, "site0", 0), getattr(x, "place", None) is not None]
    if isinstance(x, tuple | list):
        return [_plain(y, skip) for y in x]
    if isinstance(x, frozenset | set):
        return sorted(repr(y) for y in x)
    if isinstance(x, dict):
        return {str(k): _plain(v, skip) for k, v in x.items()}
    if is_dataclass(x) and not isinstance(x, type):
        return {f.name: _plain(getattr(x, f.name), skip) for f in fields(x)
                if f.name not in skip}
    if x is None or isinstance(x, str | int | float | bool):
        return x
    return ["?", type(x).__name__]  # a field of a kind unknown here: never equal by chance


def effect_id(scene: Scene) -> str:
    """What the States this scene leads to are made of (see the module docstring)."""
    return _digest([_frame(scene), ways_id(scene), scene.ending is not None])


def _frame(scene: Scene) -> Any:
    return _plain(scene, _CHECKED | {"choices"})


def frame_id(scene: Scene) -> str:
    """What the scene makes of a State entering it, its choices aside ('enter:',
    'let:', ...): the same when only its choices (and texts) changed."""
    return _digest([_frame(scene), scene.ending is not None])


def ways_id(scene: Scene) -> list[str]:
    """What each of the scene's choices makes of the States it leads to (its part of
    ``effect_id``), in order."""
    return [_digest(_plain(c)) for c in scene.choices]


_EFFECTS = {"goto", "effects", "once", "stay", "counted"}  # a choice's, but its 'fallback'


def shown_id(scene: Scene) -> str:
    """The scene without its choices' effects: the same when only those changed
    (what a State of it shows and offers is then what it was)."""
    return _digest(_plain(scene, _EFFECTS))


def scene_ids(scene: Scene) -> dict[str, Any]:
    """A scene's effect_id, unplaced_id, logic_id, frame_id, ways_id and shown_id,
    by the memo's names."""
    frame, ways, ending = _frame(scene), ways_id(scene), scene.ending is not None
    return {"effects": _digest([frame, ways, ending]), "unplaced": unplaced_id(scene),
            "logic": logic_id(scene), "frames": _digest([frame, ending]), "ways": ways,
            "shown": shown_id(scene)}


def _kind(t: Any) -> list:
    """How one part of a key numbers its values (key.py's _Cells, _Clamp, _Table)."""
    kind = type(t).__name__
    if hasattr(t, "points"):
        return [kind, list(t.points)]
    if hasattr(t, "low"):
        return [kind, getattr(t.table, "name", ""), t.low, t.high]
    return [kind, getattr(t, "name", "")]


def logic_id(scene: Scene) -> str:
    """The scene without its texts (its conditions in it): the same when only texts
    changed."""
    return _digest(_plain(scene, {"text", "title", "title_template", "notes", "where",
                                  "tags", "locked", "reply", "ending"}))


def unplaced_id(scene: Scene) -> str:
    """The scene with everything but where it is written: the same when only lines
    above it in its file were added or removed (its texts' places aside)."""
    return _digest(_plain(scene, {"where"}))


def placed(scene: Scene) -> bool:
    """Whether a text of the scene has a place (a variation block, a draw): such a
    text may play differently when only its place moved."""
    texts = [scene.text, scene.title_template] + \
        [t for c in scene.choices for t in (c.text, c.locked, c.reply)]
    return any(getattr(t, "place", None) is not None for t in texts)


def keyer_id(keyer: Keyer) -> str:
    """The key's layout: per scene what is kept exactly, by thresholds, counted."""
    return _digest([*_layouts(keyer).items()])


def layout_ids(keyer: Keyer) -> dict[str, str]:
    """``keyer_id`` in parts: each scene's layout, and the story-wide part under ""
    (rerun.py re-keys only the scenes whose part changed)."""
    return {sid: _digest(part) for sid, part in _layouts(keyer).items()}


def _layouts(keyer: Keyer) -> dict[str, list]:
    parts: dict[str, list] = {}
    for sid, (number, _, tables, every, caps, bits, width, _at) in keyer.per_scene.items():
        kinds = [_kind(t) for t in tables]
        parts[sid] = [sid, number, list(keyer.layout[number]), kinds, list(every),
                      [c.cap for c in caps], sorted(bits.items()), width]
    parts[""] = [list(keyer.taken), [c.cap for c in keyer.taken_caps], keyer.framed,
                 list(keyer.timed)]
    return parts
