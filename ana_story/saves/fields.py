"""Bounds on a save's fields that the engine, the file system and the terminal need,
checked the same way at import, load and listing (store.py), and kept by the
writer, so the game never writes a save it would refuse.

- ``saved_at``: an aware date that every time zone can show (a year-1 date with a
  +23:59 offset, or year 9999 with -23:59, overflows when shown in local time); a
  naive one is taken as UTC.
- text: valid Unicode (a ``\\ud800`` escape in JSON gives a lone surrogate that
  cannot be written back, so the next autosave would fail).
- the path (each choice taken): at most MAX_PATH_STEPS steps, so a choice never
  costs seconds of encoding. Play keeps the newest steps (see trim_paths).
- slot names: at most MAX_SLOT_BYTES bytes of UTF-8, so every file the store
  derives from a name (``.prev.json``, temporary and damaged copies) fits the
  255-byte limit of file names.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..lazyre import lazy
from ..records import replace
from ..state import State

if TYPE_CHECKING:  # datetime is imported when a save is read, not to start
    from datetime import datetime

MAX_UNDO = 1000  # earlier States a save keeps, and a game too (codec.MAX_UNDO)
MAX_PATH_STEPS = 10_000  # steps of a save's path; hours of play past any real story
MAX_SLOT_BYTES = 200  # 255 minus ".prev" + ".<stamp>-<n>.json" or ".tmp-…" suffixes
MAX_PLAY_SECONDS = 10**11  # about 3,000 years
MAX_KEY_LEN = 20_000  # a visit key, once key or path step (scene ids and choice keys)
_EARLIEST, _LATEST = 2, 9998  # years every time zone can show (offsets are < 24 h)

_SURROGATE_ESCAPE = lazy(r"\\u[dD][89abcdefABCDEF]")


class FieldError(ValueError):
    """A field out of bounds; the store turns it into Damaged with this message."""


def saved_at(text: str) -> datetime:
    """The moment a save was made, as an aware UTC datetime that local time can
    show in any zone; FieldError if it is no such date."""
    try:
        from datetime import datetime, timezone
        when = datetime.fromisoformat(text)
    except ValueError:
        raise FieldError("'saved_at' is not a date and time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        when = when.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise FieldError("'saved_at' is outside the years 2 to 9998") from None
    if not _EARLIEST <= when.year <= _LATEST:
        raise FieldError("'saved_at' is outside the years 2 to 9998")
    return when


def check_unicode(text: str, doc: Any) -> None:
    """FieldError if the JSON ``text`` (parsed as ``doc``) holds a lone surrogate.
    Only a \\uD8xx-\\uDFxx escape can make one, so other files cost a regex scan."""
    if not _SURROGATE_ESCAPE.search(text):
        return
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise FieldError("it holds text that is not valid Unicode (a lone "
                         "surrogate)") from None


def play_seconds(value: Any) -> float:
    if type(value) not in (int, float) or not 0 <= value <= MAX_PLAY_SECONDS:
        raise FieldError("'play_seconds' should be a number of seconds")
    return float(value)


MAX_STACK = 1_000  # calls waiting for their return (the loader refuses cyclic calls)
MAX_REPLY = 1_000_000  # characters of the reply on screen (the engine's MAX_OUTPUT)


def check_sizes(state: State) -> None:
    """FieldError if a State holds more than a save may: the path's length, and
    the length of every key it keeps."""
    if len(state.path) > MAX_PATH_STEPS:
        raise FieldError(f"its path is longer than {MAX_PATH_STEPS:,} steps")
    if len(state.reply) > MAX_REPLY:
        raise FieldError(f"the reply it shows is longer than {MAX_REPLY:,} characters")
    for keys in (state.visits, state.once, state.taken):
        if any(len(k) > MAX_KEY_LEN for k in keys):
            raise FieldError(f"it holds a scene or choice name longer than "
                             f"{MAX_KEY_LEN} characters")
    if any(len(s.choice) > MAX_KEY_LEN or len(s.scene) > MAX_KEY_LEN for s in state.path):
        raise FieldError(f"a step of its path is longer than {MAX_KEY_LEN} characters")


MAX_SEED = 2**64 - 1  # a seed a save accepts (fileformat allows |seed| <= 2**64)


def seed_arg(text: str) -> int:
    """argparse type of --seed: a whole number a save can hold, 0 to 2**64 - 1."""
    import argparse
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        shown = text if len(text) <= 30 else text[:30] + "…"
        raise argparse.ArgumentTypeError(f"'{shown}' is not a seed: give a whole number "
                                         f"from 0 to {MAX_SEED}")
    return value


def slot_bytes_ok(slot: str) -> bool:
    return len(slot.encode("utf-8", "surrogatepass")) <= MAX_SLOT_BYTES


class PathTrim:
    """Keeps the paths a save writes within MAX_PATH_STEPS.

    The path is a record (history, the chapters of an ending's summary); undo and
    endings use whole States. Past the bound, the oldest steps are dropped from the
    current State and every earlier one alike, in blocks of half the bound, so an
    earlier path stays the start of the later one (undo stores it as a length) and
    the trimmed States are reused from one autosave to the next."""

    def __init__(self) -> None:
        self._memo: dict = {}  # id(state) -> (state, cut, trimmed)

    def apply(self, now: State, undo: tuple[State, ...]) -> tuple[State, tuple[State, ...]]:
        n = len(now.path)
        if n <= MAX_PATH_STEPS and all(len(s.path) <= MAX_PATH_STEPS for s in undo):
            self._memo = {}
            return now, undo
        half = MAX_PATH_STEPS // 2
        cut = max(0, (n - half) // half * half)
        fresh: dict = {}

        def trim(s: State) -> State:
            hit = self._memo.get(id(s))
            if hit is None or hit[0] is not s or hit[1] != cut:
                path = s.path[cut:] if len(s.path) - cut <= MAX_PATH_STEPS and \
                    len(s.path) >= cut else s.path[-half:]
                hit = (s, cut, replace(s, path=path))
            fresh[id(s)] = hit
            return hit[2]

        out = trim(now), tuple(trim(s) for s in undo)
        self._memo = fresh
        return out


def bound_play(state: State, undo: list, keep: int) -> State:
    """Keep a game's memory bounded, as a save is: ``undo`` (a list, trimmed in
    place) holds at most ``keep`` - 1 earlier States before the next is added, and
    past MAX_PATH_STEPS the oldest half of the path is dropped from the State and
    every earlier one alike (so each earlier path stays the start of the later).
    Each State holds its own copy of the path, so without this a game's memory
    grows with the square of its length (20,000 choices took 1.5 GB)."""
    if len(undo) >= keep:
        del undo[:len(undo) - keep + 1]
    n = len(state.path)
    if n <= MAX_PATH_STEPS:
        return state
    cut = n - MAX_PATH_STEPS // 2

    def trim(s: State) -> State:
        path = s.path[cut:] if len(s.path) >= cut else s.path[-(MAX_PATH_STEPS // 2):]
        return replace(s, path=path)
    undo[:] = [trim(s) for s in undo]
    return trim(state)
