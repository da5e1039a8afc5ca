"""The compiled-story cache: a warm start without reading YAML.

Like ``.pyc`` files: after a story loads cleanly from its YAML, its validated
content is written as JSON to a cache folder outside the story (``ANA_STORY_CACHE``,
else ``$XDG_CACHE_HOME/ana-story``, else ``~/.cache/ana-story``), keyed by the
names, sizes and modification times of the story's files. The next start with the
story unchanged reads that JSON instead: a few milliseconds for a story that takes
a second to parse as YAML.

It is never trusted blindly. The file carries a SHA-256 of its body; a stale key,
a damaged file, a newer or older format, or anything that does not rebuild is
ignored and rebuilt from the YAML. And it holds data only: expressions are stored
as their source text and compiled again by the same sandboxed compiler as any
story, so a cache file can never run code. Scenes are rebuilt one at a time, when
the player first reaches them. Deleting the folder is always safe.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from . import __version__
from .expressions import Env, Expr, Template, compile_expr, compile_template
from .model import Chapter, Choice, Goto, LazyScenes, Location, Route, Scene, Story, Variable

# 2: the story's ifid, description and language; 3: story files read by YAML 1.2 rules
# (`no` is text), so stories cached before differ; 4: expressions and texts keep where
# they were written (a run-time error names that line)
CACHE_FORMAT = 4


def cache_dir() -> Path:
    env = os.environ.get("ANA_STORY_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ana-story"


def _key(root: Path) -> str:
    """What the cache is valid for: these files, at these sizes and times, this version."""
    entries = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")) and entry.is_file():
            st = entry.stat()
            entries.append([entry.name, st.st_size, st.st_mtime_ns])
    raw = json.dumps([CACHE_FORMAT, __version__, str(root.resolve()), entries])
    return hashlib.sha256(raw.encode()).hexdigest()


def _cache_file(root: Path, folder: Path) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return folder / f"{name}.json"


def load(path: str | os.PathLike, *, folder: Path | None = None) -> Story:
    """The story at ``path``: from the cache when it is fresh, else from its YAML
    (raising StoryError as loader.load_story does) and then cached."""
    from .paths import display_path
    root = Path(path)
    folder = folder if folder is not None else cache_dir()
    try:
        key = _key(root)
        file = _cache_file(root, folder)
    except OSError:  # no such folder, say: let the loader explain
        key = file = None
    if file is not None:
        story = _read(file, key, root, display_path(root))
        if story is not None:
            return story
    from .loader import load_story  # only now: it brings in YAML
    story = load_story(root)
    if file is None:
        return story
    _write(file, key, story)
    return story


# --- writing --------------------------------------------------------------------------

HEADER_SIZE = 512  # the first line, padded: written last, once the checksum is known


def _write(file: Path, key: str, story: Story) -> None:
    """Best effort: a cache that cannot be written only costs the next start time.

    Scenes are streamed to the file one at a time, so writing the cache of a large
    story costs little memory beyond the story itself. Layout: a padded JSON header
    line (format, key, SHA-256 of the rest, where the index is), each scene's JSON
    one after another, then the index (story data and each scene's span)."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only to write the cache: kept off the start-up path
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(b" " * HEADER_SIZE + b"\n")
                digest, pos, spans = hashlib.sha256(), 0, {}
                meta, scenes = _story_data(story)
                for sid, data in scenes:
                    out.write(data)
                    digest.update(data)
                    spans[sid] = [pos, len(data)]
                    pos += len(data)
                meta["scenes"] = spans
                meta["files"] = list(meta["files"])  # complete now: every scene went by
                index = json.dumps(meta, ensure_ascii=False,
                                   separators=(",", ":")).encode("utf-8")
                out.write(index)
                digest.update(index)
                header = json.dumps({"format": CACHE_FORMAT, "key": key,
                                     "sha256": digest.hexdigest(),
                                     "index": [pos, len(index)]}).encode()
                if len(header) > HEADER_SIZE:
                    raise ValueError("cache header too long")
                out.seek(0)
                out.write(header.ljust(HEADER_SIZE))
            os.replace(tmp, file)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass


def _story_data(story: Story) -> tuple[dict, Iterator[tuple[str, bytes]]]:
    """The story as JSON-ready data, and each scene as its own JSON bytes (lazily)."""
    files: dict[str, int] = {}

    def loc(where: Location | None):
        if where is None:
            return None
        name = os.path.basename(where.file)
        return [files.setdefault(name, len(files)), where.line, where.column]

    def code(x: Expr | Template | None):
        if x is None:
            return None
        marks = getattr(x, "mark_wheres", ())
        if marks:
            return [x.source, x.site0, loc(x.where), [loc(m) for m in marks]]
        if x.where is not None:
            return [x.source, x.site0, loc(x.where)]
        return x.source if not x.site0 else [x.source, x.site0]

    tpl = expr = code

    def choice(c: Choice) -> list:
        routes = [[r.scene, expr(r.condition), r.weight, loc(r.where)] for r in c.goto.routes]
        return [c.key, c.index, tpl(c.text), [c.goto.random, c.goto.site, routes],
                expr(c.condition), [[n, expr(e)] for n, e in c.effects], c.once,
                c.fallback, tpl(c.locked), loc(c.where)]

    def scenes() -> Iterator[tuple[str, bytes]]:
        for sid, s in story.scenes.items():
            data = [s.title, s.chapter, tpl(s.text), list(s.tags), s.ending, s.notes,
                    loc(s.where), [choice(c) for c in s.choices]]
            yield sid, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    # Locations of variables are registered first, so the file table is complete
    # once the scenes (written before the index) have all been through loc().
    from .saves.migration import fingerprint  # what a save checks a story against
    meta = {
        "id": story.id, "title": story.title, "author": story.author,
        "version": story.version, "start": story.start, "renamed": dict(story.renamed),
        "variables": [[v.name, v.initial, v.type, v.label, v.visible, loc(v.where)]
                      for v in story.variables.values()],
        "chapters": [[c.title, os.path.basename(c.file), list(c.scenes)]
                     for c in story.chapters],
        "endings": [s.id for s in story.endings],
        "precomputed": {"save-fingerprint": fingerprint(story)},
        "files": files,  # name -> number, filled in as the scenes are written
    }
    return meta, scenes()


# --- reading --------------------------------------------------------------------------

def _read(file: Path, key: str, root: Path, display_root: str) -> Story | None:
    """The cached story, or None when there is none fit to use."""
    try:
        raw = file.read_bytes()
        header = json.loads(raw[:HEADER_SIZE])
        body = memoryview(raw)[HEADER_SIZE + 1:]
        if not (isinstance(header, dict) and header.get("format") == CACHE_FORMAT
                and header.get("key") == key
                and header.get("sha256") == hashlib.sha256(body).hexdigest()):
            return None
        start, length = header["index"]
        meta = json.loads(bytes(body[start:start + length]))
        return _story(meta, bytes(body[:start]), root, display_root)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _story(data: dict, blob: bytes, root: Path, display_root: str) -> Story:
    files = [os.path.join(display_root, name) for name in data["files"]]

    def loc(raw) -> Location | None:
        return None if raw is None else Location(files[raw[0]], raw[1], raw[2])

    variables = {}
    for name, initial, type_, label, visible, where in data["variables"]:
        variables[name] = Variable(name, initial, type_, label, visible, loc(where))
    env = Env({n: v.type for n, v in variables.items()}, None)

    def at_site(raw) -> tuple[str, int, Location | None]:
        if isinstance(raw, str):
            return raw, 0, None
        return raw[0], raw[1], loc(raw[2]) if len(raw) > 2 else None

    def marks(raw) -> tuple:
        return tuple(map(loc, raw[3])) if isinstance(raw, list) and len(raw) > 3 else ()

    def tpl(raw) -> Template | None:
        if raw is None:
            return None
        source, site, where = at_site(raw)
        if site:
            env.next_site = site  # the same draws as when it was loaded from YAML
        t = compile_template(source, env)
        return t if where is None else t.at(where, marks(raw))

    def expr(raw, want: str) -> Expr | None:
        if raw is None:
            return None
        source, site, where = at_site(raw)
        if site:
            env.next_site = site
        e = compile_expr(source, env, want=want)
        return e if where is None else e.at(where)

    def choice(raw) -> Choice:
        key, index, text, (is_random, site, routes), cond, effects, once, fallback, \
            locked, where = raw
        goto = Goto(tuple(Route(scene, expr(c, "bool"), weight, loc(w))
                          for scene, c, weight, w in routes), is_random, site)
        return Choice(key, index, tpl(text), goto, expr(cond, "bool"),
                      tuple((n, expr(e, variables[n].type)) for n, e in effects),
                      once, fallback, tpl(locked), loc(where))

    fallback_story: list[Story] = []

    def build(sid: str, span: list) -> Scene:
        try:
            start, length = span
            raw = blob[start:start + length]
            title, chapter, text, tags, ending, notes, where, choices = json.loads(raw)
            return Scene(sid, title, chapter, tpl(text), tuple(choice(c) for c in choices),
                         tuple(tags), ending, notes, loc(where))
        except Exception:  # noqa: BLE001 - a cache we cannot use is rebuilt, whatever is wrong
            if not fallback_story:
                from .loader import load_story
                fallback_story.append(load_story(root))
            return fallback_story[0].scenes[sid]

    scenes = LazyScenes(data["scenes"], build, tuple(data["endings"]))
    if data["start"] not in scenes:
        raise KeyError("start")
    chapters = tuple(Chapter(title, os.path.join(display_root, name), tuple(ids))
                     for title, name, ids in data["chapters"])
    return Story(id=data["id"], title=data["title"], author=data["author"],
                 version=data["version"], start=data["start"], variables=variables,
                 scenes=scenes, chapters=chapters, root=display_root,
                 renamed=dict(data["renamed"]), precomputed=dict(data["precomputed"]))

