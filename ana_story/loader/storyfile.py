"""story.yaml: the story's title, start and variables, read against its record."""
from __future__ import annotations

import keyword
import os
import re

import yaml

from .. import storyformat as sf
from .. import yamlread
from ..expressions import FUNCTIONS, STAT_FUNCTIONS
from ..ifid import ifid_problem
from ..model import Variable
from ..yamlread import BOOL, FLOAT, INT, NULL, STR
from .abstraction import exact_on_a_list, read_exact
from .lists import not_a_list, read_list
from .reader import STORY_FILE, YamlFile, join_path, node_kind
from .scenes import Scenes

_VAR = re.compile(sf.VAR)


class StoryFile(Scenes):
    def read_story_file(self):
        path = self.root / STORY_FILE
        display = join_path(self.display_root, STORY_FILE)
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
        w = self.walk(f, node, "story.yaml", sf.STORY_FILE)
        if w is None:
            return None
        m = w.nodes
        meta = {"file": f, **w.values}
        if "start" in m:
            meta["start_node"] = m["start"][1]
        bad_ifid = ifid_problem(meta["ifid"]) if meta.get("ifid") else None
        if bad_ifid:  # the identity archives know the story by (see ifid.py)
            self.error(f, m["ifid"][1], "bad-ifid", bad_ifid,
                       "keep the one you have published under; else use a new UUID")
        meta["variables"] = self.variables(f, m["variables"][1]) if "variables" in m else {}
        meta["renamed"] = self.renamed(f, m["renamed"][1]) if "renamed" in m else {}
        meta["stats_node"] = m["stats"][1] if "stats" in m else None  # read with the env
        meta["nodes"] = m  # functions: and snippets: are read with the env (reuse.py)
        return meta

    def variables(self, f: YamlFile, node) -> dict[str, Variable]:
        variables: dict[str, Variable] = {}
        entries = self.mapping(f, node, "'variables'") or {}
        self.variable_names = set(entries)  # a list's items may not reuse them (lists.py)
        for name, (kn, vn) in entries.items():
            var = self.variable(f, name, kn, vn)
            if var is not None:
                variables[name] = var
        return variables

    def renamed(self, f: YamlFile, node) -> dict[str, tuple[str, object]]:
        """Old scene id -> (new id, its node): checked once every scene is read."""
        renamed = {}
        for old, (_kn, vn) in (self.mapping(f, node, "'renamed'") or {}).items():
            new = self.text(f, vn, f"the new id of '{old}'")
            if new is not None:
                renamed[old] = (new, vn)
        return renamed

    def bad_name(self, f: YamlFile, name: str, kn) -> bool:
        """True (and said) when ``name`` cannot name a variable."""
        if not _VAR.match(name) or keyword.iskeyword(name) or name in (
                "true", "false", "True", "False") or (
                name in FUNCTIONS and name not in STAT_FUNCTIONS):
            self.error(f, kn, "bad-name", f"'{name}' cannot be a variable name",
                       "use letters, digits and '_', starting with a letter, and not a "
                       "word of the story language (true, false, and, or, not, if, "
                       "else, or a function name)")
            return True
        return False

    def variable(self, f: YamlFile, name: str, kn, vn) -> Variable | None:
        if self.bad_name(f, name, kn):
            return None
        value_node, values, w = vn, {}, None
        if isinstance(vn, yaml.MappingNode):
            w = self.walk(f, vn, f"variable '{name}'", sf.VARIABLE, owner=kn)
            if w is not None and "items" in w:
                exact_on_a_list(self, f, name, w)
                return read_list(self, f, name, kn, w, self.variable_names)
            if w is None or "value" not in w or not_a_list(self, f, name, w):
                return None
            value_node, values = w.node("value"), w.values
        value = self.initial_value(f, name, value_node)
        if value is None:
            return None
        t = {bool: "bool", int: "int", float: "float", str: "str"}[type(value)]
        plain = sf.plain_values(sf.VARIABLE, values)
        plain["label"] = plain["label"] or name.replace("_", " ").capitalize()
        exact = read_exact(self, f, name, w, value, t) if w is not None and "exact" in w else ()
        return Variable(name=name, initial=value, type=t, where=self.where(f, kn),
                        exact=exact, **plain)

    def initial_value(self, f: YamlFile, name: str, node):
        if not isinstance(node, yaml.ScalarNode):
            self.error(f, node, "wrong-type", f"the starting value of '{name}' should be a "
                       f"number, true/false or text, not {node_kind(node)}")
            return None
        if node.tag == NULL:
            self.error(f, node, "missing-value", f"variable '{name}' has no starting value",
                       "give it one: 0, 1.5, false or 'some text'")
            return None
        if node.tag == STR:
            self._comment_cut(f, node, f"the starting text of '{name}'",  # read in {{ }}
                              f"is '{node.value[-20:]}'")
            return node.value
        if node.tag in (BOOL, INT, FLOAT):
            value = yamlread.scalar_value(node)
            if isinstance(value, float) and value != value or value in (
                    float("inf"), float("-inf")):
                value = None
            if value is not None:
                return value
        self.error(f, node, "wrong-type", f"the starting value of '{name}' should be a "
                   "number, true/false or text", "put text in quotes")
        return None
