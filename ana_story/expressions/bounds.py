"""Run-time guards that keep every story operation's cost bounded by its arguments.

Why a module of its own: the limits on *results* (numbers within 10^15, texts within
10,000 characters, a passage within 1,000,000) are checked after a value is made, and
some operations cost far more than their result: ``round(5, -10**15)`` computes
10**(10**15) to give 0, and a passage repeating a 10,000-character variable 39,000
times built 390 million characters before its length was looked at. Each guard here
refuses or short-cuts the work *before* doing it. expressions.runtime binds them into
compiled story code (see its _RUNTIME); nothing here touches I/O.
"""
from __future__ import annotations

from typing import Any

MAX_STR = 10_000  # characters in any text a story computes (the package re-exports it)
MAX_OUTPUT = 1_000_000  # characters of rendered text for one passage
MAX_ROUND_DIGITS = 400  # past this, round() of a float cannot change (floats end at 1e308)


class LimitError(ArithmeticError):
    """A story computation went past a safety limit at run time."""


def _digits(n: int) -> int:
    """An upper bound on the decimal digits of ``n``, without converting it."""
    return n.bit_length() * 30103 // 100000 + 1


def bounded_round(x: Any, n: int | None = None) -> Any:
    """round(x) and round(x, n), with the cost of ``n`` bounded.

    An int rounded to more places left than it has digits is 0, so 10**-n is never
    computed for such n; a float's digits end within 400 places either way."""
    if n is None:
        return round(x)
    if type(x) is int:
        if n >= 0:
            return x
        if -n > _digits(x) + 1:
            return 0
        return round(x, n)
    return round(x, max(-MAX_ROUND_DIGITS, min(MAX_ROUND_DIGITS, n)))


def joined_text(a: str, b: str) -> str:
    """Text ``a + b``, refused past MAX_STR before it is built."""
    if len(a) + len(b) > MAX_STR:
        raise LimitError(f"joining texts makes more than {MAX_STR} characters")
    return a + b


def take(count: list[int], part: str) -> str:
    """``part``, counted into ``count`` (a one-item list made fresh for each rendering
    of a text): each ``{{ }}`` part is counted as it is made, so a text that would
    grow past MAX_OUTPUT stops there, holding at most MAX_OUTPUT characters of parts
    (plus its own text, at most 200,000). A list and a function, not an object and
    a method: about 0.1 us less per rendering."""
    n = count[0] = count[0] + len(part)
    if n > MAX_OUTPUT:
        raise LimitError(f"the text grew past {MAX_OUTPUT} characters")
    return part
