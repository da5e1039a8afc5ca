"""The one rule for a number the player types: a choice, a menu entry, 'undo 3'.

Why a rule of its own: ``str.isdigit()`` is true for '²', '①' and other Unicode
digits that ``int()`` refuses, and ``int()`` of a 5,000-digit line passes Python's
int-string limit; both crashed the game. Only ASCII digits make a number here, and
a number longer than any menu can be reads as TOO_LARGE instead of being converted.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

from ..lazyre import lazy

MAX_DIGITS = 6  # no menu, choice list or undo stack reaches a million


class _TooLarge(int):
    """A number past every menu, which reads as "that large" wherever it is shown
    ("There is no choice that large here"): the digits typed are never echoed."""

    def __str__(self) -> str:
        return "that large"

    def __format__(self, spec: str) -> str:
        return "that large"


TOO_LARGE = _TooLarge(10 ** MAX_DIGITS)  # what a longer run of digits reads as
_DIGITS = lazy(r"[0-9]+", re.ASCII)


def read_number(text: str) -> int | None:
    """The whole number ``text`` is (spaces around it allowed), else None.

    ASCII digits only; a number of more than MAX_DIGITS significant digits is
    TOO_LARGE, so the caller's range check refuses it without converting it."""
    s = text.strip()
    if not _DIGITS.fullmatch(s):
        return None
    s = s.lstrip("0") or "0"
    if len(s) > MAX_DIGITS:
        return TOO_LARGE
    return int(s)


# --- the length of one typed line ------------------------------------------------------

MAX_LINE = 1_000  # characters in one line of input: no choice, command or name is longer


def too_long(line: str) -> bool:
    """A line at the cap was cut short on the way in: the game refuses it, saying so."""
    return len(line) >= MAX_LINE


def read_capped(stream: IO[str], limit: int = MAX_LINE) -> str:
    """One line from a plain-mode ``stream`` (with its newline, '' at the end), at most
    ``limit`` characters kept: the rest of a longer line is read and dropped, so a
    paste of any size costs one pass and never becomes the next lines' commands."""
    line = stream.readline(limit)
    if len(line) < limit or line.endswith("\n"):
        return line
    while True:
        more = stream.readline(65536)
        if not more or more.endswith("\n"):
            return line + "\n"


def cap_pasted_keys(app: Any, buffer: Any, limit: int = MAX_LINE) -> None:
    """Make a prompt_toolkit ``app`` take a flood of typed characters in one step.

    Why: pasted text without bracketed paste arrives as one key press per character,
    and prompt_toolkit looks up key bindings and updates the buffer for each, about
    0.5 ms a character here: 25 KB took 50 s. Runs of plain characters in one batch
    are joined into one paste event, cut to what still fits in ``buffer`` under
    ``limit``; a bracketed paste is cut the same way."""
    from prompt_toolkit.key_binding.key_processor import KeyPress
    from prompt_toolkit.keys import Keys

    processor = app.key_processor
    feed_multiple = processor.feed_multiple

    def room(pending: int) -> int:
        return max(0, limit - len(buffer.text) - pending)

    def joined(keys: list) -> list:
        out, run, pending = [], [], 0
        for k in keys:
            plain = isinstance(k.key, str) and len(k.key) == 1 and k.key.isprintable()
            if plain:
                run.append(k.key)
                continue
            if run:
                text = "".join(run)[:room(pending)]
                pending += len(text)
                out.append(KeyPress(Keys.BracketedPaste, text))
                run = []
            if k.key == Keys.BracketedPaste:
                k = KeyPress(Keys.BracketedPaste, k.data[:room(pending)])
                pending += len(k.data)
            elif k.key in (Keys.ControlM, Keys.ControlJ):
                pending = -len(buffer.text)  # Enter: the next line starts empty
            out.append(k)
        if run:
            out.append(KeyPress(Keys.BracketedPaste, "".join(run)[:room(pending)]))
        return out

    def capped(keys: Iterable, first: bool = False) -> None:
        keys = list(keys)
        if len(keys) > 1 or (keys and keys[0].key == Keys.BracketedPaste):
            keys = joined(keys)
        feed_multiple(keys, first=first)

    processor.feed_multiple = capped
