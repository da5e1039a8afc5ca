"""Where things sit on the terminal, as a book sets a page: a reading column of
about 70 columns (theme.MEASURE, read at each call: a page-width preference may
change it for the run), centred on a wide terminal, the whole width of a narrow
one. Pure arithmetic on the terminal's size, shared by the renderer and the
terminal front end so that the page, its messages, its prompt and the pager line
up at 40, 80 or 200 columns."""
from __future__ import annotations

from . import theme

NARROW = 50  # below this, no margin at all: every column goes to the text
PAGER_PROMPT = "-- more: Space or Enter for the next page, q to stop --"
PAGER_PROMPT_SHORT = "-- more: Space, or q to stop --"


def margin(width: int) -> int:
    """Left margin: none on a narrow terminal, a little air on a normal one, and on
    a wide one as much as centres the reading column."""
    if width < NARROW:
        return 0
    return max(2, (width - theme.MEASURE) // 2)


def measure(width: int) -> int:
    """Columns of prose: about 70, or what a narrow terminal has."""
    return max(10, min(theme.MEASURE, width - 2 * margin(width)))


def indent(width: int) -> str:
    """The margin as spaces, for lines printed outside Rich (prompt, pager)."""
    return " " * margin(width)


def pager_prompt(width: int) -> str:
    """The pager's line, short enough to stay on one line of the terminal."""
    pad = indent(width)
    for text in (PAGER_PROMPT, PAGER_PROMPT_SHORT):
        if len(pad) + len(text) < width:
            return pad + text
    return PAGER_PROMPT_SHORT[:max(1, width - 1)]


def top_space(height: int, content: int) -> int:
    """Blank lines above a title screen of ``content`` lines, so that it sits a
    little above the middle of the terminal, as a title page does."""
    return max(0, (height - content) // 3)
