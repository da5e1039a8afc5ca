"""Rich renderables for every screen of the game. Pure: each function takes plain
data (a Passage, views.* records) and returns something a Console can print, so
tests render into ``Console(file=io.StringIO(), width=...)`` and compare text,
and docs/screens/ is exported from exactly these functions.

Author text goes through markup.to_text (``*italic*``, ``**bold**``, nothing
else); every other string from outside (variable values, save names) through
markup.literal. No string is ever parsed as Rich markup.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..engine import Passage
from .layout import margin, measure
from .markup import literal, to_text
from .statsview import designed
from .views import COMMANDS, EndingSummary, HistoryEntry, MenuItem, SaveRow, StatRow

__all__ = ["margin", "measure"]  # where the page sits: ui/layout.py


def column(width: int, *parts: RenderableType) -> RenderableType:
    """Set ``parts`` in the reading column: the measure, behind the margin."""
    table = Table.grid(padding=0)
    table.add_column(width=measure(width))
    table.add_row(Group(*parts))
    return Padding(table, (0, 0, 0, margin(width)), expand=False)


def title_card(title: str, author: str, width: int) -> RenderableType:
    rule = Rule(style="rule")
    parts: list[RenderableType] = [Text(""), rule, Text(""),
             Text(literal(title).plain, style="story.title", justify="center")]
    if author:
        parts.append(Text(literal(author).plain, style="story.author", justify="center"))
    parts += [Text(""), rule, Text("")]
    return column(width, *parts)


def menu(items: Sequence[MenuItem], selected: int | None, width: int) -> RenderableType:
    """A numbered menu (title screen, picking a save); ``selected`` is highlighted."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(width=2, justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    n = 0
    for i, item in enumerate(items):
        if not item.enabled:
            grid.add_row("", "·", Text(item.label, style="choice.locked"))
            continue
        n += 1
        label = literal(item.label)
        label.stylize("bold")
        if item.detail:
            label.append("  ")
            label.append(literal(item.detail).plain, style="menu.hint")
        marker = Text("›", style="choice.marker") if i == selected else Text("")
        if i == selected:
            label.stylize("choice.selected", 0, len(item.label))
        grid.add_row(marker, Text(str(n), style="choice.number"), label)
    hint = Text("↑/↓ and Enter, or type a number", style="menu.hint")
    return column(width, grid, Text(""), hint)


def status_line(p: Passage, width: int) -> RenderableType:
    bits = [b for b in (literal(p.chapter).plain, f"turn {p.turn}") if b]
    return column(width, Text(" · ".join(bits), style="status", justify="right"))


def chapter_card(chapter: str, width: int) -> RenderableType:
    return column(width, Text(""), Rule(Text(literal(chapter).plain.upper(),
                                             style="chapter.title"), style="rule"),
                  Text(""))


def prose(text: str) -> RenderableType:
    """Paragraphs of author text, a blank line between them."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    parts: list[RenderableType] = []
    for i, para in enumerate(paras):
        if i:
            parts.append(Text(""))
        parts.append(to_text(para.strip(), style="prose"))
    return Group(*parts)


def scene(p: Passage, width: int, *, chapter_changed: bool = False,
          paragraphs: int | None = None) -> RenderableType:
    """A scene without its choices: chapter card when the chapter begins, the quiet
    status line, the title and the prose (only the first ``paragraphs`` when
    pacing reveals them one by one)."""
    parts: list[RenderableType] = []
    if chapter_changed and p.chapter:
        parts.append(chapter_card(p.chapter, width))
    if not p.ended:
        parts.append(status_line(p, width))
    text = p.text
    if paragraphs is not None:
        text = "\n\n".join([x for x in text.split("\n\n") if x.strip()][:paragraphs])
    body = [Text("")]
    if p.title and not p.ended:
        body = [to_text(p.title, style="scene.title"), Text("")]
    parts.append(column(width, *body, prose(text), Text("")))
    return Group(*parts)


def paragraphs(p: Passage) -> int:
    return len([x for x in p.text.split("\n\n") if x.strip()])


def paragraph_alone(p: Passage, n: int, width: int) -> RenderableType:
    """The ``n``-th paragraph of a scene alone (pacing reveals them one by one)."""
    paras = [x for x in p.text.split("\n\n") if x.strip()]
    return column(width, Group(prose(paras[n - 1]), Text("")))


def after_paragraph(p: Passage, shown: int, width: int) -> RenderableType:
    """Every paragraph after the first ``shown`` (a key shows the rest at once)."""
    paras = [x for x in p.text.split("\n\n") if x.strip()]
    return column(width, Group(prose("\n\n".join(paras[shown:])), Text("")))


def choices(p: Passage, width: int, selected: int | None = None) -> RenderableType:
    """The choices: available ones numbered; locked ones the author wants shown are
    dimmed with their reason; other unavailable ones are not shown at all."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(width=3, justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    n = 0
    for c in p.shown:
        if c.available:
            label = to_text(c.text, style="choice.text")
            on = n == selected
            if on:
                label.stylize("choice.selected")
            n += 1
            grid.add_row(Text("›", style="choice.marker") if on else Text(""),
                         Text(f"{n}.", style="choice.number"), label)
        else:
            label = to_text(c.text, style="choice.locked")
            label.append(" — ", style="choice.locked")
            label.append_text(to_text(c.reason or "", style="choice.locked"))
            grid.add_row(Text(""), Text("·", style="choice.locked"), label)
    return column(width, grid)


def full_scene(p: Passage, width: int, *, chapter_changed: bool = False,
               selected: int | None = None) -> RenderableType:
    """A scene and its choices, as the player sees them together."""
    if p.ended:
        return scene(p, width, chapter_changed=chapter_changed)
    return Group(scene(p, width, chapter_changed=chapter_changed),
                 choices(p, width, selected))


def ending(s: EndingSummary, width: int) -> RenderableType:
    """The ending screen: its title, the path in a sentence, endings found so far."""
    head = [Rule(Text("THE END", style="ending.label"), style="rule"), Text(""),
            to_text(s.title, style="ending.title"), ]
    head[-1].justify = "center"
    if s.new:
        head.append(Text("a new ending", style="ending.found", justify="center"))
    head.append(Text(""))
    choices_n = f"{s.turns} choice{'s' if s.turns != 1 else ''}"
    path = Text(f"You made {choices_n}")
    if s.chapters:
        n = len(s.chapters)
        path.append(f" across {n} chapter{'s' if n != 1 else ''}: ")
        path.append(" → ".join(literal(c).plain for c in s.chapters), style="note")
    path.append(f", in {s.played} of play." if s.played != "under a minute"
                else ", in under a minute.")
    found = Table.grid(padding=(0, 1))
    found.add_column(width=1)
    found.add_column(ratio=1)
    for title, seen in s.endings:
        if seen:
            found.add_row(Text("✓", style="ending.found"), to_text(title))
    unknown = len(s.endings) - s.found
    if unknown:
        found.add_row(Text("·", style="ending.unknown"),
                      Text(f"{unknown} more to find" if s.found else
                           f"{unknown} to find", style="ending.unknown"))
    total = len(s.endings)
    count = Text(f"Endings found: {s.found} of {total}", style="bold")
    hint = Text("Type 'restart' to live it again, 'undo' to go back, or 'quit'.",
                style="hint")
    return column(width, *head, path, Text(""), count, found, Text(""), hint)


def history(entries: Iterable[HistoryEntry], width: int) -> RenderableType:
    """The story so far: each scene with the choice taken there."""
    parts: list[RenderableType] = [Rule(Text("The story so far", style="bold"),
                                        style="rule"), Text("")]
    chapter = None
    for e in entries:
        if e.chapter and e.chapter != chapter:
            parts.append(Text(literal(e.chapter).plain.upper(), style="chapter.label"))
            chapter = e.chapter
        if e.title:
            parts.append(to_text(e.title, style="scene.title"))
        parts.append(prose(e.text))
        if e.chosen is not None:
            line = Text("→ ", style="history.choice")
            line.append_text(to_text(e.chosen, style="history.choice"))
            parts.append(line)
        parts.append(Text(""))
    return column(width, *parts)


def stats(rows: Sequence[StatRow], width: int) -> RenderableType:
    """The variables the author marks visible, as a small framed table."""
    if not rows:
        return column(width, Text("This story shows no stats.", style="hint"))
    if any(r.kind != "value" for r in rows):  # the story's own design (statsview.py)
        return column(width, Panel(designed(rows, width - 6), title=Text("Stats", style="bold"),
                                   title_align="left", box=box.ROUNDED, border_style="rule",
                                   expand=False, padding=(0, 2)))
    grid = Table.grid(padding=(0, 3))
    grid.add_column()
    grid.add_column(justify="right", style="bold")
    for r in rows:
        grid.add_row(to_text(r.label), literal(r.value))
    return column(width, Panel(grid, title=Text("Stats", style="bold"), title_align="left",
                               box=box.ROUNDED, border_style="rule", expand=False,
                               padding=(0, 2)))


def saves(rows: Sequence[SaveRow], width: int) -> RenderableType:
    """The saves as a table where it fits whole, else as a list: a name or a place
    is never cut to `Whe…` to make columns fit."""
    if not rows:
        return column(width, Text("No saves yet. Type 'save' or 'save NAME'.", style="hint"))
    fixed = sum(max(len(h), *(len(c) for c in cells)) + 3 for h, cells in (
        ("Save", [r.slot for r in rows]), ("Turn", [str(r.turn or "") for r in rows]),
        ("Played", [r.played for r in rows]), ("Saved", [r.saved for r in rows]))) + 4
    if measure(width) - fixed < 24:  # too little room left for "Where"
        return _saves_list(rows, width)
    table = Table(box=box.ROUNDED, header_style="table.header", border_style="rule",
                  title="Saves", title_style="bold", title_justify="left", expand=True)
    table.add_column("Save", no_wrap=True)
    table.add_column("Where", ratio=1)
    table.add_column("Turn", justify="right", no_wrap=True)
    table.add_column("Played", no_wrap=True)
    table.add_column("Saved", no_wrap=True)
    for r in rows:
        style = "warning" if r.broken else ""
        table.add_row(literal(r.slot), Text(literal(r.where).plain, style=style),
                      Text("" if r.turn is None else str(r.turn)), Text(r.played),
                      Text(r.saved))
    return column(width, table)


def _saves_list(rows: Sequence[SaveRow], width: int) -> RenderableType:
    """The saves of a narrow terminal: each name on its line, what it holds below."""
    parts: list[RenderableType] = [Text("Saves", style="bold")]
    for r in rows:
        parts.append(Text(literal(r.slot).plain, style="table.header"))
        detail = Text(literal(r.where).plain, style="warning" if r.broken else "")
        if r.turn is not None:
            detail.append(f", turn {r.turn}, played {r.played}, saved {r.saved}",
                          style="hint")
        parts.append(Padding(detail, (0, 0, 0, 2)))
    return column(width, *parts)


def help_screen(width: int) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="choice.number")
    table.add_column()
    for cmd, what in COMMANDS:
        table.add_row(cmd, what)
    tip = Text("Tab completes commands and save names; Ctrl-P/Ctrl-N recall what you "
               "typed.", style="hint")
    return column(width, table, Text(""), tip)


def message(text: str, width: int, style: str = "hint") -> RenderableType:
    """A note to the player, set in the reading column like the page it is about."""
    note = literal(text)
    note.stylize(style)
    return column(width, note)
