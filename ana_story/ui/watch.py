"""`play --watch`: notice when a story's files change on disk, fit the
player's State to the edited story, and Game's part that reloads it."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .. import engine
from ..errors import AnaStoryError
from ..model import Story
from ..state import State
from .frontend import GameParts


class Watcher:
    """Compares the size and modification time of every YAML file of a story
    folder with the last look. Polling (a few stat calls) keeps it dependency-free
    and works on every file system."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.last = self._look()

    def _look(self) -> dict:
        seen = {}
        try:
            paths = sorted(self.folder.rglob("*.y*ml"))
        except OSError:  # the folder went away or was locked: no change seen, play on
            return getattr(self, "last", {})
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            seen[str(path)] = (st.st_mtime_ns, st.st_size)
        return seen

    def changed(self) -> bool:
        """True once for each change since the last call."""
        now = self._look()
        if now != self.last:
            self.last = now
            return True
        return False


def carry_over(new: Story, old: Story, state: State, undo: tuple[State, ...]
               ) -> tuple[State, tuple[State, ...], list[str]]:
    """Fit the player's State (and undo) to an edited story by the rules a save from
    an older story version follows (saves._migrate): new variables start at their
    starting values, removed ones go, a renamed scene is followed, and a vanished
    scene gives way to the start of its chapter. Returns the fitted State and undo,
    and one sentence for the player per change."""
    from ..saves import _migrate
    chapter = old.scenes[state.scene].chapter if state.scene in old.scenes else ""
    return _migrate(new, state, undo, chapter, strict=False)


class Reloading(GameParts):
    """Game's live reload, mixed into ui.game.Game."""

    reload_story: Callable[[], Story] | None

    def reload(self) -> bool:
        """Read the story again after its files changed and carry the player's State
        over; if that cannot be done, say exactly why and play on as before.
        Returns True when the scene should be shown again."""
        from ..errors import StoryError
        try:
            story = self.reload_story() if self.reload_story else None
        except StoryError as e:
            first = e.diagnostics[:3]
            lines = [f"{d.file}:{d.line}: {d.message}" for d in first]
            more = len(e.diagnostics) - len(first)
            self.ui.say(f"The files changed, but {e}, so you are still playing the version "
                        "loaded before: " + "; ".join(lines)
                        + (f"; and {more} more" if more > 0 else ""), "warning")
            return False
        except AnaStoryError as e:
            self.ui.say(f"The story changed but could not be read again: {e}", "warning")
            return False
        except OSError as e:  # locked or gone mid-game: say so and play on
            from ..oserrors import message
            self.ui.say(f"The story changed but could not be read again: {message(e)}",
                        "warning")
            return False
        if story is None:
            return False
        try:
            state, undo, changes = carry_over(story, self.story, self.state,
                                              tuple(self.undo_stack))
            engine.present(story, state)
        except AnaStoryError as e:
            self.ui.say(f"The story changed, but your place cannot be kept: {e}. Still "
                        "playing the version loaded before; 'restart' begins the new one "
                        "after the next change.", "warning")
            return False
        self.story, self.state, self.undo_stack = story, state, list(undo)
        self.redo_stack.clear()  # States of the story before the change
        self.chapter = None
        self.ui.say("The story changed on disk and was reloaded; you are where you were."
                    + (" " + " ".join(changes) if changes else ""), "note")
        return True
