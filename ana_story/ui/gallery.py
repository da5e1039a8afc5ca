"""A titled list of (name, detail) rows with a closing line: the endings gallery
and the "Previously…" recap, in Rich and in plain text. Every string is from
the story or the profile: author text goes through markup.to_text (its
*italic* and **bold** only), the rest is shown literally; nothing is ever
parsed as Rich markup."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .markup import clean, literal, plain, to_text


def listing(title: str, rows: Sequence[tuple[str, str]], footer: str, width: int):
    """The Rich form, set in the reading column like the prose: a row a line,
    "name — detail", wrapping under itself on a narrow terminal."""
    from rich.text import Text

    from .render import column
    parts = [Text(literal(title).plain, style="chapter.title"), Text("")]
    for name, detail in rows:
        line = to_text(name, style="bold")
        line.append(" — ")
        line.append_text(to_text(detail, style="menu.hint"))
        parts.append(line)
    if footer:
        parts += [Text("")] if rows else []
        parts.append(Text(literal(footer).plain, style="note"))
    return column(width, *parts)


def plain_listing(title: str, rows: Sequence[tuple[str, str]], footer: str,
                  width: int) -> str:
    """The plain form: one row a line (wrapped only past the width)."""
    width = max(20, width)
    out = [clean(title).upper()]
    for name, detail in rows:
        out.append(textwrap.fill(f"{plain(name)} — {plain(detail)}", width,
                                 initial_indent="  ", subsequent_indent="    "))
    if footer:
        out.append(textwrap.fill(clean(footer), width))
    return "\n".join(out)
