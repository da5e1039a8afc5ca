"""The player's State: plain data, JSON-serialisable, cheap to copy.

Undo is "keep the previous States", save is "serialise the State", exploration
is "search over States". A State never holds compiled code or story objects,
only names and values, so a save can never carry code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import StateError

STATE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Step:
    """One choice taken: which choice, from which scene, to which scene."""

    choice: str  # the choice's key, e.g. "kitchen.0"
    scene: str  # the scene the player arrived at


@dataclass(frozen=True, slots=True)
class State:
    scene: str
    variables: dict = field(default_factory=dict)  # never mutated once built
    visits: dict = field(default_factory=dict)  # scene id -> times entered
    once: frozenset = frozenset()  # keys of once-only choices already taken
    path: tuple = ()  # tuple[Step, ...], oldest first
    turn: int = 0  # choices taken so far; also drives random draws
    seed: int = 0

    def key(self) -> tuple:
        """What makes two States play the same from here on (history aside)."""
        return (self.scene, tuple(sorted(self.variables.items())),
                tuple(sorted(self.visits.items())), tuple(sorted(self.once)),
                self.turn, self.seed)

    def to_json(self) -> dict:
        return {
            "format": STATE_FORMAT,
            "scene": self.scene,
            "variables": dict(self.variables),
            "visits": dict(self.visits),
            "once": sorted(self.once),
            "path": [[s.choice, s.scene] for s in self.path],
            "turn": self.turn,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, data: Any) -> State:
        """Rebuild a State from parsed JSON, refusing anything of the wrong shape."""
        if not isinstance(data, dict):
            raise StateError("a state must be a JSON object")
        fmt = data.get("format", STATE_FORMAT)
        if fmt != STATE_FORMAT:
            raise StateError(f"state format {fmt!r} is not one this version reads "
                             f"(it reads {STATE_FORMAT})")
        scene = _want(data, "scene", str)
        variables = _want(data, "variables", dict)
        for name, value in variables.items():
            if not isinstance(value, (bool, int, float, str)):
                raise StateError(f"variable '{name}' holds a {type(value).__name__}, "
                                 "not a number, true/false or text")
        visits = _want(data, "visits", dict)
        for name, n in visits.items():
            if type(n) is not int or n < 0:
                raise StateError(f"visit count of '{name}' is not a whole number >= 0")
        once = _want(data, "once", list, [])
        if not all(isinstance(k, str) for k in once):
            raise StateError("'once' must be a list of choice keys")
        raw_path = _want(data, "path", list, [])
        path = []
        for item in raw_path:
            if not (isinstance(item, list) and len(item) == 2
                    and all(isinstance(x, str) for x in item)):
                raise StateError("each step of 'path' must be [choice, scene]")
            path.append(Step(item[0], item[1]))
        turn = _want(data, "turn", int, 0)
        seed = _want(data, "seed", int, 0)
        if isinstance(turn, bool) or isinstance(seed, bool) or turn < 0:
            raise StateError("'turn' and 'seed' must be whole numbers")
        return cls(scene, dict(variables), dict(visits), frozenset(once), tuple(path),
                   turn, seed)


_MISSING = object()


def _want(data: dict, key: str, kind: type, default: Any = _MISSING) -> Any:
    if key not in data:
        if default is _MISSING:
            raise StateError(f"the state has no '{key}'")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise StateError(f"'{key}' should be {kind.__name__}, not {type(value).__name__}")
    return value
