"""The story model: immutable, validated, compiled. No I/O here.

The loader builds these from YAML; the engine and the author tools only read
them. Expressions and templates are already compiled (see expressions.py), so
nothing is parsed while playing. (No ``from __future__ import annotations``: the
type hints are real objects, read cheaply by modeljson.py on every start.)
"""
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any

from .expressions import Expr, Template

if TYPE_CHECKING:  # mypy reads them as the dataclasses they are made equal to
    from dataclasses import dataclass, field
else:  # the same classes without dataclasses' cost at start-up (records.py)
    from .records import dataclass, field

# A path to one of the story's own files. Marked so that a story written out as JSON
# (the compiled-story cache, a published story) keeps the file's name only and joins
# it again to the folder the story is read from, which may be elsewhere by then.
STORY_FILE = "story-file"
StoryFile = Annotated[str, STORY_FILE]


@dataclass(frozen=True, slots=True)
class Location:
    """Where in the author's files something was written (1-based)."""

    file: StoryFile
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Variable:
    """A variable the story declares, with its starting value and type."""

    name: str
    initial: Any
    type: str  # "int", "float", "bool" or "str"; "list[<name>]" for a list
    label: str
    visible: bool  # shown to the player by `stats`
    where: Location | None = None
    # A list (its value a tuple of these items, in this order): each item's label,
    # and whether it holds at most one item (an enum). Empty for other variables.
    items: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    one: bool = False
    # explore's declared abstraction (storyformat 'exact'): (low, high), the values it
    # tells apart; below low is one value to it, above high another. Empty: none.
    exact: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if type(self.initial) is list:  # a list's items, as JSON (the cache) gives them
            object.__setattr__(self, "initial", tuple(self.initial))


@dataclass(frozen=True, slots=True)
class Stat:
    """One line of the story's own stats screen (story.yaml's ``stats:``)."""

    kind: str  # "bar", "opposed" or "value"
    variable: str
    label: str  # for "opposed", the left label
    labels: tuple[str, ...] = ()  # "opposed": (left, right)
    low: float = 0  # "bar": its ends
    high: float = 100
    condition: Expr | None = None  # shown only while it holds
    where: Location | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """One way a choice can lead: to ``scene`` when ``condition`` holds (or always)."""

    scene: str
    condition: Expr | None = None
    weight: float = 1.0
    where: Location | None = None


@dataclass(frozen=True, slots=True)
class Goto:
    """Where a choice leads: one scene, the first route whose condition holds,
    or a seeded random pick among routes."""

    routes: tuple[Route, ...]
    random: bool = False
    # random call site: (load-order number, stable site); the State's dice picks one
    site: tuple[int, int] = (0, 0)
    # A tunnel (frames.py): "call" enters the routes' scene, to come back to the caller;
    # "return" pops the call and comes back (no routes) or goes to the routes' scene.
    kind: str = ""

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(r.scene for r in self.routes)


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice of a scene: its text, where it leads, when it is offered."""

    key: str  # stable id: "<scene>.<index>" or "<scene>.<id>" when the author names it
    index: int  # position among the scene's choices
    text: Template
    goto: Goto
    condition: Expr | None = None
    effects: tuple[tuple[str, Expr], ...] = ()
    once: bool = False
    fallback: bool = False
    locked: Template | None = None  # shown, greyed, with this reason when unavailable
    where: Location | None = None
    reply: Template | None = None  # shown after the choice is taken (a conversation's line)
    stay: bool = False  # no 'goto': the player stays (goto is then this scene, for the tools)
    counted: bool = False  # named by a taken() somewhere: the State counts its takes


@dataclass(frozen=True, slots=True)
class Scene:
    """One scene: its text, its choices, its place in a chapter."""

    id: str
    title: str
    chapter: str
    text: Template
    choices: tuple[Choice, ...] = ()
    tags: tuple[str, ...] = ()
    ending: str | None = None  # the ending's title; None for an ordinary scene
    notes: str = ""
    where: Location | None = None
    # ``title`` when it holds {{ }} or {% if %}: worked out for each State (engine.scene_title)
    title_template: Template | None = None
    enter: tuple[tuple[str, Expr], ...] = ()  # effects run on each entry (not on a stay)
    next: str | None = None  # moves on with a single Continue (its one choice)
    # 'let:': names computed on each entry after 'enter:', in order, kept in State.let
    # for this visit (frames.py); the scene's own expressions see them as variables
    let: tuple[tuple[str, Expr], ...] = ()
    # Whether its title, text or a choice's text, condition or locked reason draws: only
    # then does a stay need them drawn on the turn the visit began (frames.seen_by)
    draws: bool = False

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter: one scene file, its scenes in order."""

    title: str
    file: StoryFile
    scenes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Function:
    """A story function as written (story.yaml's ``functions:``): compiled calls hold
    its body already, so only the compiler (and the cache, to compile again) reads it."""

    name: str
    params: tuple[tuple[str, str], ...]  # (name, type) in order
    source: str
    where: Location | None = None


@dataclass(frozen=True, slots=True)
class Snippet:
    """A snippet as written (story.yaml's ``snippets:``): included texts hold its parts
    already, so only the compiler (and the cache) reads it."""

    name: str
    params: tuple[tuple[str, str], ...]
    source: str
    where: Location | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """A whole story, validated and ready to play."""

    id: str
    title: str
    author: str
    version: str
    start: str
    variables: Mapping[str, Variable]
    scenes: Mapping[str, Scene]
    chapters: tuple[Chapter, ...]
    root: str = ""  # the folder it was loaded from, for messages only
    renamed: Mapping[str, str] = field(default_factory=dict)  # old scene id -> new

    # What saves check a story against (saves.fingerprint), when already worked out:
    # kept by the compiled-story cache, which would otherwise build every scene for it.
    save_fingerprint: str = ""
    # For publishing (the Treaty of Babel's IFID, in capitals; a line about the story;
    # its language as a tag such as "en"); empty when story.yaml gives none.
    ifid: str = ""
    description: str = ""
    language: str = ""
    # The stats screen the story designs; empty: each visible variable, as it is.
    stats: tuple[Stat, ...] = ()
    # Whether any scene has 'enter:' effects: the step looks its next scene up only then.
    entering: bool = False
    # Whether the story has 'enter:', replies, stays or counted choices: a story with
    # none takes the step as it always did, at no cost for them.
    talks: bool = False
    # Whether any scene has 'let:' or a call/return goto, or turns_since() is used
    # (then Story.talks and Story.entering are true too): frames.py's parts run only then.
    framed: bool = False
    # Scenes turns_since() names: the State records the turn each was last entered.
    timed: tuple[str, ...] = ()
    # The story's own functions (callees first) and snippets, as written.
    functions: tuple[Function, ...] = ()
    snippets: tuple[Snippet, ...] = ()

    @property
    def endings(self) -> tuple[Scene, ...]:
        ids = getattr(self.scenes, "ending_ids", None)
        if ids is not None:  # a lazily built story knows its endings without building all
            return tuple(self.scenes[i] for i in ids)
        return tuple(s for s in self.scenes.values() if s.is_ending)

    def initial_variables(self) -> dict[str, Any]:
        return {name: v.initial for name, v in self.variables.items()}


class LazyScenes(Mapping[str, Scene]):
    """Scenes built on first use, for a story read from the compiled-story cache:
    the first screen of a 10,000-scene story needs one scene, not all of them."""

    __slots__ = ("_raw", "_built", "_build", "ending_ids")

    def __init__(self, raw: Mapping[str, Any], build: Callable[[str, Any], Scene],
                 ending_ids: tuple[str, ...]) -> None:
        self._raw = raw
        self._built: dict[str, Scene] = {}
        self._build = build
        self.ending_ids = ending_ids

    def __getitem__(self, sid: str) -> Scene:
        try:
            return self._built[sid]
        except KeyError:
            scene = self._built[sid] = self._build(sid, self._raw[sid])
            return scene

    def __contains__(self, sid: object) -> bool:
        return sid in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)
