"""Reading the inside of one ``{% %}`` tag exactly (issue 13.2).

Why: the tag reader split on the first space and ignored the rest, so
``{% else if x %}`` was a bare ``{% else %}`` (the wrong branch was shown without a
word) and ``{% endif anything %}`` passed. Here a tag is its word and the rest, and
the words that take nothing after them say so. expressions.templates raises
what these functions report.
"""
from __future__ import annotations

import re

from ..suggest import did_you_mean
from .language import ExprError

_WORD = re.compile(r"\s*(\S*)\s*")
BLOCKS = ("cycle", "sequence", "once", "shuffle")  # variation.KINDS, in that order
END_TAGS = tuple("end" + b for b in BLOCKS)
TAGS = ("if", "elif", "else", "endif", *BLOCKS, "or", *END_TAGS)
BARE_TAGS = ("else", "endif", *BLOCKS, "or", *END_TAGS)  # tags that take nothing after
# Other engines' spellings of the tags, and the tag to write instead.
OTHER_SPELLINGS = {"elseif": "elif", "elsif": "elif", "else_if": "elif", "end": "endif",
                   "fi": "endif", "end_if": "endif", "endif;": "endif", "if:": "if",
                   # ink's, Harlowe's and SugarCube's names for the variation blocks
                   "stopping": "sequence", "seq": "sequence", "sequential": "sequence",
                   "loop": "cycle", "cycling": "cycle", "rotate": "cycle",
                   "random": "shuffle", "either": "shuffle", "shuffled": "shuffle",
                   "onlyonce": "once", "first": "once", "alt": "or", "|": "or",
                   "endstopping": "endsequence", "endseq": "endsequence",
                   "endrandom": "endshuffle", "endeither": "endshuffle",
                   "endloop": "endcycle"}
# Other engines' variations written in plain text, which would show as written: ink's
# (a brace: looked for only in text holding one), Harlowe's and SugarCube's macros.
_FOREIGN = re.compile(
    r"(?P<ink>\{\s*(?P<sigil>[&~!])[^{}]*\})"
    r"|(?P<inkword>\{\s*(?P<word>stopping|cycle|shuffle|once)(?:\s+(?:once|stopping))?\s*:"
    r"[^{}]*\})"
    r"|(?P<inkseq>\{[^{}|%#\n]*\|[^{}%#]*\})")
_MACROS = re.compile(
    r"(?P<harlowe>\((?P<macro>either|cycling-link|seq-link|nth)\s*:)"
    r"|(?P<sugar><<\s*(?P<sugarword>cycle|either|linkcycle|random)\b)")
_SIGILS = {"&": "cycle", "~": "shuffle", "!": "once"}
# each foreign word -> our block
_FOREIGN_WORDS = {"stopping": "sequence", "cycle": "cycle", "shuffle": "shuffle",
                  "once": "once", "either": "shuffle", "random": "shuffle",
                  "seq-link": "sequence"}


def _foreign_kind(m: re.Match[str]) -> str:
    """The block that does what another engine's variation ``m`` does."""
    found = m.groupdict()
    if found.get("sigil"):
        return _SIGILS[found["sigil"]]
    if found.get("inkseq"):
        return "sequence"
    word = found.get("word") or found.get("macro") or found.get("sugarword") or ""
    return _FOREIGN_WORDS.get(word, "cycle")


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
    if word in BLOCKS:
        return (f"'{{% {word} %}}' takes nothing after it, but here it has '{shown}'",
                f"write '{{% {word} %}}' alone, then its alternatives separated by "
                f"'{{% or %}}', then '{{% end{word} %}}'")
    return (f"'{{% {word} %}}' takes nothing after it, but here it has '{shown}'",
            f"write '{{% {word} %}}' alone" + (
                "; a condition goes in '{% elif ... %}'" if word == "else" else ""))


def unknown_tag_hint(word: str, open_tag: str = "root") -> str:
    """The hint for a tag this language does not have (``open_tag``: the innermost
    if or block open where it stands)."""
    lower = word.lower()
    if lower in ("end", "fi", "end_if") and open_tag in BLOCKS:
        return f"write '{{% end{open_tag} %}}'"
    near = OTHER_SPELLINGS.get(lower)
    if near:
        return f"write '{{% {near} %}}'"
    return did_you_mean(lower, TAGS) or (
        "the text tags are {% if %}, {% elif %}, {% else %}, {% endif %}, and the "
        "variation blocks {% cycle %}, {% sequence %}, {% once %} and {% shuffle %} "
        "with {% or %} between their alternatives")


def foreign_syntax(text: str, off: int) -> None:
    """Raise at another engine's variation written in plain text (ink's {&a|b},
    Harlowe's (either:), SugarCube's <<cycle>>), which would be shown as written."""
    m = _FOREIGN.search(text) if "{" in text else None
    if m is None and ("(" in text or "<<" in text):
        m = _MACROS.search(text)
    if m is None:
        return
    kind = _foreign_kind(m)
    what = ("ink's" if m.re is _FOREIGN else
            "Harlowe's" if m.groupdict().get("harlowe") else "SugarCube's")
    shown = m.group()
    shown = shown if len(shown) <= 30 else shown[:30] + "..."
    raise ExprError(f"{what} '{shown}' is not part of this story language: the player "
                    "would read it as written", "template-syntax", off + m.start(),
                    f"write {{% {kind} %}}first{{% or %}}second{{% end{kind} %}}, or "
                    f"{{{{ {kind}('first', 'second') }}}} for short alternatives")
