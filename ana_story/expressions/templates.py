"""Compiling scene and choice text (``{{ expr }}``, ``{% if %}``, the variation
blocks ``{% cycle %}`` ... ``{% or %}`` ... ``{% endcycle %}``) to a ``Template``.

Why: a text with template parts becomes one lambda that joins its parts and
normalises the result, each part counted as it is made (bounds.take) and marked
so that a run-time error names its own line; text with no parts stays a plain
string and costs nothing to render. A variation block picks one alternative by
a count the State already holds (variation.py); each block has its own end tag,
as ``{% if %}`` has ``{% endif %}``, so a misplaced end names the block it meant.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from . import snippets
from .check import Checker
from .compiled import Env, Place, Template
from .functions import author_tree
from .language import MAX_MARKS, MAX_TEMPLATE_LEN, ExprError, describe, list_name
from .lists import show_tree
from .nodes import Checked, call, const
from .parse import parse
from .runtime import make_lambda, normalize
from .templatetags import END_TAGS, foreign_syntax, split_tag, trailing_words, unknown_tag_hint
from .variation import KINDS, check_count, choose_tree, count_tree, index_tree, own_count

_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}|\{#.*?#\}", re.S)
# (an include is text in its place: its line stays)
_ALONE = re.compile(r"^[ \t]*(\{%(?!\s*include\b)(?:(?!%\}).)*%\}|\{#(?:(?!#\}).)*#\})[ \t]*"
                    r"(?:\n|\Z)", re.M)

Branch = tuple[ast.expr | None, list[ast.expr]]  # (condition or None for else, parts)
Frame = tuple[str, int, list[Branch]]  # ("root" | "if" | a KINDS word, its tag, branches)
# An open variation block: (kind, its count, its number of alternatives when it
# closes, its shuffle site or 0, its branches: one per alternative)
Block = tuple[int, ast.expr, ast.Constant, int, list[Branch]]


def _tokens(source: str) -> Iterator[tuple[str, str, int]]:
    """Yield ('text', s, off) | ('expr', s, off) | ('tag', s, off) in order. A line
    holding only a {% %} or {# #} tag vanishes whole."""
    alone = {m.start(1): m for m in _ALONE.finditer(source)}
    pos = 0
    while pos < len(source):
        m = _TAG.search(source, pos)
        if m is None:
            yield "text", source[pos:], pos
            return
        start, end = m.start(), m.end()
        trim = alone.get(start)
        text_end = start
        if trim is not None:
            text_end = trim.start()
            end = trim.end()
        if text_end > pos:
            yield "text", source[pos:text_end], pos
        if m.group(1) is not None:
            yield "expr", m.group(1), m.start(1)
        elif m.group(2) is not None:
            yield "tag", m.group(2), m.start(2)
        pos = end
    # unmatched openers are plain text to the regex; _check_stray_openers finds them


class _Builder:
    """The state of compiling one text: what it reads, its marks, the open ifs."""

    def __init__(self, source: str, env: Env, params: dict[str, Checked] | None = None,
                 depth: int = 0, included: list[int] | None = None):
        self.env = env
        self.params = params or {}  # a snippet's parameters (snippets.py)
        self.depth = depth  # how many includes deep
        # characters of snippets included into the whole text so far (shared by the
        # builders of its includes): includes within includes multiply
        self.included = included if included is not None else [0]
        self.reads: set[str] = set()
        self.scenes: set[str] = set()
        self.marks: list[int] = []
        self.trees: list[ast.expr] = []
        # Marks cost little per part, but compiling tens of thousands of them does: past
        # MAX_MARKS parts a run-time error names the text's first line instead.
        self.mark = source.count("{{") + source.count("{%") <= MAX_MARKS
        self.root: list[ast.expr] = []
        self.stack: list[Frame] = [("root", 0, [(None, self.root)])]
        self.blocks: list[Block] = []
        self.base = count_tree(env.shown) if env.shown else None
        self.varied = False  # a block or an inline form read the count

    def count(self) -> ast.expr | None:
        """How often the text being compiled here has been shown: its place's count,
        or within an alternative, that alternative's own (None: nothing may vary)."""
        if not self.blocks:
            return self.base
        kind, count, k, _, branches = self.blocks[-1]
        return own_count(kind, k, len(branches) - 1, count)

    def parts(self) -> list[ast.expr]:
        return self.stack[-1][2][-1][1]

    def check(self, text: str, off: int) -> tuple[ast.expr, ast.expr, str, int]:
        """(author tree, compiled tree, type, offset of its first character)."""
        tree = parse(text, off)
        start = off + (len(text) - len(text.lstrip()))
        checker = Checker(self.env, start)
        checker.params = self.params
        self.env.count = self.count()
        body, t, _ = checker.visit(tree)
        self.varied = self.varied or _inline(tree)
        self.reads |= checker.reads
        self.scenes |= checker.scenes
        self.trees.append(author_tree(tree, self.env) if self.env.functions else tree)
        return tree, body, t, start

    def text(self, text: str, off: int) -> None:
        _check_stray_openers(text, off)
        foreign_syntax(text, off)
        if text:
            self.parts().append(const(text))

    def expr(self, text: str, off: int) -> None:
        tree, body, t, start = self.check(text, off)
        part = body if t == "str" else call("_str", body) if list_name(t) is None \
            else show_tree(self.env, t, body)
        if self.mark and not isinstance(tree, ast.Name):  # a variable alone cannot fail
            part = _marked(self.marks, start, part)
        self.parts().append(_counted(part))

    def tag(self, text: str, off: int) -> None:
        word, rest, rest_off = split_tag(text, off)
        extra = trailing_words(word, rest)
        if extra is not None:
            raise ExprError(extra[0], "template-syntax", rest_off, extra[1])
        if word in ("if", "elif"):
            self.condition(word, rest, rest_off, off)
        elif word == "else":
            _after_else(self.stack, "else", off)
            self.stack[-1][2].append((None, []))
        elif word == "include":
            snippets.include(self, rest, rest_off, off, build)
        elif word == "endif":
            self.check_end("if", off)
            _, _, branches = self.stack.pop()
            self.parts().append(_if_tree(branches))
        elif word in KINDS:
            self.open_block(word, off)
        elif word == "or":
            self.alternative(off)
        elif word in END_TAGS:
            self.check_end(word[3:], off)
            self.close_block(off)
        else:
            raise ExprError(f"unknown tag '{{% {word} %}}'", "template-syntax", off,
                            unknown_tag_hint(word, self.stack[-1][0]))

    def check_end(self, kind: str, off: int) -> None:
        """``{% end<kind> %}`` must close the innermost open if or block."""
        top = self.stack[-1][0]
        if top == kind:
            return
        if top == "root":
            raise ExprError(f"'{{% end{kind} %}}' without an open '{{% {kind} %}}'",
                            "template-syntax", off)
        raise ExprError(f"'{{% end{kind} %}}' where the '{{% {top} %}}' opened last is "
                        "still open", "template-syntax", off,
                        f"close the '{{% {top} %}}' first with '{{% end{top} %}}': blocks "
                        "close in the reverse order they open")

    def open_block(self, word: str, off: int) -> None:
        count = self.count()
        if count is None:
            raise ExprError(f"'{{% {word} %}}' varies with how often its text was shown, "
                            "and only a scene's text, a reply and a choice's label or "
                            "locked reason count that", "template-syntax", off,
                            "move the variation into the scene's text")
        kind = KINDS.index(word)
        site = self.env.stable() if word == "shuffle" else 0
        branches: list[Branch] = [(None, [])]
        self.stack.append((word, off, branches))
        self.blocks.append((kind, count, const(0), site, branches))
        self.varied = True

    def alternative(self, off: int) -> None:
        """``{% or %}``: the next alternative of the innermost open block."""
        top = self.stack[-1][0]
        if top in KINDS:
            self.stack[-1][2].append((None, []))
            return
        if self.blocks:
            raise ExprError("'{% or %}' inside an '{% if %}' that is still open",
                            "template-syntax", off, "close the '{% if %}' with "
                            "'{% endif %}' before the block's next alternative")
        raise ExprError("'{% or %}' outside a variation block", "template-syntax", off,
                        "'{% or %}' separates the alternatives of a {% cycle %}, "
                        "{% sequence %}, {% once %} or {% shuffle %} block" + (
                            "; the other branch of an '{% if %}' is '{% else %}'"
                            if top == "if" else ""))

    def close_block(self, off: int) -> None:
        word, start, branches = self.stack.pop()
        kind, count, k, site, _ = self.blocks.pop()
        alternatives = [_concat(parts) for _, parts in branches]
        empty = len(alternatives) == 1 and all(
            isinstance(p, ast.Constant) and not str(p.value).strip()
            for p in branches[0][1])
        check_count(0 if empty else len(alternatives), start, f"'{{% {word} %}}'")
        k.value = len(alternatives)
        if word == "once":
            alternatives.append(const(""))  # once every alternative was shown: nothing
        index = index_tree(kind, count, k.value, site)
        self.parts().append(choose_tree(index, alternatives))

    def condition(self, word: str, rest: str, rest_off: int, off: int) -> None:
        """An ``{% if %}`` or ``{% elif %}`` whose condition ``rest`` is at ``rest_off``."""
        if not rest.strip():
            raise ExprError(f"'{{% {word} %}}' needs a condition", "template-syntax", off)
        _, body, t, start = self.check(rest, rest_off)
        if t != "bool":
            raise ExprError(f"the condition of '{word}' is {describe(t)}, not "
                            "true/false", "type-mismatch", rest_off,
                            f"compare it, for example '{rest.strip()} > 0'")
        if self.mark:
            body = _marked(self.marks, start, body)
        if word == "if":
            self.stack.append(("if", off, [(body, [])]))
        else:
            _after_else(self.stack, "elif", off)
            self.stack[-1][2].append((body, []))

    def add(self, part: ast.expr, offset: int) -> None:
        """A part made elsewhere (an included snippet), marked at ``offset``."""
        self.parts().append(_marked(self.marks, offset, part) if self.mark else part)

    def joined(self) -> ast.expr:
        """The whole text's parts joined, once every tag is closed (an included
        snippet's, which is normalised with the text it is in)."""
        self.closed()
        return _concat(self.root)

    def closed(self) -> None:
        if len(self.stack) > 1:
            word, off, _ = self.stack[-1]
            raise ExprError(f"'{{% {word} %}}' is never closed", "template-syntax", off,
                            "add '{% endif %}' where the conditional text ends"
                            if word == "if" else
                            f"add '{{% end{word} %}}' after its last alternative")

    def code(self) -> Any:
        """The compiled lambda of the whole text, once every tag is closed."""
        self.closed()
        count = ast.NamedExpr(target=ast.Name(id="_c", ctx=ast.Store()),
                              value=ast.List(elts=[const(0)], ctx=ast.Load()))
        return make_lambda(call("_norm", count, _concat(self.root)))


def compile_template(source: str, env: Env) -> Template:
    """Compile scene or choice text; plain text stays a plain (normalized) string."""
    if len(source) > MAX_TEMPLATE_LEN:
        raise ExprError(f"text longer than {MAX_TEMPLATE_LEN} characters", "too-large", 0)
    if "{{" not in source and "{%" not in source and "{#" not in source:
        _check_stray_closers(source)
        foreign_syntax(source, 0)
        return Template(source, normalize(source))
    first_site = env.next_site
    here = env.here()
    try:
        b = build(source, env)
        fn = b.code()
    finally:
        env.count = None
    place = None
    if b.varied or env.drawn.get((here.scene, here.part), 0) != here.drawn:
        place = Place(here.scene, here.part, here.drawn, here.shown if b.varied else ())
    return Template(source, None, fn, frozenset(b.reads), frozenset(b.scenes),
                    first_site if env.next_site != first_site else 0, marks=tuple(b.marks),
                    trees=tuple(b.trees), place=place)


def build(source: str, env: Env, params: dict[str, Checked] | None = None,
          depth: int = 0, included: list[int] | None = None) -> _Builder:
    """A text's parts read and checked (``params``: a snippet's parameters)."""
    b = _Builder(source, env, params, depth, included)
    if depth:
        b.mark = False  # an included snippet's errors are named at the include
    for kind, text, off in _tokens(source):
        if kind == "text":
            b.text(text, off)
        elif kind == "expr":
            b.expr(text, off)
        else:
            b.tag(text, off)
    return b


def _inline(tree: ast.expr) -> bool:
    """Whether an author's expression calls an inline variation (cycle('a', 'b'))."""
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in KINDS
               for n in ast.walk(tree))


def _counted(part: ast.expr) -> ast.expr:
    """``_take(_c, part)``: the part, counted as it is made (bounds.take)."""
    return call("_take", ast.Name(id="_c", ctx=ast.Load()), part)


def _marked(marks: list[int], offset: int, tree: ast.expr) -> ast.expr:
    """``(_k := k + 1) and tree``: the rendering notes in a local that part k (at
    ``offset``) is worked out next, so a run-time error can name that part's own
    line (Template.failed_part); a local store costs next to nothing."""
    marks.append(offset)
    mark = ast.NamedExpr(target=ast.Name(id="_k", ctx=ast.Store()), value=const(len(marks)))
    return ast.BoolOp(op=ast.And(), values=[mark, tree])


def _after_else(stack: list[Frame], word: str, off: int) -> None:
    """An 'elif' or 'else' needs an open 'if' whose 'else' has not come yet."""
    if stack[-1][0] != "if":
        raise ExprError(f"'{{% {word} %}}' without an open '{{% if %}}'", "template-syntax",
                        off)
    if stack[-1][2][-1][0] is None:
        what = ("a second '{% else %}' in one '{% if %}'" if word == "else" else
                "'{% elif %}' after the '{% else %}' of its '{% if %}'")
        raise ExprError(what, "template-syntax", off,
                        "an '{% if %}' has at most one '{% else %}', and it comes last")


def _concat(parts: list[ast.expr]) -> ast.expr:
    if not parts:
        return const("")
    if len(parts) == 1:
        return parts[0]
    join = ast.Attribute(value=const(""), attr="join", ctx=ast.Load())
    return ast.Call(func=join, args=[ast.Tuple(elts=parts, ctx=ast.Load())], keywords=[])


def _if_tree(branches: list[Branch]) -> ast.expr:
    cond, parts = branches[0]
    rest = branches[1:]
    if cond is None:
        return _concat(parts)
    orelse = _if_tree(rest) if rest else const("")
    return ast.IfExp(test=cond, body=_concat(parts), orelse=orelse)


def _check_stray_openers(text: str, off: int) -> None:
    for opener, closer in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
        i = text.find(opener)
        if i >= 0:
            raise ExprError(f"'{opener}' is never closed with '{closer}'", "template-syntax",
                            off + i)


def _check_stray_closers(text: str) -> None:
    i = text.find("%}")
    if i >= 0:
        raise ExprError("'%}' without a matching '{%'", "template-syntax", i)
