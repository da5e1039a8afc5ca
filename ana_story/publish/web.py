"""`publish --web`: a static folder that plays the story in a browser.

index.html, style.css and app.js draw the page; story.js holds the compiled story
(publish.compiled) and core.js ana-story's own Python files, so the page needs
no server of its own and no request but the runtime's: Pyodide, from its CDN by
default or copied into the folder with ``--bundle-runtime`` for offline play.
"""
from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import UsageError
from ..model import Story
from . import compiled

PYODIDE_VERSION = "314.0.8"  # the version the browser tests run; the CDN serves the same
CDN_URL = f"https://cdn.jsdelivr.net/npm/pyodide@{PYODIDE_VERSION}/"
ASSETS = ("style.css", "app.js")
MARK = '<meta name="generator" content="ana-story'  # a folder we wrote before
# The runtime files a page needs (the npm package holds these and a few for developers).
RUNTIME_NEEDS = ("pyodide.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
RUNTIME_SKIP = (".map", ".d.ts", ".html", "README.md")
PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class WebResult:
    folder: Path
    files: int
    size: int  # bytes, runtime included when bundled
    runtime: str  # where the page loads Pyodide from


def core_sources() -> dict[str, str]:
    """ana-story's Python files the browser needs: the package but its author tools
    and terminal front ends (which need YAML, Rich or prompt_toolkit)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if "/tools/" in rel or "/loader/" in rel or "/cli/" in rel or rel.endswith((
                "ui/terminal.py", "ui/render.py", "ui/statsview.py", "ui/watch.py")):
            continue
        out[rel] = path.read_text(encoding="utf-8")
    return out


def check_runtime(folder: Path) -> str:
    """The Pyodide version in ``folder`` (a copy of the npm package pyodide), or a
    UsageError naming the file it lacks."""
    if not folder.is_dir():
        raise UsageError(f"--bundle-runtime {folder}: no such folder (get one with "
                         "'npm pack pyodide' and unpack it)")
    for name in RUNTIME_NEEDS:
        if not (folder / name).is_file():
            raise UsageError(f"--bundle-runtime {folder}: it has no {name}, so it is not a "
                             "Pyodide runtime (the npm package 'pyodide' is one)")
    try:
        return str(json.loads((folder / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown"


def _ready_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--web {out}: that is a file; give a folder")
    if out.is_dir() and any(out.iterdir()):
        index = out / "index.html"
        ours = index.is_file() and MARK in index.read_text(encoding="utf-8", errors="replace")
        if not ours:
            raise UsageError(f"--web {out}: the folder is not empty and not a story "
                             "published before; give a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)


def _js_value(name: str, value) -> str:
    text = json.dumps(value, ensure_ascii=True)  # plain ASCII: no encoding to get wrong
    return f"window.{name} = {text};\n"


def write_web(story: Story, out: Path, runtime: Path | None = None) -> WebResult:
    """Write the web folder for ``story`` into ``out``; with ``runtime``, copy that
    Pyodide into ``out/pyodide`` and load it from there."""
    out = Path(out)
    version = check_runtime(runtime) if runtime is not None else PYODIDE_VERSION
    _ready_folder(out)
    if runtime is not None:
        target = out / "pyodide"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(runtime, target, ignore=lambda d, names: [
            n for n in names if n.endswith(RUNTIME_SKIP)])
        url, where = "pyodide/", f"this folder (pyodide/, Pyodide {version})"
    else:
        shutil.rmtree(out / "pyodide", ignore_errors=True)
        url, where = CDN_URL, f"the Pyodide CDN (Pyodide {version})"
    assets = Path(__file__).resolve().parent / "web"
    for name in ASSETS:
        shutil.copyfile(assets / name, out / name)
    (out / "story.js").write_text(_js_value("ANA_STORY_JSON", compiled.dumps(story)),
                                  encoding="utf-8")
    (out / "core.js").write_text(_js_value("ANA_STORY_CORE", core_sources()),
                                 encoding="utf-8")
    (out / "index.html").write_text(_index(story, {"url": url, "where": where}),
                                    encoding="utf-8")
    files = [p for p in out.rglob("*") if p.is_file()]
    return WebResult(out, len(files), sum(p.stat().st_size for p in files), where)


def _index(story: Story, runtime: dict) -> str:
    page = (Path(__file__).resolve().parent / "web" / "index.html").read_text(encoding="utf-8")
    esc = html.escape
    ifid = ('<meta prefix="ifiction: http://babel.ifarchive.org/protocol/iFiction/" '
            f'property="ifiction:ifid" content="{esc(story.ifid)}">'  # Treaty of Babel
            if story.ifid else "")
    values = {"lang": esc(story.language or "en"), "title": esc(story.title),
              "author": esc(story.author), "description": esc(story.description),
              "version": esc(__version__), "ifid_meta": ifid,
              "runtime_json": json.dumps(runtime).replace("<", "\\u003c")}
    for key, value in values.items():
        page = page.replace("{" + key + "}", value)
    return page
