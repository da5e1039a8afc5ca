"""Plain-text play: for piped input, CI and screen readers.

No colour, no cursor movement: paragraphs wrapped to the width, numbered
choices, one line of input per choice, and the same commands as the terminal
(save, load, undo, history, stats, ...). End of input is a clean goodbye;
an ending ends the run.
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import IO

from .. import bytebundle
from ..engine import Passage
from ..model import Story
from .markup import clean, plain
from .theme import MEASURE
from .typed import read_capped, read_number
from .views import COMMANDS, EndingSummary, HistoryEntry, MenuItem, SaveRow, StatRow


def wrap(text: str, width: int, indent: str = "") -> str:
    """Wrap author text (paragraphs separated by blank lines) to the measure."""
    width = max(20, min(MEASURE, width))
    return "\n\n".join(textwrap.fill(plain(p.strip()), width, initial_indent=indent,
                                     subsequent_indent=indent)
                       for p in text.split("\n\n") if p.strip())


def render_choices(p: Passage, width: int) -> str:
    measure = max(20, min(MEASURE, width))
    out, n = [], 0
    for c in p.shown:
        if c.available:
            n += 1
            out.append(textwrap.fill(plain(c.text), measure, initial_indent=f"  {n}. ",
                                     subsequent_indent="     "))
        else:
            out.append(textwrap.fill(f"{plain(c.text)} (locked: {plain(c.reason or '')})",
                                     measure, initial_indent="  -  ",
                                     subsequent_indent="     "))
    return "\n".join(out)


def render_passage(p: Passage, width: int, *, chapter_changed: bool) -> str:
    out = []
    if chapter_changed and p.chapter:
        out.append(f"~ {plain(p.chapter)} ~\n")
    if p.title and not p.ended:
        out.append(plain(p.title).upper())
        out.append("")
    out.append(wrap(p.text, width))
    out.append("")
    if not p.ended:
        out.append(render_choices(p, width))
    return "\n".join(out)


class PlainUI:
    """The plain front end of ui.game.Game: reads lines, writes wrapped text."""

    ends_at_ending = True

    def __init__(self, stdin: IO[str], stdout: IO[str], width: int = MEASURE, *,
                 watch=None):
        self.stdin, self.out, self.width = stdin, stdout, width
        self.watch = watch  # play --watch: a ui.watch.Watcher looked at before each line
        self.shown_one = False
        self._pending: str | None = None

    def _write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _line(self, prompt: str) -> str | None:
        from .lineinput import on_terminal, read_line
        if on_terminal(self.stdin, self.out):  # ↑ must not type ^[[A into the line
            bytebundle.mark()
            line = read_line(prompt, self.stdin, self.out)
            if line is None:
                self.out.write("\n")
            return line
        self.out.write(prompt)
        self.out.flush()
        bytebundle.mark()  # the first screen is up: its modules are known
        line = read_capped(self.stdin)
        if not line:
            self.out.write("\n")
            return None
        line = line.rstrip("\r\n")
        if not _isatty(self.stdin):  # piped: echo the line, so the transcript reads right
            self.out.write(clean(line) + "\n")
        return line

    def scene(self, p: Passage, *, chapter_changed: bool) -> None:
        if self.shown_one:
            self.out.write("\n")
        self.shown_one = True
        self._write(render_passage(p, self.width, chapter_changed=chapter_changed))

    def choices_again(self, p: Passage) -> None:
        self._write(render_choices(p, self.width))

    def listing(self, title: str, rows: Sequence[tuple[str, str]], footer: str) -> None:
        """A titled list of (name, detail): the endings gallery, "Previously…"."""
        from .gallery import plain_listing
        self._write(plain_listing(title, rows, footer, self.width))

    def ending(self, p: Passage, s: EndingSummary) -> None:
        lines = [f"THE END: {plain(s.title)}" + (" (a new ending)" if s.new else "")]
        where = f" across {len(s.chapters)} chapters ({', '.join(plain(c) for c in s.chapters)})" \
            if len(s.chapters) > 1 else ""
        lines.append(f"You made {s.turns} choice{'s' if s.turns != 1 else ''}{where}.")
        lines.append(f"Endings found: {s.found} of {len(s.endings)}"
                     + (": " + ", ".join(plain(t) for t, f in s.endings if f) if s.found else ""))
        self._write("\n".join(lines))

    def ask(self, p: Passage) -> str | None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            return pending
        line = self._line("> ")
        if line is not None and self.watch is not None and self.watch.changed():
            from .frontend import RELOAD
            self._pending = line  # reload first, then act on the line with the new story
            return RELOAD
        return line

    def say(self, text: str, style: str = "hint") -> None:
        # a path or a save name in a message stays whole, to be copied
        self._write(textwrap.fill(clean(text), max(20, min(MEASURE, self.width - 1)),
                                  break_on_hyphens=False, break_long_words=False))

    def history(self, entries: Sequence[HistoryEntry]) -> None:
        out = ["THE STORY SO FAR", ""]
        for e in entries:
            if e.title:
                out.append(plain(e.title).upper())
            out.append(wrap(e.text, self.width))
            if e.chosen is not None:
                out.append(f"-> {plain(e.chosen)}")
            out.append("")
        self._write("\n".join(out))

    def stats(self, rows: Sequence[StatRow]) -> None:
        if not rows:
            self._write("This story shows no stats.")
            return
        w = max(len(plain(r.label)) for r in rows)
        self._write("\n".join(f"{plain(r.label):<{w}}  {clean(r.detail)}" for r in rows))

    def saves(self, rows: Sequence[SaveRow]) -> None:
        if not rows:
            self._write("No saves yet. Type 'save' or 'save NAME'.")
            return
        for r in rows:
            bits = [clean(r.slot), clean(r.where)]
            if r.turn is not None:
                bits += [f"turn {r.turn}", f"played {r.played}", f"saved {r.saved}"]
            self._write(" | ".join(bits))

    def help(self) -> None:
        w = max(len(c) for c, _ in COMMANDS)
        measure = max(20, min(MEASURE, self.width))
        self._write("\n".join(textwrap.fill(what.replace(" (or ↑/↓ and Enter)", ""), measure,
                                             initial_indent=f"  {c:<{w}}  ",
                                             subsequent_indent=" " * (w + 4))
                              for c, what in COMMANDS))

    def title(self, story: Story, items: Sequence[MenuItem]) -> int | None:
        self._write(plain(story.title) + (f"\nby {plain(story.author)}" if story.author else ""))
        return self.pick("", items)

    def pick(self, title: str, items: Sequence[MenuItem]) -> int | None:
        if title:
            self._write(title)
        for n, item in enumerate(items, 1):
            detail = f" ({clean(item.detail)})" if item.detail else ""
            self._write(f"  {n}. {clean(item.label)}{detail}")
        while True:
            line = self._line("> ")
            if line is None or not line.strip():
                return None
            number = read_number(line)
            if number is not None and 1 <= number <= len(items):
                return number - 1
            self._write(f"Type a number from 1 to {len(items)}, or nothing to go back.")

    def confirm(self, question: str) -> bool:
        line = self._line(f"{question} (y/n) ")
        return line is not None and line.strip().lower() in ("y", "yes")


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
