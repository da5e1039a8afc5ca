"""The story language's fixed facts: its types, functions, limits and error.

Why a module of its own: parsing, checking, compiling and the author tools all
ask the same questions (which functions exist, what a type is called, how large
a number may be); one table answers them all.
"""
from __future__ import annotations

from ..lazyre import lazy
from .bounds import MAX_OUTPUT, MAX_STR

__all__ = ["CONTROL_CHARS", "FUNCTIONS", "FUNCTION_HELP", "MAX_EXPR_LEN", "MAX_INT",
           "MAX_MARKS", "MAX_OUTPUT", "MAX_POW_BITS", "MAX_STR", "MAX_TEMPLATE_LEN",
           "NUMERIC", "RANDOM_FUNCTIONS", "STAT_FUNCTIONS", "TYPE_NAMES", "ExprError", "describe",
           "unify", "common_type", "item_list", "list_name", "list_type"]

# Limits that keep a hostile story from hanging or exhausting the machine.
MAX_EXPR_LEN = 2_000  # characters in one expression
MAX_TEMPLATE_LEN = 200_000  # characters in one text template
MAX_INT = 10**15  # magnitude of any whole number a story stores
MAX_POW_BITS = 256  # size of an integer power's result, in bits
MAX_MARKS = 1_000  # parts of one text whose own line a run-time error can name

TYPE_NAMES = {"int": "a whole number", "float": "a number", "bool": "true/false",
              "str": "text"}
NUMERIC = ("int", "float")
# C0 and C1 control characters but tab and newline: in a terminal they move the cursor,
# retitle the window or open hyperlinks, so no story text or value may hold them.
CONTROL_CHARS = lazy(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# name -> (min args, max args)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "visits": (1, 1), "seen": (1, 1), "random": (2, 2), "chance": (1, 1),
    "pick": (1, 50), "min": (1, 20), "max": (1, 20), "abs": (1, 1),
    "round": (1, 2), "floor": (1, 1), "ceil": (1, 1), "int": (1, 1),
    "str": (1, 1), "len": (1, 1),
}
FUNCTIONS["joined"] = (1, 2)  # a list's labels: joined(satchel, 'nothing')
FUNCTION_HELP = ("visits('scene'), seen('scene'), random(a, b), chance(p), "
                 "pick(a, b, ...), min, max, abs, round, floor, ceil, int, str, len, "
                 "joined(list, 'when empty')")
RANDOM_FUNCTIONS = frozenset({"random", "chance", "pick"})
# Added with the stats screen (statfuncs.py). Stories written before may have a
# variable of one of these names: it still may (a call and a name cannot be mixed up).
STAT_FUNCTIONS: dict[str, tuple[int, int]] = {
    "fair_add": (2, 2), "fair_sub": (2, 2), "clamp": (3, 3), "case": (2, 51),
    "cap": (1, 1),
}
FUNCTIONS.update(STAT_FUNCTIONS)
FUNCTION_HELP += (", fair_add(x, p), fair_sub(x, p), clamp(x, lo, hi), "
                  "case(n, a, b, ...), cap(text)")
# A conversation's counts: taken('scene.choice'), how often that choice was taken.
FUNCTIONS["taken"] = (1, 1)
FUNCTION_HELP += ", taken('scene.choice')"
# Turns since a scene was last entered (-1: never), as ink's TURNS_SINCE, but capped:
# explore's key holds it, and must take finitely many values.
FUNCTIONS["turns_since"] = (1, 1)
FUNCTION_HELP += ", turns_since('scene')"
TURNS_CAP = 100
# Inline variations (variation.py): cycle('a', 'b') shows as {% cycle %} would there.
FUNCTIONS.update({"cycle": (1, 100), "sequence": (1, 100), "once": (1, 100),
                  "shuffle": (1, 100)})
FUNCTION_HELP += ", cycle(a, b, ...), sequence(...), once(...), shuffle(...) in text"


class ExprError(Exception):
    """A problem in one expression or template, found at compile time."""

    def __init__(self, message: str, code: str, offset: int = 0,
                 hint: str | None = None):
        super().__init__(message)
        self.message, self.code, self.offset, self.hint = message, code, offset, hint


def describe(t: str) -> str:
    """A type as the author reads it: 'a whole number', not 'int'."""
    name = list_name(t)
    if name is not None:
        return f"the list '{name}'"
    name = item_list(t)
    if name is not None:
        return f"an item of the list '{name}'"
    return TYPE_NAMES.get(t, t)


def list_type(name: str) -> str:
    """The type of the list variable ``name``: its values hold only its own items."""
    return f"list[{name}]"


def list_name(t: str | None) -> str | None:
    """The list variable a list type belongs to ('list[satchel]' -> 'satchel')."""
    if t is not None and t.startswith("list[") and t.endswith("]"):
        return t[5:-1]
    return None


def item_list(t: str | None) -> str | None:
    """The list an item type belongs to ('item[satchel]' -> 'satchel')."""
    if t is not None and t.startswith("item[") and t.endswith("]"):
        return t[5:-1]
    return None


def unify(a: str | None, b: str) -> str | None:
    """The type two values of types ``a`` and ``b`` share (int and float: float)."""
    if a == b:
        return a
    if a in NUMERIC and b in NUMERIC:
        return "float"
    return None


def common_type(types: list[str]) -> str | None:
    """The type values of all of ``types`` share (``pick()``'s choices, ``case()``'s
    options); None when two of them have none."""
    t: str | None = types[0]
    for other in types[1:]:
        t = unify(t, other)
        if t is None:
            return None
    return t
