"""A ``{ }`` map or ``[ ]`` list that a comma cut in two: YAML reads
``set: { price: random(10, 20) }`` as ``price: random(10`` and ``20)``, without a word.

Why apart from yamlread.py: the loader finds these on the composed nodes of each
file, once, and says them as one error at the cut, with the block form the author
meant (split at the commas outside brackets and quotes) as the hint.
"""
from __future__ import annotations

import re

import yaml

from .yamlread import NULL, unbalanced_open, walk_nodes


def _has_colon(lines: list[str], key) -> bool:
    end = key.end_mark
    if end.line >= len(lines):
        return False
    line, i = lines[end.line], end.column
    while i < len(line) and line[i] in " \t":
        i += 1
    return i < len(line) and line[i] == ":"


def flow_split(lines: list[str], node) -> tuple[object, str] | None:
    """(node, pieces) when a comma inside a ``{ }`` map cut a value in two.

    ``set: { best: max(best, 2) }`` reads as ``best: max(best`` and ``2)``. A value
    with an unclosed ``(`` or ``[``, or an entry with no ``:`` after the first, is
    that cut; the node returned is where it starts."""
    if not isinstance(node, yaml.MappingNode) or not node.flow_style:
        return None
    entries = node.value
    for i, (k, v) in enumerate(entries):
        if not isinstance(k, yaml.ScalarNode):
            return None
        if i and not _has_colon(lines, k):
            pk, pv = entries[i - 1]
            start = pv if isinstance(pv, yaml.ScalarNode) and pv.tag != NULL else pk
            return start, f"'{_short(start.value)}' and '{_short(k.value)}'"
        if isinstance(v, yaml.ScalarNode) and not v.style and unbalanced_open(v.value):
            after = entries[i + 1][0] if i + 1 < len(entries) else None
            tail = f"'{_short(after.value)}'" if isinstance(after, yaml.ScalarNode) \
                else "what follows the comma"
            return v, f"'{_short(v.value)}' and {tail}"
    return None


def _seq_split(node) -> tuple[object, str] | None:
    """(item, pieces) when a comma inside a ``[ ]`` list cut an item in two."""
    items = node.value
    for i, item in enumerate(items):
        if isinstance(item, yaml.ScalarNode) and not item.style and \
                unbalanced_open(item.value) and i + 1 < len(items):
            after = items[i + 1]
            shown = f"'{_short(after.value)}'" if isinstance(after, yaml.ScalarNode) \
                else "what follows the comma"
            return item, f"'{_short(item.value)}' and {shown}"
    return None


_BRACKET = re.compile(r"[{\[]")
_OPENER = re.compile(r"[(\[]")


def _may_split(text: str) -> bool:
    """Whether a line has a '{' or '[' and, after it, a '(' or another '[': where a
    split may be. Each line is looked at once from its first bracket (a regex
    anchored at the line's start tries the '^' at every character: 0.09 s for 8 MB;
    an unanchored one scans to the line's end from every bracket: quadratic)."""
    if "(" not in text and "[" not in text:  # nothing can follow a bracket: one scan
        return False
    pos, size = 0, len(text)
    while True:
        m = _BRACKET.search(text, pos)
        if m is None:
            return False
        eol = text.find("\n", m.end())
        eol = size if eol < 0 else eol
        if _OPENER.search(text, m.end(), eol):
            return True
        pos = eol


def flow_splits(text: str | None, lines: list[str], root) -> list[tuple[object, str, str, set]]:
    """(where, message, hint, the flow nodes concerned) for each outermost ``{ }`` or
    ``[ ]`` of a file in which a comma cut a value (or a list's item) in two. The
    loader reads none of those nodes: the author's block form is in the hint. (``text``
    None: look without first asking the file's text whether a split may be there.)"""
    if root is None or text is not None and not _may_split(text):
        return []
    out = []
    stack: list[tuple[object, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, key = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.flow_style:
            said = _said(lines, node, key)
            if said is not None:
                out.append(said)
            continue
        if isinstance(node, yaml.MappingNode):
            stack.extend((v, k.value if isinstance(k, yaml.ScalarNode) else "")
                         for k, v in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, key) for v in reversed(node.value))
    return out


def _said(lines: list[str], node, key: str) -> tuple[object, str, str, set] | None:
    """The error for one outermost flow collection, if a comma cut a value in it."""
    found = _split_within(lines, node)
    if found is None:
        return None
    at, pieces, kind = found
    return (at, f"a comma inside '{kind}' cut a value in two: YAML reads {pieces} as "
            f"separate {'items' if kind == '[ ]' else 'entries'}",
            _block_hint(lines, node, key, kind), {id(n) for n in walk_nodes(node)})


def _split_within(lines: list[str], node) -> tuple[object, str, str] | None:
    """The first split in a flow collection or the flow collections inside it."""
    for n in walk_nodes(node):
        if isinstance(n, yaml.MappingNode):
            found = flow_split(lines, n)
            if found is not None:
                return found[0], found[1], "{ }"
        elif isinstance(n, yaml.SequenceNode):
            found = _seq_split(n)
            if found is not None:
                return found[0], found[1], "[ ]"
    return None


def _block_hint(lines: list[str], node, key: str, kind: str) -> str:
    """'use block style' with the flow text written as a block (at most 8 lines)."""
    start, end = node.start_mark, node.end_mark
    if start.line == end.line:
        flow = lines[start.line][start.column:end.column]
    else:
        flow = "\n".join([lines[start.line][start.column:],
                          *lines[start.line + 1:end.line], lines[end.line][:end.column]])
    block = block_form(flow)
    if key:
        block = [f"{key}:", *("  " + b for b in block)]
    shown = "\n".join("      " + b for b in block[:8])
    return (f"write the entries one per line, in block style, without '{kind}' (or quote "
            "the value):\n" + shown)


def block_form(flow: str) -> list[str]:
    """A ``{ }`` or ``[ ]`` text as block-style YAML lines, split at its top-level
    commas only (as the author meant, not as YAML read it)."""
    flow = flow.strip()
    if len(flow) < 2 or flow[0] not in "{[":
        return [flow]
    pieces = [p.strip() for p in _top_commas(flow[1:-1]) if p.strip()]
    out: list[str] = []
    for piece in pieces:
        if flow[0] == "[":
            inner = block_form(piece) if piece[:1] in "{[" else [piece]
            out += ["- " + inner[0], *("  " + x for x in inner[1:])]
            continue
        if ":" not in piece and out:  # a comma the author meant as text
            out[-1] += ", " + piece
            continue
        key, _, value = piece.partition(":")
        value = value.strip()
        if value[:1] in "{[":
            out += [f"{key.strip()}:", *("  " + x for x in block_form(value))]
        else:
            out.append(f"{key.strip()}: {value}")
    return out


def _top_commas(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes."""
    parts: list[str] = []
    cur: list[str] = []
    depth, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def _short(s: str) -> str:
    return s if len(s) <= 40 else s[:40] + "..."
