"""The save file format, field by field: a save to JSON bytes and back, checking
every value on the way in. No disk and no story here (see store.py and
migration.py); nothing read is ever run, only type-checked and copied.

Earlier States (for undo) are stored as their differences from the State after
them: a long playthrough would otherwise repeat every visit count a thousand
times over.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..errors import StateError
from ..expressions import MAX_INT, MAX_STR
from ..records import replace
from ..state import State, Step
from . import fields

MAX_ITEMS = 1_000  # items a list variable may hold (saves/check.py holds stories to it)

FORMAT_NAME = "ana-story-save"
FORMAT_VERSION = 1  # what this code writes
MIN_READER_VERSION = 1  # the oldest reader that can read what this code writes


class Damaged(Exception):
    """The file is not a usable save: it is moved aside."""


class Incompatible(Exception):
    """A well-formed save this copy cannot use (newer format, other story): kept as is."""


_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False,
                           separators=(", ", ": ")).encode  # C speed: no indent


def dumps(doc: dict) -> bytes:
    """JSON for people to read: one top-level field a line, the state's parts one a
    line, and each earlier moment of 'undo' on a line of its own. (json's indent=
    runs in pure Python, ten times slower on a long playthrough.)"""
    parts = []
    for key, value in doc.items():
        if key == "undo" and isinstance(value, list):
            body = "[" + ",".join("\n  " + _encode(v) for v in value) + \
                ("\n ]" if value else "]")
        elif key == "state" and isinstance(value, dict):
            body = "{" + ",".join(f"\n  {_encode(k)}: {_encode(v)}"
                                  for k, v in value.items()) + "\n }"
        else:
            body = _encode(value)
        parts.append(f" {_encode(key)}: {body}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode()


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number a save may hold")


def parse(raw: bytes) -> Any:
    """Parsed JSON, or Damaged saying why not (empty, not UTF-8, not JSON, NaN,
    nested too deep, a number too long to read)."""
    if not raw.strip():
        raise Damaged("the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Damaged("it is not text (not UTF-8)") from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
        fields.check_unicode(text, doc)
        return doc
    except fields.FieldError as e:
        raise Damaged(str(e)) from None
    except json.JSONDecodeError as e:
        raise Damaged(f"it is not valid JSON (line {e.lineno}, column {e.colno}: "
                      f"{e.msg})") from None
    except (ValueError, RecursionError) as e:
        raise Damaged(f"it is not valid JSON ({str(e)[:80] or type(e).__name__})") from None


_MISSING = object()


def want(doc: dict, key: str, kind: type, default: Any = _MISSING) -> Any:
    if key not in doc:
        if default is _MISSING:
            raise Damaged(f"it has no '{key}'")
        return default
    value = doc[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Damaged(f"'{key}' should be {_KINDS.get(kind, kind.__name__)}")
    return value


_KINDS = {int: "a whole number", dict: "an object", list: "a list", str: "text"}


def want_text(doc: dict, key: str, default: Any = _MISSING) -> str:
    value = want(doc, key, str, default)
    if len(value) > MAX_STR:
        raise Damaged(f"'{key}' is too long")
    return value


def state_from_json(data: dict) -> State:
    path = data.get("path")
    if isinstance(path, list) and len(path) > fields.MAX_PATH_STEPS:  # before building it
        raise Damaged(f"its path is longer than {fields.MAX_PATH_STEPS:,} steps")
    try:
        state = State.from_json(data)
    except StateError as e:
        raise Damaged(f"its state is malformed: {e}") from None
    check_values(state)
    try:
        fields.check_sizes(state)
    except fields.FieldError as e:
        raise Damaged(str(e)) from None
    return state


def check_values(state: State) -> None:
    """Types and bounds of everything a State holds (what State.from_json checks,
    and the limits the engine keeps while playing)."""
    _check_variables(state.variables)
    _check_visits(state.visits)
    if any(type(n) is not int or not 0 <= n <= 10**9 for n in state.taken.values()):
        raise Damaged("a count in 'taken' is not a whole number >= 0")
    if type(state.seed) is not int or type(state.turn) is not int or \
            abs(state.seed) > 2**64 or not 0 <= state.turn <= 10**9:
        raise Damaged("'seed' or 'turn' is out of range")
    _check_frames(state)


def _check_variables(variables: Mapping) -> None:
    for name, value in variables.items():
        if not isinstance(name, str):
            raise Damaged("a variable name is not text")
        if type(value) in (list, tuple):
            _check_items(name, value)
        elif type(value) not in (bool, int, float, str):
            raise Damaged(f"variable '{name}' holds a {type(value).__name__}, not a "
                          "number, true/false or text")
        if len(name) > 200:
            raise Damaged("a variable name is too long")
        if type(value) is int and abs(value) > MAX_INT:
            raise Damaged(f"variable '{name}' is larger than any story may store")
        if type(value) is float and not math.isfinite(value):
            raise Damaged(f"variable '{name}' is not a finite number")
        if type(value) is str and len(value) > MAX_STR:
            raise Damaged(f"variable '{name}' holds more than {MAX_STR} characters")


def _check_items(name: str, items: list | tuple) -> None:
    """A list variable's value: item names, as many as a story may declare."""
    if len(items) > MAX_ITEMS or not all(type(i) is str and 0 < len(i) <= 200
                                         for i in items):
        raise Damaged(f"variable '{name}' holds a list that is not of item names")


def _check_visits(visits: dict) -> None:
    for name, n in visits.items():
        if type(n) is not int or not 0 <= n <= 10**9:
            raise Damaged(f"the visit count of '{str(name)[:40]}' is not a whole "
                          "number >= 0")


def delta(earlier: State, later: State) -> dict:
    """What turns ``later`` back into ``earlier`` (path aside: see _undo_deltas)."""
    d: dict = {"scene": earlier.scene, "turn": earlier.turn}
    if earlier.seed != later.seed:
        d["seed"] = earlier.seed
    lv, ev = later.variables, earlier.variables
    changed = {k: v for k, v in ev.items()
               if k not in lv or lv[k] != v or type(lv[k]) is not type(v)}
    if changed:
        d["variables"] = changed
    gone = [k for k in lv if k not in ev]
    if gone:
        d["variables_removed"] = gone
    visits = dict(earlier.visits.items() - later.visits.items())
    if visits:
        d["visits"] = visits
    unvisited = sorted(later.visits.keys() - earlier.visits.keys())
    if unvisited:
        d["visits_removed"] = unvisited
    if earlier.once != later.once:
        d["once_added"] = sorted(earlier.once - later.once)
        d["once_removed"] = sorted(later.once - earlier.once)
    if earlier.taken != later.taken:
        d["taken"] = dict(earlier.taken)
    if earlier.reply:
        d["reply"] = earlier.reply
    return _frame_delta(d, earlier, later)


def _frame_delta(d: dict, earlier: State, later: State) -> dict:
    """The parts of a State a story with 'let:', calls or turns_since() changes (State
    format 3): each written out whole, only when it differs from the later moment's."""
    if earlier.let != later.let:
        d["let"] = dict(earlier.let)
    if earlier.began != later.began:
        d["began"] = earlier.began
    if earlier.stack != later.stack:
        d["stack"] = [f.to_json() for f in earlier.stack]
    if earlier.entered != later.entered:
        d["entered"] = dict(earlier.entered)
    if earlier.dice != later.dice:
        d["dice"] = earlier.dice
    return d


_DELTA_KEYS = {"scene", "turn", "seed", "variables", "variables_removed", "visits",
               "visits_removed", "once_added", "once_removed", "path", "path_len",
               "taken", "reply", "let", "began", "stack", "entered", "dice"}


def undo_states(raw: list, now: State) -> tuple[State, ...]:
    """Rebuild the earlier States from their deltas, newest first, checking each."""
    out = []
    later = now
    budget = fields.MAX_PATH_STEPS  # steps of earlier paths written out in full
    for d in reversed(raw):
        if not isinstance(d, dict) or not d.keys() <= _DELTA_KEYS:
            raise Damaged("an earlier moment in 'undo' is not of the right shape")
        scene = want_text(d, "scene")
        turn = want(d, "turn", int)
        seed = want(d, "seed", int, later.seed)
        variables = _as_played(_applied(later.variables, d, "variables", _check_variables,
                                        "names"), d)
        visits = _applied(later.visits, d, "visits", _check_visits, "scene names")
        more = want(d, "visits", dict, {})
        added = want(d, "once_added", list, [])
        removed = want(d, "once_removed", list, [])
        if not all(isinstance(k, str) for k in added + removed):
            raise Damaged("'once_added' and 'once_removed' in 'undo' should list choices")
        _check_keys(more, added)
        once = (later.once - frozenset(removed)) | frozenset(added)
        path = _earlier_path(d, now)
        budget -= 0 if "path_len" in d else len(path)
        if budget < 0:
            raise Damaged(f"its earlier moments hold more than "
                          f"{fields.MAX_PATH_STEPS:,} steps of path")
        if not 0 <= turn <= 10**9 or abs(seed) > 2**64 or isinstance(seed, bool):
            raise Damaged("'seed' or 'turn' of an earlier moment is out of range")
        state = _earlier_frames(d, later, State(scene, variables, visits, once, path, turn,
                                                seed, _earlier_taken(d, later),
                                                _earlier_reply(d)))
        out.append(state)
        later = state
    out.reverse()
    return tuple(out)


def _earlier_taken(d: dict, later: State) -> dict:
    """An earlier moment's taken() counts: written out when they differ from the later's."""
    taken = want(d, "taken", dict, later.taken)
    if not all(type(n) is int and 0 <= n <= 10**9 for n in taken.values()):
        raise Damaged("'taken' of an earlier moment is not whole numbers >= 0")
    _check_keys(taken, [])
    return taken


def _earlier_frames(d: dict, later: State, state: State) -> State:
    """``state`` with the delta's let, began, stack, entered and dice (each the later
    moment's when the delta leaves it out; a save before format 3 has none, and then a
    visit began on its own turn), checked as the current State's are."""
    raw = {"format": 3, "scene": state.scene, "variables": {}, "visits": {},
           "turn": state.turn,
           "let": d.get("let", dict(later.let)),
           "began": d.get("began", later.began if later.began <= state.turn else state.turn),
           "stack": d["stack"] if "stack" in d else [f.to_json() for f in later.stack],
           "entered": d.get("entered", dict(later.entered)),
           "dice": d.get("dice", later.dice)}
    try:
        got = State.from_json(raw)
    except StateError as e:
        raise Damaged(f"an earlier moment in 'undo' is malformed: {e}") from None
    _check_frames(got)
    return replace(state, let=got.let, began=got.began, stack=got.stack,
                   entered=got.entered, dice=got.dice)


def _check_frames(state: State) -> None:
    """The let: values, frames and entry turns of a State, within a save's bounds."""
    _check_variables(state.let)
    if len(state.stack) > fields.MAX_STACK:
        raise Damaged(f"its call stack is deeper than {fields.MAX_STACK}")
    for f in state.stack:
        _check_variables(f.let)
        _check_keys({f.scene: 0, f.choice: 0}, [])
    if any(type(n) is not int or not 0 <= n <= 10**9 for n in state.entered.values()):
        raise Damaged("a turn in 'entered' is not a whole number >= 0")
    _check_keys(state.entered, [])


def _earlier_reply(d: dict) -> str:
    reply = want(d, "reply", str, "")
    if len(reply) > fields.MAX_REPLY:
        raise Damaged("the reply of an earlier moment is too long")
    return reply


def _applied(base: dict, d: dict, key: str, check, what: str) -> dict:
    """``base`` with the delta's ``key``_removed names dropped and ``key`` applied."""
    out = dict(base)
    for k in want(d, f"{key}_removed", list, []):
        if not isinstance(k, str):
            raise Damaged(f"'{key}_removed' in 'undo' should list {what}")
        out.pop(k, None)
    changed = want(d, key, dict, {})
    check(changed)
    out.update(changed)
    return out


def _as_played(variables: dict, d: dict) -> dict:
    """A list's items as play holds them (a tuple), when the delta ``d`` sets a list."""
    changed = d.get("variables")
    if not isinstance(changed, dict) or not any(type(v) is list for v in changed.values()):
        return variables
    return {k: tuple(v) if type(v) is list else v for k, v in variables.items()}


def _earlier_path(d: dict, now: State) -> tuple[Step, ...]:
    """An earlier moment's path: a length of the current one, or written out."""
    if "path_len" not in d:
        return _steps(want(d, "path", list))
    n = d["path_len"]
    if type(n) is not int or not 0 <= n <= len(now.path) or "path" in d:
        raise Damaged("an earlier moment in 'undo' has a bad 'path_len'")
    return now.path[:n]


def _check_keys(visits: Mapping, once: list) -> None:
    limit = fields.MAX_KEY_LEN
    if any(len(k) > limit for k in visits) or any(len(k) > limit for k in once):
        raise Damaged(f"an earlier moment in 'undo' holds a name longer than {limit} "
                      "characters")


def _steps(raw: list) -> tuple[Step, ...]:
    if len(raw) > fields.MAX_PATH_STEPS:
        raise Damaged(f"the path of an earlier moment is longer than "
                      f"{fields.MAX_PATH_STEPS:,} steps")
    if not all(isinstance(i, list) and len(i) == 2 and all(isinstance(x, str) for x in i)
               for i in raw):
        raise Damaged("each step of a 'path' must be [choice, scene]")
    if any(len(a) > fields.MAX_KEY_LEN or len(b) > fields.MAX_KEY_LEN for a, b in raw):
        raise Damaged(f"a step of an earlier path is longer than {fields.MAX_KEY_LEN} "
                      "characters")
    return tuple(Step(a, b) for a, b in raw)
