"""What ui.game.Game and its parts share: the Frontend a game talks to, the save
names it uses, and GameParts, the attributes every part of Game may read."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..engine import Passage
from ..model import Story
from ..state import State
from .views import EndingSummary, HistoryEntry, MenuItem, SaveRow, StatRow

AUTOSAVE = "autosave"  # the same names as saves.store.AUTOSAVE / QUICKSAVE (not imported:
QUICKSAVE = "quicksave"  # saves.store is loaded only when a store is in use)
PREVIOUS = "previous"  # where a new story keeps the autosave of the one it replaces
RELOAD = "\x00reload"  # what a front end's ask() returns when --watch saw a change


class Frontend(Protocol):
    """What the game needs from a front end."""

    @property
    def width(self) -> int: ...
    ends_at_ending: bool  # plain mode ends at an ending; a terminal offers restart

    def scene(self, p: Passage, *, chapter_changed: bool) -> None: ...
    def choices_again(self, p: Passage) -> None: ...
    def listing(self, title: str, rows: Sequence[tuple[str, str]], footer: str) -> None: ...
    def ending(self, p: Passage, summary: EndingSummary) -> None: ...
    def ask(self, p: Passage) -> str | None: ...  # None at end of input
    def say(self, text: str, style: str = "hint") -> None: ...
    def history(self, entries: Sequence[HistoryEntry]) -> None: ...
    def stats(self, rows: Sequence[StatRow]) -> None: ...
    def saves(self, rows: Sequence[SaveRow]) -> None: ...
    def help(self) -> None: ...
    def title(self, story: Story, items: Sequence[MenuItem]) -> int | None: ...
    def pick(self, title: str, items: Sequence[MenuItem]) -> int | None: ...
    def confirm(self, question: str) -> bool: ...


class GameParts:
    """The attributes Game sets in __init__ and the methods one part calls on
    another, declared once so each part (comforts, saving, reload) type-checks
    on its own."""

    story: Story
    state: State
    ui: Frontend
    store: Any  # a saves.SaveStore; saves.py is imported only when one is in use
    undo_stack: list[State]
    redo_stack: list[State]
    autosave_slot: str
    seed: int | None
    chapter: str | None
    fresh: bool
    touched: bool
    warned_autosave: bool

    def autosave(self) -> bool:
        raise NotImplementedError

    def recap(self) -> None:
        raise NotImplementedError

    def flush_profile(self) -> None:
        raise NotImplementedError

    def history_entries(self) -> list[HistoryEntry]:
        raise NotImplementedError
