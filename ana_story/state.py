"""The player's State: plain data, JSON-serialisable, cheap to copy.

Undo is "keep the previous States", save is "serialise the State", exploration
is "search over States". A State never holds compiled code or story objects,
only names and values, so a save can never carry code.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .errors import StateError

if TYPE_CHECKING:  # mypy reads them as the dataclasses they are made equal to
    from dataclasses import dataclass, field
else:  # the same classes without dataclasses' cost at start-up (records.py)
    from .records import dataclass, field

# 2: 'taken' and 'reply'; 3: 'let', 'began', 'stack', 'entered' and 'dice'. Every
# earlier format is read too (a field it lacks takes its default; see 'dice').
STATE_FORMAT = 3
READ_FORMATS = (1, 2, 3)
DICE = 2  # how random call sites are numbered: 1 load order (formats 1-2), 2 stable


class _Empty(Mapping[str, Any]):
    """An empty mapping that cannot change and hashes, so that a dataclass may share one
    as a default (a dict, even an empty one, may not be: every State would then build
    its own)."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"


# The default of the parts most States leave empty: one shared mapping, so building a
# State (every step) makes no dict for them.
NONE: Mapping[str, Any] = _Empty()


@dataclass(frozen=True, slots=True)
class Step:
    """One choice taken: which choice, from which scene, to which scene."""

    choice: str  # the choice's key, e.g. "kitchen.0"
    scene: str  # the scene the player arrived at


@dataclass(frozen=True, slots=True)
class Frame:
    """A call waiting for its return (a tunnel): the scene that called, and its visit
    as it stood, so that the return comes back to it as a stay."""

    scene: str  # the caller, which a return comes back to
    choice: str  # the key of the choice that called
    let: Mapping[str, Any] = NONE  # the caller's let: frame
    began: int = 0  # the turn the caller's visit began

    def to_json(self) -> dict[str, Any]:
        return {"scene": self.scene, "choice": self.choice, "let": dict(self.let),
                "began": self.began}


# Not frozen, and never changed once built: a frozen dataclass's constructor sets each
# field through object.__setattr__, and a State is built on every step (its 14 fields:
# 1.29 against 0.28 microseconds). tests/test_engine.py holds that no module assigns to
# a State's field; a change is a new State (dataclasses.replace).
@dataclass(slots=True)
class State:
    """Where a player is and what they did so far: all that the next turn depends on."""

    scene: str
    variables: dict[str, Any] = field(default_factory=dict)  # never mutated once built
    visits: dict[str, int] = field(default_factory=dict)  # scene id -> times entered
    once: frozenset[str] = frozenset()  # keys of once-only choices already taken
    path: tuple[Step, ...] = ()  # oldest first
    turn: int = 0  # choices taken so far; also drives random draws
    seed: int = 0
    taken: dict[str, int] = field(default_factory=dict)  # counted choice key -> times taken
    reply: str = ""  # the reply on screen, as it was worked out when the choice was taken
    let: Mapping[str, Any] = NONE  # this visit's let: values
    began: int = 0  # the turn this visit began (its let:, text and conditions draw on it)
    stack: tuple[Frame, ...] = ()  # calls waiting for their return, oldest first
    entered: Mapping[str, int] = NONE  # scene -> turn last entered
    dice: int = DICE  # how random call sites are numbered (1: a save from before 3)

    def key(self) -> tuple[Any, ...]:
        """What makes two States play the same from here on (history and the reply
        on screen aside)."""
        return (self.scene, tuple(sorted(self.variables.items())),
                tuple(sorted(self.visits.items())), tuple(sorted(self.once)),
                self.turn, self.seed, tuple(sorted(self.taken.items())),
                tuple(sorted(self.let.items())), self.began,
                tuple((f.scene, f.choice, tuple(sorted(f.let.items())), f.began)
                      for f in self.stack),
                tuple(sorted(self.entered.items())), self.dice)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "scene": self.scene,
            "variables": dict(self.variables),
            "visits": dict(self.visits),
            "once": sorted(self.once),
            "path": [[s.choice, s.scene] for s in self.path],
            "turn": self.turn,
            "seed": self.seed,
            "taken": dict(self.taken),
            "reply": self.reply,
            "let": dict(self.let),
            "began": self.began,
            "stack": [f.to_json() for f in self.stack],
            "entered": dict(self.entered),
            "dice": self.dice,
        }

    @classmethod
    def from_json(cls, data: Any) -> State:
        """Rebuild a State from parsed JSON, refusing anything of the wrong shape."""
        if not isinstance(data, dict):
            raise StateError("a state must be a JSON object")
        fmt = data.get("format", STATE_FORMAT)
        if fmt not in READ_FORMATS or isinstance(fmt, bool):
            raise StateError(f"state format {fmt!r} is not one this version reads "
                             f"(it reads {READ_FORMATS[0]} to {STATE_FORMAT})")
        scene = _want(data, "scene", str)
        variables = _variables(data)
        visits = _visits(data)
        once = _want(data, "once", list, [])
        if not all(isinstance(k, str) for k in once):
            raise StateError("'once' must be a list of choice keys")
        path = _path(data)
        turn = _want(data, "turn", int, 0)
        seed = _want(data, "seed", int, 0)
        if isinstance(turn, bool) or isinstance(seed, bool) or turn < 0:
            raise StateError("'turn' and 'seed' must be whole numbers")
        taken = _counts(data, "taken")
        reply = _want(data, "reply", str, "")
        let = _values(_want(data, "let", dict, {}), "let")
        began = _want(data, "began", int, turn if fmt < 3 else 0)
        if isinstance(began, bool) or not 0 <= began <= turn:
            raise StateError("'began' must be a whole number from 0 to 'turn'")
        stack = _stack(data)
        entered = _counts(data, "entered")
        dice = _want(data, "dice", int, 1 if fmt < 3 else DICE)
        if dice not in (1, DICE) or isinstance(dice, bool):
            raise StateError(f"'dice' must be 1 or {DICE}")
        return cls(scene, dict(variables), dict(visits), frozenset(once), path, turn, seed,
                   dict(taken), reply, let, began, stack, dict(entered), dice)


_new = object.__new__


def state_of(scene: str, variables: dict[str, Any], visits: dict[str, int],
             once: frozenset[str], path: tuple[Step, ...], turn: int, seed: int,
             taken: dict[str, int]) -> State:
    """``State(scene, variables, visits, once, path, turn, seed, taken)``, the other
    fields at their defaults, without the class call: the engine builds one on every
    step, and calling the class costs the call to its ``__init__`` on top of setting
    the fields (0.12 against 0.19 microseconds). Built here, not changed: nothing has
    seen it yet. tests/test_engine.py holds it to the class's own constructor."""
    s = _new(State)
    s.scene = scene
    s.variables = variables
    s.visits = visits
    s.once = once
    s.path = path
    s.turn = turn
    s.seed = seed
    s.taken = taken
    s.reply = ""
    s.let = NONE
    s.began = 0
    s.stack = ()
    s.entered = NONE
    s.dice = DICE
    return s


def _variables(data: dict[str, Any]) -> dict[str, Any]:
    return _values(_want(data, "variables", dict), "variable")


def _values(values: dict[str, Any], what: str) -> dict[str, Any]:
    """Story values as a save holds them (a list variable's items as a JSON list)."""
    for name, value in values.items():
        if isinstance(value, list) and all(isinstance(i, str) for i in value):
            values[name] = tuple(value)  # a list variable: its items, as in play
        elif not isinstance(value, (bool, int, float, str)):
            raise StateError(f"{what} '{name}' holds a {type(value).__name__}, "
                             "not a number, true/false or text")
    return values


def _stack(data: dict[str, Any]) -> tuple[Frame, ...]:
    frames = []
    for item in _want(data, "stack", list, []):
        if not isinstance(item, dict):
            raise StateError("each frame of 'stack' must be an object")
        began = _want(item, "began", int, 0)
        if isinstance(began, bool) or began < 0:
            raise StateError("a frame's 'began' must be a whole number >= 0")
        frames.append(Frame(_want(item, "scene", str), _want(item, "choice", str),
                            _values(_want(item, "let", dict, {}), "let"), began))
    return tuple(frames)


def _visits(data: dict[str, Any]) -> dict[str, int]:
    visits: dict[str, int] = _want(data, "visits", dict)
    for name, n in visits.items():
        if type(n) is not int or n < 0:
            raise StateError(f"visit count of '{name}' is not a whole number >= 0")
    return visits


def _counts(data: dict[str, Any], key: str) -> dict[str, int]:
    """'taken' (absent from format 1): choice key -> a whole number >= 0."""
    counts: dict[str, int] = _want(data, key, dict, {})
    for name, n in counts.items():
        if type(n) is not int or n < 0:
            raise StateError(f"the count of '{name}' in '{key}' is not a whole number >= 0")
    return counts


def _path(data: dict[str, Any]) -> tuple[Step, ...]:
    path = []
    for item in _want(data, "path", list, []):
        if not (isinstance(item, list) and len(item) == 2
                and all(isinstance(x, str) for x in item)):
            raise StateError("each step of 'path' must be [choice, scene]")
        path.append(Step(item[0], item[1]))
    return tuple(path)


_MISSING = object()


def _want(data: dict[str, Any], key: str, kind: type, default: Any = _MISSING) -> Any:
    if key not in data:
        if default is _MISSING:
            raise StateError(f"the state has no '{key}'")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise StateError(f"'{key}' should be {kind.__name__}, not {type(value).__name__}")
    return value
