"""Reading one expression's text into a Python ``ast`` tree, with the author's
errors (``=>``, a single ``=``, ``&&``) named in story words.

Why apart from checking: the same reading serves ``if:``, ``set:``, ``{{ }}`` and
``{% if %}``, and its failures are about spelling, not meaning.
"""
from __future__ import annotations

import ast
import re
import warnings

from ..lazyre import lazy
from .language import MAX_EXPR_LEN, ExprError

# Operators from other languages, or typed the wrong way round, and what to write.
_MISTYPED = {"=>": ">=", "=<": "<=", "=!": "!=", "<>": "!=", "===": "==", "!==": "!="}
_MISTYPED_OPERATOR = lazy(r"===|!==|=>|=<|=!|<>")
_QUOTED = lazy(r"'[^']*'|\"[^\"]*\"")


def _mistyped_operator(source: str, base: int) -> None:
    """Raise the error for '=>' and the like (outside quoted text), if there is one."""
    mistyped = _MISTYPED_OPERATOR.search(_QUOTED.sub(lambda m: " " * len(m.group()), source))
    if mistyped:
        op = mistyped.group()
        raise ExprError(f"cannot read this expression: '{op}' is not an operator",
                        "expression-syntax", base + mistyped.start(), f"write '{_MISTYPED[op]}'")


def _syntax_error(source: str, base: int, e: SyntaxError) -> ExprError:
    """The author's error for Python's SyntaxError ``e`` in ``source``."""
    off = (e.offset or 1) - 1 + (len(source) - len(source.lstrip()))
    msg = e.msg
    hint = None
    _mistyped_operator(source, base)
    if "never closed" in msg or "unmatched" in msg:
        hint = ("inside { } in YAML a comma ends the value: put each 'set:' entry on "
                "its own line, or quote the whole expression")
    elif re.search(r"(?<![=!<>])=(?!=)", source):
        hint = "to compare, write '==' (a single '=' is not allowed here)"
    elif "&&" in source or "||" in source:
        hint = "write 'and' / 'or' instead of '&&' / '||'"
    return ExprError(f"cannot read this expression: {msg}", "expression-syntax",
                     base + max(off, 0), hint)


def parse(source: str, base: int = 0) -> ast.expr:
    """The tree of ``source`` (found at ``base`` in a larger text), or ExprError."""
    if len(source) > MAX_EXPR_LEN:
        raise ExprError(f"expression longer than {MAX_EXPR_LEN} characters", "too-large", base)
    if not source.strip():
        raise ExprError("empty expression", "expression-syntax", base)
    if "\x00" in source:
        raise ExprError("expression holds a NUL character", "expression-syntax", base)
    try:
        with warnings.catch_warnings():  # Python's own warnings ("invalid escape
            warnings.simplefilter("ignore")  # sequence") would reach the author raw
            return ast.parse(source.strip(), mode="eval").body
    except SyntaxError as e:
        raise _syntax_error(source, base, e) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise ExprError("expression too deeply nested or too large", "too-large", base) \
            from None
