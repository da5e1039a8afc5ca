"""What compiling gives: ``Expr`` and ``Template``, and the ``Env`` they are checked in.

Why: the engine calls ``fn`` (a compiled lambda) and nothing else, so a step costs
what it did; the checked tree stays beside it (``Expr.tree``) so that the author
tools read an expression's meaning from the one checker instead of parsing its
source a second time.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

Code = Callable[[dict[str, Any], Any], Any]


@dataclass
class Env:
    """What an expression may refer to: declared variables and scene ids."""

    variables: Mapping[str, str]  # name -> type name ("int", "float", "bool", "str")
    scenes: Collection[str] | None = None  # None: do not check scene names
    next_site: int = 1  # call-site numbers for random draws, unique per story
    # (source, wanted type) -> Expr: stories repeat 'craft + 1' and 'craft > 2' a lot
    cache: dict[tuple[str, str | None], Expr] = field(default_factory=dict)
    # list variable -> its declaration (model.Variable: .items, .labels, .one)
    lists: Mapping[str, Any] = field(default_factory=dict)
    # choice keys named in taken(), in order (the loader checks them once all are built)
    taken: dict[str, None] = field(default_factory=dict)
    # the story's own functions and snippets, by name (functions.py, snippets.py)
    functions: dict[str, Any] = field(default_factory=dict)
    snippets: dict[str, Any] = field(default_factory=dict)

    def site(self) -> int:
        n = self.next_site
        self.next_site += 1
        return n


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled expression: call ``fn(variables, state)``.

    ``tree`` is the author's expression as the checker accepted it (only story
    language nodes: names are declared variables, calls are story functions) and
    ``type`` its type; the author tools read both instead of re-parsing ``source``.
    """

    source: str
    type: str
    fn: Code = field(repr=False, compare=False)
    reads: frozenset[str] = frozenset()  # variable names read
    scenes: frozenset[str] = frozenset()  # scene ids named in visits()/seen()
    constant: bool = False  # no variables, visits or randomness
    site0: int = 0  # number of its first random call site (0: none); kept by the cache
    where: Any = field(default=None, compare=False)  # model.Location of its own text
    tree: ast.expr | None = field(default=None, repr=False, compare=False)

    def __call__(self, variables: dict[str, Any], state: Any) -> Any:
        return self.fn(variables, state)

    def at(self, where: Any) -> Expr:
        """This expression as written at ``where`` (a cached one serves many places)."""
        return Expr(self.source, self.type, self.fn, self.reads, self.scenes, self.constant,
                    self.site0, where, self.tree)


@dataclass(frozen=True, slots=True)
class Template:
    """Compiled text: ``const`` when there are no template parts, else ``fn``."""

    source: str
    const: str | None
    fn: Code | None = field(default=None, repr=False, compare=False)
    reads: frozenset[str] = frozenset()
    scenes: frozenset[str] = frozenset()
    site0: int = 0  # number of its first random call site (0: none); kept by the cache
    where: Any = field(default=None, compare=False)  # model.Location of its own text
    marks: tuple[int, ...] = ()  # offset in source of each {{ }} and {% if %} condition
    mark_wheres: tuple[Any, ...] = field(default=(), compare=False)  # their Locations
    # the checked tree of each {{ }} part and {% if %} condition, in order
    trees: tuple[ast.expr, ...] = field(default=(), repr=False, compare=False)

    def render(self, variables: dict[str, Any], state: Any) -> str:
        if self.const is not None:
            return self.const
        # no const: compile_template gave it code (no check here: a step's own path)
        return self.fn(variables, state)  # type: ignore[misc,no-any-return]  # see above

    def at(self, where: Any, mark_wheres: tuple[Any, ...] = ()) -> Template:
        """This text as written at ``where``, its parts at ``mark_wheres``."""
        return Template(self.source, self.const, self.fn, self.reads, self.scenes,
                        self.site0, where, self.marks, mark_wheres, self.trees)

    def failed_part(self, err: BaseException) -> int:
        """Which of ``marks`` was being worked out when ``err`` left this text's
        code, read from that code's frame in the traceback; -1 when unknown."""
        code = getattr(self.fn, "__code__", None)
        tb = err.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code is code:
                return int(tb.tb_frame.f_locals.get("_k", 0)) - 1
            tb = tb.tb_next
        return -1
