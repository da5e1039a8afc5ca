"""The one did-you-mean: the nearest of a few known words to a mistyped one.

Every tool that answers a misspelling (a key, a variable, a scene, a function, a
command, a preference, a playthrough step) asks here, so they all agree on what is
"near" (difflib's ratio of 0.6) and none pays for difflib before a mistake is made."""
from __future__ import annotations

from collections.abc import Iterable


def nearest(word: str, options: Iterable[str]) -> str | None:
    """The option closest to ``word``, or None when none is close."""
    import difflib  # only on a mistake: kept off the start-up path
    close = difflib.get_close_matches(word, list(options), 1, 0.6)
    return close[0] if close else None


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """"did you mean 'X'?" for the nearest option, or None."""
    near = nearest(word, options)
    return f"did you mean '{near}'?" if near else None
