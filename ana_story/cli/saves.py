"""`ana-story saves list|show|delete|export|import`: look after the save slots,
for instance to move them to another machine. Each action builds a SaveStore,
calls one method and prints the outcome (cli/saves_show.py); errors go back to
cli/app.py. The saves modules load when the command runs, not with its parser."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO, Any

from ..errors import SaveError
from .parser import HELP

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


def register(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add `saves` and its actions."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("saves", help=HELP["saves"],
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    from ..loader import load_story
    from ..paths import shipped_story
    from .saves_show import SafeStore, list_saves, show_save, shown
    out = out or sys.stdout
    story = load_story(args.story if args.story else shipped_story())
    # nothing a save holds drives the terminal: the store's texts and ours cleaned
    store, out = SafeStore.open(story, args.saves), shown(out, args)
    act = args.saves_action
    if act == "list":
        return list_saves(store, out)
    if act == "show":
        result = store.load(args.name)
        show_save(store, result, out)
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
