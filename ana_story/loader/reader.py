"""The loader's generic walk: a YAML mapping node checked against its record in the
format's one description (storyformat.py), with every diagnostic placed at the
author's own line and column.

A mapping's keys are checked here (unknown keys with did-you-mean, duplicates, missing
required keys) and its plain fields (text, true/false, a scene id) read whole; the
record's builder (scenes.py, choices.py, ...) then gives the other fields their meaning.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from .. import flowsplit, storyfiles, yamlread
from .. import storyformat as sf
from ..declfix import DeclFix
from ..errors import Diagnostic
from ..expressions import CONTROL_CHARS
from ..model import Location
from ..suggest import did_you_mean
from ..yamlread import BOOL, FLOAT, INT, NULL

STORY_FILE = "story.yaml"

BOOL_TRUE = {"true", "yes", "on", "y"}
# What YAML 1.1 took for true/false; a story file reads them as text (YAML 1.2).
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_SCALAR = yaml.ScalarNode
# compiled now, not at its first use (lazyre): the loader reads every text through it
_CONTROL_SEARCH = re.compile(CONTROL_CHARS.pattern).search


def suggest_key(word: str, options: Iterable[str],
                aliases: dict[str, str] = sf.ALIASES) -> str | None:
    """did-you-mean for a key (or a name): the nearest option, else the option that
    is what other engines call ``word``."""
    options = list(options)
    found = did_you_mean(word, options)
    if found:
        return found
    alias = aliases.get(word)
    if alias in options:
        return f"did you mean '{alias}'?"
    return None


@dataclass
class YamlFile:
    """One YAML file being read: its display path and its lines, for positions."""

    path: str
    text: str = ""
    lines: list = field(default_factory=list)
    # ids of the mapping nodes already read: YAML aliases ('*name') can make one node
    # appear many times over, and reading it once per appearance is how an "alias
    # bomb" turns a small file into millions of scenes or choices.
    read_nodes: set = field(default_factory=set)
    # (start, end) of values with a wrong YAML tag: reported once, as 'yaml-tag'
    tagged: list = field(default_factory=list)
    # (line, column) of YAML anchors: a value that is only an anchor is not also "empty"
    anchored: set = field(default_factory=set)
    # ids of the '{ }' and '[ ]' nodes a comma split (said once, for the outermost)
    split: set = field(default_factory=set)


@dataclass
class Walked:
    """A mapping read against its record: each present key's (key node, value node),
    and the plain fields' values (None for one present but unreadable)."""

    nodes: dict[str, tuple[Any, Any]]
    values: dict[str, Any]

    def __contains__(self, key: str) -> bool:
        return key in self.nodes

    def node(self, key: str) -> Any:
        return self.nodes[key][1]

    def failed(self, *keys: str) -> bool:
        return any(k in self.nodes and self.values.get(k) is None for k in keys)


_ANY_KEYS = sf.Record("any keys", "", ())  # a map keyed by names: scene ids, variables


class Reader:
    """Diagnostics, positions and the generic walk, shared by every record's builder."""

    def __init__(self, root: Path, display_root: str):
        self.root = root
        self.display_root = display_root
        self.diags: list[Diagnostic] = []
        # Scene references are checked once every file is read: (file, line, col, id).
        # Files are processed one at a time, so their YAML nodes can be freed as we go.
        self.refs: list[tuple[str, int, int, str]] = []
        self.choice_refs: list[tuple[str, int, int, str]] = []  # taken('scene.choice')
        self.let_names: dict[str, str] = {}  # a 'let:' name -> the first scene with it
        self.unread = storyfiles.Unread()  # files not read, for references into them
        self.declfix: DeclFix | None = None  # wrong-typed declarations, found at their uses
        self.budget = storyfiles.EntryBudget()  # YAML entries, bounded before composing
        # source -> its compiled text, for texts without {{ }} or {% %} (exprs.py):
        # nothing in them depends on the place or the variables and a Template is
        # immutable, so a label written many times is checked and normalised once
        # (each site's own reading, text(), still runs for every one)
        self.plain_texts: dict[str, Any] = {}
        # whether some file read so far holds the word turns_since: without it no
        # expression calls turns_since() and no scene is timed (Story.timed)
        self.turns_since = False

    # ---- diagnostics -------------------------------------------------------------

    def _comment_cut(self, f: YamlFile, node, subject: str, shown: str,
                     example: str = "") -> None:
        """A warning when a plain value was cut short by a ' #' comment."""
        cut = yamlread.comment_cut(f.lines, node)
        if cut:
            self.error(f, cut, "comment-cut", f"{subject} stops at ' #': YAML reads ' #' and "
                       f"the rest of the line as a comment, so the text {shown}",
                       f"quote the whole text to keep the '#'{example}, or put a comment "
                       "on a line of its own", severity="warning")

    def error(self, f: YamlFile | str, node_or_pos, code: str, message: str,
              hint: str | None = None, severity: str = "error") -> None:
        path = f.path if isinstance(f, YamlFile) else f
        if node_or_pos is None:
            line = col = 0
        elif isinstance(node_or_pos, tuple):
            line, col = node_or_pos
        else:
            mark = node_or_pos.start_mark
            line, col = mark.line + 1, mark.column + 1
        if code == "missing-value" and isinstance(f, YamlFile) and (line, col) in f.anchored:
            return  # '&name' alone: the anchor is the one problem, said as such
        if isinstance(f, YamlFile) and f.tagged and code != "yaml-tag" and any(
                start <= (line, col) <= end for start, end in f.tagged):
            return  # the value's tag is the one problem; say it once
        self.diags.append(Diagnostic(path, line, col, code, message, hint, severity))

    def where(self, f: YamlFile, node) -> Location:
        return Location(f.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def mark_wheres(self, f: YamlFile, node, offsets: tuple) -> tuple:
        """Locations of a text's {{ }} parts and {% if %} conditions (as pos_in)."""
        from ..textpos import positions  # here: the imports above change on other branches
        line, style = node.start_mark.line, node.style or ""
        indent = next((len(s) - len(s.lstrip(" ")) for s in islice(f.lines, line + 1, None)
                       if s.strip()), 0) if style == "|" else 0
        return tuple(Location(f.path, ln, col) for ln, col in positions(
            node.value, style, line, node.start_mark.column, indent, offsets))

    def pos_in(self, f: YamlFile, node, offset: int) -> tuple[int, int]:
        """File position of character ``offset`` of a scalar's value."""
        line, col = node.start_mark.line, node.start_mark.column
        value = node.value
        style = node.style or ""
        if style == "|":
            before = value[:offset]
            n = before.count("\n")
            within = len(before) - (before.rfind("\n") + 1)
            indent = 0
            for src in islice(f.lines, line + 1, None):  # not a copy of the file's rest
                if src.strip():
                    indent = len(src) - len(src.lstrip(" "))
                    break
            return line + 2 + n, indent + within + 1
        if "\n" not in value[:offset]:
            quote = 1 if style in ("'", '"') else 0
            return line + 1, col + quote + offset + 1
        return line + 1, col + 1

    # ---- generic node helpers ---------------------------------------------------------

    def mapping(self, f: YamlFile, node, what: str, record: sf.Record = _ANY_KEYS,
                owner=None) -> dict | None:
        """A mapping node's entries as {key: (key_node, value_node)}, its keys checked
        against ``record`` (any keys, without one: ids and names as keys).

        A missing key is reported at ``owner`` (the key naming this mapping) if given."""
        if not isinstance(node, yaml.MappingNode):
            self.error(f, node, "wrong-type", f"{what} should be a set of 'key: value' lines, "
                       f"not {node_kind(node)}")
            return None
        if (f.tagged or node.flow_style) and self.misread(f, node) or \
                not self.fresh(f, node, what):
            return None
        out: dict = {}
        suggested: set[str] = set()
        keys = (record.keys, record.aliases)
        allowed = record.keys
        for k, v in node.value:
            # the common case in one test (key_ok says yes to it, and nothing else)
            if k.__class__ is _SCALAR and (not allowed or k.value in allowed) and \
                    k.value not in out and k.tag != yamlread.MERGE or \
                    self.key_ok(f, k, what, out, keys, suggested):
                out[k.value] = (k, v)
        self.missing_keys(f, owner or node, what, record, out, suggested)
        return out

    def missing_keys(self, f: YamlFile, at, what: str, record: sf.Record, out: dict,
                     suggested: set[str]) -> None:
        """Each required key not in ``out`` said at ``at``, unless a misspelling of it
        was said already."""
        for key in record.required:
            if key not in out and key not in suggested:
                self.error(f, at, "missing-key", f"{what} has no '{key}'",
                           record.field(key).hint)

    def key_ok(self, f: YamlFile, k, what: str, out: dict,
               keys: tuple[frozenset[str], dict[str, str]], suggested: set[str]) -> bool:
        """Whether key node ``k`` may be read (``keys``: the record's keys and their
        aliases); a diagnostic when it may not."""
        allowed, aliases = keys
        if not isinstance(k, yaml.ScalarNode):
            self.error(f, k, "wrong-type", f"a key in {what} must be a plain word")
            return False
        if k.tag == "tag:yaml.org,2002:merge":
            self.error(f, k, "unknown-key", "YAML merge keys ('<<') are not supported",
                       "write the keys out in full")
            return False
        key = k.value
        if key in out:
            first = out[key][0].start_mark.line + 1
            self.error(f, k, "duplicate-key", f"'{key}' appears twice in {what}",
                       f"the first is on line {first}; keep one")
            return False
        if allowed and key not in allowed:
            hint = suggest_key(key, allowed, aliases)
            if hint:
                suggested.add(hint.split("'")[1])
            self.error(f, k, "unknown-key", f"unknown key '{key}' in {what}",
                       hint or f"the keys are: {', '.join(sorted(allowed))}")
            return False
        return True

    def walk(self, f: YamlFile, node, what: str, record: sf.Record,
             owner=None) -> Walked | None:
        """A mapping checked against its record, with its plain fields read whole (text,
        true/false, a scene id): the part of reading that the description says all of."""
        m = self.mapping(f, node, what, record, owner)
        if m is None:
            return None
        values: dict[str, Any] = {}
        for fd in record.plain_fields:
            if fd.name in m:
                vn = m[fd.name][1]
                values[fd.name] = self.flag(f, vn, fd.said) if fd.kind == sf.BOOL else \
                    self.text(f, vn, fd.said, allow_empty=fd.empty_ok, prose=fd.prose)
        return Walked(m, values)

    def misread(self, f: YamlFile, node) -> bool:
        """True when YAML did not read a mapping as written: a wrong tag (said already) or
        a '{ }' cut by a comma (said here, once, for the whole mapping)."""
        at = (node.start_mark.line + 1, node.start_mark.column + 1)
        if f.tagged and any(start == at for start, _ in f.tagged) or id(node) in f.split:
            return True  # said already
        split = flowsplit.flow_split(f.lines, node)
        if split:
            found = flowsplit.flow_splits(None, f.lines, node)  # its message and hint
            message, hint = (found[0][1], found[0][2]) if found else (
                f"a comma inside '{{ }}' cut a value in two: YAML reads {split[1]} as "
                "separate entries", "write the entries one per line, without '{ }'")
            self.error(f, split[0], "flow-split", message, hint)
        return split is not None

    def fresh(self, f: YamlFile, node, what: str) -> bool:
        """False (and a diagnostic) for a collection already read: a YAML alias."""
        if id(node) in f.read_nodes:
            self.error(f, node, "yaml-alias", f"{what} repeats a part of the file through a "
                       "YAML alias ('*'); aliases are not supported in stories",
                       "write the part out where it is used")
            return False
        f.read_nodes.add(id(node))
        return True

    def text(self, f: YamlFile, node, what: str, *, allow_empty: bool = False,
             prose: bool = False) -> str | None:
        """A string field: any scalar's own text (so 'title: 1984' reads as text)."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(f, node, "wrong-type", f"{what} should be text, not {node_kind(node)}",
                       "a value that starts with '{' or '[' is a map or a list to YAML: "
                       "quote the whole value" if getattr(node, "flow_style", False)
                       else None)
            return None
        if node.tag == NULL and not allow_empty:
            self.error(f, node, "missing-value", f"{what} is empty")
            return None
        bad = _CONTROL_SEARCH(node.value)
        if bad:
            self.error(f, self.pos_in(f, node, bad.start()), "control-character",
                       f"{what} holds the control character U+{ord(bad.group()):04X}",
                       "remove it: control characters can take over the player's terminal")
            return None
        # the player reads it: a ' #' comment cuts a plain text short (a quoted or
        # a | one cannot be cut, and its message is not made for nothing)
        if prose and not node.style:
            self._comment_cut(f, node, what, f"ends '...{node.value[-20:]}'",
                              ' (text: "... #2 ...")')
        return node.value

    def flag(self, f: YamlFile, node, what: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL:
            return node.value.lower() in BOOL_TRUE
        yaml11 = isinstance(node, yaml.ScalarNode) and node.value.lower() in _YAML11_BOOLS
        self.error(f, node, "wrong-type", f"{what} should be true or false, not "
                   f"{node_kind(node)}", "only true and false are true/false in a story "
                   "file (it is read as YAML 1.2)" if yaml11 else None)
        return None


def node_kind(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a set of 'key: value' lines"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag == NULL:
        return "nothing"
    if node.tag == BOOL:
        return "true/false"
    if node.tag in (INT, FLOAT):
        return "a number"
    return f"the text '{node.value[:40]}'"


def join_path(root: str, name: str) -> str:
    return os.path.join(root, name) if root else name

