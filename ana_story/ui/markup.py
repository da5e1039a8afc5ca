"""Author text made safe for a terminal, with the one markup authors have.

The scene format has exactly two marks (docs/writing-scenes.md): ``*text*`` is
italic and ``**text**`` is bold. Everything else is literal: Rich markup such
as ``[red]`` stays text, and control characters or escape sequences (which
could move the cursor, retitle the window or hide text) never reach the
terminal. The same cleaning applies to variable values and to names players
type, so nothing outside the program decides what the terminal does.
"""
from __future__ import annotations

import re

from ..sanitize import prose

_BOLD = re.compile(r"\*\*(?=[^\s*])(.+?)(?<=[^\s*])\*\*", re.S)
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.S)


def clean(text: str) -> str:
    """``text`` made safe to print by the one rule for prose (sanitize.prose):
    escape sequences, controls and reordering marks removed, newlines kept, tabs
    become spaces."""
    return prose(text)


def spans(text: str) -> list[tuple[str, str]]:
    """Split author text into cleaned (piece, style) pairs, style being "",
    "bold", "italic" or "bold italic". Unmatched asterisks stay literal; the
    two marks may nest (``**a *b* c**``, ``*a **b** c*``)."""
    s = clean(text)
    if "*" not in s:
        return [(s, "")] if s else []
    bold, italic, gone = _marks(s)
    return _runs(s, bold, italic, gone)


def _marks(s: str) -> tuple[list[bool], list[bool], list[bool]]:
    """For each character of ``s``: in bold, in italic, an emphasis mark."""
    n = len(s)
    bold, italic, gone = [False] * n, [False] * n, [False] * n
    for m in _BOLD.finditer(s):
        for i in (m.start(), m.start() + 1, m.end() - 2, m.end() - 1):
            gone[i] = True
        for i in range(m.start(1), m.end(1)):
            bold[i] = True
    masked = "".join("\x00" if g else c for c, g in zip(s, gone, strict=True))
    for m in _ITALIC.finditer(masked):
        gone[m.start()] = gone[m.end() - 1] = True
        for i in range(m.start(1), m.end(1)):
            italic[i] = True
    return bold, italic, gone


def _runs(s: str, bold: list[bool], italic: list[bool],
          gone: list[bool]) -> list[tuple[str, str]]:
    """The characters of ``s`` not ``gone``, joined into runs of one style."""
    out: list[tuple[str, str]] = []
    for i, c in enumerate(s):
        if gone[i]:
            continue
        style = "bold italic" if bold[i] and italic[i] else (
            "bold" if bold[i] else "italic" if italic[i] else "")
        if out and out[-1][1] == style:
            out[-1] = (out[-1][0] + c, style)
        else:
            out.append((c, style))
    return out


def plain(text: str) -> str:
    """Author text for plain output: cleaned, emphasis marks dropped."""
    return "".join(piece for piece, _ in spans(text))


def to_text(text: str, style: str = ""):
    """A rich.text.Text of author text: emphasis applied, nothing else parsed."""
    from rich.text import Text
    out = Text(style=style)
    for piece, emphasis in spans(text):
        out.append(piece, emphasis or None)
    return out


def literal(text: str):
    """A rich.text.Text of text that has no markup at all (variable values, save
    names): cleaned and shown exactly as typed."""
    from rich.text import Text
    return Text(clean(text))


def escape(text: str) -> str:
    """Cleaned text safe to embed in a Rich markup string."""
    from rich.markup import escape as rich_escape
    return rich_escape(clean(text))
