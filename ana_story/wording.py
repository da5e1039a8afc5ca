"""Small words said the same way everywhere: counts with their plural, and play
time. One formatter each, so `saves list`, the game and the tools agree."""
from __future__ import annotations


def plural(n: int, word: str, words: str | None = None) -> str:
    """``"1 warning"``, ``"2 warnings"``, ``"0 warnings"``; ``words`` when the plural
    is not just ``word + "s"``."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def duration(seconds: float) -> str:
    """A play time as people say it: "under a minute", "12 min", "1 h 5 min"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
