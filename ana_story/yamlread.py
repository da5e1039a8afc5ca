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


_RESOLVERS: dict = StoryYamlLoader.yaml_implicit_resolvers
_KIND_TAGS = {yaml.ScalarNode: STR, yaml.SequenceNode: SEQ, yaml.MappingNode: MAP}


class _FastLoader(StoryYamlLoader):
    """StoryYamlLoader with PyYAML's per-node Python calls cut down: libyaml's composer
    calls descend_resolver, resolve and ascend_resolver for every node (three Python
    calls a node, a tenth of composing); with no path resolvers the first and last do
    nothing, so they are builtins here, and resolve is BaseResolver.resolve without
    the path resolvers' and wildcard's look-ups (tests/test_yamlread.py holds the two
    to the same tags)."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        # builtins in the instance, found before the class's methods (their results
        # are not read)
        self.descend_resolver = {}.get  # type: ignore[method-assign, assignment]
        self.ascend_resolver = ().__len__  # type: ignore[method-assign, assignment]

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            for tag, regexp in _RESOLVERS.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _KIND_TAGS[kind]


def compose(text: str):
    """The root node of one YAML document, read by the 1.2 core rules."""
    return yaml.compose(text, Loader=_FastLoader)


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


def walk_nodes(root) -> Iterator:
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
    for node in walk_nodes(root):
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
