"""`ana-story prefs [show|set|unset|reset|path]`: see and change the preferences
that persist between games (ana_story.prefs)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO, Any

from .. import prefs as P
from .parser import HELP

EPILOG = """examples:
  ana-story prefs                          # every preference, and where it comes from
  ana-story prefs set pace 1.5             # reveal the text a paragraph at a time
  ana-story prefs set theme high-contrast
  ana-story prefs set screen_reader true
  ana-story prefs unset width              # back to the default
  ana-story prefs reset                    # remove the file"""


def register(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add `prefs` and its actions."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("prefs", help=HELP["prefs"],
                       description="Preferences that persist between games, in a TOML "
                                   "file in your config folder. The command line wins "
                                   "over the environment, which wins over the file.",
                       epilog=EPILOG, formatter_class=fmt)
    acts = p.add_subparsers(dest="prefs_action", metavar="ACTION", parser_class=parser_class)
    acts.add_parser("show", help="every preference, its value and where it comes from")
    a = acts.add_parser("set", help="change one preference in the file")
    a.add_argument("key", metavar="KEY", choices=list(P.KEYS))
    a.add_argument("value", metavar="VALUE")
    a = acts.add_parser("unset", help="remove one preference from the file (the default "
                                      "applies again)")
    a.add_argument("key", metavar="KEY", choices=list(P.KEYS))
    acts.add_parser("reset", help="remove the preferences file")
    acts.add_parser("path", help="print where the preferences file is")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: IO[str] | None = None,
        err: IO[str] | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    action = getattr(args, "prefs_action", None) or "show"
    path = P.prefs_path()
    if action == "path":
        print(path, file=out)
        return 0
    if action == "set":
        value = P.set_value(args.key, args.value, path)
        print(f"{args.key} = {P.format_value(value)} (saved in {path})", file=out)
        return _shadowed(args.key, out)
    if action == "unset":
        P.unset_value(args.key, path)
        print(f"{args.key}: back to the default (removed from {path})", file=out)
        return _shadowed(args.key, out)
    if action == "reset":
        removed = P.reset(path)
        print(f"Removed {path}." if removed else f"There was no preferences file ({path}).",
              file=out)
        return 0
    return show(out, err, path)


def show(out: IO[str], err: IO[str], path: Path) -> int:
    prefs = P.load(path=path)
    for w in prefs.warnings:
        print(f"ana-story: warning: {w}", file=err)
    print(f"Preferences file: {path}" + ("" if path.exists() else " (none yet)"), file=out)
    w = max(len(k) for k in P.KEYS)
    for name, key in P.KEYS.items():
        value = P.format_value(prefs.values[name])
        print(f"  {name:<{w}}  {value:<16} from {prefs.sources[name]:<12}  {key.help}",
              file=out)
    print("Change one with 'ana-story prefs set KEY VALUE'; the environment "
          "(" + ", ".join(f"${k.env}" for k in P.KEYS.values()) + ") and the command "
          "line win over the file.", file=out)
    return 0


def _shadowed(name: str, out: IO[str]) -> int:
    """Say so when the environment hides what was just written: never a false OK."""
    import os
    env = P.KEYS[name].env
    if os.environ.get(env, "") != "":
        print(f"Note: ${env} is set, and wins over the file while it is.", file=out)
    return 0
