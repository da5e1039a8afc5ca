"""After every scene is built: the choices taken() names checked against the
choices that exist, and those choices marked to be counted by the State."""
from __future__ import annotations

from dataclasses import replace

from ..model import Scene
from .reader import Reader, suggest_key


def counted_choices(reader: Reader, scenes: dict[str, Scene], named: dict[str, None],
                    unread_explains) -> dict[str, Scene]:
    """``scenes`` with each choice a taken() names marked ``counted``; an unknown
    choice key is an error at its quote, with a did-you-mean."""
    keys = {c.key for sc in scenes.values() for c in sc.choices}
    for file, line, col, key in reader.choice_refs:
        if key not in keys and not unread_explains(key.rpartition(".")[0]):
            scene = key.rpartition(".")[0]
            ids = [c.key for c in scenes[scene].choices] if scene in scenes else keys
            reader.error(file, (line, col), "unknown-choice", f"unknown choice '{key}'",
                         suggest_key(key, ids) or _hint(scene, scenes))
    if not named:
        return scenes
    out = dict(scenes)
    for sid in {k.rpartition(".")[0] for k in named} & scenes.keys():
        sc = scenes[sid]
        out[sid] = replace(sc, choices=tuple(replace(c, counted=True) if c.key in named
                                             else c for c in sc.choices))
    return out


def _hint(scene: str, scenes: dict[str, Scene]) -> str:
    if scene in scenes:
        return (f"the choices of '{scene}' are "
                + ", ".join(f"'{c.key}'" for c in scenes[scene].choices)
                + ": a choice is named by its scene and its 'id', or its number from 0")
    return "name a choice as 'scene.id' (its 'id:'), or 'scene.0' for the scene's first"
