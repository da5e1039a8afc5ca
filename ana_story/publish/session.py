"""The browser's side of a game: ana-story's own Game, driven by the page.

Pyodide runs this module. The page sends what the player did (a choice number,
"undo", "save NAME"...), Game does exactly what it does in a terminal (the same
commands, undo, autosave after every choice, endings found) and the page gets
back plain data to draw. Saves are written by the same SaveStore into Pyodide's
in-memory disk and mirrored by the page into the browser's local storage, so a
file exported here is byte for byte a terminal save, and the other way round.
No I/O beyond that in-memory folder; nothing from the page is ever run.
"""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

from .. import engine
from ..errors import AnaStoryError
from ..saves.store import SaveStore
from ..ui.frontend import AUTOSAVE
from ..ui.game import Game
from ..ui.markup import clean, spans
from ..ui.views import StatRow
from . import compiled

if not hasattr(os, "link"):  # Pyodide's os has no hard links: say so the way a file
    def _no_link(src, dst, **kw):  # system without them does, and atomicfile copies
        raise OSError(errno.ENOTSUP, "no hard links here")
    os.link = _no_link

EXPORT_SLOT = "from-the-web"  # the name an exported save carries into `saves import`


class PageFrontend:
    """The Frontend Game talks to: it keeps what Game says for the page to show.
    The page asks before a restart, so confirm() is always yes."""

    width = 72
    ends_at_ending = False

    def __init__(self) -> None:
        self.messages: list[dict] = []

    def say(self, text: str, style: str = "hint") -> None:
        self.messages.append({"text": clean(text), "style": style})

    def confirm(self, question: str) -> bool:
        return True

    def listing(self, title: str, rows, footer: str = "") -> None:
        """A titled list Game shows in passing (a recap, say): said line by line."""
        self.say(title, "note")
        for name, detail in rows:
            self.say(f"{name} — {detail}" if detail else name, "note")
        if footer:
            self.say(footer)

    def __getattr__(self, name: str):
        """A front-end call this page does not know yet (the Frontend protocol grows):
        nothing to show, and None, which Game reads as 'not chosen'."""
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None

    def scene(self, p, *, chapter_changed: bool) -> None: ...
    def choices_again(self, p) -> None: ...
    def ending(self, p, summary) -> None: ...
    def ask(self, p) -> None: return None
    def history(self, entries) -> None: ...
    def stats(self, rows) -> None: ...
    def saves(self, rows) -> None: ...
    def help(self) -> None: ...
    def title(self, story, items) -> None: return None
    def pick(self, title, items) -> None: return None


def _rich(text: str) -> list[list[list[str]]]:
    """Author text as paragraphs of [piece, style] pairs (the two marks, *italic* and
    **bold**, and nothing else): the page sets them as text, never as HTML."""
    return [[list(s) for s in spans(p.strip())] for p in text.split("\n\n") if p.strip()]


class WebSession:
    """One reader's game in one browser tab."""

    def __init__(self, story_json: str, saves_dir: str, seed: int,
                 kept: str = "{}") -> None:
        """``kept``: JSON of the save files the page kept in local storage (relative
        name -> text), put back on the in-memory disk before anything reads it."""
        self.story = compiled.loads(story_json)
        self.folder = Path(saves_dir)
        self.ui = PageFrontend()
        self.store = SaveStore(self.story, self.folder)
        _restore(self.store.folder, json.loads(kept))
        self.game = Game(self.story, engine.new_state(self.story, seed), self.ui,
                         store=self.store)
        self.redo: list = []
        self._seen = self._files()

    # --- what the page calls (each returns JSON text) -------------------------------

    def start(self) -> str:
        """Resume the autosave when there is one (a reload), else begin."""
        if self.store.exists(AUTOSAVE):
            self.game._load(AUTOSAVE, quiet=True)
        return self.view()

    def command(self, line: str) -> str:
        """A choice number or one of the terminal's commands, as typed there."""
        before = self.game.state
        p = engine.present(self.story, before)
        word = line.strip().split(" ")[0].lower()
        try:
            self.game.handle(p, line)
        except AnaStoryError as e:
            self.ui.say(str(e), "error")
        if self.game.state is not before and not self._native_redo():
            if word in ("undo", "u", "back"):
                self.redo.append(before)
            else:
                self.redo.clear()
        return self.view()

    def _native_redo(self) -> bool:
        """Game keeps its own redo (ui.comforts) where it has one; else this page does."""
        return hasattr(self.game, "redo_stack")

    def redo_choice(self) -> str:
        """Take again the choice that undo took back."""
        if self._native_redo():
            return self.command("redo")
        if not self.redo:
            self.ui.say("Nothing to redo.")
            return self.view()
        self.game.undo_stack.append(self.game.state)
        self.game.state = self.redo.pop()
        self.game.autosave()
        return self.view()

    def export_save(self) -> str:
        """The current game as a save file (the terminal's format), to download."""
        try:
            self.store.save(EXPORT_SLOT, self.game._data())
            text = self.store.path(EXPORT_SLOT).read_text(encoding="utf-8")
            self.store.delete(EXPORT_SLOT)
        except AnaStoryError as e:
            return json.dumps({"error": f"Could not export: {e}", "files": self._changes()})
        name = f"{self.story.id}-{EXPORT_SLOT}.json"
        return json.dumps({"name": name, "text": text, "files": self._changes()})

    def import_save(self, text: str) -> str:
        """A save file (from the terminal or another browser): checked by the same
        code as `ana-story saves import`, then loaded."""
        tmp = self.folder.parent / "incoming.json"
        tmp.write_text(text, encoding="utf-8")
        try:
            result = self.store.import_file(tmp, replace=True)
        except AnaStoryError as e:
            self.ui.say(f"Could not import: {e}", "error")
            return self.view()
        finally:
            tmp.unlink()
        self.redo.clear()
        self.game.handle(engine.present(self.story, self.game.state),
                         f"load {result.info.slot}")
        return self.view()

    def view(self) -> str:
        """Everything the page shows now, with what Game said since the last view and
        the save files that changed (for the page to keep in local storage)."""
        g = self.game
        p = engine.present(self.story, g.state)
        card = p.chapter != g.chapter
        g.chapter = p.chapter
        summary = g._ending_summary(p) if p.ended else None  # records a new ending
        out: dict[str, Any] = {
            "scene": p.scene, "title": clean(p.title), "chapter": clean(p.chapter),
            "chapter_card": card, "text": _rich(p.text), "turn": p.turn,
            "choices": self._choices(p), "ending": None,
            "can_undo": bool(g.undo_stack),
            "can_redo": bool(self.game.redo_stack if self._native_redo() else self.redo),
            "stats": [_stat(r) for r in g.stat_rows()],
            "history": [{"chapter": clean(h.chapter), "title": clean(h.title),
                         "chosen": None if h.chosen is None else clean(h.chosen)}
                        for h in g.history_entries()[:-1]],
            "saves": [{"slot": r.slot, "where": r.where, "saved": r.saved,
                       "broken": r.broken} for r in g.save_rows()],
            "endings": self._endings(),
        }
        if summary is not None:
            s = summary
            out["ending"] = {"title": clean(s.title), "new": s.new, "turns": s.turns,
                             "chapters": [clean(c) for c in s.chapters],
                             "endings": [[clean(t), f] for t, f in s.endings]}
        if p.stuck:
            self.ui.say("No choice is available here, so the story cannot go on.", "error")
        out["messages"], self.ui.messages = self.ui.messages, []
        out["files"] = self._changes()
        return json.dumps(out, ensure_ascii=False)

    # --- inside -----------------------------------------------------------------------

    def _endings(self) -> list[list]:
        """Every ending of the story, [title, found], from the same profile the
        terminal keeps (Game records an ending when the reader reaches it)."""
        try:
            seen = self.store.load_profile().get("endings_seen", [])
        except AnaStoryError:
            seen = []
        seen = {self.story.renamed.get(s, s) for s in seen if isinstance(s, str)}
        return [[clean(e.ending or e.title), e.id in seen] for e in self.story.endings]

    @staticmethod
    def _choices(p) -> list[dict]:
        out, n = [], 0
        for c in p.shown:
            if c.available:
                n += 1
            out.append({"number": n if c.available else None, "text": clean(c.text),
                        "spans": [list(s) for s in spans(c.text)],
                        "reason": None if c.available else clean(c.reason or "")})
        return out

    def _files(self) -> dict[str, tuple]:
        """Every file under the story's save folder: relative name -> (size, mtime)."""
        out = {}
        base = self.store.folder
        for dirpath, _dirs, names in os.walk(base):
            for name in names:
                path = Path(dirpath) / name
                st = path.stat()
                out[str(path.relative_to(base))] = (st.st_size, st.st_mtime_ns, st.st_ino)
        return out

    def _changes(self) -> dict[str, str | None]:
        """Save files written or removed since the last call: name -> text, or None."""
        now = self._files()
        changed: dict[str, str | None] = {}
        for name, stamp in now.items():
            if self._seen.get(name) != stamp and not name.startswith(".tmp-"):
                changed[name] = (self.store.folder / name).read_text(encoding="utf-8",
                                                                      errors="replace")
        for name in self._seen.keys() - now.keys():
            changed[name] = None
        self._seen = now
        return changed


def _restore(base: Path, files: dict) -> None:
    """Write the kept files under ``base``; a name that would leave it is skipped."""
    for name, text in files.items():
        parts = Path(name).parts
        if not isinstance(text, str) or not parts or Path(name).is_absolute() \
                or any(p in (".", "..") for p in parts):
            continue
        path = base.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _stat(r: StatRow) -> list[Any]:
    """A stats row for the page: [label, value], and for a bar or an opposed pair also
    its kind, how full (0 to 1), the row in words, the right label and its value."""
    if r.kind == "value":
        return [clean(r.label), r.value]
    return [clean(r.label), r.value, r.kind, r.fill, clean(r.detail), clean(r.right), r.other]
