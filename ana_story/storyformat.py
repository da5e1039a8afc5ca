"""The one description of the story format: every mapping a story file may hold,
with each key's kind, need, default, hint, and the words other engines use for it.

The loader's walk over the YAML nodes (loader/reader.py), the JSON Schema
(tools/schema.py) and the key table in docs/writing-scenes.md (checked by a test)
all read it, so a new key is one entry here plus its meaning in the loader. Pure
data: no YAML, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

# Kinds of value. Plain kinds (read whole by the loader's walk): text, a scene id,
# true/false, an IFID. The others are given their meaning by the record's builder.
TEXT = "text"  # any scalar, read as its own text ("title: 1984" is the text 1984)
SCENE = "scene"  # a scene id
BOOL = "bool"  # true or false (YAML 1.2: not yes/no)
IFID = "ifid"  # a UUID
TEMPLATE = "template"  # text that may hold {{ }} and {% if %}
CONDITION = "condition"  # an expression giving true/false
EFFECTS = "effects"  # variable -> expression
VALUE = "value"  # a variable's starting value: a number, true/false or text
TAGS = "tags"  # a word, or a list of words
ENDING = "ending"  # an ending's title, or true for the scene's title
COMMENT = "comment"  # a note for authors: any scalar, accepted and not kept
GOTO = "goto"  # a scene id, a list of routes, or {random: ...}
RANDOM = "random"  # a list of scene ids, or scene id -> weight
LIST = "list"  # a list of ``item`` records
MAP = "map"  # ``keys`` -> ``item`` (a record or a kind)
NUMBER = "number"  # a number (whole or decimal), written as one
ITEM = "item"  # an item of a list variable: a name like a variable's
RETURN = "return"  # true, or a scene id
EXPRESSION = "expression"  # an expression of any type (a function's value)
PARAMS = "params"  # parameter name -> its type (int, float, bool, str)
# A parameter's type as written -> the story language's type.
PARAM_TYPES = {"int": "int", "float": "float", "bool": "bool", "str": "str", "text": "str",
               "number": "float"}

PLAIN = frozenset({TEXT, SCENE, BOOL, IFID})

# The names keys of a MAP must have (regular expressions), by name.
ID = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$"
VAR = r"^[A-Za-z][A-Za-z0-9_]*$"


@dataclass(frozen=True)
class Field:
    """One key of a mapping."""

    name: str
    kind: str
    help: str  # what it is, for the schema and the docs
    required: bool = False
    default: Any = None  # when absent or empty ('or'): what the model gets
    aliases: tuple[str, ...] = ()  # what other engines call it (for did-you-mean)
    attr: str | None = None  # the model attribute it fills (None: the builder's own use)
    what: str = ""  # how diagnostics name it; "'name'" when empty
    hint: str | None = None  # the hint when it is missing
    empty_ok: bool = False  # may be left empty (YAML null)
    prose: bool = False  # the player reads it (a ' #' in it is worth a warning)
    item: Record | str | None = None  # what a LIST or MAP holds
    keys: str | None = None  # the pattern a MAP's keys follow
    doc: str = ""  # its row in docs/writing-scenes.md's key tables, when not ``help``
    needed: str = ""  # the tables' "needed" word when it is not just yes or no

    @cached_property
    def said(self) -> str:
        return self.what or f"'{self.name}'"


@dataclass(frozen=True)
class Record:
    """One kind of mapping: its keys, and how a file or a message names it (what
    the loader reads of it for every mapping is worked out once: it is frozen)."""

    name: str
    model: str  # the model class it becomes (model.py), or "" for none
    fields: tuple[Field, ...]
    help: str = ""
    title: str = ""  # a file's schema title
    short: str = ""  # the help of a scalar short form (a variable written as its value)

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @cached_property
    def aliases(self) -> dict[str, str]:  # what other engines call its keys -> the key
        return {a: f.name for f in self.fields for a in f.aliases}

    @cached_property
    def _by_name(self) -> dict[str, Field]: return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        return self._by_name[name]

    @cached_property
    def plain_fields(self) -> tuple[Field, ...]:  # what the loader's walk reads whole
        return tuple(f for f in self.fields if f.kind in PLAIN)


_TEXT_HINT = "add 'text: |' with the scene's prose on the lines below"
_TITLE = ("name", "title")

ROUTE = Record("route", "Route", (
    Field("if", CONDITION, "Take this route when this condition holds.",
          aliases=("condition", "when", "requires", "cond"), what="the route's condition",
          doc="take this route when this condition holds; the last route has no `if`",
          attr="condition"),
    Field("to", SCENE, "A scene id.", required=True, what="the scene to go to",
          hint="add 'to: <scene id>'",
          doc="the scene the route leads to", attr="scene"),
))

# goto's mapping forms: exactly one of these keys.
GOTO_MAP = Record("goto map", "Goto", (
    Field("random", RANDOM, "A list of scene ids, or scene id -> weight.",
          doc="a seeded random pick: a list of scene ids, or scene id -> weight"),
    Field("call", SCENE, "A tunnel: go to this scene, to come back here when it returns.",
          aliases=("gosub", "tunnel"), what="the scene to call",
          doc="a tunnel: go to this scene; its `return: true` comes back here"),
    Field("return", RETURN, "End a call: true comes back to the caller (as a stay); a "
          "scene id goes on to that scene instead.", aliases=("back",),
          doc="ends a call: `true` comes back to the scene that called (as a stay), a "
              "scene id goes on to that scene"),
))
RANDOM_GOTO = GOTO_MAP  # its first form, by its older name

CHOICE = Record("choice", "Choice", (
    Field("text", TEMPLATE, "What the player reads; may hold {{ }}, {% if %} and "
          "variation blocks ({% cycle %}...{% or %}...{% endcycle %}).",
          required=True, aliases=("body", "content", "label"), what="the choice's text",
          hint=_TEXT_HINT, prose=True,
          doc="what the player reads; may hold `{{ }}`, `{% if %}` and "
              "[variation blocks](#text-that-varies-cycle-sequence-once-shuffle)", attr="text"),
    Field("goto", GOTO, "Where the choice leads: a scene id; a list of routes "
          "(- if: ..., to: ...; the last without 'if'); "
          "{random: [a, b]} / {random: {a: 3, b: 1}}; {call: S} (a tunnel) or "
          "{return: true} / {return: S}. Without it, the player stays "
          "in the scene (the choice then needs 'reply' or 'set').",
          aliases=("next", "target", "to", "divert"),
          hint="add 'goto: <scene id>' to say where the choice leads",
          doc="where the choice leads: a scene id, a list of routes, `random:`, or a "
              "tunnel's `call:` or `return:` (see [Tunnels](#tunnels-call-and-return)); "
              "without it the player stays in the scene (see "
              "[Conversations](#conversations-staying-in-a-scene))", attr="goto"),
    Field("if", CONDITION, "Offered only when this condition holds, e.g. craft > 2.",
          aliases=("condition", "when", "requires", "cond"), what="the condition",
          doc="offered only when this condition holds, such as `craft > 2`", attr="condition"),
    Field("set", EFFECTS, "Variables to change: { craft: craft + 1 }.",
          aliases=("effects", "effect"),
          doc="variables to change, one a line: `craft: craft + 1`", attr="effects"),
    Field("once", BOOL, "Offered only until taken once.", default=False,
          aliases=("once_only",), attr="once",
          doc="`true`: offered only until taken once"),
    Field("fallback", BOOL, "Offered only when no other choice is available.",
          default=False, aliases=("default",), attr="fallback",
          doc="`true`: offered only when no other choice is open"),
    Field("locked", TEMPLATE, "Shown greyed, with this reason, when 'if' does not hold.",
          what="the locked reason", prose=True,
          doc="shown greyed, with this reason, when `if` does not hold", attr="locked"),
    Field("id", TEXT, "A stable name for the choice (for saves and transcripts).",
          doc="a name for the choice that saves keep when choices move"),
    Field("reply", TEMPLATE, "What the story answers once the choice is taken; may hold "
          "{{ }}, {% if %} and variation blocks.", aliases=("response", "answer"), what="the reply",
          prose=True, attr="reply",
          doc="what the story answers once the choice is taken, shown before what comes "
              "next; may hold `{{ }}`, `{% if %}` and "
              "[variation blocks](#text-that-varies-cycle-sequence-once-shuffle)"),
))

SCENE_RECORD = Record("scene", "Scene", (
    Field("title", TEXT, "The scene's heading.", default="", aliases=_TITLE[:1],
          attr="title", prose=True,
          doc="the scene's heading"),
    Field("text", TEMPLATE, "The prose; paragraphs separated by a blank line. "
          "May hold {{ expr }}, {% if cond %}...{% endif %} and variation blocks "
          "({% cycle %}...{% or %}...{% endcycle %}).", required=True,
          aliases=("body", "content", "label"), what="the scene's text", hint=_TEXT_HINT,
          prose=True,
          doc="the prose, paragraphs separated by a blank line; may hold `{{ }}`, "
              "`{% if %}` and [variation blocks](#text-that-varies-cycle-sequence-once-shuffle)",
          attr="text"),
    Field("choices", LIST, "What the player can do next.", aliases=("options",),
          empty_ok=True, item=CHOICE,
          doc="what the player can do next; a scene with none must be an ending", attr="choices"),
    Field("tags", TAGS, "Notes for authors and the UI, e.g. [home, mama].", empty_ok=True,
          doc="labels for you and `graph --tags`, such as `[home, mama]`", attr="tags"),
    Field("ending", ENDING, "Marks an ending: its title (or true, to use the scene's "
          "title).", prose=True,
          doc="marks an ending: its title, or `true` to use the scene's `title`", attr="ending"),
    Field("notes", TEXT, "Notes for authors; never shown.", default="", empty_ok=True,
          attr="notes",
          doc="notes for you and your co-writers, never shown"),
    Field("enter", EFFECTS, "Variables to change each time the scene is entered (not when "
          "a choice stays in it).", aliases=("on_enter", "on_entry"),
          doc="variables to change each time the player enters the scene (a choice that "
              "stays does not enter again)", attr="enter"),
    Field("let", EFFECTS, "Names worked out on each entry (after 'enter:'), in order, "
          "and kept for this visit: the scene's text, title and choices read them like "
          "variables, and its choices' 'set:' may change them until the scene is left.",
          aliases=("temp", "locals"), attr="let",
          doc="names worked out on each entry, after `enter:`, and kept for this visit "
              "(see [Values for one visit](#values-for-one-visit-let)): `price: "
              "random(10, 20)`"),
    Field("next", GOTO, "Moves on without a choice, shown as one Continue: a scene id, "
          "a list of routes, or {call: ...} / {return: ...}.",
          aliases=("page_break", "continue"),
          doc="moves on without a choice, with a single Continue: a scene id, a list of "
              "routes, a `call:` or a `return:`; a scene has `next` or `choices`, not both"),
))

SCENE_FILE = Record("scene file", "Chapter", (
    Field("chapter", TEXT, "The chapter's title (default: from the file name).",
          prose=True,
          doc="the chapter's title; made from the file "
              "name when left out (`02-moscow.yaml` is *Moscow*)", attr="title"),
    Field("scenes", MAP, "Scene id -> scene.", required=True, item=SCENE_RECORD, keys=ID,
          hint="add 'scenes:' with the scenes of this chapter under it",
          doc="the chapter's scenes: each scene's id, and the scene under it", attr="scenes"),
), help="One chapter of a story: its title and its scenes.", title="ana-story scene file")

VARIABLE = Record("variable", "Variable", (
    Field("value", VALUE, "The starting value.", required=True,
          hint="add 'value:' with the variable's starting value",
          doc="the starting value: a number, `true`/`false` or text", attr="initial"),
    Field("label", TEXT, "How `stats` names it.", prose=True,
          doc="how `stats` names it (made from the name when left out)", attr="label"),
    Field("visible", BOOL, "Shown to the player by `stats`.", default=False,
          attr="visible",
          doc="`true`: shown to the player by `stats`"),
    Field("description", COMMENT, "Notes for authors.",
          doc="notes for you, never shown"),
    Field("items", LIST, "Makes it a list: the items it may hold, in the order they "
          "are shown.", item=ITEM, attr="items",
          doc="makes it a list: the items it may hold, in the order they are shown; "
              "its `value` is a list of them, such as `[]`"),
    Field("labels", MAP, "A list's item -> how the player reads it (default: the item's "
          "name).", item=TEXT, keys=VAR, prose=True, attr="labels",
          doc="a list's item -> how the player reads it (the item's name when left out)"),
    Field("one", BOOL, "A list that holds at most one item at a time (an enum).",
          default=False, attr="one",
          doc="`true`: the list holds at most one item at a time (an enum)"),
    Field("exact", LIST, "For explore only: [low, high], the values explore tells apart; "
          "every value below low counts as one, and every value above high as one. What "
          "explore proves then holds under that abstraction, and it says so.", item=NUMBER,
          attr="exact", aliases=("bands", "abstract", "abstraction", "saturate"),
          doc="for `explore` only: `[low, high]`, the values it tells apart; every value "
              "below `low` counts as one, every value above `high` as one (see "
              "[When explore cannot finish](#when-explore-cannot-finish-exact))"),
), short="The starting value: a number, true/false or text.")

_PARAMS = Field("params", PARAMS, "Parameter name -> its type: int, float, bool or str "
                "(text and number too).", empty_ok=True, attr="params",
                aliases=("parameters", "args", "arguments"),
                doc="each parameter's name and type (`int`, `float`, `bool` or `str`), "
                    "such as `{x: int, p: int}`")

FUNCTION = Record("function", "Function", (
    _PARAMS,
    Field("value", EXPRESSION, "The expression it gives, in its parameters and the "
          "story's variables; no random draws.", required=True,
          aliases=("body", "expr", "expression"),
          what="the function's value", attr="source",
          hint="add 'value:' with the expression the function gives",
          doc="the expression it gives, in its parameters and the story's variables "
              "(no `random()`, `chance()` or `pick()`)"),
    Field("description", COMMENT, "Notes for authors.", doc="notes for you, never shown"),
), help="A story function: typed parameters and the expression it gives, written out "
        "where it is called.")

SNIPPET = Record("snippet", "Snippet", (
    Field("text", TEMPLATE, "The text it stands for; may hold {{ }}, {% if %} and "
          "{% include %}.", required=True, aliases=("body", "content", "value"),
          what="the snippet's text", hint=_TEXT_HINT, prose=True, attr="source",
          doc="the text it stands for; may hold `{{ }}`, `{% if %}` and other includes"),
    _PARAMS,
    Field("description", COMMENT, "Notes for authors.", doc="notes for you, never shown"),
), help="Text written once, included with {% include name %}.",
   short="The text it stands for (a snippet without parameters).")

# One entry of the story's own stats screen: exactly one of bar, opposed or value
# (and, with lists, list) names the variable it shows.
STAT = Record("stat", "Stat", (
    Field("bar", TEXT, "A number variable shown as a bar from 'min' to 'max'.",
          doc="a number variable, shown as a bar from `min` to `max` (a value outside "
              "is drawn at the end)"),
    Field("opposed", TEXT, "A number variable from 0 to 100 shown as two opposed "
          "labels: the left is the value, the right 100 minus it.",
          doc="a number variable from 0 to 100 shown as an opposed pair: the left label "
              "reads the value, the right 100 minus it"),
    Field("value", TEXT, "A variable shown as it is (a number, text or true/false).",
          doc="a variable shown as it is: a number, text or true/false"),
    Field("list", TEXT, "A list variable shown as its items' labels, in declaration order.",
          doc="a list variable, shown as its items' labels in declaration order "
              "(\"nothing\" when empty)"),
    Field("label", TEXT, "How the screen names it (default: the variable's label).",
          prose=True, attr="label",
          doc="how the screen names it (the variable's `label` when left out; not for "
              "`opposed`, which `labels` names)"),
    Field("labels", LIST, "An opposed pair's two labels: [left, right].", item=TEXT,
          needed="for `opposed`", attr="labels",
          doc="an opposed pair's two labels, `[left, right]`"),
    Field("min", NUMBER, "A bar's low end.", default=0, attr="low",
          doc="a bar's ends (default 0 and 100)"),
    Field("max", NUMBER, "A bar's high end.", default=100, attr="high",
          doc="a bar's ends (default 0 and 100)"),
    Field("if", CONDITION, "Shown only while this condition holds.",
          aliases=("condition", "when", "requires", "cond"), what="the stat's condition",
          attr="condition", doc="shown only while this condition holds"),
), help="One line of the stats screen.")

# The keys that name what a stat shows (lists add theirs here).
STAT_KINDS = ("bar", "opposed", "value", "list")

STORY_FILE = Record("story file", "Story", (
    Field("title", TEXT, "The story's title.", required=True, default="Untitled",
          aliases=_TITLE[:1], attr="title", empty_ok=True, prose=True,
          hint="add a line like 'title: The Painter'",
          doc="the story's name, shown on the title screen"),
    Field("start", SCENE, "The first scene.", required=True,
          aliases=("start_scene", "first"), attr="start",
          hint="add 'start: <id of the first scene>'",
          doc="the id of the scene the story begins with"),
    Field("variables", MAP, "Every variable with its starting value.",
          aliases=("vars",), item=VARIABLE, keys=VAR,
          doc="everything the story remembers, with starting values", attr="variables"),
    Field("author", TEXT, "Who wrote it.", default="", attr="author", empty_ok=True,
          prose=True, doc="shown to players; `version` goes into saves"),
    Field("version", TEXT, "The story's version; saves record it.", default="0",
          attr="version", empty_ok=True, doc="shown to players; `version` goes into saves"),
    Field("description", TEXT, "A line about the story.", default="",
          attr="description", empty_ok=True, prose=True,
          doc="shown to players; `version` goes into saves"),
    Field("id", TEXT, "A stable id for saves (default: from the title).", empty_ok=True,
          doc="a short name for saves; made from the title when left out", attr="id"),
    Field("ifid", IFID, "The story's IFID (a UUID), for archives such as IFDB; chosen "
          "once, never changed.", default="", empty_ok=True, needed="to publish",
          doc="the story's permanent identity for archives such as IFDB (a UUID, per the "
              "Treaty of Babel); `ana-story new` writes one, `check` notes when it is "
              "missing; choose it once and never change it", attr="ifid"),
    Field("language", TEXT, "The story's language, as a tag such as en or fr-CA.",
          default="", attr="language", empty_ok=True,
          doc="the story's language as a tag such as `en` or `fr-CA`, for the web page "
              "and the iFiction record (default `en`)"),
    Field("renamed", MAP, "Old scene id -> new id, so old saves still load.", item=SCENE,
          doc="see [Keeping old saves working](#keeping-old-saves-working)", attr="renamed"),
    Field("stats", LIST, "The stats screen the story designs: bars, opposed pairs and "
          "values, in order.", item=STAT, empty_ok=True, attr="stats",
          doc="the stats screen, designed: see [The stats screen](#the-stats-screen)"),
    Field("functions", MAP, "Name -> a function: typed parameters and the expression it "
          "gives, written out where it is called.", item=FUNCTION, keys=VAR,
          aliases=("function", "macros", "def", "defs"), attr="functions",
          doc="the story's own functions: see [Reuse](#reuse-snippets-and-functions)"),
    Field("snippets", MAP, "Name -> text written once, included in any text with "
          "{% include name %}.", item=SNIPPET, keys=VAR,
          aliases=("snippet", "includes", "include", "widgets", "widget", "passages",
                   "gosub", "subroutines"), attr="snippets",
          doc="text written once and included anywhere: see "
              "[Reuse](#reuse-snippets-and-functions)"),
), help="A story's title, first scene and variables.", title="ana-story story.yaml")

RECORDS = (STORY_FILE, VARIABLE, SCENE_FILE, SCENE_RECORD, CHOICE, ROUTE, GOTO_MAP, STAT,
           FUNCTION, SNIPPET)

# Every key of the format (not scene ids, when guessing ids from a file YAML cannot read).
FORMAT_KEYS = frozenset().union(*(r.keys for r in RECORDS))

# Words authors from other engines reach for -> what this format calls them.
ALIASES = {a: k for r in RECORDS for a, k in r.aliases.items()}


def key_table(record: Record) -> str:
    """The record's key table as docs/writing-scenes.md shows it (a test holds the
    two equal); keys with one description share a row."""
    rows: list[tuple[list[str], str, str]] = []
    for f in record.fields:
        needed = "yes" if f.required else f.needed or "no"
        doc = f.doc or f.help
        if rows and rows[-1][1:] == (needed, doc):
            rows[-1][0].append(f.name)
        else:
            rows.append(([f.name], needed, doc))
    lines = ["| key | needed | what it is |", "| --- | --- | --- |"]
    lines += [f"| {', '.join(f'`{k}`' for k in keys)} | {needed} | {doc} |"
              for keys, needed, doc in rows]
    return "\n".join(lines) + "\n"


def plain_values(record: Record, values: dict[str, Any]) -> dict[str, Any]:
    """The model's keyword arguments for a record's plain fields: each field's value
    (or its default when absent or empty) under its model attribute."""
    return {f.attr: values.get(f.name) or f.default for f in record.plain_fields
            if f.attr is not None}
