"""`ana-story saves list|show|delete|export|import`: look after the save slots,
for instance to move them to another machine. Each action builds a SaveStore,
calls one method and prints the outcome; errors go back to cli.py."""
from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from .sanitize import visible
from .saves import BrokenSave, LoadResult, SaveInfo, SaveStore

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
                   help="the save folder (default: $ANA_STORY_SAVES, the checkout's "
                        "saves/, or your user data folder)")
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


class _Shown:
    """The output of `saves`: every write goes through the one sanitiser, so no
    field of a save, file name or argument can drive the terminal (each field
    is also cleaned on its own, so a line break in one cannot fake a line)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(visible(text, newlines=True))


def run(args, out: IO[str]) -> int:
    from .loader import load_story
    from .paths import shipped_story
    story = load_story(args.story if args.story else shipped_story())
    store = SaveStore(story, Path(args.saves).expanduser() if args.saves else None)
    shown = _Shown(out)
    act = args.saves_action
    if act == "list":
        return _list(store, shown)
    if act == "show":
        result = store.load(args.name)
        _show(store, result, shown)
        for line in result.changes:
            shown.write(f"  note: {v(line)}\n")
        return 0
    if act == "delete":
        store.delete(args.name)
        shown.write(f"Deleted the save '{v(args.name)}'.\n")
        return 0
    if act == "export":
        store.export(args.name, Path(args.file).expanduser())
        shown.write(f"Copied the save '{v(args.name)}' to {v(args.file)}. On the other "
                    f"machine: ana-story saves import {v(args.file)}\n")
        return 0
    result = store.import_file(Path(args.file).expanduser(), args.as_name,
                               replace=args.replace)
    shown.write(f"Imported {v(args.file)} as '{v(result.info.slot)}'.\n")
    for line in result.changes:
        shown.write(f"  note: {v(line)}\n")
    return 0


def v(field: object) -> str:
    """A field from a save, a story or the command line, as shown: sanitised."""
    return visible(field)


def play_time(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60}:{s % 60:02d}"


def when(dt: datetime) -> str:
    """The local date and time; a date the local clock cannot show (saves are
    checked for this at load, see savefields) falls back to UTC, never a crash."""
    try:
        return dt.astimezone().strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError, OSError):
        return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _list(store: SaveStore, out: _Shown) -> int:
    entries = store.list()
    if not entries:
        out.write(f"No saves yet for {v(store.story.title)} (in {v(store.folder)}).\n")
        return 0
    out.write(f"Saves of {v(store.story.title)} (in {v(store.folder)}):\n")
    infos = [e for e in entries if isinstance(e, SaveInfo)]
    width = max((len(i.slot) for i in infos), default=0)
    for i in infos:
        out.write(f"  {v(i.slot):<{width}}  {when(i.saved_at)}  {v(i.chapter)}: "
                  f"{v(i.scene_title)}, turn {i.turn}, played {play_time(i.play_seconds)}, "
                  f"story version {v(i.story_version)}\n")
    for b in entries:
        if isinstance(b, BrokenSave):
            moved = f" (moved to {v(b.moved_to)})" if b.moved_to else ""
            out.write(f"  {v(b.slot)}: cannot be used: {v(b.reason)}{moved}\n")
    return 0


def _show(store: SaveStore, result: LoadResult, out: _Shown) -> None:
    info, state = result.info, result.data.state
    out.write(f"{v(info.slot)}\n"
              f"  story:     {v(store.story.title)} (version {v(info.story_version)})\n"
              f"  chapter:   {v(info.chapter)}\n"
              f"  scene:     {v(info.scene_title)}\n"
              f"  turn:      {info.turn}\n"
              f"  played:    {play_time(info.play_seconds)}\n"
              f"  saved at:  {when(info.saved_at)}\n"
              f"  file:      {v(store.path(info.slot))}\n"
              f"  undo:      {len(result.data.undo)} steps back\n")
    shown = [var for var in store.story.variables.values() if var.visible]
    for var in shown:
        value = state.variables.get(var.name, var.initial)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        out.write(f"  {v(var.label)}: {v(value)}\n")
