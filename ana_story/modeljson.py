"""The story model as JSON values and back: one converter driven by the model's
dataclass fields and type hints, so a field added to the model travels through the
compiled-story cache and the published story with no edit here.

A dataclass is a JSON array of its fields in order; a tuple an array; a mapping an
object; ``X | None`` is null or X. Three kinds of value need more than their type: a
story file's path (``model.StoryFile``) is kept as a number in a table of file names
and joined again to the folder it is read from; compiled expressions and texts are
kept as their source, type, random-site number, place (Place) and where they were written, and
compiled again by the same sandboxed compiler as any story, so the JSON holds data
only and can never run code.
"""
from __future__ import annotations

import json
import os
import types
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from . import records
from .digests import sha256
from .expressions import Env, Expr, Place, Template, compile_expr, compile_template
from .expressions.functions import install_functions
from .expressions.snippets import install_snippets
from .model import STORY_FILE, LazyScenes, Location, Scene, Story

# Bump when an encoding written by hand below (files, expressions, texts, the layout
# of the story's index) changes; the model's own shape is fingerprinted by format_id.
CODEC = 6  # 6: a code's place (its stable random sites, its count of showings)
CONTEXT = ("scenes", "root")  # Story fields the JSON does not hold as values (see below)


class Out:
    """What encoding collects beside the values: the story's file names, numbered."""

    def __init__(self) -> None:
        self.files: dict[str, int] = {}


class In:
    """What decoding needs beside the values: the files' paths and the compiler's
    environment (the story's variables)."""

    def __init__(self, files: list[str], env: Env | None = None) -> None:
        self.files = files
        self.env = env if env is not None else Env({}, None)


Encode = Callable[[Any, Out], Any]
Decode = Callable[[Any, In], Any]
Rebuild = Callable[[str], Scene]  # a scene by other means, for one whose JSON does not build
_PLAIN = (str, int, float, bool, Any)  # JSON values as they are


@cache
def fields_of(cls: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields set by its constructor, with their resolved type hints
    (model.py's are objects already, which is quicker than get_type_hints at start)."""
    fields = [f for f in records.fields(cls) if f.init]
    if any(isinstance(f.type, str) for f in fields):  # postponed annotations
        hints = get_type_hints(cls, include_extras=True)
        return tuple((f.name, hints[f.name]) for f in fields)
    return tuple((f.name, f.type) for f in fields)


def _optional(hint: Any) -> Any:
    """X for ``X | None``, else None."""
    if get_origin(hint) in (Union, types.UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        if len(inner) == 1 and len(get_args(hint)) == 2:
            return inner[0]
    return None


# --- encoding -------------------------------------------------------------------------

@cache
def encoder(hint: Any) -> Encode | None:
    """How to turn a value of type ``hint`` into JSON; None when it is JSON already."""
    if hint in _PLAIN:
        return None
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _put_file if STORY_FILE in hint.__metadata__ else encoder(args[0])
    if hint is Expr or hint is Template:
        return _put_code
    inner = _optional(hint)
    if inner is not None:
        return _put_maybe(encoder(inner))
    if origin is tuple:
        return _put_tuple(args)
    if origin in (Mapping, dict):
        return _put_dict(encoder(args[1]))
    if isinstance(hint, type) and records.is_dataclass(hint):
        return _put_dataclass(hint)
    raise TypeError(f"no JSON form for {hint!r}")


def _put_tuple(args: tuple[Any, ...]) -> Encode:
    if len(args) == 2 and args[1] is Ellipsis:
        return _put_list(encoder(args[0]))
    return _put_row(tuple(encoder(a) for a in args))


def _put_maybe(each: Encode | None) -> Encode | None:
    if each is None:
        return None
    return lambda v, out: None if v is None else each(v, out)


def _put_list(each: Encode | None) -> Encode:
    if each is None:
        return lambda v, out: list(v)
    return lambda v, out: [each(x, out) for x in v]


def _put_dict(each: Encode | None) -> Encode:
    if each is None:
        return lambda v, out: dict(v)
    return lambda v, out: {k: each(x, out) for k, x in v.items()}


def _put_row(encs: tuple[Encode | None, ...]) -> Encode:
    return lambda v, out: [x if e is None else e(x, out) for e, x in zip(encs, v, strict=True)]


def _put_dataclass(cls: type) -> Encode:
    plan = [(name, encoder(h)) for name, h in fields_of(cls)]
    return lambda v, out: [getattr(v, n) if e is None else e(getattr(v, n), out)
                           for n, e in plan]


def _put_file(path: str, out: Out) -> int:
    return out.files.setdefault(os.path.basename(path), len(out.files))


def _where(where: Location | None, out: Out) -> list | None:
    put = encoder(Location)
    assert put is not None
    return None if where is None else put(where, out)


def _put_code(x: Expr | Template, out: Out) -> Any:
    where = _where(x.where, out)
    place = None if x.place is None else [x.place.scene, x.place.part, x.place.drawn,
                                          list(x.place.shown)]
    if isinstance(x, Expr):
        return [x.source, x.type, x.site0, where, place]
    if x.site0 == 0 and where is None and not x.mark_wheres and place is None:
        return x.source  # the common case, kept short: plain text from nowhere known
    return [x.source, x.site0, where, [_where(m, out) for m in x.mark_wheres], place]


def _set_place(env: Env, raw: list | None) -> None:
    """Compile what follows in the place it was first compiled in (None: none)."""
    if raw is None:
        env.place("", "")
    else:
        place = Place(raw[0], raw[1], raw[2], tuple(raw[3]))
        env.place(place.scene, place.part, place.shown, place.drawn)


# --- decoding -------------------------------------------------------------------------

@cache
def decoder(hint: Any) -> Decode | None:
    """How to turn JSON back into a value of type ``hint``; None when it is as read."""
    if hint in _PLAIN:
        return None
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _get_file if STORY_FILE in hint.__metadata__ else decoder(args[0])
    if hint in _CODE:
        return _CODE[hint]
    inner = _optional(hint)
    if inner is not None:
        return _get_maybe(decoder(inner))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:  # tuple[X, ...]
            return _get_tuple(decoder(args[0]))
        return _get_row(tuple(_field_decoder(a) for a in args), _row)
    if origin in (Mapping, dict):
        return _get_dict(decoder(args[1]))
    if isinstance(hint, type) and records.is_dataclass(hint):
        return _get_row(tuple(_field_decoder(h) for _, h in fields_of(hint)), hint)
    raise TypeError(f"no JSON form for {hint!r}")


def _get_maybe(each: Decode | None) -> Decode | None:
    if each is None:
        return None
    return lambda r, inp: None if r is None else each(r, inp)


def _get_tuple(each: Decode | None) -> Decode:
    if each is None:
        return lambda r, inp: tuple(r)
    return lambda r, inp: tuple([each(x, inp) for x in r])


def _get_dict(each: Decode | None) -> Decode:
    if each is None:
        return lambda r, inp: dict(r)
    return lambda r, inp: {k: each(x, inp) for k, x in r.items()}


def _row(*values: Any) -> tuple[Any, ...]:
    return values


def _get_row(decs: tuple[Decode | None, ...], make: Callable[..., Any]) -> Decode:
    """An array of len(decs) values, each by its decoder, given to ``make``. JSON
    null is None whatever the decoder (Optional fields, the common case, need no
    wrapper), and values that are their own JSON are not touched: this is the hot
    loop of reading a cached scene."""
    n = len(decs)
    active = tuple((i, d) for i, d in enumerate(decs) if d is not None)

    def get(raw: Any, inp: In) -> Any:
        if raw.__class__ is not list or len(raw) != n:
            raise ValueError(f"{n} values expected")
        values = raw.copy()
        for i, d in active:
            if values[i] is not None:
                values[i] = d(values[i], inp)
        return make(*values)
    return get


def _field_decoder(hint: Any) -> Decode | None:
    """A field's decoder, without the None check that _get_row makes for every field."""
    inner = _optional(hint)
    return decoder(hint if inner is None else inner)


def _get_file(raw: int, inp: In) -> str:
    return inp.files[raw]


def _get_where(raw: Any, inp: In) -> Location | None:
    get = decoder(Location)
    assert get is not None
    return None if raw is None else get(raw, inp)


def _get_expr(raw: list, inp: In) -> Expr:
    source, type_, site, where, place = raw
    if site:
        inp.env.next_site = site  # the same draws as when it was loaded from YAML
    _set_place(inp.env, place)
    e = compile_expr(source, inp.env, want=type_)
    return e if where is None else e.at(_get_where(where, inp))


def _get_template(raw: str | list, inp: In) -> Template:
    if isinstance(raw, str):
        return compile_template(raw, inp.env)
    source, site, where, marks, place = raw
    if site:
        inp.env.next_site = site
    _set_place(inp.env, place)
    t = compile_template(source, inp.env)
    if where is None:
        return t
    return t.at(_get_where(where, inp), tuple(_get_where(m, inp) for m in marks))


_CODE: dict[Any, Decode] = {Expr: _get_expr, Template: _get_template}


_LET = next(i for i, (name, _) in enumerate(fields_of(Scene)) if name == "let")


def _scene_input(inp: In, raw: list) -> In:
    """What a scene's code is compiled against: with 'let:', its names too (each
    typed as it was loaded), in an environment of its own, as the loader did."""
    lets = raw[_LET]
    if not lets:
        return inp
    env = records.replace(inp.env, variables={**inp.env.variables,
                                                  **{n: e[1] for n, e in lets}}, cache={})
    own = In(inp.files, env)
    return own


# --- the story ------------------------------------------------------------------------

def format_id() -> str:
    """The JSON format's version: CODEC and a hash of the model's shape (every
    dataclass's field names and types), so a changed model invalidates old files."""
    return _format_id(Story, Scene)


@cache
def _format_id(*roots: type) -> str:
    shape: dict[str, list[list[str]]] = {}
    todo = list(roots)
    while todo:
        cls = todo.pop()
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name in shape:
            continue
        shape[name] = [[n, repr(h)] for n, h in fields_of(cls)]
        todo += _dataclasses_in([h for _, h in fields_of(cls)])
    raw = json.dumps([CODEC, sorted(shape.items())])
    return f"{CODEC}.{sha256(raw.encode()).hexdigest()[:16]}"


def _dataclasses_in(hints: list[Any]) -> list[type]:
    found = []
    while hints:
        h = hints.pop()
        if isinstance(h, type) and records.is_dataclass(h) and h not in (Expr, Template):
            found.append(h)
        hints += get_args(h)
    return found


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def scenes_json(story: Story, out: Out) -> Iterator[tuple[str, bytes]]:
    """Each scene as its own JSON bytes, one at a time (a large story's cache is
    written without holding it all)."""
    put = encoder(Scene)
    assert put is not None
    for sid, scene in story.scenes.items():
        yield sid, _dumps(put(scene, out))


def index_json(story: Story, out: Out, spans: dict[str, list[int]]) -> bytes:
    """The rest of the story, once its scenes have gone by (their files are numbered
    now): every field but the scenes (spans: where each scene's JSON is) and root."""
    values = {name: getattr(story, name) if e is None else e(getattr(story, name), out)
              for name, e in ((n, encoder(h)) for n, h in fields_of(Story)
                              if n not in CONTEXT)}
    return _dumps({"story": values, "scenes": spans,
                   "endings": [s.id for s in story.endings], "files": list(out.files)})


# The Story fields decoded first, in this order: the compiler needs them for the rest.
_FIRST = {"variables": 0, "functions": 1, "snippets": 2}


def read_story(index: dict[str, Any], blob: bytes, display_root: str,
               rebuild: Rebuild) -> Story:
    """The story from ``index_json``'s data and the scenes' bytes it points into.
    Scenes are built when first used; one that does not build comes from ``rebuild``."""
    inp = In([os.path.join(display_root, name) for name in index["files"]])
    data = index["story"]
    values: dict[str, Any] = {}
    for name, hint in sorted(fields_of(Story), key=lambda f: _FIRST.get(f[0], len(_FIRST))):
        if name not in CONTEXT:  # the variables first: the compiler needs their types
            get = decoder(hint)
            values[name] = data[name] if get is None else get(data[name], inp)
            if name == "variables":
                inp.env = Env({n: v.type for n, v in values[name].items()}, None,
                              lists={n: v for n, v in values[name].items() if v.items})
            elif name == "functions":  # then what calls and includes compile with
                install_functions(inp.env, values[name])
            elif name == "snippets":
                install_snippets(inp.env, values[name])
    get_scene = decoder(Scene)
    assert get_scene is not None

    def build(sid: str, span: list[int]) -> Scene:
        try:
            start, length = span
            raw = json.loads(blob[start:start + length])
            scene: Scene = get_scene(raw, _scene_input(inp, raw))
            return scene
        except Exception:  # noqa: BLE001 - a scene we cannot use is rebuilt, whatever is wrong
            return rebuild(sid)

    scenes = LazyScenes(index["scenes"], build, tuple(index["endings"]))
    if values["start"] not in scenes:
        raise KeyError("start")
    return Story(**values, scenes=scenes, root=display_root)
