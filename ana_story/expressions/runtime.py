"""What compiled story code runs with: the helpers bound into its globals.

Why: compiled expressions are lambdas over a dict of variables and the State,
compiled with no builtins; every operation that could grow without bound
(``**``, text repetition, joining) goes through one of these guards instead.
Nothing here parses or checks; nothing touches I/O.
"""
from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from typing import Any

from ..wording import show_value
from .bounds import MAX_OUTPUT, MAX_STR, LimitError, bounded_round, joined_text, take
from .language import MAX_POW_BITS
from .lists import RUNTIME as _LISTS
from .statfuncs import RUNTIME as STAT_RUNTIME
from .variation import RUNTIME as VARY_RUNTIME
from .variation import mix as _mix

# What a story's own arithmetic can raise at play time; the engine turns each into a
# StoryRuntimeError, lint skips a condition that raises one.
EVAL_ERRORS = (ArithmeticError, LimitError, ValueError, TypeError, RecursionError,
               MemoryError)

Number = int | float


def _pow(a: Number, b: Number) -> Number:
    if type(a) is int and type(b) is int:
        if b < 0:
            raise LimitError("a whole number to a negative power; write 1 / x ** n")
        if b > 1 and abs(a) > 1 and (b * abs(a).bit_length() > MAX_POW_BITS):
            raise LimitError(f"{a} ** {b} is too large a number")
        return a ** b  # type: ignore[no-any-return]  # int ** a non-negative int is an int
    r = float(a) ** b
    if isinstance(r, complex):
        raise LimitError(f"{a} ** {b} has no real value")
    return r


def _rep(a: Any, b: Any) -> str:  # text and a whole number, in either order
    s: str
    n: int
    s, n = (a, b) if isinstance(a, str) else (b, a)
    if n > 0 and len(s) * n > MAX_STR:
        raise LimitError(f"repeating text {n} times makes more than {MAX_STR} characters")
    return s * n


def _random(s: Any, old: int, new: int, lo: int, hi: int) -> int:
    if lo > hi:
        lo, hi = hi, lo
    return lo + int(_mix(s.seed, s.turn, old if s.dice == 1 else new) * (hi - lo + 1))


def _chance(s: Any, old: int, new: int, p: Number) -> bool:
    return _mix(s.seed, s.turn, old if s.dice == 1 else new) < p


def _pick(s: Any, old: int, new: int, options: tuple[Any, ...]) -> Any:
    return options[int(_mix(s.seed, s.turn, old if s.dice == 1 else new) * len(options))]


def random_site_draw(state: Any, site: tuple[int, int]) -> float:
    """A draw in [0, 1) for a random `goto`, from the same generator as random(); its
    site is (load-order number, stable site), of which the State's dice picks one."""
    return _mix(state.seed, state.turn, site[0] if state.dice == 1 else site[1])


# How a value reads in story text: the one rendering every other place uses too.
fmt = show_value


def _to_str(value: Any) -> str:
    if type(value) is int and value.bit_length() > 14_000:  # over 4,200 digits: Python
        raise LimitError("a number too large to show as text")  # itself refuses 4,300
    s = fmt(value)
    if len(s) > MAX_STR:
        raise LimitError(f"text longer than {MAX_STR} characters")
    return s


_PARA_SPLIT = re.compile(r"\n[ \t]*\n\s*")


def normalize(text: str) -> str:
    """Paragraphs separated by one blank line; lines within a paragraph joined."""
    if "\n" not in text:  # one line (a label, most values): one paragraph
        return " ".join(text.split())
    paras = _PARA_SPLIT.split(text.strip())  # (p.split() is empty when p.strip() is)
    return "\n\n".join([j for p in paras if (j := " ".join(p.split()))])


# rendered text -> normalised, for the texts a story shows again and again (a scene's
# text with {% if %} parts has a few forms, each met on many steps): normalising is
# most of rendering such a text. Bounded: emptied when it holds too many characters.
_NORMALIZED: dict[str, str] = {}
_NORMALIZED_CHARS = [0]
MAX_NORMALIZED_CHARS = 1_000_000


def _normalize_limited(count: list[int], text: str) -> str:
    """The rendered text, normalised; ``count`` counted its parts (bounds.take)."""
    if len(text) > MAX_OUTPUT:
        raise LimitError(f"the text grew past {MAX_OUTPUT} characters")
    done = _NORMALIZED.get(text)
    if done is None:
        done = normalize(text)
        if _NORMALIZED_CHARS[0] + len(text) > MAX_NORMALIZED_CHARS:
            _NORMALIZED.clear()
            _NORMALIZED_CHARS[0] = 0
        _NORMALIZED[text] = done
        _NORMALIZED_CHARS[0] += len(text) + len(done)
    return done


_RUNTIME: dict[str, Any] = {
    "__builtins__": {},
    "_pow": _pow, "_rep": _rep, "_random": _random, "_chance": _chance,
    "_pick": _pick, "_round": bounded_round, "_min": min, "_max": max, "_abs": abs,
    "_cat": joined_text, "_take": take,
    "_str": _to_str, "_int": int, "_float": float, "_floor": math.floor,
    "_ceil": math.ceil, "_len": len, "_norm": _normalize_limited,
    **STAT_RUNTIME,
    **_LISTS,
    **VARY_RUNTIME,
}


def evaluate(tree: ast.expr) -> Any:
    """The value of a tree of constants the checker built (to fold it at load time)."""
    code = compile(ast.fix_missing_locations(ast.Expression(body=tree)), "<story>", "eval")
    return eval(code, dict(_RUNTIME))  # noqa: S307 - a tree this package built


def make_lambda(body: ast.expr) -> Callable[[dict[str, Any], Any], Any]:
    """``lambda _v, _s: body``, compiled once with only the helpers above in reach."""
    args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="_v"), ast.arg(arg="_s")],
                         kwonlyargs=[], kw_defaults=[], defaults=[])
    tree = ast.Expression(body=ast.Lambda(args=args, body=body))
    code = compile(ast.fix_missing_locations(tree), "<story>", "eval")
    fn: Callable[[dict[str, Any], Any], Any] = eval(  # noqa: S307 - a tree this package built
        code, dict(_RUNTIME))
    return fn
