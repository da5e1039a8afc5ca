"""How story files are read as YAML: YAML 1.2 core-schema scalars, and the checks on
the composed nodes that YAML itself cannot make.

PyYAML follows YAML 1.1, in which ``no`` is false, ``1:30`` is the number 90 and
``0b101`` is five. Authors write prose, so the story loader reads with YAML 1.2's core
rules instead: only ``true``/``false`` are true/false, and numbers are the plain
decimal (or ``0x``/``0o``) forms. The composing stays in libyaml (``CSafeLoader``): only
the resolution of plain scalars, which PyYAML does in Python anyway, is replaced.

The rest of this module finds what YAML reads without complaint but not as the author
meant: explicit tags with values they cannot hold (``!!bool maybe``), prose cut short by
a `` #`` comment, and a ``{ }`` map split by a comma inside an expression. Where a
syntax error's cause is, and its hint, is loader/syntax.py's.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

try:  # libyaml is several times faster; the pure-Python loader is just as safe
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader  # type: ignore[misc, assignment]  # the same interface

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
MERGE = "tag:yaml.org,2002:merge"

# YAML 1.2.2, 10.3.2 "Tag Resolution" of the core schema.
_CORE = {
    NULL: re.compile(r"^(?:~|null|Null|NULL|)$"),
    BOOL: re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    INT: re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    FLOAT: re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                      r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
}
# The digits a number may have: stored numbers stay within 10**15, so anything much
# longer is a mistake, and refusing it early keeps int() and float() cheap.
MAX_NUMBER_CHARS = 64


class StoryYamlLoader(_Base):
    """CSafeLoader resolving plain scalars by the YAML 1.2 core schema."""

    yaml_implicit_resolvers: dict = {}


def _add(tag: str, regex: re.Pattern, first: str) -> None:
    # never None for `first`: that makes a resolver every plain scalar is matched against
    StoryYamlLoader.add_implicit_resolver(tag, regex, list(first))


_add(NULL, _CORE[NULL], "~nN")
StoryYamlLoader.add_implicit_resolver(NULL, _CORE[NULL], [""])  # the empty value
_add(BOOL, _CORE[BOOL], "tTfF")
_add(INT, _CORE[INT], "-+0123456789")
_add(FLOAT, _CORE[FLOAT], "-+.0123456789")
# '<<' is kept as a merge key only so the loader can say that merge keys are unsupported.
_add(MERGE, re.compile(r"^<<$"), "<")


def compose(text: str):
    """The root node of one YAML document, read by the 1.2 core rules."""
    return yaml.compose(text, Loader=StoryYamlLoader)


def scalar_value(node) -> bool | int | float | None:
    """The value of a true/false or number scalar, or None when it holds none.

    Never raises: PyYAML's own constructors raise KeyError or IndexError on
    ``!!bool maybe`` or ``!!int ''``, and take quadratic time on YAML 1.1's base-60."""
    value = node.value
    if node.tag == BOOL:
        return value.lower() == "true" if _CORE[BOOL].match(value) else None
    if len(value) > MAX_NUMBER_CHARS:
        return None
    if _CORE[INT].match(value) and node.tag in (INT, FLOAT):
        number = int(value, 0) if value[:2] in ("0x", "0o") else int(value, 10)
        return number if node.tag == INT else float(number)
    if node.tag == FLOAT and _CORE[FLOAT].match(value):
        low = value.lower().lstrip("+")
        if low in (".inf", "-.inf", ".nan"):  # Python spells them without the dot
            return float(low.replace(".", ""))
        return float(value)
    return None


_BOOL_WORD = re.compile(r"unknown variable '(yes|no|on|off|y|n|Yes|No|On|Off|YES|NO|ON|OFF)'")


def bool_word_hint(message: str) -> str | None:
    """A hint for an unknown variable named ``yes``, ``no``, ``on`` or ``off``."""
    m = _BOOL_WORD.search(message)
    if not m:
        return None
    word = m.group(1).lower()
    meant = "true" if word in ("yes", "on", "y") else "false"
    return (f"write {meant}: only true and false are true/false in a story "
            f"(and '{m.group(1)}' in quotes is the text '{m.group(1)}')")


# ---- explicit tags -----------------------------------------------------------------

# A '!' followed by a tag's next character ('!=' and '! ' are no tags of interest).
_BANG = re.compile(r"!(?![=\s])")


def _may_have_tag(text: str) -> bool:
    """Whether a tag may be in ``text``: a '!' that starts a token, at a line's start or
    after a space or a flow indicator. (A literal-first regex and a look at the char
    before: a regex looking behind first scanned 8 MB in a third of a second.)"""
    for m in _BANG.finditer(text):
        i = m.start()
        if i == 0 or text[i - 1] in " \t\r\n[{,":
            return True
    return False


_SCALAR_TAGS = {STR: "text", NULL: "nothing", BOOL: "true/false", INT: "a whole number",
                FLOAT: "a number"}


def _tag_name(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") \
        else tag


def _walk(root) -> Iterator:
    """Every node once (aliases repeat nodes), without recursion (files may be deep)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(v)
                stack.append(k)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _scalar_tag_ok(node) -> bool:
    tag = node.tag
    if tag in (STR, MERGE):
        return True
    if tag == FLOAT:
        return bool(_CORE[FLOAT].match(node.value) or _CORE[INT].match(node.value))
    return tag in _CORE and bool(_CORE[tag].match(node.value))


def bad_tags(text: str, root) -> list[tuple[yaml.Node, str, str]]:
    """(node, message, hint) for each explicit tag the story format cannot take.

    Each such node is given back its plain tag, so the loader reads on without an
    internal error or a second report about the same value."""
    if root is None or not _may_have_tag(text):
        return []
    out: list[tuple[yaml.Node, str, str]] = []
    for node in _walk(root):
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if _scalar_tag_ok(node):
                continue
            if tag in _SCALAR_TAGS:
                what = _SCALAR_TAGS[tag]
                shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
                out.append((node, f"'{shown}' is not {what}, as its tag "
                            f"{_tag_name(tag)} says", _TAG_HINTS[tag]))
            else:
                out.append((node, f"the YAML tag '{_tag_name(tag)[:60]}' is not supported "
                            "in stories", "remove the tag; quote the value to keep it as "
                            "text"))
            node.tag = STR
        elif isinstance(node, yaml.MappingNode) and tag != MAP:
            out.append((node, f"the YAML tag '{_tag_name(tag)[:60]}' is not supported "
                        "in stories", "remove the tag"))
            node.tag = MAP
        elif isinstance(node, yaml.SequenceNode) and tag != SEQ:
            out.append((node, f"the YAML tag '{_tag_name(tag)[:60]}' is not supported "
                        "in stories", "remove the tag"))
            node.tag = SEQ
    return out


_TAG_HINTS = {
    BOOL: "write true or false, without the tag",
    INT: "write a whole number such as 12, without the tag",
    FLOAT: "write a number such as 2.5, without the tag",
    NULL: "leave the value empty, without the tag",
    STR: "",
}


# ---- prose cut by a comment ----------------------------------------------------------

_COMMENT_AFTER = re.compile(r"^[ \t]+#")


def comment_cut(lines: list[str], node) -> tuple[int, int] | None:
    """1-based (line, column) of a `` #`` comment that cut a plain scalar short, if any.

    YAML ends a plain scalar at `` #``: ``text: letter #2`` reads as ``letter``. A
    quoted or ``|`` value cannot be cut, so only plain ones are looked at."""
    if not isinstance(node, yaml.ScalarNode) or node.style or node.tag == NULL:
        return None
    end = node.end_mark
    if end.line >= len(lines):
        return None
    rest = lines[end.line][end.column:]
    m = _COMMENT_AFTER.match(rest)
    if m:
        return end.line + 1, end.column + m.end()
    # a comment on the next line, indented like a continuation of the text
    if not rest.strip() and end.line + 1 < len(lines):
        below = lines[end.line + 1]
        key_indent = len(lines[node.start_mark.line]) - len(lines[node.start_mark.line].lstrip())
        stripped = below.lstrip(" ")
        if stripped.startswith("#") and len(below) - len(stripped) > key_indent:
            return end.line + 2, len(below) - len(stripped) + 1
    return None


# ---- anchors, and text that starts with a character YAML reads ------------------------

_AMP = re.compile(r"&(?=[^\s,\[\]{}])")


def anchors(text: str) -> list[tuple[int, int, str]]:
    """(line, column, '&name') of each YAML anchor. An anchor is dropped from the
    value it stands before, so ``text: &Co opened`` reads as "opened": never meant
    in a story, where aliases are refused anyway."""
    if not any(i == 0 or text[i - 1] in " \t\r\n[{,:-" for i in
               (m.start() for m in _AMP.finditer(text))):
        return []
    out = []
    try:
        for tok in yaml.scan(text, Loader=StoryYamlLoader):
            if isinstance(tok, yaml.AnchorToken):
                m = tok.start_mark
                out.append((m.line + 1, m.column + 1, "&" + tok.value))
    except yaml.YAMLError:
        return out
    return out


# ---- a { } map split by a comma ------------------------------------------------------

def unbalanced_open(s: str) -> bool:
    return ("(" in s or "[" in s) and (s.count("(") > s.count(")") or
                                       s.count("[") > s.count("]"))


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
        after = entries[i + 1][0] if i + 1 < len(entries) else None
        tail = f"'{_short(after.value)}'" if isinstance(after, yaml.ScalarNode) \
            else "what follows the comma"
        if i and not _has_colon(lines, k):
            pk, pv = entries[i - 1]
            start = pv if isinstance(pv, yaml.ScalarNode) and pv.tag != NULL else pk
            return start, f"'{_short(start.value)}' and '{_short(k.value)}'"
        if isinstance(v, yaml.ScalarNode) and not v.style and unbalanced_open(v.value):
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


# A line with a '{' or '[' and, after it, a '(' or another '[': where a split may be.
_MAY_SPLIT = re.compile(r"[{\[][^\n]*[(\[]")


def flow_splits(text: str, lines: list[str], root) -> list[tuple[object, str, str, set]]:
    """(where, message, hint, the flow nodes concerned) for each outermost ``{ }`` or
    ``[ ]`` of a file in which a comma cut a value (or a list's item) in two. The
    loader reads none of those nodes: the author's block form is in the hint."""
    if root is None or not _MAY_SPLIT.search(text):
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
            found = _split_within(lines, node)
            if found is not None:
                at, pieces, kind = found
                inner = {id(n) for n in _walk(node)}
                out.append((at, f"a comma inside '{kind}' cut a value in two: YAML reads "
                            f"{pieces} as separate {'items' if kind == '[ ]' else 'entries'}",
                            _block_hint(lines, node, key, kind), inner))
            continue
        if isinstance(node, yaml.MappingNode):
            stack.extend((v, k.value if isinstance(k, yaml.ScalarNode) else "")
                         for k, v in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, key) for v in reversed(node.value))
    return out


def _split_within(lines: list[str], node) -> tuple[object, str, str] | None:
    """The first split in a flow collection or the flow collections inside it."""
    for n in _walk(node):
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
    parts, depth, quote, cur = [], 0, "", []
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
