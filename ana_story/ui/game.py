"""One playthrough session: the loop, the in-game commands, undo, saves and the
endings profile. Front-end neutral: it tells a front end (ui.terminal for a
real terminal, ui.plain for pipes and screen readers) what to show and asks it
for a line of input, so both modes have the same commands and the same rules.

The story itself is decided by the engine; this module only keeps the
player's States (undo is "keep the earlier States") and hands them to the
SaveStore: an autosave after every choice, undo, load and restart.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from .. import engine
from ..engine import Passage
from ..errors import AnaStoryError, StoryRuntimeError
from ..model import Story
from ..records import replace
from ..sanitize import visible
from ..state import State
from .comforts import Comforts
from .frontend import AUTOSAVE, RELOAD, Frontend
from .gamesaves import Saving
from .markup import clean
from .reload import Reloading
from .statscreen import stat_rows
from .typed import MAX_LINE, read_number, too_long
from .views import EndingSummary, HistoryEntry, MenuItem, StatRow, duration

COMMANDS = ("save", "load", "saves", "undo", "redo", "history", "repeat", "skip", "stats",
            "endings", "chapters", "restart", "help", "quit")
ALIASES = {"q": "quit", "exit": "quit", "?": "help", "h": "help", "u": "undo",
           "back": "undo", "list": "saves"}


def new_seed() -> int:
    return int.from_bytes(os.urandom(4), "big")


class Game(Comforts, Saving, Reloading):
    """The player's session with one story (redo, skip, gallery...: ui.comforts;
    saves: ui.gamesaves; live reload: ui.reload)."""

    def __init__(self, story: Story, state: State, ui: Frontend, *, store: Any = None,
                 autosave_slot: str = AUTOSAVE, seed: int | None = None,
                 reload: Callable[[], Story] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.story, self.state, self.ui, self.store = story, state, ui, store
        self.undo_stack: list[State] = []
        self.autosave_slot = autosave_slot
        self.seed = seed  # None: each restart draws a new one
        self.reload_story = reload
        self.clock = clock
        self.played_before = 0.0
        self.started = clock()
        self.chapter: str | None = None
        self.touched = False  # something worth an autosave happened this session
        self.fresh = True  # a new story that has not yet written its autosave
        self.warned_autosave = False
        self._init_comforts()

    # --- start ---------------------------------------------------------------------

    def title_screen(self) -> bool:
        """The title menu: Continue (the autosave), New story, Load, Quit. Returns
        False when the player quits here."""
        reported = False
        while True:
            infos = self._list_saves()
            if not reported:
                self._report_broken(infos)
                reported = True
            items = self._title_items(infos)
            picked = self.ui.title(self.story, items)
            if picked is None or items[picked].key == "quit":
                return False
            if self._title_pick(items[picked].key):
                return True

    def _title_items(self, infos: list[Any]) -> list[MenuItem]:
        auto = next((i for i in infos if getattr(i, "slot", None) == AUTOSAVE
                     and hasattr(i, "turn")), None)
        items = []
        if auto is not None:
            items.append(MenuItem("continue", "Continue", self._where(auto)))
        items.append(MenuItem("new", "New story"))
        if any(hasattr(i, "turn") for i in infos):
            items.append(MenuItem("load", "Load"))
        items += self.title_extras()
        items.append(MenuItem("quit", "Quit"))
        return items

    def _title_pick(self, key: str) -> bool:
        """Act on a title menu item; True when play begins."""
        if key == "new":
            return True
        if key == "continue" and self._load(AUTOSAVE, quiet=True):
            self.recap()
            return True
        if self.title_extra(key):
            return True
        return key == "load" and self._pick_and_load()

    def offer_autosave(self) -> None:
        """Without a title screen (plain mode): say how to resume a story in progress."""
        infos = self._list_saves()
        self._report_broken(infos)
        auto = next((i for i in infos
                     if getattr(i, "slot", None) == AUTOSAVE and hasattr(i, "turn")), None)
        if auto is not None and self.autosave_slot == AUTOSAVE:
            self.ui.say(f"A story in progress was saved ({self._where(auto)}). "
                        "Type 'load autosave' to continue it.")

    # --- the loop ------------------------------------------------------------------

    def run(self) -> int:
        """Play until the player quits, input ends, or (plain mode) an ending."""
        try:
            return self._loop()
        except (KeyboardInterrupt, EOFError):
            self.goodbye()
            return 0

    def _loop(self) -> int:
        show = True
        stayed = False
        while True:
            p = self.view(engine.present(self.story, self.state))
            if stayed and p.stayed and not p.returned:  # a conversation's line: its reply alone
                if p.reply:
                    self.ui.scene(replace(p, title="", text=p.reply), chapter_changed=False)
                else:
                    self.ui.choices_again(p)
            elif show:
                changed = p.chapter != self.chapter
                self.chapter = p.chapter
                self.ui.scene(self.showing(with_reply(p)), chapter_changed=changed)
                if p.ended:
                    self.ui.ending(p, self._ending_summary(p))
                    if self.ui.ends_at_ending:
                        return 0
            elif not p.ended:
                self.ui.choices_again(p)
            if p.stuck:
                raise StoryRuntimeError("no choice is available here, so the story cannot "
                                        "go on; add a 'fallback: true' choice to this scene",
                                        scene=p.scene)
            line = self.ui.ask(p)
            if line is None:
                self.goodbye()
                return 0
            if line == RELOAD:
                show = self.reload()
                continue
            outcome = self.handle(p, line)
            if outcome == "quit":
                self.goodbye()
                return 0
            show = outcome in ("moved", "chose")
            stayed = outcome == "chose"

    def handle(self, p: Passage, line: str) -> str:
        """Act on one line of input. Returns "moved" (show the scene), "chose" (a choice
        taken: the scene, or a stay's reply alone), "stay" or "quit"."""
        if too_long(line):
            self.ui.say(f"That line is too long: a choice or a command is under "
                        f"{MAX_LINE:,} characters.")
            return "stay"
        text = clean(line).strip()
        if not text:
            return "stay"
        word, _, arg = text.partition(" ")
        arg = arg.strip()
        number = read_number(word)
        if number is not None:
            return self.take(p, number)
        cmd = ALIASES.get(word.lower(), word.lower())
        if cmd not in COMMANDS:
            self._unknown(p, word)
            return "stay"
        return getattr(self, f"cmd_{cmd}")(arg)

    def take(self, p: Passage, number: int) -> str:
        options = p.available
        if p.ended:
            self.ui.say("The story has ended: type 'restart' to begin again, 'undo' to go "
                        "back, or 'quit'.")
            return "stay"
        if not 1 <= number <= len(options):
            self.ui.say(f"There is no choice {number} here. Type a number from 1 to "
                        f"{len(options)}, 'help' for the commands, or 'quit'.")
            return "stay"
        from ..saves.fields import MAX_UNDO, bound_play  # memory stays as bounded as a save
        self.state = bound_play(self.state, self.undo_stack, MAX_UNDO)
        new = engine.choose(self.story, self.state, options[number - 1].index)
        self.undo_stack.append(self.state)
        self.state = new
        self.redo_stack.clear()  # a new choice: the future taken back is gone
        self.autosave()
        return "chose"  # the loop shows a stay's reply alone (Passage.stayed)

    def _unknown(self, p: Passage, word: str) -> None:
        """A one-line hint: the nearest command, or what can be typed here."""
        # shown as typed, invisible marks as visible codes, and a cut said with '...'
        shown = visible(word[:30]) + ("..." if len(word) > 30 else "")
        from ..suggest import nearest
        near = nearest(word.lower(), COMMANDS)
        n = len(p.available)
        if near:
            self.ui.say(f"'{shown}' is not a choice or a command. Did you mean '{near}'?")
        elif p.ended:
            self.ui.say(f"'{shown}' is not a command. Type 'restart', 'undo', 'history', "
                        "'help' or 'quit'.")
        elif n:
            self.ui.say(f"'{shown}' is not a choice or a command. Type a number from 1 "
                        f"to {n}, 'help' for the commands, or 'quit'.")
        else:
            self.ui.say(f"'{shown}' is not a command. Type 'help' for the list.")

    # --- commands ------------------------------------------------------------------

    def cmd_help(self, arg: str) -> str:
        self.ui.help()
        return "stay"

    def cmd_quit(self, arg: str) -> str:
        return "quit"

    def cmd_undo(self, arg: str) -> str:
        asked = read_number(arg) if arg else 1
        if asked is None or asked < 1:
            self.ui.say("Type 'undo' to take back one choice, or 'undo 3' for three.")
            return "stay"
        n = asked
        if not self.undo_stack:
            self.ui.say("Nothing to undo: this is where your story begins.")
            return "stay"
        n = min(n, len(self.undo_stack))
        self.redo_stack += reversed(self.undo_stack[len(self.undo_stack) - n + 1:]
                                    + [self.state])  # what 'redo' takes again
        self.state = self.undo_stack[-n]
        del self.undo_stack[-n:]
        self.ui.say(f"Took back {n} choice{'s' if n != 1 else ''}.")
        self.chapter = None  # show the chapter card again: the player may have left it
        self.autosave()
        return "moved"

    def cmd_restart(self, arg: str) -> str:
        if (not engine.present(self.story, self.state).ended and self.state.turn
                and not self.ui.confirm("Begin the story again from the start?")):
            self.ui.say("Carrying on.")
            return "stay"
        seed = self.seed if self.seed is not None else new_seed()
        self.state = engine.new_state(self.story, seed)
        self.undo_stack.clear()
        self.redo_stack.clear()
        self.chapter = None
        self.fresh = True  # the story just left is kept as 'previous'
        self.autosave()
        return "moved"

    def cmd_history(self, arg: str) -> str:
        self.ui.history(self.history_entries())
        return "stay"

    def cmd_stats(self, arg: str) -> str:
        self.ui.stats(self.stat_rows())
        return "stay"

    # --- what commands show --------------------------------------------------------

    def history_entries(self) -> list[HistoryEntry]:
        """The story so far, from the kept States: each scene as the player saw it
        and the choice they took there."""
        states = self.undo_stack + [self.state]
        out = []
        for i, s in enumerate(states):
            try:
                p = engine.present(self.story, s)
            except AnaStoryError:
                continue
            chosen = None
            if i + 1 < len(states):
                nxt = states[i + 1]
                key = nxt.path[-1].choice if nxt.path else None
                chosen = next((c.text for c in p.choices if c.key == key), "…")
            if p.stayed and not p.returned:  # a line of a conversation: only what was answered
                out.append(HistoryEntry(p.chapter, "", p.reply, chosen))
            else:
                out.append(HistoryEntry(p.chapter, p.title, with_reply(p).text, chosen))
        return out

    def stat_rows(self) -> list[StatRow]:
        return stat_rows(self.story, self.state)

    def _ending_summary(self, p: Passage) -> EndingSummary:
        seen, new = self._record_ending(p.scene)
        chapters: list[str] = []
        if self.undo_stack and len(self.undo_stack) >= len(self.state.path):
            first = self.undo_stack[0].scene  # where this playthrough began (--from too)
        else:
            first = self.story.start if self.state.path else self.state.scene
        for sid in [first] + [s.scene for s in self.state.path]:
            sc = self.story.scenes.get(sid)
            if sc is not None and sc.chapter and (not chapters or chapters[-1] != sc.chapter):
                chapters.append(sc.chapter)
        endings = tuple((e.ending or e.title, e.id in seen) for e in self.story.endings)
        return EndingSummary(p.ending or p.title, new, self.state.turn, tuple(chapters),
                             duration(self.play_seconds()), endings)

    def _record_ending(self, scene: str) -> tuple[set, bool]:
        """Add this ending to the endings found across playthroughs (the store's
        profile). Without a store, only this ending counts."""
        if self.store is None:
            return {scene}, True
        try:
            profile = self.store.load_profile()
            seen = [self.story.renamed.get(s, s) for s in profile.get("endings_seen", [])
                    if isinstance(s, str)]
            new = scene not in seen
            if new:
                seen.append(scene)
                profile["endings_seen"] = seen
                self.stamp_ending(profile, scene)
                self.store.save_profile(profile)
            return set(seen), new
        except AnaStoryError as e:
            self.ui.say(f"The endings you found could not be recorded: {e}", "warning")
            return {scene}, True



def with_reply(p: Passage) -> Passage:
    """The passage as shown whole: a reply opens the next scene's screen, or, when
    the choice stayed (shown again after a load or an undo), follows the scene's text."""
    if not p.reply:
        return p
    text = f"{p.text}\n\n{p.reply}" if p.stayed else f"{p.reply}\n\n{p.text}"
    return replace(p, text=text)

