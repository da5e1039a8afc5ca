"""Screen-reader mode (`--screen-reader`, or `screen_reader = true` in the
preferences): the plain front end, made for speech.

Text is written one line at a time and never redrawn: no cursor movement, no
cleared regions, no hard wraps inside a paragraph (a screen reader would pause
at each), and each part says what it is ("Chapter: ...", "Scene: ..."). Before
the choices comes their count ("3 choices, 1 locked"), so a listener knows how
many to expect; 'repeat' reads the current scene again.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..engine import Passage
from .markup import clean, plain
from .plain import PlainUI


def _line(text: str) -> str:
    """A paragraph as one line: its own line breaks become spaces."""
    return " ".join(plain(text).split())


def announce(p: Passage) -> str:
    """'3 choices, 1 locked:' (what is about to be read out)."""
    n = len(p.available)
    locked = len(p.shown) - n
    text = f"{n} choice{'s' if n != 1 else ''}"
    if locked:
        text += f", {locked} locked"
    return text + ":"


def choice_lines(p: Passage) -> list[str]:
    out, n = [announce(p)], 0
    for c in p.shown:
        if c.available:
            n += 1
            out.append(f"{n}. {_line(c.text)}")
        else:
            out.append(f"Locked: {_line(c.text)} ({_line(c.reason or '')})")
    return out


class ScreenReaderUI(PlainUI):
    """PlainUI with every line whole and the choices announced."""

    def __init__(self, stdin, stdout, *, watch=None):
        super().__init__(stdin, stdout, 10_000, watch=watch)

    def scene(self, p: Passage, *, chapter_changed: bool) -> None:
        out = [""] if self.shown_one else []
        self.shown_one = True
        if chapter_changed and p.chapter:
            out.append(f"Chapter: {_line(p.chapter)}")
        if p.title and not p.ended:
            out.append(f"Scene: {_line(p.title)}")
        out += [_line(para) for para in p.text.split("\n\n") if para.strip()]
        if not p.ended:
            out += choice_lines(p)
        self._write("\n".join(out))

    def choices_again(self, p: Passage) -> None:
        self._write("\n".join(choice_lines(p)))

    def say(self, text: str, style: str = "hint") -> None:
        self._write(" ".join(clean(text).split()))

    def history(self, entries) -> None:
        out = ["The story so far."]
        for e in entries:
            if e.title:
                out.append(f"Scene: {_line(e.title)}")
            out += [_line(para) for para in e.text.split("\n\n") if para.strip()]
            if e.chosen is not None:
                out.append(f"You chose: {_line(e.chosen)}")
        self._write("\n".join(out))

    def stats(self, rows) -> None:
        if any(r.kind != "value" for r in rows):  # a designed screen: each row in words
            self._write("\n".join(["Stats."] + [_line(r.said) for r in rows]))
            return
        super().stats(rows)

    def listing(self, title: str, rows: Sequence[tuple[str, str]], footer: str) -> None:
        out = [_line(title)] + [f"{_line(a)} — {_line(b)}" for a, b in rows]
        self._write("\n".join(out + ([_line(footer)] if footer else [])))
