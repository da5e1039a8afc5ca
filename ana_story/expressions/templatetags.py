"""Reading the inside of one ``{% %}`` tag exactly (issue 13.2).

Why: the tag reader split on the first space and ignored the rest, so
``{% else if x %}`` was a bare ``{% else %}`` (the wrong branch was shown without a
word) and ``{% endif anything %}`` passed. Here a tag is its word and the rest, and
the words that take nothing after them say so. expressions.templates raises
what these functions report.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"\s*(\S*)\s*")
BARE_TAGS = ("else", "endif")  # tags that take nothing after their word
# Other engines' spellings of the tags, and the tag to write instead.
OTHER_SPELLINGS = {"elseif": "elif", "elsif": "elif", "else_if": "elif", "end": "endif",
                   "fi": "endif", "end_if": "endif", "endif;": "endif", "if:": "if"}


# Jinja filters whose work a story function does, under that function's name.
FILTER_FUNCTIONS = {"length": "len", "count": "len", "string": "str", "int": "int",
                    "round": "round", "abs": "abs", "min": "min", "max": "max"}


def split_tag(inside: str, off: int) -> tuple[str, str, int]:
    """(word, rest, offset of rest) of a tag whose inside starts at ``off``."""
    m = _WORD.match(inside)
    assert m is not None  # every part of the pattern may match nothing
    return m.group(1), inside[m.end():].rstrip(), off + m.end()


def trailing_words(word: str, rest: str) -> tuple[str, str] | None:
    """(message, hint) when a bare tag has words after it, else None."""
    if word not in BARE_TAGS or not rest:
        return None
    first, _, cond = rest.partition(" ")
    if word == "else" and first == "if":
        cond = cond.strip() or "condition"
        return ("'{% else if %}' is not a tag: it would be read as a plain '{% else %}'",
                f"write '{{% elif {cond} %}}'")
    shown = rest if len(rest) <= 30 else rest[:30] + "..."
    return (f"'{{% {word} %}}' takes nothing after it, but here it has '{shown}'",
            f"write '{{% {word} %}}' alone" + (
                "; a condition goes in '{% elif ... %}'" if word == "else" else ""))


def unknown_tag_hint(word: str) -> str:
    """The hint for a tag this language does not have."""
    near = OTHER_SPELLINGS.get(word.lower())
    if near:
        return f"write '{{% {near} %}}'"
    return "the text tags are {% if %}, {% elif %}, {% else %} and {% endif %}"
