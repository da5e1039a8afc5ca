"""`ana-story saves list|show|delete|export|import`: look after the save slots,
for instance to move them to another machine. Each action builds a SaveStore,
calls one method and prints the outcome; errors go back to cli.py."""
from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path
from typing import IO

from .errors import SaveError
from .saves.records import BrokenSave, LoadResult, SaveInfo
from .saves.searching import SearchingStore, open_store
from .wording import duration, plural

EPILOG = """examples:
  ana-story saves list
  ana-story saves show autosave
  ana-story saves export autosave ~/ana-autosave.json   # copy it to another machine,
  ana-story saves import ~/ana-autosave.json --as from-laptop   # then bring it in there
  ana-story saves delete old-try
  ana-story saves --saves /path/to/saves list          # another save folder"""


def add_common(p: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--saves and --story, accepted before or after the action's name."""
    default = argparse.SUPPRESS if suppress else None
    p.add_argument("--saves", metavar="DIR", default=default,
                   help="the save folder (default: $ANA_STORY_SAVES, else your user "
                        "data folder)")
    p.add_argument("--story", metavar="STORY_DIR", default=default,
                   help="the story whose saves these are (default: the shipped story)")


def register(sub, parser_class) -> None:
    """Add the `saves` command to cli.py's subparsers."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("saves", help="list, show, delete, export or import saves",
                       description="Look after your saves: list them, look inside one, "
                                   "delete one, or copy one to or from a file to move it "
                                   "between machines.",
                       epilog=EPILOG, formatter_class=fmt)
    add_common(p, suppress=False)
    acts = p.add_subparsers(dest="saves_action", metavar="ACTION", parser_class=parser_class)
    acts.required = True
    a = acts.add_parser("list", help="every save, newest first",
                        epilog="example:\n  ana-story saves list", formatter_class=fmt)
    add_common(a, suppress=True)
    a = acts.add_parser("show", help="what one save holds",
                        epilog="example:\n  ana-story saves show quicksave",
                        formatter_class=fmt)
    a.add_argument("name", metavar="NAME")
    add_common(a, suppress=True)
    a = acts.add_parser("delete", help="delete a save (and its previous copy)",
                        epilog="example:\n  ana-story saves delete old-try",
                        formatter_class=fmt)
    a.add_argument("name", metavar="NAME")
    add_common(a, suppress=True)
    a = acts.add_parser("export", help="copy a save to a file",
                        epilog="example:\n  ana-story saves export autosave ana.json",
                        formatter_class=fmt)
    a.add_argument("name", metavar="NAME")
    a.add_argument("file", metavar="FILE")
    add_common(a, suppress=True)
    a = acts.add_parser("import", help="bring in a save file made by export",
                        epilog="example:\n  ana-story saves import ana.json --as laptop",
                        formatter_class=fmt)
    a.add_argument("file", metavar="FILE")
    a.add_argument("--as", dest="as_name", metavar="NAME",
                   help="the name to give it (default: the name it was saved under)")
    a.add_argument("--replace", action="store_true",
                   help="replace a save of the same name")
    add_common(a, suppress=True)


def run(args, out: IO[str]) -> int:
    from .loader import load_story
    from .paths import shipped_story
    story = load_story(args.story if args.story else shipped_story())
    store = open_store(story, args.saves)
    act = args.saves_action
    out, store = _shown(out, args), _SafeStore(store)  # nothing a save holds drives the terminal
    if act == "list":
        return _list(store, out)
    if act == "show":
        result = store.load(args.name)
        _show(store, result, out)
        for line in result.changes:
            out.write(f"  note: {line}\n")
        return 0
    if act == "delete":
        folder = store.where(args.name) if store.exists(args.name) else store.folder
        store.delete(args.name)
        out.write(f"Deleted the save '{args.name}' from {folder}.\n")
        return 0
    if act == "export":
        store.export(args.name, Path(args.file).expanduser())
        out.write(f"Copied the save '{args.name}' to {args.file}. On the other machine: "
                  f"ana-story saves import {args.file}\n")
        return 0
    source = Path(args.file).expanduser()
    if not os.path.lexists(source):  # say what is missing: the file, not "the folder"
        raise SaveError(f"could not read {args.file}: there is no such file",
                        file=str(source))
    result = store.import_file(source, args.as_name, replace=args.replace)
    out.write(f"Imported {args.file} as '{result.info.slot}'.\n")
    for line in result.changes:
        out.write(f"  note: {line}\n")
    return 0


def when(dt: datetime) -> str:
    """The local date and time; a date the local clock cannot show (saves are
    checked for this at load, see savefields) falls back to UTC, never a crash."""
    try:
        return dt.astimezone().strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError, OSError):
        from datetime import timezone
        return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _list(store: SearchingStore, out: IO[str]) -> int:
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


def _show(store: SearchingStore, result: LoadResult, out: IO[str]) -> None:
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
        value = state.variables.get(v.name, v.initial)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        out.write(f"  {v.label}: {value}\n")


# --- what a stranger's save may hold, made safe to show ----------------------------

def _shown(out: IO[str], args) -> IO[str]:
    """``out`` through the one sanitiser, with the arguments it echoes shown whole."""
    from .sanitize import VisibleWriter
    return VisibleWriter(out, [getattr(args, k, None)
                               for k in ("file", "name", "as_name", "saves", "story")])


def _field(text: object) -> str:
    """One field, line breaks included, shown visibly: it cannot fake a line."""
    from .sanitize import visible
    return visible(text)


class _SafeStore:
    """The store as `saves` shows it: what list, load and import return has every
    text a save brings (version, id, reasons, notes, values) cleaned field by field;
    everything else is the store's own."""

    def __init__(self, store) -> None:
        self._store = store

    def __getattr__(self, name: str):
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
        return dataclasses.replace(entry, chapter=_field(entry.chapter),
                                   scene_title=_field(entry.scene_title),
                                   story_id=_field(entry.story_id),
                                   story_version=_field(entry.story_version))
    if isinstance(entry, BrokenSave):
        return dataclasses.replace(entry, file=_field(entry.file), reason=_field(entry.reason),
                                   moved_to=entry.moved_to and _field(entry.moved_to))
    if isinstance(entry, LoadResult):
        state = entry.data.state
        values = {k: _field(v) if isinstance(v, str) else v
                  for k, v in state.variables.items()}
        data = dataclasses.replace(entry.data, state=dataclasses.replace(state,
                                                                       variables=values))
        return dataclasses.replace(entry, data=data, info=_safe(entry.info),
                                   changes=tuple(_field(c) for c in entry.changes))
    return entry
