"""Plain data the game hands to a front end (Rich or plain text) to show.

The game decides what is shown; a front end only decides how."""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .. import wording

if TYPE_CHECKING:  # datetime is imported when a date is shown, off the first screen
    from datetime import datetime

# The in-game commands as `help` lists them (both front ends).
COMMANDS = (
    ("1, 2, ...", "take that choice (or ↑/↓ and Enter)"),
    ("save [name]", "save your place (default: quicksave)"),
    ("load [name]", "go back to a save"),
    ("saves", "list your saves"),
    ("undo [n]", "take back the last choice, or the last n"),
    ("redo [n]", "take again a choice you took back (until you make a new one)"),
    ("history", "the story so far"),
    ("repeat", "read the current scene again"),
    ("skip", "skip text you have read before, until the first unread text "
             "(Ctrl-F in the terminal)"),
    ("stats", "what the story keeps count of"),
    ("endings", "the endings you have found, and when"),
    ("chapters", "start again from a chapter you reached"),
    ("restart", "begin the story again"),
    ("help", "this list"),
    ("quit", "save and leave (Ctrl-C and Ctrl-D do the same)"),
)


class MenuItem(NamedTuple):
    key: str  # what picking it means: "continue", "new", "load", "quit", a slot...
    label: str
    detail: str = ""
    enabled: bool = True


class HistoryEntry(NamedTuple):
    chapter: str
    title: str
    text: str
    chosen: str | None  # the choice the player took here; None for the present


class StatRow(NamedTuple):
    """One line of the stats screen. A "value" row is a label and a value; a "bar"
    is also filled to ``fill`` (0 to 1) of its ``scale`` ("of 100"); an "opposed"
    pair is ``label`` at ``value`` ("60%") against ``right`` at ``other``."""

    label: str
    value: str
    kind: str = "value"
    fill: float = 0.0
    scale: str = ""
    right: str = ""
    other: str = ""

    @property
    def detail(self) -> str:
        """What follows the label when said in words: "40 of 100", "60%, What sells 40%"."""
        if self.kind == "bar":
            return f"{self.value} {self.scale}"
        if self.kind == "opposed":
            return f"{self.value}, {self.right} {self.other}"
        return self.value

    @property
    def said(self) -> str:
        """The row in words, for the screen reader: "Craft: 40 of 100"."""
        if self.kind == "opposed":
            return f"{self.label} {self.detail}"
        return f"{self.label}: {self.detail}"


class SaveRow(NamedTuple):
    slot: str
    where: str  # "Chapter · Scene title", or why the save cannot be read
    turn: int | None
    played: str
    saved: str
    broken: bool = False


class EndingSummary(NamedTuple):
    title: str
    new: bool  # found for the first time in this playthrough
    turns: int
    chapters: tuple[str, ...]  # in the order the player went through them
    played: str  # play time, "1 h 5 min"
    endings: tuple[tuple[str, bool], ...]  # every ending of the story: (title, found)

    @property
    def found(self) -> int:
        return sum(1 for _, f in self.endings if f)


duration = wording.duration  # the one play-time formatter (saves list uses it too)


def ago(when: datetime, now: datetime | None = None) -> str:
    """When something happened, relative to now: "just now", "5 minutes ago",
    "yesterday", or the date."""
    from datetime import datetime, timezone
    now = now or datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    s = (now - when).total_seconds()
    if s < 60:
        return "just now"
    if s < 3600:
        m = int(s // 60)
        return f"{m} minute{'s' if m != 1 else ''} ago"
    if s < 86400:
        h = int(s // 3600)
        return f"{h} hour{'s' if h != 1 else ''} ago"
    if s < 2 * 86400:
        return "yesterday"
    return when.astimezone().strftime("%d %b %Y")
