"""What the save store hands back: a save's contents, its summary for a list,
a load's result with what changed, and a slot that could not be used."""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ..state import State

if TYPE_CHECKING:
    from datetime import datetime


class SaveData(NamedTuple):
    state: State
    undo: tuple[State, ...] = ()  # earlier States, oldest first: what undo and history need
    play_seconds: float = 0.0


class SaveInfo(NamedTuple):
    slot: str
    chapter: str
    scene_title: str
    turn: int
    play_seconds: float
    saved_at: datetime  # timezone-aware
    story_id: str
    story_version: str


class LoadResult(NamedTuple):
    data: SaveData
    info: SaveInfo
    changes: tuple[str, ...]  # plain sentences for the player; empty if nothing changed


class BrokenSave(NamedTuple):
    slot: str
    file: str
    reason: str
    moved_to: str | None
