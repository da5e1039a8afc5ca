"""Game's live reload (`play --watch`): read the edited story again and carry
the player's place over, or say why not and play on. Mixed into ui.game.Game;
apart from ui.watch, which the web page leaves out."""
from __future__ import annotations

from collections.abc import Callable

from .. import engine
from ..errors import AnaStoryError
from ..model import Story
from .frontend import GameParts


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
            from .watch import carry_over  # not on the web page, which never reloads
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
