"""The project's one exception hierarchy.

Every error a user can cause is an :class:`AnaStoryError` carrying the data to
explain itself; the CLI is the one place that turns them into messages and exit
codes. Anything else that escapes is an engine bug.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .records import asdict

if TYPE_CHECKING:  # mypy reads them as the dataclasses they are made equal to
    from dataclasses import dataclass
else:  # the same classes without dataclasses' cost at start-up (records.py)
    from .records import dataclass

# Diagnostics saying a file (or the story) could not be read at all.
UNREAD_CODES = frozenset({"yaml-syntax", "encoding", "unreadable-file", "outside-folder"})


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a story, pointing at the author's own line."""

    file: str
    line: int  # 1-based; 0 when the problem is about the file as a whole
    column: int  # 1-based; 0 when unknown
    code: str  # stable, kebab-case: "unknown-key", "yaml-syntax", ...
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def to_json(self) -> dict:
        return asdict(self)

    def sort_key(self) -> tuple:
        # a file that could not be read comes first: it may explain errors elsewhere
        unread = self.code in UNREAD_CODES or (self.code == "too-large" and self.line == 0)
        return (not unread, self.file, self.line, self.column, self.code)


class AnaStoryError(Exception):
    """Base of every error the CLI knows how to explain."""

    exit_code = 1


class StoryError(AnaStoryError):
    """A story that cannot be loaded: carries every diagnostic found in one pass."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        n = sum(1 for d in self.diagnostics if d.severity == "error")
        super().__init__(f"the story has {n} error{'s' if n != 1 else ''}")


class StoryRuntimeError(AnaStoryError):
    """An author's expression failed while playing (division by zero, a size limit)."""

    def __init__(self, message: str, *, file: str = "", line: int = 0,
                 column: int = 0, scene: str = ""):
        self.file, self.line, self.column, self.scene = file, line, column, scene
        where = f"{file}:{line}:{column}: " if file else ""
        in_scene = f" (in scene '{scene}')" if scene else ""
        super().__init__(f"{where}{message}{in_scene}")


class ChoiceError(AnaStoryError):
    """A caller asked for a choice that is not on offer."""


class StateError(AnaStoryError):
    """A State (from a save, say) that does not fit the story or is malformed."""


class SaveError(AnaStoryError):
    """A save that cannot be written, read or used; the message names the slot or
    file and the reason (disk full, damaged, made for another story, ...)."""

    def __init__(self, message: str, *, slot: str = "", file: str = ""):
        self.slot, self.file = slot, file
        super().__init__(message)


class PublishError(AnaStoryError):
    """What `publish` was asked to write cannot be written (a read-only folder, a full disk...)."""


class UsageError(AnaStoryError):
    """The command line was used wrongly."""

    exit_code = 2
