"""The title page and its menu as the very bytes Rich writes for them, without Rich.

Why: Rich is the second slowest import of the game after prompt_toolkit. The title
page (render.title_card) and the title menu (render.menu) are simple enough to write
out here, with the same escape codes, so that the menu is on screen and waiting
before either is loaded (issue 17). Anything beyond what is written out here (a
title or label that would wrap, a character that is not one column wide, a style
that is not attribute and colour words, a disabled item, a terminal Rich would
treat differently) gives None, and Rich draws the page as before.
tests/test_earlytitle.py holds these bytes to Rich's own for many pages.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from . import layout
from .markup import clean
from .views import MenuItem

ATTRIBUTES = {"bold": 1, "dim": 2, "italic": 3, "underline": 4, "blink": 5, "blink2": 6,
              "reverse": 7, "conceal": 8, "strike": 9}
COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
HINT = "↑/↓ and Enter, or type a number"  # as render.menu writes it
RULE = "─"
# What makes Rich decide for itself whether and how to colour: then Rich draws.
RICH_SETTINGS = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS",
                 "JUPYTER_LINES")


def size(environ: Mapping[str, str] | None = None) -> tuple[int, int]:
    """The terminal's columns and lines, found as Rich's Console finds them."""
    environ = os.environ if environ is None else environ
    width = height = 0
    for fd in (0, 1, 2):
        try:
            width, height = os.get_terminal_size(fd)
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns, lines = environ.get("COLUMNS", ""), environ.get("LINES", "")
    width = int(columns) if columns.isdigit() else width
    height = int(lines) if lines.isdigit() else height
    return width or 80, height or 25


def usable(environ: Mapping[str, str] | None = None) -> bool:
    """Whether Rich would write to this terminal exactly as written out here."""
    environ = os.environ if environ is None else environ
    encoding = (getattr(sys.stdout, "encoding", "") or "").lower()
    return (os.name == "posix" and encoding.startswith("utf")
            and environ.get("TERM", "").lower() not in ("dumb", "unknown")
            and not any(name in environ for name in RICH_SETTINGS))


def sgr(style: str, no_color: bool) -> str | None:
    """The codes Rich writes for a style of attribute and colour words ("bold cyan":
    "1;36"); None for a style with any other word."""
    attributes, colour = set(), None
    for word in style.split():
        base = word.removeprefix("bright_")
        if word in ATTRIBUTES:
            attributes.add(ATTRIBUTES[word])
        elif base in COLOURS:
            colour = COLOURS.index(base) + (90 if word != base else 30)
        else:
            return None
    codes = [str(a) for a in sorted(attributes)]
    if colour is not None and not no_color:
        codes.append(str(colour))
    return ";".join(codes)


def _narrow(text: str) -> bool:
    """Every character one column wide to Rich, without a table of widths: printable
    Latin (accents too, not combining marks) and general punctuation."""
    return all(" " <= c <= "~" or "\xa0" <= c <= "\u02ff" and c != "\xad"
               or "\u2010" <= c <= "\u2027" for c in text)


class Painter:
    """Styled text as Rich writes a segment: its codes, the text, a reset."""

    def __init__(self, styles: Mapping[str, str], no_color: bool) -> None:
        self.styles, self.no_color = styles, no_color

    def codes(self, *names: str) -> str | None:
        """The codes of the named styles laid over each other (None: not writable)."""
        return sgr(" ".join(self.styles.get(n, n) for n in names), self.no_color)

    def paint(self, text: str, *names: str) -> str:
        codes = self.codes(*names)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text


def title_card(title: str, author: str, width: int, paint: Painter) -> str | None:
    """render.title_card's lines, or None where they would differ."""
    left, inner = layout.margin(width), layout.measure(width)
    if left + inner > width or not all(_narrow(t) and len(t) <= inner for t in (title, author)):
        return None
    pad = " " * left
    blank = pad + " " * inner + "\n"
    rule = pad + paint.paint(RULE * inner, "rule") + "\n"
    lines = [blank, rule, blank, _centred(title, inner, pad, paint, "story.title")]
    if author:
        lines.append(_centred(author, inner, pad, paint, "story.author"))
    return "".join([*lines, blank, rule, blank])


def _centred(text: str, inner: int, pad: str, paint: Painter, style: str) -> str:
    excess = inner - len(text)
    return pad + paint.paint(" " * (excess // 2) + text + " " * (excess - excess // 2),
                             style) + "\n"


def menu(items: Sequence[MenuItem], selected: int | None, width: int,
         paint: Painter) -> str | None:
    """render.menu's lines, or None where they would differ."""
    left, inner = layout.margin(width), layout.measure(width)
    label_width = inner - 6  # two columns of two, a space after each
    if left + inner > width or label_width < 10 or inner < len(HINT) or len(items) > 99:
        return None
    pad, lines = " " * left, []
    for i, item in enumerate(items):
        row = _row(i, item, i == selected, label_width, paint)
        if row is None:
            return None
        lines.append(pad + row)
    hint = paint.paint(HINT + " " * (inner - len(HINT)), "menu.hint")
    return "".join([*lines, pad + " " * inner + "\n", pad + hint + "\n"])


def _row(i: int, item: MenuItem, on: bool, label_width: int, paint: Painter) -> str | None:
    """One item's line after the margin: marker, number, label and its detail."""
    label, detail = item.label, item.detail
    shown = len(label) + (2 + len(detail) if detail else 0)
    if not item.enabled or not label or clean(label) != label or clean(detail) != detail \
            or not _narrow(label + detail) or shown > label_width:
        return None
    marker = paint.paint("› ", "choice.marker") if on else "  "
    text = paint.paint(label, "bold", *(["choice.selected"] if on else []))
    if detail:
        text += "  " + paint.paint(detail, "menu.hint")
    number = paint.paint(f"{i + 1:>2}", "choice.number")
    return f"{marker} {number} {text}{' ' * (label_width - shown)}\n"


def title_page(title: str, author: str, items: Sequence[MenuItem], styles: Mapping[str, str],
               environ: Mapping[str, str] | None = None) -> tuple[str, str, int] | None:
    """The title page as TerminalUI.title has Rich write it (the screen cleared, the
    air above, the card) and the menu with its prompt as the terminal front end
    predraws it (item 0 selected); and the terminal's height. None where Rich
    would write anything else: then Rich draws."""
    environ = os.environ if environ is None else environ
    if not usable(environ):
        return None
    width, height = size(environ)
    no_color = environ.get("NO_COLOR", "") != ""
    paint = Painter(styles, no_color)
    names = ("rule", "story.title", "story.author", "choice.marker", "choice.number",
             "menu.hint")
    if any(paint.codes(n) is None for n in names) or paint.codes("choice.selected") is None:
        return None
    if clean(title) != title or clean(author) != author:
        return None
    card = title_card(title, author, width, paint)
    drawn = menu(items, 0, width, paint)
    if card is None or drawn is None:
        return None
    air = layout.top_space(height, 12 + len(items))
    page = "\x1b[2J\x1b[H" + "\n" * air + card
    return page, drawn + "\n" + layout.indent(width) + "> ", height
