"""Reads a story folder into a validated, compiled :class:`~ana_story.model.Story`.

The loader works on YAML *nodes* (``yaml.compose``), not on plain Python
values, so every diagnostic points at the author's own line and column. It
collects every problem it can find in one pass and raises one
:class:`~ana_story.errors.StoryError` carrying them all. Only safe YAML loading
is used (libyaml's ``CSafeLoader`` when present): a story file is data.

Each mapping is read against its record in storyformat.py by one generic walk
(reader.py); each record's builder gives the fields their meaning (files.py,
exprs.py, gotos.py, choices.py, scenes.py, storyfile.py); the references between
scenes are checked here, on the result.
"""
from __future__ import annotations

import gc
import os
import re
from pathlib import Path

from .. import storyfiles
from .. import storyformat as sf
from ..declfix import DeclFix
from ..errors import Diagnostic, StoryError
from ..expressions import Env
from ..model import Chapter, Scene, Story
from ..paths import display_path
from .conversation import counted_choices
from .files import MAX_FILE_BYTES
from .reader import STORY_FILE, YamlFile, join_path, suggest_key
from .reuse import Reuse
from .stats import Stats
from .tunnels import problems as tunnel_problems
from .tunnels import timed_scenes

__all__ = ["MAX_FILE_BYTES", "STORY_FILE", "check", "load_story"]


class _Loader(Stats, Reuse):
    def check_references(self, meta: dict, scene_ids: set[str]) -> dict[str, str]:
        """Every scene named by a goto, visits(), 'start' or 'renamed' against the scenes
        read (but not the ones an unreadable file may hold); the usable renames."""
        # did-you-means also from the ids an unread file may hold, not away from them
        names = scene_ids | (self.unread.keys() - sf.FORMAT_KEYS)
        for file, line, col, sid in self.refs:
            if sid not in scene_ids and not self.unread.explains(sid):
                self.error(file, (line, col), "unknown-scene", f"unknown scene '{sid}'",
                           suggest_key(sid, names))
        story_f: YamlFile = meta["file"]
        start = meta.get("start")
        if start is not None and scene_ids and start not in scene_ids and \
                not self.unread.explains(start):
            self.error(story_f, meta["start_node"], "unknown-scene",
                       f"the start scene '{start}' does not exist",
                       suggest_key(start, names))
        renamed = {}
        for old, (new, node) in meta["renamed"].items():
            if new in scene_ids:
                renamed[old] = new
            elif not self.unread.explains(new):
                self.error(story_f, node, "unknown-scene", f"unknown scene '{new}'",
                           suggest_key(new, names))
        self.unread.annotate(self.diags)
        return renamed

    def check_tunnels(self, scenes: dict[str, Scene], start: str | None) -> None:
        """Calls and returns (tunnels.py): no cyclic call, no region that escapes, no
        return the story reaches outside a call."""
        for where, code, message, hint in tunnel_problems(scenes, start or ""):
            self.error(where.file if where else self.display_root,
                       (where.line, where.column) if where else None, code, message, hint)

    def load(self) -> Story | None:
        if not self.root.is_dir():
            self.error(self.display_root, None, "missing-file",
                       "no story folder here" if not self.root.exists()
                       else "this is a file, not a story folder",
                       "give the folder that holds story.yaml")
            return None
        paths = self.scene_files()
        too_large = storyfiles.total_problem([self.root / STORY_FILE, *paths])
        if too_large:  # one diagnostic, and nothing read
            self.error(self.display_root, None, "too-large", *too_large)
            return None
        meta = self.read_story_file()
        env = None if meta is None else self.declare(meta["variables"])
        if env is not None:
            self.reuse(meta, env)
        seen: dict = {}  # scene id -> (file, line) where it is defined
        scenes, chapters = self.read_scenes(paths, seen, env)
        self.let_hints()
        if not paths:
            self.error(self.display_root, None, "no-scenes",
                       "the story folder has no scene files",
                       "add a file like 01-chapter.yaml with 'chapter:' and 'scenes:'")
        if meta is None:
            return None
        renamed = self.check_references(meta, set(seen))
        self.check_tunnels(scenes, meta.get("start"))
        scenes = self.counted(env, scenes)
        if self.declfix is not None:
            self.declfix.finish(self.diags.append)
        variables = meta["variables"]
        stats = self.stats(meta["file"], meta.get("stats_node"), variables, env) \
            if env is not None else ()
        start = meta.get("start")
        if any(d.severity == "error" for d in self.diags) or start is None:
            return None
        plain = sf.plain_values(sf.STORY_FILE, meta)
        plain["id"] = plain["id"] or _slug(plain["title"])
        plain["ifid"] = plain["ifid"].upper()  # as the Treaty of Babel writes it
        timed = timed_scenes(scenes) if self.turns_since else ()
        entering, talks, framed = _talks(scenes, bool(timed))
        return Story(variables=variables, scenes=scenes, chapters=tuple(chapters),
                     root=self.display_root, renamed=renamed, stats=stats, entering=entering,
                     talks=talks, framed=framed, timed=timed, functions=meta["functions"],
                     snippets=meta["snippets"], **plain)

    def counted(self, env: Env | None, scenes: dict[str, Scene]) -> dict[str, Scene]:
        """The choices taken() names checked, and marked to be counted."""
        if env is None or not (env.taken or self.choice_refs):
            return scenes
        return counted_choices(self, scenes, env.taken, self.unread.explains)

    def declare(self, variables: dict) -> Env:
        """The variables' types for compiling, and declfix watching their uses."""
        env = Env({n: v.type for n, v in variables.items()}, None,
                  lists={n: v for n, v in variables.items() if v.items})
        self.declfix = DeclFix(variables, env)
        return env

    def read_scenes(self, paths: list[Path], seen: dict, env: Env | None,
                    ) -> tuple[dict[str, Scene], list[Chapter]]:
        """Every scene file's scenes and chapter; without story.yaml's variables
        (``env`` None), only the YAML is checked."""
        scenes: dict[str, Scene] = {}
        chapters = []
        for path in paths:
            got = self.read_scene_file(path, seen)
            if got is None:
                continue
            f, chapter, entries = got
            for sid, kn, vn in entries:
                scene = None if env is None else self.build_scene(f, chapter, sid, kn, vn, env)
                if scene is not None:
                    scenes[sid] = scene
            chapters.append(Chapter(chapter, f.path, tuple(sid for sid, _, _ in entries)))
        return scenes, chapters


def _talks(scenes: dict[str, Scene], timed: bool) -> tuple[bool, bool, bool]:
    """Story.entering, Story.talks and Story.framed: whether the step needs its
    conversation part, and frames.py's (let:, calls and returns, turns_since())."""
    framed = timed or any(sc.let or any(c.goto.kind for c in sc.choices)
                          for sc in scenes.values())
    entering = framed or any(sc.enter for sc in scenes.values())
    talks = entering or any(c.stay or c.reply is not None or c.counted
                            for sc in scenes.values() for c in sc.choices)
    return entering, talks, framed


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "story"


def check(path: str | os.PathLike) -> tuple[Story | None, list[Diagnostic]]:
    """Load a story folder; return the Story (None on errors) and every diagnostic."""
    root = Path(path)
    loader = _Loader(root, display_path(root))
    # Loading builds many small objects that all live on; the cyclic collector would
    # scan them again and again for nothing (about half of the load time at 10,000
    # scenes), so it is paused for the load.
    # The check of what a save may hold walks the story too: inside the pause, or its
    # first allocations would set off a collection scanning all of it.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        story = loader.load()
        if story is not None:  # what it would put in a save must be what a save may hold
            from ..saves.check import diagnostics as save_problems
            problems = save_problems(story, join_path(loader.display_root, STORY_FILE))
            if problems:
                loader.diags.extend(problems)
                story = None
    except RecursionError:
        loader.error(loader.display_root, None, "too-large",
                     "the story is nested too deeply to read")
        story = None
    finally:
        if was_enabled:
            _promote()
            gc.enable()
    return story, sorted(loader.diags, key=Diagnostic.sort_key)


def _promote() -> None:
    """Move every object into the collector's oldest generation, unscanned.

    What the load made lives on with the story, but made while the collector was
    paused, it all waits in the youngest generation: the first collections after the
    load would scan all of it there, then again in the middle one (about 0.2 s of CPU
    at 10,000 scenes), to free nothing. freeze() then unfreeze() moves the lists
    (no object is visited) and leaves nothing frozen; full collections still scan it
    all. Done only when the process holds no frozen objects, whose freeze this would
    undo (play freezes its story)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def load_story(path: str | os.PathLike) -> Story:
    """Load a story folder, or raise StoryError with every problem found."""
    story, diags = check(path)
    if story is None:
        raise StoryError(diags)
    return story
