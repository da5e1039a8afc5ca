"""What `ana-story saves` shows: the list of saves and what one holds, every text a
save brings cleaned on its way to the terminal (a stranger's save is hostile
input). Loaded only when `saves` runs (cli/saves.py)."""
from __future__ import annotations

import argparse
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, cast

from ..saves.records import BrokenSave, LoadResult, SaveInfo
from ..saves.searching import SearchingStore, open_store
from ..wording import duration, plural, show_held

if TYPE_CHECKING:
    from ..model import Story


def when(dt: datetime) -> str:
    """The local date and time; a date the local clock cannot show (saves are
    checked for this at load, see saves/fields.py) falls back to UTC, never a crash."""
    try:
        return dt.astimezone().strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError, OSError):
        from datetime import timezone
        return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def list_saves(store: SafeStore, out: IO[str]) -> int:
    entries = store.list()
    if not entries:
        out.write(f"No saves yet for {store.story.title} (in {store.folder}).\n")
        return 0
    out.write(f"Saves of {store.story.title} (in {store.folder}):\n")
    infos = [e for e in entries if isinstance(e, SaveInfo)]
    width = max((len(i.slot) for i in infos), default=0)
    for i in infos:
        other = store.elsewhere(i.slot)  # a save an older version left in another folder
        out.write(f"  {i.slot:<{width}}  {when(i.saved_at)}  {i.chapter}: {i.scene_title}, "
                  f"turn {i.turn}, played {duration(i.play_seconds)}, "
                  f"story version {i.story_version}"
                  + (f" (in {other})" if other else "") + "\n")
    hidden = store.shadowed()
    if hidden:
        out.write("Older copies in other folders, hidden by the saves of the same name "
                  "above\n(bring one back with 'ana-story saves import FILE --as NAME'):\n")
        for i, path in hidden:
            out.write(f"  {i.slot:<{width}}  {when(i.saved_at)}  {i.chapter}: "
                      f"{i.scene_title}, turn {i.turn}: {path}\n")
    for b in entries:
        if isinstance(b, BrokenSave):
            moved = f" (moved to {b.moved_to})" if b.moved_to else ""
            out.write(f"  {b.slot}: cannot be used: {b.reason}{moved}\n")
    return 0


def show_save(store: SafeStore, result: LoadResult, out: IO[str]) -> None:
    info, state = result.info, result.data.state
    out.write(f"{info.slot}\n"
              f"  story:     {store.story.title} (version {info.story_version})\n"
              f"  chapter:   {info.chapter}\n"
              f"  scene:     {info.scene_title}\n"
              f"  turn:      {info.turn}\n"
              f"  played:    {duration(info.play_seconds)}\n"
              f"  saved at:  {when(info.saved_at)}\n"
              f"  file:      {store.where(info.slot) / store.path(info.slot).name}\n"
              f"  undo:      {plural(len(result.data.undo), 'step')} back\n")
    shown = [v for v in store.story.variables.values() if v.visible]
    for v in shown:
        value = show_held(v, state.variables.get(v.name, v.initial))
        out.write(f"  {v.label}: {value}\n")


# --- what a stranger's save may hold, made safe to show ----------------------------

def shown(out: IO[str], args: argparse.Namespace) -> IO[str]:
    """``out`` through the one sanitiser, with the arguments it echoes shown whole."""
    from ..sanitize import VisibleWriter
    echoed = [getattr(args, k, None) for k in ("file", "name", "as_name", "saves", "story")]
    return cast(IO[str], VisibleWriter(out, echoed))


def _field(text: object) -> str:
    """One field, line breaks included, shown visibly: it cannot fake a line."""
    from ..sanitize import visible
    return visible(text)


class SafeStore:
    """The store as `saves` shows it: what list, load and import return has every
    text a save brings (version, id, reasons, notes, values) cleaned field by field;
    everything else is the store's own."""

    def __init__(self, store: SearchingStore) -> None:
        self._store = store

    @classmethod
    def open(cls, story: Story, saves: str | None) -> SafeStore:
        """The story's store (in ``saves``, or the usual folder), made safe to show."""
        return cls(open_store(story, saves))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def list(self) -> list:
        return [_safe(e) for e in self._store.list()]

    def load(self, slot: str) -> LoadResult:
        return _safe(self._store.load(slot))

    def import_file(self, *a, **kw) -> LoadResult:
        return _safe(self._store.import_file(*a, **kw))


def _safe(entry):
    """A SaveInfo, BrokenSave or LoadResult with its texts cleaned (sanitize.visible)."""
    import dataclasses
    if isinstance(entry, SaveInfo):
        return entry._replace(chapter=_field(entry.chapter),
                              scene_title=_field(entry.scene_title),
                              story_id=_field(entry.story_id),
                              story_version=_field(entry.story_version))
    if isinstance(entry, BrokenSave):
        return entry._replace(file=_field(entry.file), reason=_field(entry.reason),
                              moved_to=entry.moved_to and _field(entry.moved_to))
    if isinstance(entry, LoadResult):
        state = entry.data.state
        values = {k: _field(v) if isinstance(v, str) else v
                  for k, v in state.variables.items()}
        data = entry.data._replace(state=dataclasses.replace(state, variables=values))
        return entry._replace(data=data, info=_safe(entry.info),
                              changes=tuple(_field(c) for c in entry.changes))
    return entry
