"""Where a YAML syntax error is, and a hint to fix it: libyaml often reports an
error lines after its cause (an indentation gone wrong, a value that starts with a
character YAML reads as syntax, a quote that ends a value early)."""
from __future__ import annotations

import re

import yaml

from ..yamlread import unbalanced_open

QUOTE_HINT = ("a value that starts with a quote ends at the same quote: put the whole "
              "text in quotes (an apostrophe inside '...' written twice: 'It''s'), or "
              "write it as a '|' block")

# What YAML makes of a plain value that starts with one of these characters.
_STARTS = {
    "*": "an alias ('*name'), so *emphasis* cannot start a value",
    "&": "an anchor ('&name')", "!": "a tag", "%": "a directive", "@": "reserved",
    "`": "reserved", "|": "a block of text that starts on the next line",
    ">": "a folded block that starts on the next line", "[": "the start of a list",
    "{": "the start of a map", "-": "the start of a list entry",
    "?": "the start of a complex key",
}
_VALUE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:\s+(\S)")


def special_start(problem: str, lines: list[str], line: int) -> tuple[tuple[int, int], str] | None:
    """For a YAML error at (0-based) ``line``: the value at or above it whose first
    character YAML reads as syntax, or whose opening quote is not the end of it, with
    a hint to quote the whole text. None when no such value is near."""
    for n in range(min(line, len(lines) - 1), max(-1, line - 8), -1):
        m = _VALUE.match(lines[n])
        if not m:
            continue
        ch, col = m.group(1), m.start(1)
        rest = lines[n][col:].rstrip()
        if ch in "'\"":
            closed = re.match(r"'(?:[^']|'')*'\s*(?:#.*)?$" if ch == "'" else
                              r'"(?:[^"\\]|\\.)*"\s*(?:#.*)?$', rest)
            if closed:
                return None
            why = ("the value starts with a quote, so YAML reads a quoted text that "
                   "ends at the next such quote")
        elif ch in _STARTS and not (ch in "|>" and re.match(r"[|>][-+0-9]*\s*(#.*)?$", rest)) \
                and not (ch in "[{" and rest[-1:] in "]}"):
            why = f"YAML reads '{ch}' at the start of a value as {_STARTS[ch]}"
        else:
            return None
        hint = (f"{why}: put the whole text in quotes (\"...\", and an apostrophe inside "
                "'...' written twice), or write it as a '|' block")
        return (n + 1, col + 1), hint
    return None



def flow_comma_hint(problem: str, line: str, column: int) -> str | None:
    """A hint for a YAML error inside ``{ }`` or ``[ ]`` where a comma cut a call or
    a bracket in two (``set: {mood: pick('a', 'b')}``: ``'b')`` is no entry)."""
    if "expected ',' or '}'" not in problem and "expected ',' or ']'" not in problem:
        return None
    before = line[:column]
    start = max(before.rfind("{"), before.rfind("["))
    if start < 0 or not unbalanced_open(before[start:].rsplit(",", 1)[0]):
        return None
    return ("a comma inside '{ }' separates entries, so it cut this value in two: "
            "write the entries one per line, without '{ }', or quote the value")


# ---- where an indentation went wrong -------------------------------------------------

_INDENT_HINT = ("check the indentation of this line against the lines above: a line "
                "that goes on with the text above must be indented more than its key")


def indentation(problem: str, context: str | None, problem_mark, context_mark,
                lines: list[str]) -> tuple[tuple[int, int], str] | None:
    """(position, hint) for a YAML error caused by indentation, at the line it went
    wrong; None when the error is not about indentation.

    libyaml reports a line that is neither ``key: value`` nor more indented text
    ("could not find expected ':'") where the next key starts, often many lines
    later; the line where the stray scalar began is the context mark."""
    p = problem.lower()
    if "could not find expected ':'" in p and context_mark is not None and \
            "simple key" in (context or ""):
        return ((context_mark.line + 1, context_mark.column + 1),
                "this line is not 'key: value'. If it goes on with the text above, indent "
                "it more than the key (or write the text as a '|' block); if it is a key, "
                "add ':'")
    if problem_mark is None:
        return None
    pos = (problem_mark.line + 1, problem_mark.column + 1)
    if "expected <block end>" in p or "did not find expected key" in p or \
            "expected '-' indicator" in p:
        return pos, _INDENT_HINT
    if "mapping values are not allowed" in p and _deeper_than_above(lines, problem_mark.line):
        return (problem_mark.line + 1, _indent(lines[problem_mark.line]) + 1), \
            "this key is indented more than the key above it: line them up"
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _deeper_than_above(lines: list[str], n: int) -> bool:
    """Line ``n`` is more indented than the last `key: value` line above it."""
    if n >= len(lines):
        return False
    for above in reversed(lines[:n]):
        if above.strip() and not above.lstrip().startswith("#"):
            stripped = above.strip()
            is_pair = re.match(r"^(- )?[^\s:#][^:#]*:\s+\S", stripped) is not None
            return is_pair and _indent(lines[n]) > _indent(above) + (
                2 if stripped.startswith("- ") else 0)
    return False


def syntax_where(e: yaml.MarkedYAMLError, problem: str,
                 lines: list[str]) -> tuple[tuple[int, int], str | None]:
    """Where a YAML syntax error is, and a hint: an indentation error at the line where
    the indentation went wrong, which libyaml may report lines later."""
    mark = e.problem_mark or e.context_mark
    pos = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    hint = _first_hint(problem, mark, lines)
    if hint and "tabs" in hint:
        return pos, hint
    if e.context and "quoted scalar" in e.context and e.context_mark:  # 'Tis, "Hi," she
        q = e.context_mark
        return (q.line + 1, q.column + 1), QUOTE_HINT
    start = special_start(problem, lines, mark.line) if mark and lines else None
    if start and not _about_flow(hint):
        return start
    return indentation(problem, e.context, e.problem_mark, e.context_mark,
                       lines) or (pos, hint)


def _about_flow(hint: str | None) -> bool:
    return hint is not None and ("flow" in hint or "comma" in hint)


def _first_hint(problem: str, mark, lines: list[str]) -> str | None:
    """The hint the problem's words and the character at the mark call for."""
    on_a_line = mark is not None and mark.line < len(lines)
    at = lines[mark.line][mark.column:mark.column + 1] if on_a_line else ""
    return _yaml_hint(problem, at) or (flow_comma_hint(
        problem, lines[mark.line], mark.column) if on_a_line else None)


def _yaml_hint(problem: str, at: str = "") -> str | None:
    p = problem.lower()
    if at == "\t" or "\\t" in p or "tab" in p:
        return "YAML indents with spaces, not tabs"
    if "mapping values are not allowed" in p:
        return "text that holds ': ' must be quoted, or written as a '|' block"
    if "expected <block end>" in p or "did not find expected key" in p:
        return "check the indentation of this line against the lines above"
    if "found undefined alias" in p or "found unhashable key" in p:
        return "'*' and '{' at the start of a value have a meaning in YAML: quote the value"
    if "could not find expected ':'" in p:
        return "a line inside a mapping needs 'key: value'; quote text that spans lines"
    return None

