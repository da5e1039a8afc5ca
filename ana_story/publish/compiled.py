"""A loaded story as one JSON document, and back: what a published story carries.

It is the compiled-story cache's own data (modeljson.py), so a published story is
rebuilt by exactly the code that rebuilds a cached one: expressions travel as source
text and are compiled again by the sandboxed compiler, so the document holds data
only and needs no YAML parser to play.
"""
from __future__ import annotations

import json

from .. import __version__, modeljson
from ..cache import with_save_fingerprint
from ..errors import AnaStoryError
from ..model import Scene, Story

FORMAT = "ana-story-compiled"
FORMAT_VERSION = 1


class CompiledStoryError(AnaStoryError):
    """A published story's JSON that this copy of ana-story cannot use."""


def dumps(story: Story) -> str:
    """The story as JSON text (every scene built; the scenes in one string whose
    byte offsets the index gives, as in the cache file)."""
    story = with_save_fingerprint(story)
    blob, spans, pos = [], {}, 0
    names = modeljson.Out()
    for sid, data in modeljson.scenes_json(story, names):
        blob.append(data)
        spans[sid] = [pos, len(data)]
        pos += len(data)
    index = json.loads(modeljson.index_json(story, names, spans))
    doc = {"format": FORMAT, "format_version": FORMAT_VERSION, "ana_story": __version__,
           "cache_format": modeljson.format_id(), "story": index,
           "scenes": b"".join(blob).decode("utf-8")}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _unbuildable(sid: str) -> Scene:
    raise ValueError(f"scene {sid!r} does not build")


def loads(text: str, root: str = "story", *, build_all: bool = True) -> Story:
    """The story from ``dumps``'s text. With ``build_all`` every scene is built and
    checked now, so a damaged document fails here with one message rather than
    midway through play; without, scenes are built when first reached (as from the
    cache), for a start-up that does not wait on the whole story."""
    try:
        doc = json.loads(text)
        if not (isinstance(doc, dict) and doc.get("format") == FORMAT):
            raise ValueError("not a compiled ana-story story")
        if doc.get("format_version") != FORMAT_VERSION or \
                doc.get("cache_format") != modeljson.format_id():
            raise ValueError(f"made by ana-story {doc.get('ana_story')!s:.20}, which this "
                             f"copy ({__version__}) cannot read")
        story = modeljson.read_story(doc["story"], doc["scenes"].encode("utf-8"), root,
                                     _unbuildable)
        for sid in story.scenes if build_all else ():
            story.scenes[sid]  # build each scene now (see the docstring)
    except Exception as e:  # noqa: BLE001 - whatever is wrong, the same one message
        why = str(e)[:160] or type(e).__name__
        raise CompiledStoryError(f"the published story cannot be read ({why}); "
                                 "publish it again") from None
    return story
