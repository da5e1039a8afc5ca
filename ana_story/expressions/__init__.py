"""The story language: conditions, effects and text templates.

Why this design (figures from DESIGN.md, Python 3.11 on the project machine):
Jinja2's sandbox costs 12-16 us per evaluation and 440-650 us to compile, which
alone would spend the engine's whole 10 us step budget. Instead an expression is
parsed with :mod:`ast` (parse.py), checked against a whitelist *and* statically
typed against the story's declared variables (check.py, calls.py), then rewritten
into a lambda that reads variables from a dict and is compiled once with no
builtins (compiler.py, runtime.py): about 18 us to compile and 0.3 us to
evaluate. The rewritten tree contains only nodes this package builds itself
(nodes.py), so story text never reaches ``compile`` as code: there is no
attribute access, no subscripting, no names but declared variables and a fixed
set of story functions, and every operation that could grow without bound
(``**``, string repetition) goes through a guard (bounds.py). Constant parts are
folded at load time, so ``9**9**9`` is refused by ``check``, not at play time.

Templates (``{{ expr }}`` and ``{% if %}``, templates.py and templatetags.py)
compile to one such lambda; text with no template parts stays a plain string and
costs nothing to render. Each compiled Expr keeps its checked tree
(compiled.py), which the author tools read.
"""
from __future__ import annotations

from .bounds import MAX_OUTPUT, MAX_STR, LimitError
from .compiled import Env, Expr, Place, Template
from .compiler import compile_expr
from .language import (
    CONTROL_CHARS,
    FUNCTION_HELP,
    FUNCTIONS,
    MAX_EXPR_LEN,
    MAX_INT,
    MAX_MARKS,
    MAX_POW_BITS,
    MAX_TEMPLATE_LEN,
    NUMERIC,
    RANDOM_FUNCTIONS,
    STAT_FUNCTIONS,
    TYPE_NAMES,
    ExprError,
)
from .runtime import EVAL_ERRORS, fmt, normalize, random_site_draw
from .templates import compile_template

__all__ = [
    "CONTROL_CHARS", "EVAL_ERRORS", "FUNCTIONS", "FUNCTION_HELP", "MAX_EXPR_LEN", "MAX_INT",
    "MAX_MARKS", "MAX_OUTPUT", "MAX_POW_BITS", "MAX_STR", "MAX_TEMPLATE_LEN", "NUMERIC",
    "RANDOM_FUNCTIONS", "STAT_FUNCTIONS", "TYPE_NAMES", "Env", "Expr", "ExprError", "LimitError",
    "Place", "Template",
    "compile_expr", "compile_template", "fmt", "normalize", "random_site_draw",
]
