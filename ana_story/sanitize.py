"""The one rule for text from strangers on its way to a terminal.

A story, a save file, a file name or a command-line argument may hold characters
that drive the terminal instead of being shown: C0 and C1 controls, ESC and the
sequences it starts (``ESC ] 52`` writes the clipboard, ``ESC ] 0`` retitles the
window, ``ESC [2J`` clears the screen), DEL, and the invisible bidirectional and
zero-width marks that reorder or hide what a line says (U+202E, U+200B, ...).

Two uses, two functions, one table:

- :func:`visible` for everything *echoed* (save fields, file names, arguments,
  `check` output, error messages): each such character is shown, never sent:
  ``\\x1b``, ``\\x7f``, ``\\x9b`` for controls, ``<U+202E>`` for the marks.
- :func:`prose` for a story's own prose and the values it shows (what
  docs/writing-scenes.md promises): controls and whole escape sequences are
  dropped, and so are the marks that reorder a line (embeddings, overrides,
  isolates) or hide text; the joiners and direction marks that scripts need
  (ZWJ, ZWNJ, LRM, RLM, ALM, ZWSP) are kept.
"""
from __future__ import annotations

import unicodedata

from .lazyre import lazy

# Whole escape sequences (CSI, OSC, DCS/SOS/PM/APC, other ESC x, C1 CSI): in prose
# the sequence goes as one, so no stray "[2J" is left behind.
_ESCAPES = lazy(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
                      r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b.?|\x9b[0-?]*[ -/]*[@-~]?")

# Kept in prose: zero-width space, non-joiner, joiner; left-to-right, right-to-left
# and Arabic letter marks. Each affects at most its neighbours, and Persian, Hindi,
# emoji sequences, Hebrew and Arabic need them.
PROSE_KEPT = frozenset("\u200b\u200c\u200d\u200e\u200f\u061c")


def _hidden(c: str) -> bool:
    """A character that is not shown as itself: a control (Cc), a format mark
    (Cf: bidi, zero-width, BOM, tags), a line or paragraph separator, a surrogate."""
    return unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _shown(c: str) -> str:
    n = ord(c)
    if n < 0x100:
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c, f"\\x{n:02x}")
    return f"<U+{n:04X}>"


def visible(text: object, *, newlines: bool = False) -> str:
    """``text`` with every control, escape and invisible mark shown as a visible
    code (``\\x1b``, ``<U+202E>``). With ``newlines`` a line break stays one (for
    our own multi-line messages); otherwise it is shown as ``\\n``."""
    s = text if isinstance(text, str) else str(text)
    if s.isprintable():
        return s
    return "".join(_shown(c) if _hidden(c) and not (newlines and c == "\n") else c
                   for c in s)


def prose(text: object) -> str:
    """Story prose made safe to print: escape sequences and controls removed
    (newlines kept, tabs become spaces), reordering and hiding marks removed,
    PROSE_KEPT kept."""
    s = text if isinstance(text, str) else str(text)
    if s.isprintable():
        return s
    s = _ESCAPES.sub("", s.replace("\t", " ").replace("\r\n", "\n"))
    return "".join(c for c in s if c == "\n" or c in PROSE_KEPT or not _hidden(c))


def is_clean(text: str) -> bool:
    """Whether :func:`visible` would leave ``text`` as it is."""
    return text.isprintable() or not any(_hidden(c) for c in text)


class VisibleWriter:
    """A text stream that passes whatever is written through :func:`visible` (our
    own line breaks kept), for commands that echo a stranger's text. The ``echoed``
    texts (the arguments a command repeats) are shown whole first, so a line break
    inside one cannot fake a line either."""

    def __init__(self, out, echoed=()) -> None:
        self.out = out
        self.echoed = sorted({e for e in echoed if isinstance(e, str) and e and not is_clean(e)},
                             key=len, reverse=True)

    def write(self, text: str) -> int:
        for raw in self.echoed:
            text = text.replace(raw, visible(raw))
        return self.out.write(visible(text, newlines=True))

    def __getattr__(self, name: str):  # flush, isatty, encoding...: the stream's own
        return getattr(self.out, name)


def json_text(data: object) -> str:
    """JSON for a terminal: non-ASCII text stays readable, but the invisible marks
    a stranger's story or save may hold are written as \\u escapes (still the same JSON)."""
    import json
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return text if text.isprintable() or is_clean(text.replace("\n", "")) else "".join(
        c if c == "\n" or is_clean(c) else json.dumps(c)[1:-1] for c in text)
