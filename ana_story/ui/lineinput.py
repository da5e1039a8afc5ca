"""One line of input for plain mode.

Piped input is read as it comes. On a real terminal (`--plain` by choice, e.g.
with a screen reader) the terminal's own line editing would echo ↑ as ``^[[A``
and hand the escape bytes to the game; there, the line is read through Python's
readline instead: arrow keys move in the line and recall earlier lines, and
nothing but the typed text reaches the game. Nothing here draws on the screen.
"""
from __future__ import annotations

import sys
from typing import IO

_ready: bool | None = None


def _readline() -> bool:
    """Load readline once (it is what makes input() edit lines); False without it."""
    global _ready
    if _ready is None:
        try:
            import readline
            # no bracketed-paste escapes around each prompt: plain mode stays plain
            readline.parse_and_bind("set enable-bracketed-paste off")
            _ready = True
        except Exception:  # noqa: BLE001 - no readline (Windows): the plain read
            _ready = False
    return _ready


def on_terminal(stdin: IO[str], stdout: IO[str]) -> bool:
    """Whether this is the process's own terminal on both ends."""
    try:
        return (stdin is sys.stdin and stdout is sys.stdout and stdin.isatty()
                and stdout.isatty())
    except (AttributeError, ValueError):
        return False


def read_line(prompt: str, stdin: IO[str], stdout: IO[str]) -> str | None:
    """The next line without its end, or None at the end of input. Only called on
    a terminal; Ctrl-C still raises KeyboardInterrupt."""
    if not _readline():
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        return line.rstrip("\r\n") if line else None
    try:
        return input(prompt)
    except EOFError:
        return None
