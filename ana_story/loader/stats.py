"""story.yaml's ``stats:``: the stats screen the story designs, each entry read against
its record (storyformat.STAT) and checked against the variables it shows."""
from __future__ import annotations

import yaml

from .. import storyformat as sf
from .. import yamlread
from ..expressions import NUMERIC, Env
from ..model import Stat, Variable
from ..yamlread import FLOAT, INT
from .reader import YamlFile, suggest_key
from .storyfile import StoryFile

_NUMBER_KINDS = {"bar": "a bar", "opposed": "an opposed pair"}


class Stats(StoryFile):
    def stats(self, f: YamlFile, node, variables: dict[str, Variable],
              env: Env) -> tuple[Stat, ...]:
        """Each entry of ``stats:`` that reads cleanly, in order."""
        if node is None or isinstance(node, yaml.ScalarNode) and node.tag == yamlread.NULL:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.error(f, node, "wrong-type", "'stats' should be a list of entries "
                       "('- bar: craft'), not a set of 'key: value' lines"
                       if isinstance(node, yaml.MappingNode) else
                       "'stats' should be a list of entries, like '- bar: craft'")
            return ()
        out = []
        for i, item in enumerate(node.value):
            stat = self.stat(f, i, item, variables, env)
            if stat is not None:
                out.append(stat)
        return tuple(out)

    def stat(self, f: YamlFile, i: int, node, variables: dict[str, Variable],
             env: Env) -> Stat | None:
        what = f"stat {i + 1}"
        w = self.walk(f, node, what, sf.STAT)
        if w is None:
            return None
        kind = self.stat_kind(f, node, w, what)
        if kind is None:
            return None
        var = self.stat_variable(f, w.node(kind), w.values.get(kind), kind, variables)
        if var is None or w.failed("label"):
            return None
        plain = sf.plain_values(sf.STAT, w.values)
        label = plain["label"] or var.label
        low, high = self.bar_ends(f, w, kind)
        labels = self.opposed_labels(f, w, kind, node)
        if low is None or labels is None:
            return None
        if kind == "opposed":
            label = labels[0]
        self.scene_id = ""  # story.yaml's: its draws' place is "stats <i>.if" of no scene
        cond = self.expression(f, w.node("if"), f"{what}'s condition", env, "bool",
                               part=f"stats {i}.if") if "if" in w else None
        if "if" in w and cond is None:
            return None
        return Stat(kind, var.name, label, labels, low, high, cond, self.where(f, w.node(kind)))

    def stat_kind(self, f: YamlFile, node, w, what: str) -> str | None:
        """Which of bar, opposed or value the entry is: exactly one."""
        kinds = [k for k in sf.STAT_KINDS if k in w]
        if len(kinds) == 1:
            return kinds[0]
        self.error(f, node, "missing-key" if not kinds else "wrong-type",
                   f"{what} should name one variable with one of "
                   f"{', '.join(repr(k) for k in sf.STAT_KINDS)}"
                   + (f", not {len(kinds)}" if kinds else ""),
                   "write '- bar: craft', '- opposed: vision' or '- value: city'")
        return None

    def stat_variable(self, f: YamlFile, node, name: str | None, kind: str,
                      variables: dict[str, Variable]) -> Variable | None:
        """The declared variable a stat shows; a bar or an opposed pair needs a number."""
        if name is None:
            return None
        var = variables.get(name)
        if var is None:
            self.error(f, node, "undeclared-variable", f"'stats' shows the unknown variable "
                       f"'{name}'", suggest_key(name, variables) or
                       "declare it under 'variables:' in story.yaml")
            return None
        if kind == "list" and not var.items:
            self.error(f, node, "type-mismatch", f"'list' shows a list variable, and "
                       f"'{name}' is not one", "show it with 'value:' instead")
            return None
        if kind in _NUMBER_KINDS and var.type not in NUMERIC:
            self.error(f, node, "type-mismatch", f"{_NUMBER_KINDS[kind]} shows a number, and "
                       f"'{name}' is not one", "show it with 'value:' instead")
            return None
        return var

    def bar_ends(self, f: YamlFile, w, kind: str) -> tuple[float | None, float]:
        """A bar's ``min`` and ``max`` (0 and 100 when left out): numbers, low below high."""
        ends: list[float] = []
        for key, default in (("min", 0), ("max", 100)):
            if key not in w:
                ends.append(default)
                continue
            vn = w.node(key)
            if kind != "bar":
                self.error(f, w.nodes[key][0], "unknown-key", f"'{key}' is for a bar only",
                           "an opposed pair runs from 0 to 100")
                return None, 0
            if not (isinstance(vn, yaml.ScalarNode) and vn.tag in (INT, FLOAT)):
                self.error(f, vn, "wrong-type", f"a bar's '{key}' should be a number")
                return None, 0
            end = yamlread.scalar_value(vn)
            if not isinstance(end, (int, float)) or end != end or abs(end) == float("inf"):
                self.error(f, vn, "wrong-type", f"a bar's '{key}' should be a number")
                return None, 0
            ends.append(end)
        if not ends[0] < ends[1]:
            self.error(f, w.node("max") if "max" in w else w.node("min"), "wrong-type",
                       f"a bar's 'max' ({ends[1]}) should be above its 'min' ({ends[0]})")
            return None, 0
        return ends[0], ends[1]

    def opposed_labels(self, f: YamlFile, w, kind: str, node) -> tuple[str, ...] | None:
        """An opposed pair's two labels; any other stat has none."""
        if kind != "opposed":
            if "labels" in w:
                self.error(f, w.nodes["labels"][0], "unknown-key",
                           "'labels' is for an opposed pair only", "use 'label:' to name it")
                return None
            return ()
        if "label" in w:
            self.error(f, w.nodes["label"][0], "unknown-key", "an opposed pair is named by "
                       "its two 'labels', not a 'label'", "write 'labels: [left, right]'")
            return None
        ln = w.node("labels") if "labels" in w else None
        if ln is None:
            self.error(f, node, "missing-key", "an opposed pair needs its two labels",
                       "add 'labels: [left, right]': the left reads the value, the right "
                       "100 minus it")
            return None
        if not isinstance(ln, yaml.SequenceNode) or len(ln.value) != 2:
            self.error(f, ln, "wrong-type", "'labels' should be a list of two labels, "
                       "[left, right]")
            return None
        texts = [self.text(f, x, "an opposed label", prose=True) for x in ln.value]
        if None in texts:
            return None
        return (str(texts[0]), str(texts[1]))
