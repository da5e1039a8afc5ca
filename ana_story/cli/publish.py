"""`ana-story publish`: the command line of the three ways to share a story."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO, Any

from ..errors import PublishError, UsageError
from .parser import HELP

EPILOG = """examples:
  ana-story publish my-story --web site/          # a web page (runtime from the CDN)
  ana-story publish my-story --web site/ --bundle-runtime node_modules/pyodide
  ana-story publish my-story --pyz my-story.pyz   # then: python3 my-story.pyz
  ana-story publish my-story --ifiction           # my-story's record for IFDB"""


def register(sub: Any) -> None:
    """Add `publish`."""
    p = sub.add_parser("publish", help=HELP["publish"], epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Publish a story for readers who install nothing: a\n"
                       "static web folder that plays it in a browser, a single file that\n"
                       "plays it with python3, and the iFiction record that archives read.")
    p.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                   help="folder with story.yaml (default: the shipped story)")
    p.add_argument("--web", metavar="OUT_DIR", type=Path,
                   help="write a web folder (index.html and what it needs)")
    p.add_argument("--bundle-runtime", metavar="DIR", type=Path,
                   help="with --web: copy this Pyodide (the npm package 'pyodide', "
                        "unpacked) into the folder, for offline play")
    p.add_argument("--pyz", metavar="OUT.pyz", type=Path,
                   help="write one file that plays the story with python3")
    p.add_argument("--ifiction", metavar="FILE", nargs="?", const="", default=None,
                   help="write the Treaty of Babel iFiction XML (default file: "
                        "STORY_ID.iFiction; '-' prints it)")
    p.add_argument("--published", metavar="DATE", default=None,
                   help="with --ifiction: first published, YYYY or YYYY-MM-DD "
                        "(default: today)")
    p.set_defaults(func=run)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"


def run(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """Each form asked for, in the order iFiction, web, pyz."""
    out = out or sys.stdout
    if args.web is None and args.pyz is None and args.ifiction is None:
        raise UsageError("say what to publish: --web OUT_DIR, --pyz OUT.pyz or "
                         "--ifiction (or several)")
    if args.bundle_runtime is not None and args.web is None:
        raise UsageError("--bundle-runtime goes with --web OUT_DIR")
    from ..cache import load
    from ..paths import shipped_story
    story = load(args.story_dir if args.story_dir is not None else shipped_story())
    if args.ifiction is not None:
        _ifiction(story, args, out)
    if args.web is not None:
        _web(story, args, out)
    if args.pyz is not None:
        _pyz(story, args.pyz, out)
    return 0


def _ifiction(story: Any, args: argparse.Namespace, out: IO[str]) -> None:
    from ..publish.ifiction import ifiction
    xml = ifiction(story, published=args.published)  # checks the ifid first
    if args.ifiction == "-":
        out.write(xml)
        return
    target = Path(args.ifiction or f"{story.id}.iFiction")
    _write(target, xml)
    print(f"Wrote {target}: the iFiction record (IFID {story.ifid}).", file=out)


def _web(story: Any, args: argparse.Namespace, out: IO[str]) -> None:
    from ..publish.web import write_web
    try:
        r = write_web(story, args.web, args.bundle_runtime)
    except OSError as e:
        raise PublishError(f"--web {args.web}: cannot write it "
                           f"({e.strerror or e}{': ' + str(e.filename) if e.filename else ''})"
                           ) from None
    print(f"Wrote {r.folder}/: {r.files} files, {_size(r.size)}; the runtime loads "
          f"from {r.runtime}.\n  Try it: python3 -m http.server -d {r.folder} "
          "(then open http://127.0.0.1:8000), or put the folder on any static host.",
          file=out)


def _pyz(story: Any, target: Path, out: IO[str]) -> None:
    from ..publish.pyz import write_pyz
    r = write_pyz(story, target)
    note = (f" ({r.strict} asks for {'.'.join(map(str, r.declared))}; an older "
            "Python is told so, and plays on)" if r.declared > r.minimum else "")
    print(f"Wrote {r.file}: {_size(r.size)}, needs Python "
          f"{'.'.join(map(str, r.minimum))} or newer and nothing else{note}.\n"
          f"  Play it: python3 {r.file}", file=out)


def _write(target: Path, text: str) -> None:
    from ..atomicfile import write_atomic
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as e:
        raise PublishError(f"cannot write {target}: {e.strerror or e}") from None
