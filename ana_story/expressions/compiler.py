"""Compiling one expression (``if:``, ``set:``, a route's condition) to an ``Expr``.

Why: parse, check and rewrite once at load time, so that play only calls a lambda;
the checked tree is kept on the Expr for the author tools.
"""
from __future__ import annotations

from .check import Checker
from .compiled import Env, Expr
from .functions import author_tree
from .language import NUMERIC, ExprError, describe, list_name
from .lists import as_list
from .nodes import NO, call
from .parse import parse
from .runtime import make_lambda


def compile_expr(source: str, env: Env, *, want: str | None = None) -> Expr:
    """Compile one expression; ``want`` is the type it must have ("bool" for `if:`)."""
    cached = env.cache.get((source, want))
    if cached is not None:
        return cached
    first_site = env.next_site
    here = env.here()
    tree = parse(source)
    checker = Checker(env)
    checker.item_of = list_name(want)  # `set: satchel: pencils`: a bare item
    try:
        body, t, _ = checker.visit(tree)
    except RecursionError:
        raise ExprError("expression too deeply nested", "too-large", 0) from None
    body, t, _ = as_list((body, t, NO), want or t)  # an item alone: the list holding it
    if want is not None and t != want and not (want == "float" and t == "int"):
        hint = None
        if want == "bool" and t in NUMERIC:
            hint = f"compare it, for example '{source.strip()} > 0'"
        raise ExprError(f"this gives {describe(t)}, but {describe(want)} is needed",
                        "type-mismatch", 0, hint)
    if want == "float" and t == "int":
        body = call("_float", body)
    drew = env.next_site != first_site
    expr = Expr(source, want or t, make_lambda(body), frozenset(checker.reads),
                frozenset(checker.scenes), checker.pure, first_site * drew,
                tree=author_tree(tree, env), place=(None, here)[drew])
    if not drew:  # no random draws: the same code serves every place (a draw's sites
        env.cache[(source, want)] = expr  # are its place's own, so it is never shared)
    return expr
