"""Reads a story folder into a validated, compiled :class:`~ana_story.model.Story`.

The loader works on YAML *nodes* (``yaml.compose``), not on plain Python
values, so every diagnostic points at the author's own line and column. It
collects every problem it can find in one pass and raises one
:class:`~ana_story.errors.StoryError` carrying them all. Only safe YAML loading
is used (libyaml's ``CSafeLoader`` when present): a story file is data.
"""
from __future__ import annotations

import gc
import keyword
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import storyfiles, yamlread
from .declfix import DeclFix
from .errors import Diagnostic, StoryError
from .expressions import (
    CONTROL_CHARS,
    FUNCTIONS,
    TYPE_NAMES,
    Env,
    Expr,
    ExprError,
    Template,
    compile_expr,
    compile_template,
)
from .ifid import ifid_problem
from .model import Chapter, Choice, Goto, Location, Route, Scene, Story, Variable
from .paths import display_path
from .suggest import did_you_mean

STORY_FILE = "story.yaml"
MAX_FILE_BYTES = storyfiles.MAX_FILE_BYTES

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"

MAX_CHOICES = 1_000  # per scene: far beyond any real scene, and a bound on a hostile one
_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_VAR = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

STORY_KEYS = {"title", "author", "version", "id", "start", "variables", "description",
              "renamed", "ifid", "language"}
VARIABLE_KEYS = {"value", "label", "visible", "description"}
FILE_KEYS = {"chapter", "scenes"}
SCENE_KEYS = {"title", "text", "choices", "tags", "ending", "notes"}
CHOICE_KEYS = {"text", "goto", "if", "set", "once", "fallback", "locked", "id"}
ROUTE_KEYS = {"if", "to"}
# every key of the format: not scene ids, when guessing ids from a file YAML cannot read
_FORMAT_KEYS = (STORY_KEYS | VARIABLE_KEYS | FILE_KEYS | SCENE_KEYS | CHOICE_KEYS | ROUTE_KEYS
                | {"random"})

# Words authors from other engines reach for, and what we call them.
_ALIASES = {"condition": "if", "when": "if", "requires": "if", "cond": "if",
            "effects": "set", "effect": "set", "next": "goto", "target": "goto",
            "to": "goto", "divert": "goto", "body": "text", "content": "text",
            "label": "text", "options": "choices", "once_only": "once",
            "default": "fallback", "name": "title", "vars": "variables",
            "start_scene": "start", "first": "start"}

_BOOL_TRUE = {"true", "yes", "on", "y"}
# What YAML 1.1 took for true/false; a story file reads them as text (YAML 1.2).
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
# Fields the player reads: a ' #' comment there cuts the text short.
_PROSE = {"'title'", "'author'", "'description'", "'chapter'", "'label'", "'ending'",
          "the scene's text", "the choice's text", "the locked reason"}


def _did_you_mean(word: str, options: Iterable[str]) -> str | None:
    options = list(options)
    found = did_you_mean(word, options)
    if found:
        return found
    alias = _ALIASES.get(word)
    if alias in options:
        return f"did you mean '{alias}'?"
    return None


@dataclass
class _File:
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


class _Loader:
    def __init__(self, root: Path, display_root: str):
        self.root = root
        self.display_root = display_root
        self.diags: list[Diagnostic] = []
        # Scene references are checked once every file is read: (file, line, col, id).
        # Files are processed one at a time, so their YAML nodes can be freed as we go.
        self.refs: list[tuple[str, int, int, str]] = []
        self.unread = storyfiles.Unread()  # files not read, for references into them
        self.declfix: DeclFix | None = None  # wrong-typed declarations, found at their uses
        self.budget = storyfiles.EntryBudget()  # YAML entries, bounded before composing

    # ---- diagnostics -------------------------------------------------------------

    def _comment_cut(self, f: _File, node, subject: str, shown: str,
                     example: str = "") -> None:
        """A warning when a plain value was cut short by a ' #' comment."""
        cut = yamlread.comment_cut(f.lines, node)
        if cut:
            self.error(f, cut, "comment-cut", f"{subject} stops at ' #': YAML reads ' #' and "
                       f"the rest of the line as a comment, so the text {shown}",
                       f"quote the whole text to keep the '#'{example}, or put a comment "
                       "on a line of its own", severity="warning")

    def error(self, f: _File | str, node_or_pos, code: str, message: str,
              hint: str | None = None, severity: str = "error") -> None:
        path = f.path if isinstance(f, _File) else f
        if node_or_pos is None:
            line = col = 0
        elif isinstance(node_or_pos, tuple):
            line, col = node_or_pos
        else:
            mark = node_or_pos.start_mark
            line, col = mark.line + 1, mark.column + 1
        if code == "missing-value" and isinstance(f, _File) and (line, col) in f.anchored:
            return  # '&name' alone: the anchor is the one problem, said as such
        if isinstance(f, _File) and f.tagged and code != "yaml-tag" and any(
                start <= (line, col) <= end for start, end in f.tagged):
            return  # the value's tag is the one problem; say it once
        self.diags.append(Diagnostic(path, line, col, code, message, hint, severity))

    def where(self, f: _File, node) -> Location:
        return Location(f.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def mark_wheres(self, f: _File, node, offsets: tuple) -> tuple:
        """Locations of a text's {{ }} parts and {% if %} conditions (as pos_in)."""
        from .textpos import positions  # here: the imports above change on other branches
        line, style = node.start_mark.line, node.style or ""
        indent = next((len(s) - len(s.lstrip(" ")) for s in f.lines[line + 1:] if s.strip()),
                      0) if style == "|" else 0
        return tuple(Location(f.path, ln, col) for ln, col in positions(
            node.value, style, line, node.start_mark.column, indent, offsets))

    def pos_in(self, f: _File, node, offset: int) -> tuple[int, int]:
        """File position of character ``offset`` of a scalar's value."""
        line, col = node.start_mark.line, node.start_mark.column
        value = node.value
        style = node.style or ""
        if style == "|":
            before = value[:offset]
            n = before.count("\n")
            within = len(before) - (before.rfind("\n") + 1)
            indent = 0
            for src in f.lines[line + 1:]:
                if src.strip():
                    indent = len(src) - len(src.lstrip(" "))
                    break
            return line + 2 + n, indent + within + 1
        if "\n" not in value[:offset]:
            quote = 1 if style in ("'", '"') else 0
            return line + 1, col + quote + offset + 1
        return line + 1, col + 1

    def compile_failed(self, f: _File, node, e: ExprError, what: str, src: str, recompile,
                       target: str | None = None) -> None:
        """Report a compile error, unless a wrong-typed declaration explains it (see
        declfix, which then reports it at the declaration, or the use after all)."""
        def report() -> None:
            self.expr_error(f, node, e, what)
        where = (f.path, *self.pos_in(f, node, e.offset))
        if self.declfix is None or not self.declfix.explains(e, src, recompile, where, report,
                                                              target):
            report()

    def expr_error(self, f: _File, node, e: ExprError, what: str) -> None:
        hint = e.hint
        if e.code == "undeclared-variable":  # 'no' is false, not a misspelt 'n'
            word = yamlread.bool_word_hint(e.message)
            if word and hint and hint.startswith("did you mean"):
                word += f"; or {hint}"
            hint = word or hint
        self.error(f, self.pos_in(f, node, e.offset), e.code, f"{what}: {e.message}", hint)

    # ---- reading files --------------------------------------------------------------

    def read_yaml(self, path: Path, display: str):
        f = _File(display)
        if not self.read_text(path, f):
            self.unread.add(f.path, f.text)  # references into it are not called unknown
            return f, None
        try:
            node = yamlread.compose(f.text)
        except yaml.MarkedYAMLError as e:
            problem = e.problem or e.context or "cannot read the YAML"
            pos, hint = _syntax_where(e, problem, f.lines)
            self.error(f, pos, "yaml-syntax", f"YAML syntax: {problem}", hint)
            self.unread.add(f.path, f.text)
            return f, None
        except yaml.YAMLError as e:
            self.error(f, None, "yaml-syntax", f"YAML syntax: {e}")
            self.unread.add(f.path, f.text)
            return f, None
        except RecursionError:
            self.error(f, None, "too-large", "the YAML is nested too deeply")
            self.unread.add(f.path, f.text)
            return f, None
        for line, col, name in yamlread.anchors(f.text):
            self.error(f, (line, col), "yaml-alias", f"'{name}' is a YAML anchor, which YAML "
                       "drops from the value it stands before, so that value reads without "
                       "it; anchors and aliases are not used in stories",
                       "quote the whole value to keep the '&' as text")
            f.anchored.add((line, col))
        for bad, message, hint in yamlread.bad_tags(f.text, node):
            self.error(f, bad, "yaml-tag", message, hint or None)
            f.tagged.append(((bad.start_mark.line + 1, bad.start_mark.column + 1),
                             (bad.end_mark.line + 1, bad.end_mark.column + 1)))
        return f, node

    def read_text(self, path: Path, f: _File) -> bool:
        """Read a file's text into ``f``; False (with a diagnostic) when it must not be
        composed: outside the folder, too large, unreadable or not UTF-8."""
        try:
            if storyfiles.outside(self.root, path):
                self.error(f, None, "outside-folder", "this file is a link that leads "
                           "outside the story folder (or nowhere), so it is not read",
                           "copy the file into the story folder instead of linking to it")
                return False
            data = storyfiles.read_limited(path, MAX_FILE_BYTES)
            if len(data) > MAX_FILE_BYTES:
                self.error(f, None, "too-large", "file is %s; the limit is %s"
                           % storyfiles.sizes(path.stat().st_size, MAX_FILE_BYTES),
                           "split it into several chapter files")
                return False
        except storyfiles.NotRegular as e:
            self.error(f, None, "unreadable-file", str(e))
            return False
        except OSError as e:
            self.error(f, None, "unreadable-file", f"cannot read the file: {e.strerror or e}")
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            head = data[:e.start]
            line = head.count(b"\n") + 1
            col = len(head) - (head.rfind(b"\n") + 1) + 1
            self.error(f, (line, col), "encoding",
                       f"the file is not UTF-8 text (byte 0x{data[e.start]:02x})",
                       "save the file as UTF-8 in your editor")
            return False
        if text.startswith("\ufeff"):
            text = text[1:]
        f.text = text
        f.lines = text.split("\n")
        problem = self.budget.take(text)
        if problem and problem[0]:
            self.error(f, None, "too-large", *problem)
        return problem is None

    # ---- generic node helpers ---------------------------------------------------------

    def mapping(self, f: _File, node, what: str, allowed: set[str],
                required: Iterable[str] = (), owner=None) -> dict | None:
        """A mapping node's entries as {key: (key_node, value_node)}, checked.

        A missing key is reported at ``owner`` (the key naming this mapping) if given."""
        if not isinstance(node, yaml.MappingNode):
            self.error(f, node, "wrong-type", f"{what} should be a set of 'key: value' lines, "
                       f"not {_node_kind(node)}")
            return None
        if (f.tagged or node.flow_style) and self.misread(f, node) or \
                not self.fresh(f, node, what):
            return None
        out: dict = {}
        suggested: set[str] = set()
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                self.error(f, k, "wrong-type", f"a key in {what} must be a plain word")
                continue
            if k.tag == "tag:yaml.org,2002:merge":
                self.error(f, k, "unknown-key", "YAML merge keys ('<<') are not supported",
                           "write the keys out in full")
                continue
            key = k.value
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.error(f, k, "duplicate-key", f"'{key}' appears twice in {what}",
                           f"the first is on line {first}; keep one")
                continue
            if allowed and key not in allowed:
                hint = _did_you_mean(key, allowed)
                if hint:
                    suggested.add(hint.split("'")[1])
                self.error(f, k, "unknown-key", f"unknown key '{key}' in {what}",
                           hint or f"the keys are: {', '.join(sorted(allowed))}")
                continue
            out[key] = (k, v)
        for key in required:
            if key not in out and key not in suggested:  # a misspelling says it already
                self.error(f, owner or node, "missing-key", f"{what} has no '{key}'",
                           _missing_hint(key))
        return out

    def misread(self, f: _File, node) -> bool:
        """True when YAML did not read a mapping as written: a wrong tag (said already) or
        a '{ }' cut by a comma (said here, once, for the whole mapping)."""
        at = (node.start_mark.line + 1, node.start_mark.column + 1)
        if f.tagged and any(start == at for start, _ in f.tagged):
            return True
        split = yamlread.flow_split(f.lines, node)
        if split:
            self.error(f, split[0], "flow-split", f"a comma inside '{{ }}' cut a value in "
                       f"two: YAML reads {split[1]} as separate entries",
                       "write the entries one per line, without '{ }', or quote the value")
        return split is not None

    def fresh(self, f: _File, node, what: str) -> bool:
        """False (and a diagnostic) for a collection already read: a YAML alias."""
        if id(node) in f.read_nodes:
            self.error(f, node, "yaml-alias", f"{what} repeats a part of the file through a "
                       "YAML alias ('*'); aliases are not supported in stories",
                       "write the part out where it is used")
            return False
        f.read_nodes.add(id(node))
        return True

    def text(self, f: _File, node, what: str, *, allow_empty: bool = False) -> str | None:
        """A string field: any scalar's own text (so 'title: 1984' reads as text)."""
        if not isinstance(node, yaml.ScalarNode):
            self.error(f, node, "wrong-type", f"{what} should be text, not {_node_kind(node)}",
                       "a value that starts with '{' or '[' is a map or a list to YAML: "
                       "quote the whole value" if getattr(node, "flow_style", False)
                       else None)
            return None
        if node.tag == _NULL and not allow_empty:
            self.error(f, node, "missing-value", f"{what} is empty")
            return None
        bad = CONTROL_CHARS.search(node.value)
        if bad:
            self.error(f, self.pos_in(f, node, bad.start()), "control-character",
                       f"{what} holds the control character U+{ord(bad.group()):04X}",
                       "remove it: control characters can take over the player's terminal")
            return None
        if what in _PROSE:
            self._comment_cut(f, node, what, f"ends '...{node.value[-20:]}'",
                              ' (text: "... #2 ...")')
        return node.value

    def flag(self, f: _File, node, what: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return node.value.lower() in _BOOL_TRUE
        yaml11 = isinstance(node, yaml.ScalarNode) and node.value.lower() in _YAML11_BOOLS
        self.error(f, node, "wrong-type", f"{what} should be true or false, not "
                   f"{_node_kind(node)}", "only true and false are true/false in a story "
                   "file (it is read as YAML 1.2)" if yaml11 else None)
        return None

    # ---- story.yaml -------------------------------------------------------------------

    def read_story_file(self):
        path = self.root / STORY_FILE
        display = _join(self.display_root, STORY_FILE)
        if not path.is_file() and not os.path.lexists(path):
            self.error(display, None, "missing-file", "the story folder has no story.yaml",
                       "create story.yaml with title, start and variables "
                       "(see docs/writing-scenes.md)")
            return None
        f, node = self.read_yaml(path, display)
        if node is None:
            if f.text and not f.text.strip() or not self.diags:
                self.error(f, None, "missing-key", "story.yaml is empty",
                           "it needs at least 'title' and 'start'")
            return None
        m = self.mapping(f, node, "story.yaml", STORY_KEYS, ("title", "start"))
        if m is None:
            return None
        meta = {"file": f}
        for key in ("title", "author", "version", "id", "start", "description", "ifid",
                    "language"):
            if key in m:
                meta[key] = self.text(f, m[key][1], f"'{key}'", allow_empty=key != "start")
                meta[key + "_node"] = m[key][1]
        bad_ifid = ifid_problem(meta["ifid"]) if meta.get("ifid") else None
        if bad_ifid:  # the identity archives know the story by (see ifid.py)
            self.error(f, m["ifid"][1], "bad-ifid", bad_ifid,
                       "keep the one you have published under; else use a new UUID")
        variables: dict[str, Variable] = {}
        if "variables" in m:
            vm = self.mapping(f, m["variables"][1], "'variables'", set())
            for name, (kn, vn) in (vm or {}).items():
                var = self.variable(f, name, kn, vn)
                if var is not None:
                    variables[name] = var
        meta["variables"] = variables
        meta["renamed"] = {}
        if "renamed" in m:
            rm = self.mapping(f, m["renamed"][1], "'renamed'", set())
            for old, (kn, vn) in (rm or {}).items():
                new = self.text(f, vn, f"the new id of '{old}'")
                if new is not None:
                    meta["renamed"][old] = (new, vn)
        return meta

    def variable(self, f: _File, name: str, kn, vn) -> Variable | None:
        if not _VAR.match(name) or keyword.iskeyword(name) or name in (
                "true", "false", "True", "False") or name in FUNCTIONS:
            self.error(f, kn, "bad-name", f"'{name}' cannot be a variable name",
                       "use letters, digits and '_', starting with a letter, and not a "
                       "word of the story language (true, false, and, or, not, if, "
                       "else, or a function name)")
            return None
        label, visible, value_node = name.replace("_", " ").capitalize(), False, vn
        if isinstance(vn, yaml.MappingNode):
            m = self.mapping(f, vn, f"variable '{name}'", VARIABLE_KEYS, ("value",), owner=kn)
            if m is None or "value" not in m:
                return None
            value_node = m["value"][1]
            if "label" in m:
                label = self.text(f, m["label"][1], "'label'") or label
            if "visible" in m:
                visible = bool(self.flag(f, m["visible"][1], "'visible'"))
        value = self.initial_value(f, name, value_node)
        if value is None:
            return None
        t = {bool: "bool", int: "int", float: "float", str: "str"}[type(value)]
        return Variable(name, value, t, label, visible, self.where(f, kn))

    def initial_value(self, f: _File, name: str, node):
        if not isinstance(node, yaml.ScalarNode):
            self.error(f, node, "wrong-type", f"the starting value of '{name}' should be a "
                       f"number, true/false or text, not {_node_kind(node)}")
            return None
        if node.tag == _NULL:
            self.error(f, node, "missing-value", f"variable '{name}' has no starting value",
                       "give it one: 0, 1.5, false or 'some text'")
            return None
        if node.tag == _STR:
            self._comment_cut(f, node, f"the starting text of '{name}'",  # read in {{ }}
                              f"is '{node.value[-20:]}'")
            return node.value
        if node.tag in (_BOOL, _INT, _FLOAT):
            value = yamlread.scalar_value(node)
            if isinstance(value, float) and value != value or value in (
                    float("inf"), float("-inf")):
                value = None
            if value is not None:
                return value
        self.error(f, node, "wrong-type", f"the starting value of '{name}' should be a "
                   "number, true/false or text", "put text in quotes")
        return None

    # ---- scene files ------------------------------------------------------------------

    def scene_files(self) -> list[Path]:
        try:
            entries = sorted(self.root.iterdir())
        except OSError as e:
            self.error(self.display_root, None, "unreadable-file",
                       f"cannot list the story folder: {e.strerror or e}")
            return []
        for name, n in storyfiles.ignored_subfolders(self.root, entries):
            self.error(_join(self.display_root, name), None, "subfolder-ignored",
                       f"the subfolder '{name}' holds {n} YAML file{'s' * (n != 1)}, "
                       f"which {'is' if n == 1 else 'are'} not read: a story's scene files "
                       "are the ones directly in its folder", "move the scene files up into the story folder",
                       severity="warning")
        # a link out of the folder is listed, so that reading it refuses it aloud
        return [p for p in entries if p.suffix in (".yaml", ".yml")
                and p.name != STORY_FILE and not p.name.startswith(".") and (
                    storyfiles.is_candidate(p) or p.is_symlink() and storyfiles.outside(self.root, p))]

    def read_scene_file(self, path: Path, seen: dict) -> tuple[_File, str, list] | None:
        f, node = self.read_yaml(path, _join(self.display_root, path.name))
        if node is None:
            if f.text is not None and not f.text.strip() and not any(
                    d.file == f.path for d in self.diags):
                self.error(f, None, "missing-key", "the scene file is empty",
                           "it needs 'chapter' and 'scenes'")
            return None
        m = self.mapping(f, node, "a scene file", FILE_KEYS, ("scenes",))
        if m is None:
            return None
        chapter = _chapter_from_name(path.stem)
        if "chapter" in m:
            chapter = self.text(f, m["chapter"][1], "'chapter'") or chapter
        scenes = []
        if "scenes" in m:
            sm = self.mapping(f, m["scenes"][1], "'scenes'", set())
            for sid, (kn, vn) in (sm or {}).items():
                if scenes and self.dedented(f, sid, kn, vn, scenes[-1]):
                    continue
                if not _ID.match(sid):
                    self.error(f, kn, "bad-name", f"'{sid}' cannot be a scene id",
                               "use letters, digits, '_' and '-', with no spaces")
                    continue
                if sid in seen:
                    other_file, other_line = seen[sid]
                    self.error(f, kn, "duplicate-scene", f"scene '{sid}' is defined twice",
                               f"it is also defined at {other_file}:{other_line}; "
                               "rename one of them")
                    continue
                seen[sid] = (f.path, kn.start_mark.line + 1)
                scenes.append((sid, kn, vn))
        return f, chapter, scenes

    def dedented(self, f: _File, key: str, kn, vn, above: tuple) -> bool:
        """A key of the scene above that lost its indentation ('choices:' at a scene id's
        place) is reported once, here, and read as part of that scene, so that scene is
        not called stuck or empty. A scene is always a mapping: a scene id whose value
        is not one, and which is a scene's key, is taken for such a key."""
        sid, skn, svn = above
        if key not in SCENE_KEYS or isinstance(vn, yaml.MappingNode) or not isinstance(
                svn, yaml.MappingNode) or any(k.value == key for k, _ in svn.value):
            return False
        inner = svn.value[0][0].start_mark.column if svn.value else skn.start_mark.column + 2
        self.error(f, kn, "indentation", f"'{key}' is indented like a scene id, so YAML "
                   f"reads it as a scene of its own", f"indent it like the other keys of "
                   f"scene '{sid}' ({inner} spaces)")
        svn.value.append((kn, vn))
        return True

    def build_scene(self, f: _File, chapter: str, sid: str, kn, vn, env: Env) -> Scene | None:
        m = self.mapping(f, vn, f"scene '{sid}'", SCENE_KEYS, ("text",), owner=kn)
        if m is None:
            return None
        ok = True
        title = ""
        if "title" in m:
            title = self.text(f, m["title"][1], "'title'") or ""
        text = None
        if "text" in m:
            text = self.template(f, m["text"][1], "the scene's text", env)
        ok &= text is not None
        tags: tuple = ()
        if "tags" in m:
            tn = m["tags"][1]
            if isinstance(tn, yaml.ScalarNode) and tn.tag != _NULL:
                tags = (tn.value,)
            elif isinstance(tn, yaml.SequenceNode) and self.fresh(f, tn, "'tags'"):
                tags = tuple(t for t in (self.text(f, x, "a tag") for x in tn.value) if t)
            else:
                self.error(f, tn, "wrong-type", "'tags' should be a list like [home, mama]")
        notes = ""
        if "notes" in m:
            notes = self.text(f, m["notes"][1], "'notes'", allow_empty=True) or ""
        ending = None
        if "ending" in m:
            en = m["ending"][1]
            if isinstance(en, yaml.ScalarNode) and en.tag == _BOOL:
                ending = self.ending_flag(f, sid, en, title)
                ok &= ending != ""
                ending = ending or None
            else:
                ending = self.text(f, en, "'ending'")
                ok &= ending is not None
        choices: list[Choice] = []
        cn = m["choices"][1] if "choices" in m else None
        if cn is not None and not (isinstance(cn, yaml.ScalarNode) and cn.tag == _NULL):
            if not isinstance(cn, yaml.SequenceNode):
                self.error(f, cn, "wrong-type", "'choices' should be a list, each choice "
                           "starting with '- text:'")
                ok = False
            elif not self.fresh(f, cn, "'choices'"):
                ok = False
            elif len(cn.value) > MAX_CHOICES:
                self.error(f, cn, "too-large", f"scene '{sid}' has {len(cn.value):,} choices; "
                           f"the limit is {MAX_CHOICES:,}", "split them over several scenes")
                ok = False
            else:
                keys: dict[str, object] = {}
                for i, node in enumerate(cn.value):
                    c = self.build_choice(f, sid, i, node, env, keys)
                    if c is None:
                        ok = False
                    else:
                        choices.append(c)
        if ending is not None and cn is not None and getattr(cn, "value", None):
            self.error(f, m["choices"][0], "ending-with-choices",
                       f"scene '{sid}' is an ending but has choices",
                       "remove 'ending' or remove the choices")
            ok = False
        if ending is None and ok and not choices:
            self.error(f, kn, "no-choices", f"scene '{sid}' has no choices and is not an "
                       "ending: the player would be stuck",
                       "add choices, or mark it 'ending: <title>'")
            ok = False
        if not ok:
            return None
        return Scene(sid, title, chapter, text, tuple(choices), tags, ending, notes,
                     self.where(f, kn))

    def ending_flag(self, f: _File, sid: str, node, title: str) -> str | None:
        """'ending: true' takes the scene's title; with none, the player would see the
        scene's id, so it is an error (and "" is returned)."""
        if node.value.lower() not in _BOOL_TRUE:
            return None
        if not title:
            self.error(f, node, "ending-no-name", f"scene '{sid}' is an ending with no name: "
                       f"the player would see its id '{sid}'", "name the ending with "
                       "the words the player should see ('ending: ' and the name), or "
                       "give the scene a 'title'")
        return title

    def template(self, f: _File, node, what: str, env: Env) -> Template | None:
        src = self.text(f, node, what)
        if src is None:
            return None
        def recompile(env2: Env, types: dict) -> Template:
            return compile_template(src, env2)
        try:
            t = compile_template(src, env)
        except ExprError as e:
            self.compile_failed(f, node, e, what, src, recompile)
            return None
        if self.declfix is not None and self.declfix.suspects:
            self.declfix.fits(src, recompile,
                              where=lambda at: (f.path, *self.pos_in(f, node, at)))
        if t.scenes:
            self.note_scene_uses(f, node, t.scenes)
        if t.const is not None:
            return t
        return t.at(Location(f.path, *self.pos_in(f, node, 0)),  # for run-time errors
                    self.mark_wheres(f, node, t.marks))

    def expression(self, f: _File, node, what: str, env: Env, want: str | None,
                   target: str | None = None) -> Expr | None:
        """Compile an expression; ``target`` is the variable a `set:` value goes to."""
        src = self.text(f, node, what)
        if src is None:
            return None
        def recompile(env2: Env, types: dict) -> Expr:
            return compile_expr(src, env2, want=types[target] if target else want)
        try:
            expr = compile_expr(src, env, want=want)
        except ExprError as e:
            if target is not None:
                e.hint = _set_hint(e, target, want, src.strip())
            self.compile_failed(f, node, e, what, src, recompile, target)
            return None
        if self.declfix is not None and self.declfix.suspects:
            self.declfix.fits(src, recompile, target,
                              lambda at: (f.path, *self.pos_in(f, node, at)))
        if expr.scenes:
            self.note_scene_uses(f, node, expr.scenes)
        return expr.at(Location(f.path, *self.pos_in(f, node, 0)))  # for run-time errors

    def build_choice(self, f: _File, sid: str, i: int, node, env: Env,
                     keys: dict) -> Choice | None:
        what = f"choice {i + 1} of scene '{sid}'"
        m = self.mapping(f, node, what, CHOICE_KEYS, ("text", "goto"))
        if m is None:
            return None
        ok = True
        key = f"{sid}.{i}"
        if "id" in m:
            cid = self.text(f, m["id"][1], "'id'")
            if cid is not None:
                if cid in keys:
                    self.error(f, m["id"][1], "duplicate-key",
                               f"two choices of scene '{sid}' have the id '{cid}'")
                    ok = False
                keys[cid] = True
                key = f"{sid}.{cid}"
        text = self.template(f, m["text"][1], "the choice's text", env) if "text" in m else None
        ok &= text is not None
        condition = None
        if "if" in m:
            condition = self.expression(f, m["if"][1], "the condition", env, "bool")
            ok &= condition is not None
        effects = []
        if "set" in m:
            sm = self.mapping(f, m["set"][1], "'set'", set())
            if sm is None:
                ok = False
            for name, (kn, vn) in (sm or {}).items():
                var = env.variables.get(name)
                if var is None:
                    self.error(f, kn, "undeclared-variable", f"unknown variable '{name}'",
                               _did_you_mean(name, env.variables)
                               or "declare it under 'variables:' in story.yaml")
                    ok = False
                    continue
                if isinstance(vn, yaml.ScalarNode) and not vn.style and \
                        vn.tag in (_INT, _FLOAT) and vn.value[:1] in "+-":
                    sign = vn.value[0]
                    amount = vn.value[1:]
                    op = "add" if sign == "+" else "subtract"
                    msg = (f"'{name}: {vn.value}' sets {name} to {vn.value.lstrip('+')}; "
                           f"it does not {op} {amount}")
                    hint = (f"write '{name}: {name} {sign} {amount}' to {op}, or "
                            f"'{name}: {vn.value.lstrip('+')}' to set it")
                    if sign == "+":
                        self.error(f, vn, "ambiguous-increment", msg, hint)
                        ok = False
                        continue
                    self.error(f, vn, "ambiguous-decrement", msg, hint, severity="warning")
                expr = self.expression(f, vn, f"the new value of '{name}'", env, var,
                                       target=name)
                if expr is None:
                    ok = False
                else:
                    effects.append((name, expr))
        once = fallback = False
        if "once" in m:
            once = self.flag(f, m["once"][1], "'once'")
            ok &= once is not None
        if "fallback" in m:
            fallback = self.flag(f, m["fallback"][1], "'fallback'")
            ok &= fallback is not None
        locked = None
        if "locked" in m:
            locked = self.template(f, m["locked"][1], "the locked reason", env)
            ok &= locked is not None
            if "if" not in m:
                self.error(f, m["locked"][0], "locked-without-if",
                           "'locked' explains why a choice is unavailable, but this choice "
                           "has no 'if'", "add an 'if:' condition or remove 'locked'",
                           severity="warning")
        goto = self.goto(f, m["goto"][1], env) if "goto" in m else None
        ok &= goto is not None
        if not ok:
            return None
        return Choice(key, i, text, goto, condition, tuple(effects), bool(once),
                      bool(fallback), locked, self.where(f, node))

    def scene_ref(self, f: _File, node) -> str | None:
        """A scene named by a goto; checked against every scene once all are read."""
        sid = self.text(f, node, "the scene to go to")
        if sid is not None:
            self.refs.append((f.path, node.start_mark.line + 1, node.start_mark.column + 1,
                              sid))
        return sid

    def note_scene_uses(self, f: _File, node, used: Iterable[str]) -> None:
        """Record the scenes an expression names in visits()/seen(), at their quotes."""
        for sid in used:
            off = max(node.value.find(f"'{sid}'"), node.value.find(f'"{sid}"'), 0)
            line, col = self.pos_in(f, node, off)
            self.refs.append((f.path, line, col, sid))

    def goto(self, f: _File, node, env: Env) -> Goto | None:
        if isinstance(node, yaml.ScalarNode):
            sid = self.scene_ref(f, node)
            return None if sid is None else Goto((Route(sid, where=self.where(f, node)),))
        if isinstance(node, yaml.MappingNode):
            m = self.mapping(f, node, "'goto'", {"random"}, ("random",))
            if not m or "random" not in m:
                return None
            rn = m["random"][1]
            routes = []
            if isinstance(rn, yaml.SequenceNode):
                if not self.fresh(f, rn, "'random'"):
                    return None
                for x in rn.value:
                    sid = self.scene_ref(f, x)
                    if sid is not None:
                        routes.append(Route(sid, where=self.where(f, x)))
                bad = len(routes) != len(rn.value)
            elif isinstance(rn, yaml.MappingNode):
                wm = self.mapping(f, rn, "'random'", set()) or {}
                for sid, (kn, vn) in wm.items():
                    self.refs.append((f.path, kn.start_mark.line + 1,
                                      kn.start_mark.column + 1, sid))
                    w = None
                    if isinstance(vn, yaml.ScalarNode) and vn.tag in (_INT, _FLOAT):
                        w = yamlread.scalar_value(vn)  # by YAML 1.2's rules, never raising
                    if w is None or not (0 < w < 1e9):
                        self.error(f, vn, "wrong-type", "a random weight should be a "
                                   "positive number")
                        continue
                    routes.append(Route(sid, weight=w, where=self.where(f, kn)))
                bad = len(routes) != len(wm)
            else:
                self.error(f, rn, "wrong-type", "'random' should list scenes: "
                           "random: [attic, market]")
                return None
            if not routes and not bad:
                self.error(f, rn, "missing-value", "'random' lists no scenes")
            if bad or not routes:
                return None
            return Goto(tuple(routes), random=True, site=env.site())
        if isinstance(node, yaml.SequenceNode):
            if not self.fresh(f, node, "'goto'"):
                return None
            routes, ok = [], True
            for j, item in enumerate(node.value):
                rm = self.mapping(f, item, "a route of 'goto'", ROUTE_KEYS, ("to",))
                if rm is None or "to" not in rm:
                    ok = False
                    continue
                cond = None
                if "if" in rm:
                    cond = self.expression(f, rm["if"][1], "the route's condition", env,
                                           "bool")
                    ok &= cond is not None
                elif j != len(node.value) - 1:
                    self.error(f, item, "unreachable-route", "only the last route may "
                               "leave out 'if'; the routes after this one can never be taken",
                               severity="warning")
                sid = self.scene_ref(f, rm["to"][1])
                ok &= sid is not None
                if ok:
                    routes.append(Route(sid, cond, where=self.where(f, item)))
            if not node.value:
                self.error(f, node, "missing-value", "'goto' lists no routes")
                return None
            if ok and routes[-1].condition is not None:
                self.error(f, node.value[-1], "goto-no-default",
                           "the last route of 'goto' has an 'if', so the choice might lead "
                           "nowhere", "give the last route no 'if': it is where the choice "
                           "goes when no other condition holds")
                return None
            return Goto(tuple(routes)) if ok else None
        self.error(f, node, "wrong-type", "'goto' should name a scene")
        return None

    # ---- the whole story -----------------------------------------------------------

    def check_references(self, meta: dict, scene_ids: set[str]) -> dict[str, str]:
        """Every scene named by a goto, visits(), 'start' or 'renamed' against the scenes
        read (but not the ones an unreadable file may hold); the usable renames."""
        # did-you-means also from the ids an unread file may hold, not away from them
        names = scene_ids | (self.unread.keys() - _FORMAT_KEYS)
        for file, line, col, sid in self.refs:
            if sid not in scene_ids and not self.unread.explains(sid):
                self.error(file, (line, col), "unknown-scene", f"unknown scene '{sid}'",
                           _did_you_mean(sid, names))
        sf: _File = meta["file"]
        start = meta.get("start")
        if start is not None and scene_ids and start not in scene_ids and \
                not self.unread.explains(start):
            self.error(sf, meta["start_node"], "unknown-scene",
                       f"the start scene '{start}' does not exist",
                       _did_you_mean(start, names))
        renamed = {}
        for old, (new, node) in meta["renamed"].items():
            if new in scene_ids:
                renamed[old] = new
            elif not self.unread.explains(new):
                self.error(sf, node, "unknown-scene", f"unknown scene '{new}'",
                           _did_you_mean(new, names))
        self.unread.annotate(self.diags)
        return renamed

    def load(self) -> Story | None:
        if not self.root.is_dir():
            self.error(self.display_root, None, "missing-file",
                       "no story folder here" if not self.root.exists()
                       else "this is a file, not a story folder",
                       "give the folder that holds story.yaml")
            return None
        paths = self.scene_files()
        too_large = storyfiles.total_problem([self.root / STORY_FILE, *paths])
        if too_large:  # one diagnostic, and nothing read
            self.error(self.display_root, None, "too-large", *too_large)
            return None
        meta = self.read_story_file()
        env = None
        if meta is not None:
            env = Env({n: v.type for n, v in meta["variables"].items()}, None)
            self.declfix = DeclFix(meta["variables"], env)
        seen: dict = {}  # scene id -> (file, line) where it is defined
        scenes: dict[str, Scene] = {}
        chapters = []
        for path in paths:
            got = self.read_scene_file(path, seen)
            if got is None:
                continue
            f, chapter, entries = got
            for sid, kn, vn in entries:
                if env is not None:  # without story.yaml's variables, only the YAML is checked
                    scene = self.build_scene(f, chapter, sid, kn, vn, env)
                    if scene is not None:
                        scenes[sid] = scene
            chapters.append(Chapter(chapter, f.path, tuple(sid for sid, _, _ in entries)))
        if not paths:
            self.error(self.display_root, None, "no-scenes",
                       "the story folder has no scene files",
                       "add a file like 01-chapter.yaml with 'chapter:' and 'scenes:'")
        if meta is None:
            return None
        renamed = self.check_references(meta, set(seen))
        if self.declfix is not None:
            self.declfix.finish(self.diags.append)
        variables = meta["variables"]
        start = meta.get("start")
        if any(d.severity == "error" for d in self.diags) or start is None:
            return None
        title = meta.get("title") or "Untitled"
        return Story(id=meta.get("id") or _slug(title), title=title,
                     author=meta.get("author") or "", version=meta.get("version") or "0",
                     start=start, variables=variables, scenes=scenes,
                     chapters=tuple(chapters), root=self.display_root, renamed=renamed,
                     ifid=(meta.get("ifid") or "").upper(),
                     description=meta.get("description") or "",
                     language=meta.get("language") or "")


def _set_hint(e: ExprError, name: str, want: str, src: str) -> str | None:
    """Hints for `set:` values, which read differently from conditions."""
    if e.code == "undeclared-variable" and want == "str" and e.hint and \
            e.hint.startswith("declare"):
        return f"to store the text {src}, quote it inside: {name}: \"'{src}'\""
    if e.code == "expression-syntax" and want == "str" and not e.hint and \
            re.fullmatch(r"[^\W\d][\w'’,.!?-]*(?:\s+[\w'’,.!?-]+)+", src):
        inner = src.replace("'", "\\'")  # words, not an expression: 'Hello there'
        return f"to store the text {src}, quote it inside: {name}: \"'{inner}'\""
    if e.code == "type-mismatch" and e.message.startswith("this gives"):
        examples = {"bool": "true, false or a comparison such as x > 2",  # no story's names
                    "int": f"a whole number, such as {name} + 1 or round(x)",
                    "float": f"a number, such as 2.5 or {name} - 0.5",
                    "str": "text in quotes, such as 'Paris', or str(x) of a number x"}
        return f"'{name}' holds {TYPE_NAMES[want]}: give it {examples[want]}"
    return e.hint


def _node_kind(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a set of 'key: value' lines"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag == _NULL:
        return "nothing"
    if node.tag == _BOOL:
        return "true/false"
    if node.tag in (_INT, _FLOAT):
        return "a number"
    return f"the text '{node.value[:40]}'"


def _missing_hint(key: str) -> str | None:
    return {
        "title": "add a line like 'title: The Painter'",
        "start": "add 'start: <id of the first scene>'",
        "scenes": "add 'scenes:' with the scenes of this chapter under it",
        "text": "add 'text: |' with the scene's prose on the lines below",
        "goto": "add 'goto: <scene id>' to say where the choice leads",
        "value": "add 'value:' with the variable's starting value",
        "to": "add 'to: <scene id>'",
    }.get(key)


def _syntax_where(e: yaml.MarkedYAMLError, problem: str,
                  lines: list[str]) -> tuple[tuple[int, int], str | None]:
    """Where a YAML syntax error is, and a hint: an indentation error at the line where
    the indentation went wrong, which libyaml may report lines later."""
    mark = e.problem_mark or e.context_mark
    pos = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    at = lines[mark.line][mark.column:mark.column + 1] if mark and mark.line < len(lines) \
        else ""
    hint = _yaml_hint(problem, at) or (yamlread.flow_comma_hint(
        problem, lines[mark.line], mark.column) if mark and mark.line < len(lines) else None)
    if hint and "tabs" in hint:
        return pos, hint
    if e.context and "quoted scalar" in e.context and e.context_mark:  # 'Tis, "Hi," she
        q = e.context_mark
        return (q.line + 1, q.column + 1), yamlread.QUOTE_HINT
    start = yamlread.special_start(problem, lines, mark.line) if mark and lines else None
    if start and "flow" not in (hint or "") and "comma" not in (hint or ""):
        return start
    return yamlread.indentation(problem, e.context, e.problem_mark, e.context_mark,
                                lines) or (pos, hint)


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


def _chapter_from_name(stem: str) -> str:
    name = re.sub(r"^[0-9]+[-_ ]*", "", stem).replace("-", " ").replace("_", " ")
    return name.strip().capitalize() or stem


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "story"


def _join(root: str, name: str) -> str:
    return os.path.join(root, name) if root else name


def check(path: str | os.PathLike) -> tuple[Story | None, list[Diagnostic]]:
    """Load a story folder; return the Story (None on errors) and every diagnostic."""
    root = Path(path)
    loader = _Loader(root, display_path(root))
    # Loading builds many small objects that all live on; the cyclic collector would
    # scan them again and again for nothing (about half of the load time at 10,000
    # scenes), so it is paused for the load.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        story = loader.load()
    except RecursionError:
        loader.error(loader.display_root, None, "too-large",
                     "the story is nested too deeply to read")
        story = None
    finally:
        if was_enabled:
            gc.enable()
    if story is not None:  # what it would put in a save must be what a save may hold
        from .saves.check import diagnostics as save_problems
        problems = save_problems(story, _join(loader.display_root, STORY_FILE))
        if problems:
            loader.diags.extend(problems)
            story = None
    return story, sorted(loader.diags, key=Diagnostic.sort_key)


def load_story(path: str | os.PathLike) -> Story:
    """Load a story folder, or raise StoryError with every problem found."""
    story, diags = check(path)
    if story is None:
        raise StoryError(diags)
    return story
