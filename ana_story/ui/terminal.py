"""The terminal front end: Rich for output, prompt_toolkit for input.

The choices are drawn inside the prompt itself, so ↑/↓ can move a highlight
over them and Enter takes the highlighted one, while typing a number or a
command works as at any shell prompt (Tab completes commands and save names,
Ctrl-P/Ctrl-N recall earlier lines). Ctrl-C and Ctrl-D raise through to the
game, which autosaves and says goodbye.
"""
from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .. import bytebundle
from ..engine import Passage
from ..model import Story
from . import layout
from .frontend import RELOAD
from .game import COMMANDS
from .theme import console as make_console
from .typed import cap_pasted_keys, read_number
from .views import EndingSummary, HistoryEntry, MenuItem, SaveRow, StatRow

if TYPE_CHECKING:  # imported at run time only once a prompt starts (start-up)
    import threading

    from rich.console import Console


def _render():
    """ui/render.py, which imports Rich: loaded once the title menu is up (start-up)."""
    from . import render
    return render


def completions(text: str, slots: Callable[[], list[str]]) -> list[tuple[str, int]]:
    """What Tab offers for ``text``: commands in first place, save names after 'save'
    and 'load'; each as (completion, how many typed characters it replaces)."""
    text = text.lstrip()
    if " " not in text:
        return [(cmd, len(text)) for cmd in COMMANDS if cmd.startswith(text.lower())]
    word, _, rest = text.partition(" ")
    if word.lower() in ("save", "load"):
        rest = rest.lstrip()
        return [(slot, len(rest)) for slot in slots() if slot.startswith(rest)]
    return []


def _session(slots: Callable[[], list[str]]):
    """The prompt_toolkit session, imported only now: it is the slowest import of
    the game, and the title card is already on screen while it loads."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import InMemoryHistory

    class _Completer(Completer):
        def get_completions(self, document, complete_event):
            for word, replaces in completions(document.text_before_cursor, slots):
                yield Completion(word, start_position=-replaces)

    session: PromptSession[str] = PromptSession(
        history=InMemoryHistory(), completer=_Completer(), complete_while_typing=False)
    _exit_once(session.app)
    cap_pasted_keys(session.app, session.default_buffer)
    return session


def _exit_once(app) -> None:
    """Make ``app.exit`` a no-op once the prompt has its answer.

    Keys typed ahead arrive in one batch: after an Enter has answered the prompt, a
    Ctrl-C or a second Enter in the same batch calls exit() again, and prompt_toolkit
    raises "Application.exit() failed" inside its event loop, which prints a
    traceback at the player (found by tests/hostile/test_keystrokes.py). A key after
    the answer has nothing left to act on, so it is dropped instead. (For the same
    reason prompts run with handle_sigint=False: prompt_toolkit's own SIGINT handler
    can fire after the prompt has ended, against no application; without it a SIGINT
    is a plain KeyboardInterrupt, which the game turns into a saved goodbye.)"""
    original = app.exit

    def exit_once(*args, **kwargs):
        if app.is_running and app.future is not None and not app.future.done():
            return original(*args, **kwargs)
        return None

    app.exit = exit_once


class TerminalUI:
    """Rich + prompt_toolkit front end of ui.game.Game."""

    ends_at_ending = False

    def __init__(self, *, pace: float | None = None, slots: Callable[[], list[str]] = list,
                 watch=None, console=None):
        self._console: Console | None = console  # Rich's: made when first used (start-up)
        self._early: Callable[[], None] | None = None  # takes the early title menu off
        self.pace = pace
        self.watch = watch  # a ui.watch.Watcher, polled while waiting for input
        self.slots = slots
        self._session = None
        self.selected: int | None = None
        self.count = 0
        self.title_shown = False  # the first title page clears the screen; later ones
        #                           (back from a menu) keep what that menu showed

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = make_console()
        return self._console

    @property
    def session(self):
        if self._session is None:
            self._session = _session(self.slots)
        return self._session

    @property
    def width(self) -> int:
        return self.console.width

    # --- output --------------------------------------------------------------------

    def scene(self, p: Passage, *, chapter_changed: bool) -> None:
        self.selected = None
        w = self.width
        n = _render().paragraphs(p)
        if self.pace and n > 1:
            for shown in range(1, n + 1):
                self.console.print(_render().scene(p, w, chapter_changed=chapter_changed,
                                                paragraphs=shown) if shown == 1
                                   else _render().paragraph_alone(p, shown, w))
                if shown < n and _wait_key(self.pace):
                    self.console.print(_render().after_paragraph(p, shown, w))
                    break
            return
        self.console.print(_render().scene(p, w, chapter_changed=chapter_changed))

    def choices_again(self, p: Passage) -> None:
        pass  # the prompt draws the choices every time

    def listing(self, title: str, rows: Sequence[tuple[str, str]], footer: str) -> None:
        from .gallery import listing
        self.console.print(listing(title, rows, footer, self.width))
        self.console.print()  # air before the choices

    def ending(self, p: Passage, summary: EndingSummary) -> None:
        self.console.print(_render().ending(summary, self.width))

    def say(self, text: str, style: str = "hint") -> None:
        self.console.print(_render().message(text, self.width, style))
        self.console.print()

    def history(self, entries: Sequence[HistoryEntry]) -> None:
        self._paged(_render().history(entries, self.width))

    def stats(self, rows: Sequence[StatRow]) -> None:
        self.console.print(_render().stats(rows, self.width))
        self.console.print()  # air before the choices

    def saves(self, rows: Sequence[SaveRow]) -> None:
        self.console.print(_render().saves(rows, self.width))
        self.console.print()  # air before the choices

    def help(self) -> None:
        self.console.print(_render().help_screen(self.width))
        self.console.print()  # air before the choices

    def _paged(self, renderable) -> None:
        """Show a long text a screen at a time (Space/Enter: more, q: stop)."""
        with self.console.capture() as cap:
            self.console.print(renderable)
        lines = cap.get().splitlines()
        page = max(5, self.console.height - 2)
        for start in range(0, len(lines), page):
            sys.stdout.write("\n".join(lines[start:start + page]) + "\n")
            sys.stdout.flush()
            if start + page >= len(lines):
                break
            sys.stdout.write(layout.pager_prompt(self.width))
            sys.stdout.flush()
            key = _read_key()
            sys.stdout.write("\r\x1b[K")
            if key in ("q", "Q", "\x1b"):
                break

    # --- input ---------------------------------------------------------------------

    def _ansi(self, renderable) -> str:
        """Render with Rich into the escape codes prompt_toolkit draws in its prompt."""
        buf = io.StringIO()
        c = make_console(file=buf, width=self.width, force_terminal=True,
                         color_system=self.console.color_system or "standard",
                         no_color=self.console.no_color)
        c.print(renderable, end="")
        return buf.getvalue()

    def _load_under(self, draw: Callable[[int | None], object], prompt: str) -> None:
        """Load prompt_toolkit with the menu on screen (the title menu drawn without
        Rich, else this menu now), taken off again after."""
        from .earlymenu import predraw
        undo, self._early = self._early, None
        if undo is None:
            undo = predraw(self._ansi(draw(self.selected)) + "\n"
                           + layout.indent(self.width) + prompt, self.console.height)
        bytebundle.mark()  # the first screen is up: its modules are known
        try:
            self.session  # noqa: B018 - loads prompt_toolkit
        finally:
            if undo is not None:
                undo()

    def _prompt(self, draw: Callable[[int | None], object] | None, count: int,
                prompt: str = "> ", *, watch: bool = True) -> str | None:
        """One line of input under a menu drawn by ``draw(selected)``. ↑/↓ move the
        highlight while nothing is typed; Enter takes it."""
        if self._session is None and draw is not None:
            self._load_under(draw, prompt)
        from prompt_toolkit.filters import Condition
        from prompt_toolkit.formatted_text import ANSI
        from prompt_toolkit.key_binding import KeyBindings
        self.count = count
        kb = KeyBindings()
        empty = Condition(lambda: self.session.default_buffer.text == "" and self.count > 0)

        @kb.add("down", filter=empty)
        def _down(event):
            self.selected = 0 if self.selected is None else (self.selected + 1) % self.count

        @kb.add("up", filter=empty)
        def _up(event):
            self.selected = self.count - 1 if self.selected is None \
                else (self.selected - 1) % self.count

        # Ctrl-C and Ctrl-D always leave, whatever mode readline-style keys have put the
        # prompt in; and those modes are switched off: incremental search (Ctrl-R/S) and
        # quoted insert (Ctrl-V) trapped a player at the title, where Ctrl-C no longer
        # quit (found by tests/hostile/test_keystrokes.py).
        @kb.add("c-c", eager=True)
        def _interrupt(event):
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

        @kb.add("c-d", eager=True)
        def _eof(event):
            buffer = self.session.default_buffer
            if buffer.text:
                buffer.delete()
            else:
                event.app.exit(exception=EOFError, style="class:exiting")

        @kb.add("c-f", eager=True)  # 'skip' what has been read, in one key
        def _skip(event):
            event.app.current_buffer.text = "skip"
            event.app.exit(result="skip")

        @kb.add("c-r", eager=True)
        @kb.add("c-s", eager=True)
        @kb.add("c-v", eager=True)
        def _nothing(event):
            pass

        @kb.add("enter", filter=empty & Condition(lambda: self.selected is not None))
        def _take(event):
            answer = str((self.selected or 0) + 1)  # the filter has made sure it is set
            event.app.current_buffer.text = answer  # the transcript shows "> 2"
            event.app.exit(result=answer)

        prompt = layout.indent(self.width) + prompt  # under the page, not at the edge

        def message():
            if draw is None:
                return prompt
            return ANSI(self._ansi(draw(self.selected)) + "\n" + prompt)

        import threading  # after the menu is up (prompt_toolkit has loaded it by now)
        stop = threading.Event()
        if watch and self.watch is not None:
            threading.Thread(target=self._poll, args=(stop,), daemon=True).start()
        try:
            line = self.session.prompt(message, key_bindings=kb, handle_sigint=False)
        except EOFError:
            return None
        finally:
            stop.set()
        return line

    def _poll(self, stop: threading.Event) -> None:
        while not stop.wait(0.4):
            if self.watch.changed():
                app = self.session.app
                if app.is_running:
                    app.loop.call_soon_threadsafe(lambda a=app: a.exit(result=RELOAD))
                return

    def ask(self, p: Passage) -> str | None:
        if self.watch is not None and self.watch.changed():
            return RELOAD  # changed while the scene was being drawn
        if p.ended:  # the ending screen has just said what can be typed
            return self._prompt(None, 0)
        return self._prompt(lambda sel: _render().choices(p, self.width, sel), len(p.available))

    def title(self, story: Story, items: Sequence[MenuItem]) -> int | None:
        # A title page of its own: not under the shell's last lines (an install log),
        # a little above the middle of the screen; the shell's lines stay scrollable.
        if not self.title_shown and self._console is None and self._early_title(story, items):
            self.title_shown = True
            return self.pick("", items)
        if not self.title_shown:
            self.title_shown = True
            self.console.clear()
            air = layout.top_space(self.console.height, 12 + len(items))
            if air:
                self.console.print("\n" * (air - 1))
        self.console.print(_render().title_card(story.title, story.author, self.width))
        return self.pick("", items)

    def _early_title(self, story: Story, items: Sequence[MenuItem]) -> bool:
        """The title page and menu, written before Rich and prompt_toolkit load."""
        from .earlymenu import title_first
        self._early = title_first(story.title, story.author, items)
        return self._early is not None

    def pick(self, title: str, items: Sequence[MenuItem]) -> int | None:
        if title:
            self.say(title, "bold")
        enabled = [i for i, item in enumerate(items) if item.enabled]
        self.selected = 0
        while True:
            line = self._prompt(lambda sel: _render().menu(  # menus do not watch the story:
                items, enabled[sel] if sel is not None else None, self.width),  # play does
                len(enabled), watch=False)
            if line is None:
                return None
            line = line.strip()
            number = read_number(line)
            if number is not None and 1 <= number <= len(enabled):
                self.selected = None
                return enabled[number - 1]
            if line.lower() in ("q", "quit", "exit"):
                return None
            for i in enabled:  # "new", "continue": the first word of a label
                if line and items[i].label.lower().startswith(line.lower()):
                    self.selected = None
                    return i
            self.say(f"Type a number from 1 to {len(enabled)}, or use ↑/↓ and Enter.")

    def confirm(self, question: str) -> bool:
        try:
            line = self.session.prompt(f"{layout.indent(self.width)}{question} (y/n) ",
                                       handle_sigint=False)
        except EOFError:
            return False
        return line.strip().lower() in ("y", "yes")


def _wait_key(seconds: float) -> bool:
    """Wait up to ``seconds`` for a key; True (and the key swallowed) if one came.
    Ctrl-C still interrupts: the terminal keeps its signal keys."""
    import select
    import termios
    import tty
    fd = sys.stdin.fileno()
    try:
        old = termios.tcgetattr(fd)
    except termios.error:
        return False
    try:
        tty.setcbreak(fd)
        ready, _, _ = select.select([fd], [], [], seconds)
        if ready:
            os.read(fd, 64)
            return True
        return False
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _read_key() -> str:
    import termios
    import tty
    fd = sys.stdin.fileno()
    try:
        old = termios.tcgetattr(fd)
    except termios.error:
        return "q"
    try:
        tty.setcbreak(fd)
        return os.read(fd, 8).decode(errors="replace")[:1]
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
