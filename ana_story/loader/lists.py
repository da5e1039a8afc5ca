"""A list variable's declaration: ``satchel: {items: [pencils, ledger], value: []}``,
with optional ``labels:`` (item -> what the player reads) and ``one: true`` (an enum).

Why apart from storyfile.py: items are names of their own (written bare in
expressions), so each is checked like a variable's name, against the story's
variables, and every value and label against the items, with did-you-mean.
"""
from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING, Any

import yaml

from .. import storyformat as sf
from ..expressions import FUNCTIONS
from ..expressions.language import list_type
from ..model import Variable
from ..suggest import did_you_mean
from ..yamlread import STR
from .reader import Walked, YamlFile, node_kind

if TYPE_CHECKING:
    from .storyfile import StoryFile

_NAME = re.compile(sf.VAR)
_WORDS = ("true", "false", "True", "False")


def read_list(rd: StoryFile, f: YamlFile, name: str, kn: Any, w: Walked,
              variables: set[str]) -> Variable | None:
    """The list variable ``name`` declared by the mapping ``w``, or None (said)."""
    items = _items(rd, f, name, w.node("items"), variables)
    if items is None:
        return None
    labels = _labels(rd, f, name, w.node("labels"), items) if "labels" in w else {}
    one = bool(w.values.get("one"))
    value = _value(rd, f, name, w.node("value"), items, one) if "value" in w else None
    if labels is None or value is None:
        return None
    plain = sf.plain_values(sf.VARIABLE, w.values)
    plain["label"] = plain["label"] or name.replace("_", " ").capitalize()
    return Variable(name=name, initial=value, type=list_type(name), where=rd.where(f, kn),
                    items=items, labels=tuple(labels.get(i, i) for i in items), **plain)


def not_a_list(rd: StoryFile, f: YamlFile, name: str, w: Walked) -> bool:
    """True (and said) when 'labels' or 'one' is given to a variable with no 'items'."""
    for key in ("labels", "one"):
        if key in w:
            rd.error(f, w.nodes[key][0], "not-a-list", f"'{key}' is for lists, and "
                     f"'{name}' has no 'items'",
                     "add 'items:' with the items it may hold, or remove '{key}'")
            return True
    return False


def _items(rd: StoryFile, f: YamlFile, name: str, node: Any,
           variables: set[str]) -> tuple[str, ...] | None:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        rd.error(f, node, "wrong-type", f"the items of '{name}' should be a list of names, "
                 f"not {node_kind(node)}" if not isinstance(node, yaml.SequenceNode) else
                 f"the list '{name}' declares no items",
                 "write them in brackets, such as items: [pencils, ledger]")
        return None
    items: list[str] = []
    ok = True
    for n in node.value:
        item = n.value if isinstance(n, yaml.ScalarNode) else None
        problem = _item_problem(item, items, variables)
        if problem is not None:
            rd.error(f, n, "bad-name", problem[0], problem[1])
            ok = False
        elif item is not None:
            items.append(item)
    return tuple(items) if ok else None


def _item_problem(item: str | None, seen: list[str],
                  variables: set[str]) -> tuple[str, str] | None:
    """(message, hint) when ``item`` cannot be an item's name."""
    if item is None or not _NAME.match(item) or keyword.iskeyword(item) or \
            item in _WORDS or item in FUNCTIONS:
        return (f"'{item}' cannot be an item's name" if item is not None else
                "an item should be a name, not a list or mapping",
                "use letters, digits and '_', starting with a letter, and not a word of "
                "the story language (true, false, and, or, not, if, else, or a function "
                "name)")
    if item in seen:
        return f"'{item}' is listed twice", "keep one"
    if item in variables:
        return (f"the item '{item}' has the name of a variable",
                "items are written bare, like variables: rename one of the two")
    return None


def _labels(rd: StoryFile, f: YamlFile, name: str, node: Any,
            items: tuple[str, ...]) -> dict[str, str] | None:
    entries = rd.mapping(f, node, f"the labels of '{name}'")
    if entries is None:
        return None
    labels: dict[str, str] = {}
    for item, (k, v) in entries.items():
        if item not in items:
            rd.error(f, k, "unknown-item", f"'{item}' is not an item of the list '{name}'",
                     did_you_mean(item, items) or f"its items are: {', '.join(items)}")
            continue
        text = rd.text(f, v, f"the label of '{item}'", prose=True)
        if text is not None:
            labels[item] = text
    return labels if len(labels) == len(entries) else None


def _value(rd: StoryFile, f: YamlFile, name: str, node: Any, items: tuple[str, ...],
           one: bool) -> tuple[str, ...] | None:
    """The starting items, in declaration order: a list of items ([] for none); an
    enum's may be one item written alone."""
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if not isinstance(node, yaml.SequenceNode) and not (one and isinstance(
            node, yaml.ScalarNode) and node.tag == STR):
        rd.error(f, node, "wrong-type", f"the starting value of the list '{name}' should be "
                 f"a list of its items, not {node_kind(node)}",
                 "write them in brackets, such as value: [] or value: [" + items[0] + "]")
        return None
    held: set[str] = set()
    for n in nodes:
        item = n.value if isinstance(n, yaml.ScalarNode) else None
        if item not in items:
            rd.error(f, n, "unknown-item", f"'{item}' is not an item of the list '{name}'",
                     did_you_mean(str(item), items) or f"its items are: {', '.join(items)}")
            return None
        held.add(item)
    if one and len(held) > 1:
        rd.error(f, node, "wrong-type", f"'{name}' holds one item at a time ('one: true'), "
                 f"but starts with {len(held)}", "keep one, or remove 'one: true'")
        return None
    return tuple(i for i in items if i in held)
