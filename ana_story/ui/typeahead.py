"""The terminal while the game is busy between prompts: a key typed then waits for
the next prompt, which reads it as any key typed at it.

Why: prompt_toolkit puts the terminal in raw mode only while a prompt runs. Between
prompts (the title menu's prompt_toolkit still starting, a scene being drawn, an
autosave) the terminal was back in its cooked mode, where the line discipline acts
on a key as it arrives: Ctrl-D became an end-of-file mark, which a raw read later
gets as a NUL byte (the key was lost: the game waited on at its title); Ctrl-\\ killed
the game by SIGQUIT (no goodbye, exit by signal); Ctrl-S stopped its output; keys
were echoed over the page. Held, the terminal is as prompt_toolkit's raw mode has it,
but for Ctrl-C, which still interrupts whatever the game is doing (the game autosaves
and says goodbye). Ctrl-\\ is a plain key, as at every prompt (where it does nothing).
prompt_toolkit puts back the held mode after each prompt; the player's own settings
come back when the game ends.
"""
from __future__ import annotations

import contextlib
import os
import sys
from types import TracebackType

from .earlymenu import raw_mode


class Held:
    """``with Held():`` the terminal on stdin held (see the module) for the block;
    nothing done where stdin is not a terminal."""

    def __init__(self, fd: int | None = None) -> None:
        self.fd = fd
        self.saved: list | None = None

    def __enter__(self) -> Held:
        try:
            import termios
            fd = sys.stdin.fileno() if self.fd is None else self.fd
            saved = termios.tcgetattr(fd)
            mode = raw_mode(termios.tcgetattr(fd), signals=True)  # Ctrl-C interrupts
            mode[6][termios.VQUIT] = bytes([os.fpathconf(fd, "PC_VDISABLE") & 0xFF])
            mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
            # TCSANOW: a key already typed is kept (TCSAFLUSH would throw it away)
            termios.tcsetattr(fd, termios.TCSANOW, mode)
        except Exception:  # noqa: BLE001 - not a terminal, no termios: nothing to hold
            return self
        self.fd, self.saved = fd, saved
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.saved is None or self.fd is None:
            return
        import termios
        with contextlib.suppress(Exception):  # the terminal went away: nothing to restore
            termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)
