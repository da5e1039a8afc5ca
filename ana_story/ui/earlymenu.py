"""The first menu on screen before prompt_toolkit is loaded.

prompt_toolkit is the slowest import of the game (asyncio comes with it): loaded
before the title menu is shown, it kept the player looking at a title card with no
menu for most of the start-up. So the first prompt's own text (the menu and the
`> ` under it, the very escape codes prompt_toolkit is about to draw) is written at
once; prompt_toolkit is loaded; the text is taken off the screen again and
prompt_toolkit draws the same thing in the same place, now live.

While the menu waits, the terminal is in prompt_toolkit's own raw mode, so a key
typed in that moment (Ctrl-C included) is neither printed over the menu nor lost
nor turned into a signal: it waits in the terminal and prompt_toolkit reads it
first. The terminal's settings are put back before prompt_toolkit takes them
over, whatever happens (Ctrl-C included): in play, the mode ui/typeahead.py holds,
in which a key typed before prompt_toolkit's raw mode is in place still waits.
"""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .views import MenuItem


def raw_mode(mode: list, *, signals: bool) -> list:
    """``mode`` (termios.tcgetattr's list) made prompt_toolkit's own raw mode: no echo,
    no line editing, no flow control, no CR/NL translation; Ctrl-C and the like raise
    their signals only with ``signals``."""
    import termios
    mode[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
    mode[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN
                 | (0 if signals else termios.ISIG))
    return mode


def predraw(text: str, height: int, out: TextIO | None = None,
            fd: int | None = None, kept: str = "") -> Callable[[], None] | None:
    """Write ``text`` now (after ``kept``, which stays on screen: the title page);
    return what takes ``text`` back off the screen and restores the terminal, to call
    just before prompt_toolkit draws. None (nothing written) where the terminal
    cannot be set, or the text would not fit on the screen (moving the cursor back
    up over it would stop at the top)."""
    lines = text.count("\n")
    if lines + 1 >= height:
        return None
    out = out or sys.stdout
    try:
        import termios
        fd = sys.stdin.fileno() if fd is None else fd
        saved = termios.tcgetattr(fd)
        # a key (Ctrl-C and Ctrl-\ too) waits unseen, as the byte prompt_toolkit
        # reads, instead of echoing or raising a signal
        termios.tcsetattr(fd, termios.TCSANOW, raw_mode(termios.tcgetattr(fd), signals=False))
    except Exception:  # noqa: BLE001 - no termios, not a terminal: draw nothing early
        return None

    def undo() -> None:
        with contextlib.suppress(Exception):  # the terminal went away: nothing to restore
            termios.tcsetattr(fd, termios.TCSANOW, saved)
        up = f"\x1b[{lines}A" if lines else ""
        out.write("\r" + up + "\x1b[J")  # back to the menu's first line, erase below
        out.flush()

    try:
        out.write(kept + text)
        out.flush()
    except BaseException:
        undo()
        raise
    return undo


def title_first(title: str, author: str, items: Sequence[MenuItem]
                ) -> Callable[[], None] | None:
    """The title page and its menu (item 0 selected) written at once, without Rich
    (ui/earlytitle.py: the bytes Rich would write), the terminal set as ``predraw``
    sets it; what takes the menu off again, or None (nothing written) where Rich
    must draw the page."""
    from . import theme
    from .earlytitle import title_page
    page = title_page(title, author, items, theme.styles())
    if page is None:
        return None
    card, menu, height = page
    return predraw(menu, height, kept=card)
