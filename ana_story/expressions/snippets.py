"""Snippets (``snippets:`` in story.yaml): text written once and included in any
scene text, reply or choice label with ``{% include name %}`` or
``{% include name(param=value) %}``.

Why compiled at each include: the snippet's parts become parts of the text that
includes it (no call at play time), and each include place is its own random
site, as if the snippet were written out there. A snippet sees the story's own
variables and its parameters, never the names of the text that includes it (its
``let:`` values): it is checked in the story's Env with only its parameters added.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..lazyre import lazy
from ..records import replace
from ..suggest import did_you_mean
from .check import Checker
from .compiled import Env
from .functions import bind, placeholder, substitute
from .language import MAX_TEMPLATE_LEN, ExprError, describe
from .nodes import NO, Checked, call
from .parse import parse

if TYPE_CHECKING:  # mypy reads them as the dataclasses they are made equal to
    from dataclasses import dataclass
else:  # the same classes without dataclasses' cost at start-up (records.py)
    from ..records import dataclass

MAX_DEPTH = 16  # includes within includes (the include graph is acyclic: a bound anyway)
INCLUDE = lazy(r"\{%\s*include\s+([A-Za-z_][A-Za-z0-9_]*)")
# Variation blocks count their showings by where they are written: inside a snippet
# that place is shared by every include, so they are refused there for now.
VARIATION = lazy(r"\{%\s*(cycle|sequence|once|shuffle|stopping)\b")


@dataclass(frozen=True)
class SnippetText:
    """A snippet ready to include: its parameters typed, its text as written."""

    name: str
    params: tuple[tuple[str, str], ...]  # (name, type) in order
    source: str  # its text, without trailing blank space
    variables: Mapping[str, str]  # the story's own variables and their types
    where: Any = None  # model.Location of its text, for messages


def includes_in(source: str) -> list[tuple[str, int]]:
    """(snippet name, offset of the name) of each include in a text."""
    return [(m.group(1), m.start(1)) for m in INCLUDE.finditer(source)]


def placeholders(params: tuple[tuple[str, str], ...]) -> dict[str, Checked]:
    """Parameters standing for themselves, typed: for checking a body once."""
    return {p: (ast.Name(id=placeholder(p), ctx=ast.Load()), t, NO) for p, t in params}


def _target(rest: str, rest_off: int, off: int) -> tuple[str, ast.Call | None, int]:
    """(name, the call when it has arguments, offset of the name)."""
    if not rest.strip():
        raise ExprError("'{% include %}' needs a snippet's name", "template-syntax", off,
                        "write {% include name %}, with a name from 'snippets:' in story.yaml")
    tree = parse(rest, rest_off)
    if isinstance(tree, ast.Name):
        return tree.id, None, rest_off + tree.col_offset
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
        return tree.func.id, tree, rest_off + tree.func.col_offset
    raise ExprError("an include names one snippet", "template-syntax", rest_off,
                    "write {% include name %} or {% include name(param=value) %}")


def include(b: Any, rest: str, rest_off: int, off: int,
            build: Callable[..., Any]) -> None:
    """``{% include ... %}`` at ``off`` of the text ``b`` builds: the snippet's parts
    added there, its parameters bound to the arguments."""
    name, node, at = _target(rest, rest_off, off)
    snip: SnippetText | None = b.env.snippets.get(name)
    if snip is None:
        names = list(b.env.snippets)
        raise ExprError(f"unknown snippet '{name}'", "unknown-snippet", at,
                        did_you_mean(name, names) or (
                            f"the snippets are: {', '.join(names)}" if names else
                            "write it under 'snippets:' in story.yaml"))
    if b.depth >= MAX_DEPTH:
        raise ExprError(f"snippets included more than {MAX_DEPTH} deep", "too-large", at)
    b.included[0] += len(snip.source)
    if b.included[0] > MAX_TEMPLATE_LEN:  # a includes b ten times, b includes c ten times...
        raise ExprError(f"the snippets included in this text come to more than "
                        f"{MAX_TEMPLATE_LEN} characters", "too-large", at,
                        "include fewer snippets, or snippets that include fewer")
    shown = ast.unparse(node) if node is not None else name
    args, authors = _arguments(b, snip, node, shown, rest_off)
    params = placeholders(snip.params)
    # Never the includer's let: names. The random sites: each include place gets its
    # own, as the story-wide numbering goes on through the snippet (a site keyed by
    # where it is written would add the include's place to the snippet's own).
    sub_env = replace(b.env, variables=snip.variables)
    try:
        sub = build(snip.source, sub_env, params, b.depth + 1, b.included)
        joined = sub.joined()
    except ExprError as e:
        raise ExprError(f"{shown}: {e.message} (in the snippet at {snip.where})", e.code,
                        at, e.hint) from None
    finally:
        b.env.next_site = sub_env.next_site  # each include place draws as its own site
    b.reads |= sub.reads
    b.scenes |= sub.scenes
    b.trees.extend(substitute(t, authors) for t in sub.trees)
    uses = {p: sum(1 for n in ast.walk(joined) if isinstance(n, ast.Name)
                   and n.id == placeholder(p)) for p, _ in snip.params}
    b.add(bind(args, uses, joined), off)


def _arguments(b: Any, snip: SnippetText, node: ast.Call | None, shown: str,
               base: int) -> tuple[dict[str, ast.expr], dict[str, ast.expr]]:
    """Each parameter's compiled argument and its author tree (as the includer's
    text reads them: its own let: names and parameters too, given explicitly)."""
    names = [p for p, _ in snip.params]
    given = _given(snip, node, shown, base) if node is not None else {}
    missing = [p for p in names if p not in given]
    if missing:
        example = ", ".join(f"{p}=..." for p in names)
        raise ExprError(f"{shown}: the snippet '{snip.name}' needs "
                        f"{', '.join(missing)}", "expression-syntax",
                        base + (node.col_offset if node is not None else 0),
                        f"write {{% include {snip.name}({example}) %}}")
    compiled, authors = {}, {}
    for p, t in snip.params:
        compiled[p], authors[p] = _argument(b, given[p], p, t, shown, base)
    return compiled, authors


def _given(snip: SnippetText, node: ast.Call, shown: str, base: int) -> dict[str, ast.expr]:
    """The include's arguments by parameter name."""
    names = [p for p, _ in snip.params]
    if len(node.args) > len(names):
        listed = f" ({', '.join(names)})" if names else ""
        raise ExprError(f"{shown}: the snippet '{snip.name}' takes {len(names)} "
                        f"parameter{'s' if len(names) != 1 else ''}{listed}, not "
                        f"{len(node.args)}", "expression-syntax",
                        base + node.args[len(names)].col_offset)
    given = dict(zip(names, node.args, strict=False))
    for kw in node.keywords:
        if kw.arg is None or kw.arg not in names:
            raise ExprError(f"{shown}: the snippet '{snip.name}' has no parameter "
                            f"'{kw.arg}'", "expression-syntax", base + kw.col_offset,
                            did_you_mean(kw.arg or "", names) or (
                                f"its parameters are: {', '.join(names)}" if names
                                else "it takes none"))
        given[kw.arg] = kw.value
    return given


def _argument(b: Any, arg: ast.expr, p: str, want: str, shown: str,
              base: int) -> tuple[ast.expr, ast.expr]:
    ck = Checker(b.env, base)
    ck.params = b.params
    tree, t, _ = ck.visit(arg)
    if t != want and not (want == "float" and t == "int"):
        ck.fail(arg, f"{shown}: {p} is {describe(want)}, not {describe(t)}", "type-mismatch")
    b.reads |= ck.reads
    b.scenes |= ck.scenes
    return (call("_float", tree) if want != t else tree), arg


def install_snippets(env: Env, records: Any) -> None:
    """Each snippet of ``records`` (model.Snippet) into ``env``, seeing the variables
    ``env`` declares now (the story's own): how a story read from the cache has them."""
    variables = dict(env.variables)
    for r in records:
        env.snippets[r.name] = SnippetText(r.name, tuple(map(tuple, r.params)), r.source,
                                           variables, r.where)
