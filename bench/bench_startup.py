"""How long `ana-story` takes from launch to its title screen, in a real
pseudo-terminal, next to the floor it cannot beat.

    python bench/bench_startup.py [--runs N] [--no-write]

Each run spawns the installed `ana-story` (the shipped story) in an 80x24 pty and
times two moments: the story's title on screen (printed by Rich as soon as the
story is loaded) and the menu ready for a key (drawn by prompt_toolkit). The
floor is a bare `python -c pass` plus the imports the first screen needs (PyYAML
to read the story, Rich to draw it, prompt_toolkit to read a key), timed the
same way. Medians over --runs; they replace the "Start-up" section of
docs/performance.md unless --no-write.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
HEADING = "## Start-up"
FIRST_SCREEN_IMPORTS = ("import yaml, rich.console, rich.table, rich.text, rich.rule, "
                        "rich.padding, prompt_toolkit")


def command() -> list[str]:
    """The console script pip installed next to this Python (not a version manager's
    shim on PATH, which would add its own start-up to every figure)."""
    exe = Path(sys.executable).parent / "ana-story"
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("ana-story")
    return [found] if found else [sys.executable, "-m", "ana_story"]


def to_title(saves: Path, title: str) -> tuple[float, float]:
    """Seconds from spawn to the title text, and to the menu, in a pty."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", ANA_STORY_SAVES=str(saves))
    cmd = command()
    start = time.perf_counter()
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, dimensions=(24, 80), cwd=str(ROOT))
    try:
        child.expect_exact(title.encode(), timeout=30)
        t_title = time.perf_counter() - start
        child.expect_exact(b"New story", timeout=30)
        t_menu = time.perf_counter() - start
    finally:
        child.sendcontrol("d")
        child.expect(pexpect.EOF, timeout=10)
        child.close()
    return t_title, t_menu


PHASES = """
import json, sys, time
t0 = time.perf_counter()
import rich.console, rich.table, yaml
t1 = time.perf_counter()
import prompt_toolkit
t2 = time.perf_counter()
from ana_story import cli
try:
    from ana_story.cache import load as load_story  # what `play` uses
except ImportError:
    from ana_story.loader import load_story
from ana_story.saves import SaveStore
from ana_story.ui import game, render, run, terminal
t3 = time.perf_counter()
from ana_story.paths import shipped_story
story = load_story(shipped_story())
t4 = time.perf_counter()
SaveStore(story, __import__("pathlib").Path(sys.argv[1])).list()
t5 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]))
"""
PHASE_NAMES = ("import Rich and PyYAML", "import prompt_toolkit",
               "import ana-story's own modules",
               "load the shipped story (the compiled-story cache, warm)",
               "list the saves (one autosave)")


def phases(saves: Path) -> list[float]:
    import json
    out = subprocess.run([sys.executable, "-c", PHASES, str(saves)], capture_output=True,
                         text=True, check=True, cwd=str(ROOT)).stdout
    return json.loads(out)


def run_python(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from ana_story.loader import load_story
    from ana_story.paths import shipped_story
    story = load_story(shipped_story())
    title = story.title[:30]
    med = statistics.median
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "first"
        returning = Path(tmp) / "returning"
        env = dict(os.environ, ANA_STORY_SAVES=str(returning))
        subprocess.run(command() + ["play", "--seed", "1"], input="1\n2\n", text=True,
                       env=env, capture_output=True, check=True)  # leaves an autosave
        # Interleaved, so that the noise of a shared machine falls on every figure alike.
        cases = (("first start (no saves)", empty),
                 ("returning player (an autosave to continue)", returning))
        got: dict = {name: [] for name, _ in cases}
        python, libs, version, parts = [], [], [], []
        for _ in range(args.runs):
            for name, saves in cases:
                got[name].append(to_title(saves, title))
            python.append(run_python("pass"))
            libs.append(run_python(FIRST_SCREEN_IMPORTS))
            version.append(_timed(command() + ["--version"]))
            parts.append(phases(returning))
        for name, times in got.items():
            rows[name] = (med(t for t, _ in times), med(m for _, m in times))
    python, libs, version = med(python), med(libs), med(version)
    split = [med(p[i] for p in parts) for i in range(len(PHASE_NAMES))]
    text = report(rows, python, libs, version, split, args.runs)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - start


def report(rows: dict, python: float, libs: float, version: float, split: list[float],
           runs: int) -> str:
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    lines = [HEADING, "",
             "Measured by `python bench/bench_startup.py` "
             f"(Python {platform.python_version()}, {platform.machine()}, 2 shared noisy "
             f"cores; medians of {runs} runs). Launch is `ana-story` with no arguments in "
             "an 80x24 pseudo-terminal, playing the shipped story; *title* is the story's "
             "title on screen (Rich prints it as soon as the story is loaded), *menu* is "
             "the title menu drawn and waiting for a key (prompt_toolkit).", "",
             "| launch to | title | menu | menu / floor |", "|---|---:|---:|---:|"]
    for name, (t, m) in rows.items():
        lines.append(f"| {name} | {ms(t)} | {ms(m)} | {m / libs:.2f}x |")
    lines += ["", "The floor, timed the same way (a process start to its exit):", "",
              "| what | time |", "|---|---:|",
              f"| `python -c pass` (the interpreter and site-packages) | {ms(python)} |",
              f"| python + `{FIRST_SCREEN_IMPORTS}` | {ms(libs)} |",
              f"| `ana-story --version` (our CLI, nothing loaded) | {ms(version)} |", "",
              "Where the time goes, in one fresh process (medians, in order):", "",
              "| step | time |", "|---|---:|"]
    lines += [f"| {name} | {ms(t)} |" for name, t in zip(PHASE_NAMES, split)]
    lines += ["", "The menu's gap above the floor is ana-story's own modules, loading the "
              "story (from the compiled-story cache when it is warm, as here), listing the "
              "saves, and drawing: Rich renders the title card, then prompt_toolkit starts "
              "its application and draws the menu. The title card is on screen before "
              "prompt_toolkit, the slowest import, is even loaded, which is why *title* "
              "can beat the floor. Piped play imports neither Rich nor prompt_toolkit "
              "(tests/test_ui_game.py holds it).", ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace this benchmark's own section of docs/performance.md, keeping the rest."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from report import write_section as write
    write(HEADING, text)


if __name__ == "__main__":
    sys.exit(main())
