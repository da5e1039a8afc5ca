"""Plain-text play: for piped input, CI and screen readers.

No colour, no cursor movement: paragraphs wrapped to the width, numbered
choices, one line of input per choice. End of input is a clean goodbye.
"""
from __future__ import annotations

import textwrap
from typing import IO

from .. import engine
from ..errors import StoryRuntimeError
from ..model import Story
from ..state import State

MEASURE = 70  # a comfortable line length for prose

QUIT_WORDS = {"q", "quit", "exit"}


def wrap(text: str, width: int) -> str:
    """Wrap paragraphs (separated by blank lines) to ``width`` columns."""
    width = max(20, min(MEASURE, width))
    return "\n\n".join(textwrap.fill(p, width) for p in text.split("\n\n"))


def render_passage(p: engine.Passage, width: int, *, chapter_changed: bool) -> str:
    out = []
    if chapter_changed and p.chapter:
        out.append(f"~ {p.chapter} ~\n")
    if p.title:
        out.append(p.title.upper() if not p.ended else p.title)
        out.append("")
    out.append(wrap(p.text, width))
    out.append("")
    if p.ended:
        out.append(f"THE END: {p.ending}")
        return "\n".join(out)
    measure = max(20, min(MEASURE, width))
    n = 0
    for c in p.shown:
        if c.available:
            n += 1
            out.append(textwrap.fill(c.text, measure, initial_indent=f"  {n}. ",
                                     subsequent_indent="     "))
        else:
            out.append(textwrap.fill(f"{c.text} (locked: {c.reason})", measure,
                                     initial_indent="  -  ", subsequent_indent="     "))
    return "\n".join(out)


def play(story: Story, state: State, *, stdin: IO[str], stdout: IO[str],
         width: int = MEASURE) -> int:
    """Play from ``state`` until an ending, end of input or 'quit'. Returns an exit code."""
    chapter = None
    while True:
        p = engine.present(story, state)
        stdout.write(render_passage(p, width, chapter_changed=p.chapter != chapter) + "\n")
        chapter = p.chapter
        if p.ended:
            stdout.flush()
            return 0
        options = p.available
        if not options:
            raise StoryRuntimeError("no choice is available here, so the story cannot go on; "
                                    "add a 'fallback: true' choice to this scene",
                                    scene=p.scene)
        while True:
            stdout.write("> ")
            stdout.flush()
            line = stdin.readline()
            if not line:
                stdout.write("\n")
                stdout.flush()
                return 0
            answer = line.strip()
            if answer.lower() in QUIT_WORDS:
                stdout.write("Goodbye.\n")
                return 0
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                state = engine.choose(story, state, options[int(answer) - 1].index)
                stdout.write("\n")
                break
            if answer:
                stdout.write(f"Type a number from 1 to {len(options)}, or 'quit'.\n")
