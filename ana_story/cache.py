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
story, so a cache file can never run code (modeljson.py turns the model into JSON
and back). Scenes are rebuilt one at a time, when the player first reaches them.
Deleting the folder is always safe.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import BinaryIO

from . import __version__, modeljson
from .digests import sha256
from .model import Scene, Story
from .records import replace


def cache_format() -> str:
    """The cache's format: modeljson's, so a changed model or codec makes old caches stale."""
    return modeljson.format_id()


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
    raw = json.dumps([cache_format(), __version__, str(root.resolve()), entries])
    return sha256(raw.encode()).hexdigest()


def _cache_file(root: Path, folder: Path) -> Path:
    name = sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return folder / f"{name}.json"


def load(path: str | os.PathLike[str], *, folder: Path | None = None) -> Story:
    """The story at ``path``: from the cache when it is fresh, else from its YAML
    (raising StoryError as loader.load_story does) and then cached."""
    from .paths import display_path
    root = Path(path)
    folder = folder if folder is not None else cache_dir()
    try:
        key: str | None = _key(root)
        file = _cache_file(root, folder)
    except OSError:  # no such folder, say: let the loader explain
        key = None
    if key is not None:
        cached = _read(file, key, root, display_path(root))
        if cached is not None:
            return cached
    from .loader import load_story  # only now: it brings in YAML
    story = load_story(root)
    if key is None:
        return story
    story = with_save_fingerprint(story)
    _write(file, key, story)
    return story


def with_save_fingerprint(story: Story) -> Story:
    """The story with its saves' fingerprint worked out, to be kept with it."""
    if story.save_fingerprint:
        return story
    from .saves.migration import fingerprint  # what a save checks a story against
    return replace(story, save_fingerprint=fingerprint(story))


# --- writing --------------------------------------------------------------------------

HEADER_SIZE = 512  # the first line, padded: written last, once the checksum is known


def _write(file: Path, key: str, story: Story) -> None:
    """Best effort: a cache that cannot be written only costs the next start time.

    Scenes are streamed to the file one at a time, so writing the cache of a large
    story costs little memory beyond the story itself. Layout: a padded JSON header
    line (format, key, SHA-256 of the rest, where the index is), each scene's JSON
    one after another, then the index (the story's other fields, each scene's span).
    Atomic but not fsynced: a cache lost to a power cut is only rebuilt."""
    from .atomicfile import write_atomic  # only to write the cache: off the start-up path

    def write(out: BinaryIO) -> None:
        out.write(b" " * HEADER_SIZE + b"\n")
        digest, pos, spans = sha256(), 0, {}
        names = modeljson.Out()
        for sid, data in modeljson.scenes_json(story, names):
            out.write(data)
            digest.update(data)
            spans[sid] = [pos, len(data)]
            pos += len(data)
        index = modeljson.index_json(story, names, spans)
        out.write(index)
        digest.update(index)
        header = json.dumps({"format": cache_format(), "key": key,
                             "sha256": digest.hexdigest(),
                             "index": [pos, len(index)]}).encode()
        if len(header) > HEADER_SIZE:
            raise ValueError("cache header too long")
        out.seek(0)
        out.write(header.ljust(HEADER_SIZE))

    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(file, write, durable=False)
    except (OSError, TypeError, ValueError, AttributeError):
        pass


# --- reading --------------------------------------------------------------------------

def _read(file: Path, key: str, root: Path, display_root: str) -> Story | None:
    """The cached story, or None when there is none fit to use."""
    try:
        raw = file.read_bytes()
        header = json.loads(raw[:HEADER_SIZE])
        body = memoryview(raw)[HEADER_SIZE + 1:]
        if not (isinstance(header, dict) and header.get("format") == cache_format()
                and header.get("key") == key
                and header.get("sha256") == sha256(body).hexdigest()):
            return None
        start, length = header["index"]
        index = json.loads(bytes(body[start:start + length]))
        return modeljson.read_story(index, bytes(body[:start]), display_root,
                                    _rebuild_from(root))
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def _rebuild_from(root: Path) -> modeljson.Rebuild:
    """A scene from the YAML, for one whose cached JSON does not build (the story is
    loaded once, on the first such scene)."""
    loaded: list[Story] = []

    def rebuild(sid: str) -> Scene:
        if not loaded:
            from .loader import load_story
            loaded.append(load_story(root))
        return loaded[0].scenes[sid]
    return rebuild
