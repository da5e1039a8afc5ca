"""A regular expression compiled when it is first used rather than at import.

Why: compiling a pattern costs a tenth to half a millisecond, and some modules on the
way to the first screen hold patterns only an error, an author tool or a later turn
reads (issue 17's start-up). ``lazy(...)`` stands for ``re.compile(...)`` at module
level: the same pattern object, made at its first use.
"""
from __future__ import annotations

import re
from typing import Any, cast


class _Later:
    """A pattern's source and flags until it is first used; then the pattern."""

    __slots__ = ("pattern", "flags", "compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern, self.flags = pattern, flags
        self.compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # search, match, sub, finditer...
        compiled = self.compiled
        if compiled is None:
            compiled = self.compiled = re.compile(self.pattern, self.flags)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled at its first use."""
    return cast("re.Pattern[str]", _Later(pattern, flags))
