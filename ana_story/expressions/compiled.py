"""What compiling gives: ``Expr`` and ``Template``, and the ``Env`` they are checked in.

Why: the engine calls ``fn`` (a compiled lambda) and nothing else, so a step costs
what it did; the checked tree stays beside it (``Expr.tree``) so that the author
tools read an expression's meaning from the one checker instead of parsing its
source a second time.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # mypy reads them as the dataclasses they are made equal to
    from dataclasses import dataclass, field
else:  # the same classes without dataclasses' cost at start-up (records.py)
    from ..records import dataclass, field

Code = Callable[[dict[str, Any], Any], Any]


def stable_site(scene: str, part: str, position: int) -> int:
    """The random site of the ``position``-th draw of ``part`` in ``scene``: a 64-bit
    hash, so that a draw added elsewhere in the story changes no other site's dice
    (the load-order numbers before it did: State.dice 1)."""
    m = 0xFFFFFFFFFFFFFFFF
    h = 0xCBF29CE484222325  # FNV-1a over the UTF-8 bytes, then SplitMix64's finish
    for byte in f"{scene}\n{part}\n{position}".encode():
        h = ((h ^ byte) * 0x100000001B3) & m
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & m
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & m
    return h ^ (h >> 31)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a text or expression was compiled: its stable random sites hang on
    ``scene``, ``part`` and the position ``drawn`` of its first draw in that part;
    ``shown`` says how its variation blocks count their showings (Env.place).
    The compiled-story cache keeps it, to compile the same code again."""

    scene: str = ""
    part: str = ""
    drawn: int = 0
    shown: tuple[str, ...] = ()

@dataclass
class Env:
    """What an expression may refer to: declared variables and scene ids."""

    variables: Mapping[str, str]  # name -> type name ("int", "float", "bool", "str")
    scenes: Collection[str] | None = None  # None: do not check scene names
    next_site: int = 1  # load-order numbers of random call sites (State.dice 1)
    # (source, wanted type) -> Expr: stories repeat 'craft + 1' and 'craft > 2' a lot
    cache: dict[tuple[str, str | None], Expr] = field(default_factory=dict)
    # list variable -> its declaration (model.Variable: .items, .labels, .one)
    lists: Mapping[str, Any] = field(default_factory=dict)
    # choice keys named in taken(), in order (the loader checks them once all are built)
    taken: dict[str, None] = field(default_factory=dict)
    # the story's own functions and snippets, by name (functions.py, snippets.py)
    functions: dict[str, Any] = field(default_factory=dict)
    snippets: dict[str, Any] = field(default_factory=dict)
    # Where the loader is compiling (place()): the scene ("" for story.yaml), the part
    # of it ("text", "choice kitchen.ledger.set.money", ...), how showings are counted
    # there (() where nothing may vary), and the draws met so far in each part.
    scene: str = ""
    part: str = ""
    shown: tuple[str, ...] = ()
    drawn: dict[tuple[str, str], int] = field(default_factory=dict)
    # the count of showings where a template part is being checked (templates.py sets
    # it for each part, an inline cycle() reads it); None: nothing may vary there
    count: Any = None

    def place(self, scene: str, part: str, shown: tuple[str, ...] = (),
              drawn: int | None = None) -> None:
        """Compile what follows as written in ``part`` of ``scene``. ``shown``: how a
        variation block there counts its showings: ("visits", scene) in scene text,
        ("taken", key) in a reply, ("menu", *the scene's choice keys) in a label;
        ``drawn``: the position its first draw has (the cache compiling again)."""
        self.scene, self.part, self.shown = scene, part, shown
        if drawn is not None:
            self.drawn[(scene, part)] = drawn

    def here(self) -> Place:
        return Place(self.scene, self.part, self.drawn.get((self.scene, self.part), 0),
                     self.shown)

    def site(self) -> tuple[int, int]:
        """(load-order number, stable site) of a random call: both are compiled in,
        and the State's ``dice`` picks one (see runtime._site)."""
        n = self.next_site
        self.next_site += 1
        return n, self.stable()

    def stable(self) -> int:
        """The stable site of the next draw in this place (a shuffle has only this)."""
        key = (self.scene, self.part)
        pos = self.drawn.get(key, 0)
        self.drawn[key] = pos + 1
        return stable_site(self.scene, self.part, pos)


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
    place: Place | None = None  # where it was compiled, when it draws; kept by the cache

    def __call__(self, variables: dict[str, Any], state: Any) -> Any:
        return self.fn(variables, state)

    def at(self, where: Any) -> Expr:
        """This expression as written at ``where`` (a cached one serves many places)."""
        return Expr(self.source, self.type, self.fn, self.reads, self.scenes, self.constant,
                    self.site0, where, self.tree, self.place)


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
    # where it was compiled, when it draws or varies (place.shown: it varies); the cache
    # keeps it
    place: Place | None = None

    @property
    def varies(self) -> bool:
        """Whether it holds a variation block or an inline cycle() and the like."""
        return self.place is not None and bool(self.place.shown)

    def render(self, variables: dict[str, Any], state: Any) -> str:
        if self.const is not None:
            return self.const
        # no const: compile_template gave it code (no check here: a step's own path)
        return self.fn(variables, state)  # type: ignore[misc,no-any-return]  # see above

    def at(self, where: Any, mark_wheres: tuple[Any, ...] = ()) -> Template:
        """This text as written at ``where``, its parts at ``mark_wheres``."""
        return Template(self.source, self.const, self.fn, self.reads, self.scenes,
                        self.site0, where, self.marks, mark_wheres, self.trees, self.place)

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
