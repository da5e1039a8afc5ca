"""`publish --pyz`: one file that plays the story with `python3 FILE.pyz`.

A zipapp holding ana-story's own package, the compiled story (publish.compiled:
no YAML parser at run time) and the pure-Python libraries of the terminal front
end (Rich, prompt_toolkit and what they need), copied from this installation
with their licences. They are bundled rather than left out for plain mode only,
so a reader at a terminal gets the same screen as `ana-story play` (title menu,
colours, arrow keys); piped or with --plain it plays in plain text as usual.
It starts on ana-story's own minimum Python (3.10). Where a carried library
declares a newer one (platformdirs 4.14 asks for 3.11, though it runs on 3.10), an
older Python is told so in one line and plays on; tests/test_publish.py plays the
file on Python 3.10 where one is installed.
"""
from __future__ import annotations

import contextlib
import importlib.metadata as md
import importlib.util
import marshal
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError, UsageError
from ..model import Story
from . import compiled

# The terminal front end's libraries (distribution name, its import packages).
BUNDLED = (("rich", ("rich",)), ("pygments", ("pygments",)),
           ("markdown-it-py", ("markdown_it",)), ("mdurl", ("mdurl",)),
           ("prompt_toolkit", ("prompt_toolkit",)), ("wcwidth", ("wcwidth",)),
           ("platformdirs", ("platformdirs",)))
OUR_MINIMUM = (3, 10)  # pyproject's requires-python
STORY_NAME = "_published.json"
COMPILED = (".pyc", ".pyo", ".so", ".pyd", ".dll", ".dylib")
# Carried for what Rich may import, but not imported to play: source only, no bytecode.
SOURCE_ONLY = {"pygments", "markdown_it", "mdurl"}
PACKAGE = Path(__file__).resolve().parent.parent

MAIN = '''\
# ana-story: {title}. Run with: python3 {name}
import sys
if sys.version_info < {ours!r}:
    sys.exit("This story needs Python {ours_shown} or newer (this is Python %d.%d)."
             % sys.version_info[:2])
if sys.version_info < {declared!r}:
    print({note!r}, file=sys.stderr)
from ana_story.publish.pyzmain import main
sys.exit(main({name!r}, sys.argv[0]))  # and the path the reader ran
'''


@dataclass(frozen=True)
class PyzResult:
    file: Path
    size: int
    minimum: tuple[int, int]  # ana-story's own: below it the file refuses to start
    declared: tuple[int, int]  # the newest minimum a carried library declares
    strict: str  # that library, "platformdirs 4.14.9", or "" when none asks for more
    libraries: tuple[str, ...]  # "rich 15.0.0", ...


def _minimum(spec: str | None) -> tuple[int, int]:
    m = re.search(r">=\s*(\d+)\.(\d+)", spec or "")
    return (int(m.group(1)), int(m.group(2))) if m else (3, 0)


def _add_tree(z: zipfile.ZipFile, root: Path, arcbase: str, skip=()) -> None:
    bytecode = arcbase not in SOURCE_ONLY
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or "__pycache__" in rel or path.suffix in COMPILED \
                or any(rel.startswith(s) for s in skip):
            continue  # compiled code is for one platform: only optional speed-ups
        z.write(path, f"{arcbase}/{rel}")  # (wcwidth's) are left out, and fall back
        if bytecode and path.suffix == ".py":
            _add_bytecode(z, path.read_bytes(), f"{arcbase}/{rel}")


def _add_bytecode(z: zipfile.ZipFile, source: bytes, arcname: str) -> None:
    """The module's bytecode beside it (x.pyc next to x.py, where zipimport looks),
    unchecked-hash based so no timestamps matter. zipimport cannot write bytecode, so
    without this every start compiles everything again; a Python of another version
    finds the magic number differs and reads the source instead."""
    try:
        code = compile(source, arcname, "exec", dont_inherit=True)
    except SyntaxError:  # a file for another Python version: left to the source
        return
    header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")  # hash-based
    z.writestr(arcname + "c", header + importlib.util.source_hash(source)
               + marshal.dumps(code))


def write_pyz(story: Story, out: Path) -> PyzResult:
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--pyz {out}: that is a folder; give a file name such as "
                         f"{out / 'story.pyz'}")
    declared, strict, libraries = OUR_MINIMUM, "", []
    tmp = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            _add_tree(z, PACKAGE, "ana_story", skip=("_story/", "publish/web/"))
            z.writestr(f"ana_story/{STORY_NAME}", compiled.dumps(story))
            for dist_name, packages in BUNDLED:
                try:
                    dist = md.distribution(dist_name)
                except md.PackageNotFoundError:
                    raise UsageError(f"cannot make a .pyz: {dist_name} is not installed "
                                     "here") from None
                wants = _minimum(dist.metadata["Requires-Python"])
                if wants > declared:
                    declared, strict = wants, f"{dist_name} {dist.version}"
                libraries.append(f"{dist_name} {dist.version}")
                for package in packages:
                    _add_tree(z, Path(str(dist.locate_file(package))), package)
                for f in dist.files or ():
                    if re.search(r"LICEN[CS]E|COPYING|NOTICE|AUTHORS", f.name, re.I):
                        z.write(str(dist.locate_file(f)), f"licenses/{dist_name}/{f.name}")
            z.writestr("__main__.py", MAIN.format(
                title=" ".join(story.title.split()), name=out.name, ours=OUR_MINIMUM,
                ours_shown=_shown(OUR_MINIMUM), declared=declared,
                note=f"(note: {strict} asks for Python {_shown(declared)}; playing on "
                     "anyway)"))
        blob = tmp.read_bytes()
        out.write_bytes(b"#!/usr/bin/env python3\n" + blob)
        out.chmod(0o755)
    except OSError as e:
        raise PublishError(f"--pyz {out}: cannot write it ({e.strerror or e})") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return PyzResult(out, out.stat().st_size, OUR_MINIMUM, declared, strict,
                     tuple(libraries))


def _shown(version: tuple[int, int]) -> str:
    return ".".join(map(str, version))
