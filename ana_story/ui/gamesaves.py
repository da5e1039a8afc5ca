"""Game's saves: the autosave after every move, `save`, `load`, `saves`, the
title menu's Continue and Load, and what is said when a save cannot be read or
written. Mixed into ui.game.Game; the store is a saves.SaveStore, imported only
when one is in use."""
from __future__ import annotations

from collections.abc import Callable

from .. import engine
from ..errors import AnaStoryError
from ..sanitize import visible
from .frontend import AUTOSAVE, PREVIOUS, QUICKSAVE, GameParts
from .views import MenuItem, SaveRow, ago, duration


class Saving(GameParts):
    """Game's save commands and the autosave."""

    played_before: float
    started: float
    clock: Callable[[], float]

    def cmd_saves(self, arg: str) -> str:
        if self._need_store():
            self.ui.saves(self.save_rows())
        return "stay"

    def cmd_save(self, arg: str) -> str:
        if not self._need_store():
            return "stay"
        slot = arg or QUICKSAVE
        try:
            info = self.store.save(slot, self._data())
        except AnaStoryError as e:
            self.ui.say(f"Not saved: {e}", "error")
            return "stay"
        self.ui.say(f"Saved as '{info.slot}'. Type 'load {info.slot}' to come back here.",
                    "note")
        return "stay"

    def cmd_load(self, arg: str) -> str:
        if not self._need_store():
            return "stay"
        loaded = self._load(arg) if arg else self._pick_and_load()
        if loaded:
            self.recap()
        return "moved" if loaded else "stay"

    def save_rows(self) -> list[SaveRow]:
        rows = []
        for i in self._list_saves():
            if hasattr(i, "turn"):
                rows.append(SaveRow(i.slot, f"{i.chapter} · {i.scene_title}"
                                    + self._folder_note(i.slot), i.turn,
                                    duration(i.play_seconds), ago(i.saved_at)))
            else:
                moved = f" (moved to {i.moved_to})" if getattr(i, "moved_to", None) else ""
                rows.append(SaveRow(i.slot, f"cannot be read: {i.reason}{moved}", None,
                                    "", "", broken=True))
        return rows

    def play_seconds(self) -> float:
        return self.played_before + (self.clock() - self.started)

    def _data(self):
        from ..saves.records import SaveData
        return SaveData(self.state, tuple(self.undo_stack), self.play_seconds())

    def autosave(self) -> bool:
        """Save the current place; a new story first keeps the autosave it replaces
        as 'previous', so starting over never loses a story in progress."""
        self.touched = True
        if self.store is None:
            return False
        try:
            if self.fresh and self.autosave_slot == AUTOSAVE and self.store.exists(AUTOSAVE):
                old = self.store.load(AUTOSAVE)
                if not old.data.state.path or old.data.state.scene not in self.story.scenes \
                        or not self.story.scenes[old.data.state.scene].is_ending:
                    self.store.save(PREVIOUS, old.data)
                    self.ui.say("Your earlier story in progress is kept as 'previous' "
                                "(type 'load previous' to go back to it).")
            self.fresh = False
        except AnaStoryError:
            self.fresh = False  # an unreadable old autosave is the store's to report
        try:
            self.store.save(self.autosave_slot, self._data())
            self.warned_autosave = False
            self.flush_profile()  # after the save: when saving fails, that is said once
            return True
        except AnaStoryError as e:
            if not self.warned_autosave:
                self.ui.say(f"Autosave failed: {e}. Your game goes on; try 'save NAME'.",
                            "error")
                self.warned_autosave = True
            return False

    def goodbye(self) -> None:
        if self.touched and self.store is not None:
            if self.autosave():
                from ..hints import play_again  # the author's folder, if not ours
                again = play_again(self.story.root)
                self.ui.say(f"Your place is saved: run {again} again to continue. "
                            "Goodbye.", "note")
            else:
                self.ui.say("Goodbye. Your place could not be saved (see above).", "error")
        else:
            self.ui.say("Goodbye.", "note")

    def _need_store(self) -> bool:
        if self.store is None:
            self.ui.say("Saving is not available in this session.")
            return False
        return True

    def _list_saves(self) -> list:
        if self.store is None:
            return []
        try:
            return self.store.list()
        except AnaStoryError as e:
            self.ui.say(f"Saves could not be listed: {e}", "warning")
            return []

    def _report_broken(self, infos) -> None:
        """Say which saves could not be read (the store has already moved them aside)."""
        for i in infos:
            if not hasattr(i, "turn"):
                moved = f"; it was moved to {i.moved_to}" if getattr(i, "moved_to", None) else ""
                self.ui.say(f"The save '{i.slot}' could not be read: {visible(i.reason)}{moved}.",
                            "warning")

    def _where(self, info) -> str:
        return (f"{info.chapter} · {info.scene_title} · saved {ago(info.saved_at)}"
                + self._folder_note(info.slot))

    def _folder_note(self, slot: str) -> str:
        """Where a save is, when it is not in the save folder (saves/searching.py: one an older
        version left in a checkout's saves/)."""
        other = getattr(self.store, "elsewhere", None)
        folder = other(slot) if other is not None else None
        return f" · in {folder}" if folder else ""

    def _pick_and_load(self) -> bool:
        infos = [i for i in self._list_saves() if hasattr(i, "turn")]
        if not infos:
            self.ui.say("There are no saves yet.")
            return False
        items = [MenuItem(i.slot, i.slot, f"{i.chapter} · {i.scene_title} · "
                          f"saved {ago(i.saved_at)}") for i in infos]
        picked = self.ui.pick("Which save?", items)
        if picked is None:
            return False
        return self._load(items[picked].key)

    def _load(self, slot: str, *, quiet: bool = False) -> bool:
        try:
            result = self.store.load(slot)
            engine.present(self.story, result.data.state)  # refuse a State that cannot play
        except AnaStoryError as e:
            self.ui.say(f"Could not load: {e}", "error")
            return False
        self.state = result.data.state
        self.undo_stack = list(result.data.undo)
        self.redo_stack.clear()  # saves keep the past, not a future taken back
        self.played_before = result.data.play_seconds
        self.started = self.clock()
        self.chapter = None
        self.fresh = False
        self.touched = True
        if not quiet:
            self.ui.say(f"Loaded '{result.info.slot}'.", "note")
        if result.changes:
            self.ui.say("The story has changed since this save: "
                        + visible(" ".join(result.changes)),
                        "warning")
        if slot != self.autosave_slot:
            self.autosave()
        return True
