"""ana_story/bytebundle.py: the first screen's modules' bytecode read from one file.
Each check runs a fresh Python on a small package of its own (its bundle in a folder
of the test's), as a start of the game would: the bundle is written once the first
screen is up, served at the next start, never served for a source changed since
(that module is imported as always and the bundle written again), never written
under PYTHONDONTWRITEBYTECODE, and a broken one is ignored."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

# A start: open the bundle, import the package's modules, the first screen is up.
START = """
import sys
sys.path[:0] = [{root!r}, {pkg!r}]
from ana_story import bytebundle
bytebundle.install({folder!r})
import story.first, story.second
bytebundle.mark()
import story.later  # after the first screen: not the bundle's business
print(story.first.VALUE, story.second.VALUE, story.later.VALUE)
print(sorted(n for n in bytebundle._finder[0].served))
print(type(story.first.__spec__.loader).__name__, story.first.__file__ == {first!r})
"""


def _package(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    (pkg / "story").mkdir(parents=True)
    (pkg / "story" / "__init__.py").write_text("")
    (pkg / "story" / "first.py").write_text("VALUE = 1\n")
    (pkg / "story" / "second.py").write_text("from . import first\nVALUE = first.VALUE + 1\n")
    (pkg / "story" / "later.py").write_text("VALUE = 3\n")
    return pkg


def _start(tmp_path: Path, pkg: Path, *, cache: bool = True) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    code = START.format(root=str(ROOT), pkg=str(pkg), folder=str(tmp_path / "cache"),
                        first=str(pkg / "story" / "first.py"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stderr == ""
    return out.stdout.splitlines()


def _bundle(tmp_path: Path) -> list[Path]:
    return list((tmp_path / "cache").glob("firstscreen.*.bundle"))


def test_written_after_the_first_screen_and_served_at_the_next_start(tmp_path):
    pkg = _package(tmp_path)
    assert _start(tmp_path, pkg) == ["1 2 3", "[]", "SourceFileLoader True"]
    assert len(_bundle(tmp_path)) == 1
    written = _bundle(tmp_path)[0].stat().st_mtime_ns
    served = _start(tmp_path, pkg)
    assert served == ["1 2 3", "['story', 'story.first', 'story.second']", "Bundled True"]
    assert _bundle(tmp_path)[0].stat().st_mtime_ns == written  # all served: not written


def test_a_changed_source_is_imported_as_always_and_the_bundle_written_again(tmp_path):
    pkg = _package(tmp_path)
    _start(tmp_path, pkg)
    first = pkg / "story" / "first.py"
    first.write_text("VALUE = 10\n")
    stat = first.stat()
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert _start(tmp_path, pkg) == ["10 11 3", "['story', 'story.second']",
                                    "SourceFileLoader True"]
    assert _start(tmp_path, pkg)[:2] == ["10 11 3", "['story', 'story.first', 'story.second']"]


def test_never_written_without_the_bytecode_cache_and_a_broken_one_is_ignored(tmp_path):
    pkg = _package(tmp_path)
    _start(tmp_path, pkg, cache=False)
    assert _bundle(tmp_path) == []
    (tmp_path / "cache").mkdir()
    broken = tmp_path / "cache" / f"firstscreen.{sys.implementation.cache_tag}.bundle"
    broken.write_bytes(b"\x00 not marshal")
    assert _start(tmp_path, pkg)[:2] == ["1 2 3", "[]"]
    assert _start(tmp_path, pkg)[:2] == ["1 2 3", "['story', 'story.first', 'story.second']"]


def test_the_game_reads_its_first_screen_from_the_bundle(tmp_path):
    """The installed command opens the bundle first and its plain first screen marks
    what it imported: from the second start on, the game's modules (and the standard
    library's it needs) come from the bundle (python -v names each module's loader)."""
    beside = os.path.join(os.path.dirname(sys.executable), "ana-story")
    command = beside if os.path.isfile(beside) else "ana-story"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(ANA_STORY_SAVES=str(tmp_path / "saves"), ANA_STORY_CACHE=str(tmp_path / "c"),
               HOME=str(tmp_path))
    for verbose in ("", "1"):
        out = subprocess.run([command], input="", capture_output=True, text=True, cwd=ROOT,
                             env={**env, "PYTHONVERBOSE": verbose} if verbose else env,
                             check=True, timeout=60)
    served = {line.split("'")[1] for line in out.stderr.splitlines()
              if line.startswith("import '") and "bytebundle.Bundled object" in line}
    assert {"ana_story.engine", "ana_story.ui.plain", "ana_story.model", "pathlib",
            "json"} <= served
