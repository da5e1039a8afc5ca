"""File positions of many points inside one YAML text value, in one pass.

Why: a run-time error in a text's ``{{ }}`` or ``{% if %}`` names that part's own
line (issue 13.3). The loader turns each part's offset into a (line, column) when
it loads the text; a text may hold tens of thousands of parts, so this walks the
value once instead of rescanning it for every part. Same rules as Loader.pos_in.
"""
from __future__ import annotations

from collections.abc import Iterable


def positions(value: str, style: str, line0: int, col0: int, indent: int,
              offsets: Iterable[int]) -> list[tuple[int, int]]:
    """(line, column), 1-based, of each offset (ascending) into a scalar's ``value``
    that starts at 0-based (line0, col0); ``indent`` is a '|' block's indentation."""
    out: list[tuple[int, int]] = []
    first_newline = value.find("\n")
    newlines, line_start, scanned = 0, 0, 0
    quote = 1 if style in ("'", '"') else 0
    for offset in offsets:
        if style == "|":
            while True:
                i = value.find("\n", scanned, offset)
                if i < 0:
                    break
                newlines, line_start, scanned = newlines + 1, i + 1, i + 1
            scanned = max(scanned, offset)
            out.append((line0 + 2 + newlines, indent + offset - line_start + 1))
        elif first_newline < 0 or offset <= first_newline:
            out.append((line0 + 1, col0 + quote + offset + 1))
        else:
            out.append((line0 + 1, col0 + 1))
    return out
