"""How long `ana-story` takes from launch to its first screen, next to the floor
it cannot beat (`python -c pass`).

    python bench/bench_startup.py [--runs N] [--no-write]

Two first screens of the shipped story are timed:
- the plain first screen: `ana-story` with pipes (so plain text), from spawn to the
  first scene's choices and the `> ` prompt on stdout (the game waiting for a line);
- the title menu in an 80x24 pseudo-terminal: from spawn to the story's title on
  screen and to the menu ready for a key (both drawn before Rich and prompt_toolkit
  load), and to prompt_toolkit running (live).
The floor is `python -c pass` timed the same two ways (with pipes, and in a pty to
its exit), beside each launch. CPU times are given beside the wall times, since on a
loaded machine a launch's wall time grows faster than the floor's. Every child runs
with Python's bytecode cache ON, as users have it: this workplace sets
PYTHONDONTWRITEBYTECODE=1, which the children do not inherit, and a
warm-up run writes the .pyc files and the compiled-story cache first. Runs are
interleaved so the noise of a shared machine falls on every figure alike; medians
over --runs replace the "Start-up" section of docs/performance.md unless --no-write.
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


def child_env(**extra: str) -> dict[str, str]:
    """The environment of every timed child: bytecode cache on (the workplace's
    PYTHONDONTWRITEBYTECODE=1 dropped), no colour or size overrides."""
    drop = ("NO_COLOR", "COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(TERM="xterm-256color", **extra)
    return env


LIVE = b"\x1b[?2004h"  # prompt_toolkit's first bytes when its application starts


def checkout(path: str) -> list[str]:
    """Another checkout's ana-story (say, a worktree of the commit this work started
    from) run by this same Python, for figures side by side in one run."""
    code = (f"import sys; sys.path.insert(0, {str(Path(path).resolve())!r}); "
            "from ana_story.cli import main; sys.exit(main())")
    return [sys.executable, "-c", code]


def cpu_of(pid: int) -> float:
    """Seconds of CPU a live process has had so far (the scheduler's own count, in
    nanoseconds: /proc/PID/schedstat), user and system time together."""
    with open(f"/proc/{pid}/schedstat", encoding="ascii") as f:
        return int(f.read().split()[0]) / 1e9


def children_cpu() -> float:
    """User and system seconds of every child this process has waited for so far."""
    import resource
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def to_title(saves: Path, title: str, cmd: list[str] | None = None
             ) -> tuple[float, float, float, float]:
    """Seconds from spawn to the title text, to the menu, and to prompt_toolkit
    running (the menu drawn before Rich and prompt_toolkit load, by ui/earlytitle.py
    and ui/earlymenu.py), in a pty; and the CPU seconds the process had had when the
    menu was seen (a little more than it needed: it goes on loading meanwhile)."""
    env = child_env(ANA_STORY_SAVES=str(saves))
    cmd = cmd or command()
    start = time.perf_counter()
    child = pexpect.spawn(cmd[0], cmd[1:], env=env, dimensions=(24, 80), cwd=str(ROOT))
    try:
        child.expect_exact(title.encode(), timeout=30)
        t_title = time.perf_counter() - start
        child.expect_exact(b"New story", timeout=30)
        t_menu = time.perf_counter() - start
        cpu = cpu_of(child.pid)
        if LIVE not in child.before:
            child.expect_exact(LIVE, timeout=30)
        t_live = max(time.perf_counter() - start, t_menu)
    finally:
        child.sendcontrol("d")
        child.expect(pexpect.EOF, timeout=10)
        child.close()
    return t_title, t_menu, t_live, cpu


def to_plain_screen(saves: Path, cmd: list[str] | None = None) -> tuple[float, float]:
    """Seconds from spawn to the plain first screen: the first scene's choices and
    the prompt on stdout, the game waiting for a line; and the CPU seconds it took."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd or command(), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=str(ROOT),
                             env=child_env(ANA_STORY_SAVES=str(saves)))
    got = b""
    try:
        while b"\n> " not in got:
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"no prompt on the plain first screen: {got[-300:]!r}")
            got += chunk
        took = time.perf_counter() - start
        cpu = cpu_of(child.pid)
    finally:
        child.stdin.close()  # end of input: the game says goodbye and exits
        child.stdout.read()
        child.wait(timeout=30)
    return took, cpu


def pty_floor() -> tuple[float, float]:
    """`python -c pass` in the same pty as the menu, spawn to exit (and its CPU)."""
    cpu = children_cpu()
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-c", "pass"], env=child_env(), dimensions=(24, 80))
    child.expect(pexpect.EOF, timeout=30)
    took = time.perf_counter() - start
    child.close()
    return took, children_cpu() - cpu


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
from ana_story.saves.store import SaveStore
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
                         text=True, check=True, cwd=str(ROOT), env=child_env()).stdout
    return json.loads(out)


def run_python(code: str) -> tuple[float, float]:
    """`python -c CODE` with pipes, spawn to exit, and its CPU seconds."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=child_env())
    return time.perf_counter() - start, children_cpu() - cpu


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--against", metavar="CHECKOUT[=LABEL]", action="append", default=[],
                    help="also time another checkout of ana-story (a commit the work "
                         "started from), interleaved, as its own rows named LABEL "
                         "(default: before); repeatable")
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
        subprocess.run(command() + ["play", "--seed", "1"], input="1\n2\n", text=True,
                       env=child_env(ANA_STORY_SAVES=str(returning)), capture_output=True,
                       check=True)  # leaves an autosave; writes the .pyc files and cache
        # Interleaved, so that the noise of a shared machine falls on every figure alike.
        runs = [("", command())]
        for other in args.against:
            path, _, label = other.partition("=")
            runs.append((f" — {label or 'before'}", checkout(path)))
            for _, cmd in runs[1:]:  # its .pyc files and compiled-story cache, warm
                subprocess.run(cmd + ["play", "--seed", "1"], input="1\n2\n", text=True,
                               env=child_env(ANA_STORY_SAVES=str(Path(tmp) / "warm")),
                               capture_output=True, check=True, cwd=tmp)
        cases = (("first start (no saves)", empty),
                 ("returning player (an autosave to continue)", returning))
        got: dict = {name + tag: [] for tag, _ in runs for name, _ in cases}
        plain: dict = {name + tag: [] for tag, _ in runs for name, _ in cases}
        python, python_pty, libs, version, parts, loads = [], [], [], [], [], []
        for _ in range(args.runs):
            loads.append(os.getloadavg()[0])
            for tag, cmd in runs:
                for name, saves in cases:  # each beside a floor of its own kind
                    python_pty.append(pty_floor())
                    got[name + tag].append(to_title(saves, title, cmd))
                    python.append(run_python("pass"))
                    plain[name + tag].append(to_plain_screen(saves, cmd))
            libs.append(run_python(FIRST_SCREEN_IMPORTS)[0])
            version.append(_timed(command() + ["--version"]))
            parts.append(phases(returning))
        for name, times in got.items():
            rows[name] = (*(med(p[i] for p in plain[name]) for i in range(2)),
                          *(med(t[i] for t in times) for i in range(4)))
    load = (med(loads), min(loads), max(loads))  # the machine's load, said beside
    floors = tuple(med(f[i] for f in fl) for fl in (python, python_pty) for i in range(2))
    libs, version = med(libs), med(version)
    split = [med(p[i] for p in parts) for i in range(len(PHASE_NAMES))]
    text = report(rows, floors, libs, version, split, args.runs, load)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=child_env())
    return time.perf_counter() - start


def report(rows: dict, floors: tuple[float, ...], libs: float, version: float,
           split: list[float], runs: int, load: tuple[float, float, float]) -> str:
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    python, python_cpu, python_pty, pty_cpu = floors
    lines = [HEADING, "",
             "Measured by `python bench/bench_startup.py` "
             f"(Python {platform.python_version()}, {platform.machine()}, 2 shared noisy "
             f"cores; load average {load[0]:.1f} while it ran, from {load[1]:.1f} to "
             f"{load[2]:.1f}; medians of {runs} interleaved rounds, each launch timed "
             "beside a floor of its own kind) with Python's bytecode cache ON, "
             "as users have it: this workplace sets `PYTHONDONTWRITEBYTECODE=1`, which the "
             "benchmark unsets for every timed process, after a warm-up run that writes "
             "the .pyc files and the compiled-story cache. Each launch plays its own "
             "checkout's shipped story. *Plain* is `ana-story` with pipes (so plain text), "
             "from spawn to the first "
             "scene's choices and the `> ` prompt (waiting for a line); *title* and *menu* "
             "are `ana-story` with no arguments in an 80x24 pseudo-terminal, from spawn to "
             "the story's title on screen and to the title menu drawn and waiting for a "
             "key. Both are written before Rich and prompt_toolkit are loaded: the very "
             "bytes Rich would write for them (ui/earlytitle.py), with the terminal already "
             "in prompt_toolkit's raw mode so that keys typed meanwhile wait for it "
             "(ui/earlymenu.py). *Live* is prompt_toolkit running: it draws the same menu "
             "in its place. Each ratio is against the floor timed the same way: `python -c "
             f"pass` with pipes ({ms(python)}) for plain, in the same pty "
             f"({ms(python_pty)}) for title and menu. On this shared machine a launch's "
             "wall time grows with the load faster than the floor's (a process needing "
             "a few time slices waits for each), so the CPU time each had is beside it: "
             "a launch's from the scheduler when its screen was seen (/proc/PID/schedstat), "
             "the floor's from its exit status (getrusage): "
             f"{ms(python_cpu)} with pipes, {ms(pty_cpu)} in the pty. "
             "Goals (issue 17): plain within 4x, menu within 5x.", "",
             "| launch to | plain | plain / floor | CPU / floor's | title | menu "
             "| menu / floor | CPU / floor's | live | live / floor |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, (p, p_cpu, t, m, live, m_cpu) in rows.items():
        lines.append(f"| {name} | {ms(p)} | {p / python:.2f}x | {p_cpu / python_cpu:.2f}x | "
                     f"{ms(t)} | {ms(m)} | {m / python_pty:.2f}x | {m_cpu / pty_cpu:.2f}x | "
                     f"{ms(live)} | {live / python_pty:.2f}x |")
    p, p_cpu, _, m, _, m_cpu = next(iter(rows.values()))  # this code, first start
    verdict = lambda ratio, goal: "met" if ratio <= goal else "NOT met"  # noqa: E731
    lines += ["", f"Against issue 17's goals, on a first start: the plain first screen is "
              f"{p / python:.2f}x the floor (goal 4x: {verdict(p / python, 4)}; by CPU time "
              f"{p_cpu / python_cpu:.2f}x), the title menu {m / python_pty:.2f}x (goal 5x: "
              f"{verdict(m / python_pty, 5)}; by CPU time {m_cpu / pty_cpu:.2f}x)."]
    lines += ["", "The floors, timed the same way (a process start to its exit):", "",
              "| what | time |", "|---|---:|",
              f"| `python -c pass` (the interpreter and site-packages), with pipes | "
              f"{ms(python)} |",
              f"| `python -c pass` in the pty | {ms(python_pty)} |",
              f"| python + `{FIRST_SCREEN_IMPORTS}` | {ms(libs)} |",
              f"| `ana-story --version` (the parser with no command built, no story) "
              f"| {ms(version)} |", "",
              "Where the time goes, in one fresh process (medians, in order):", "",
              "| step | time |", "|---|---:|"]
    lines += [f"| {name} | {ms(t)} |" for name, t in zip(PHASE_NAMES, split, strict=False)]
    lines += ["", "On the way to the first screen (tests/test_startup.py holds it, by the "
              "modules' names): the bare command builds no argument parser and imports no "
              "argparse (cli/app.py; play's options build play's parser alone, a command "
              "only its own group's, `--help` none: cli/parser.py); the garbage collector "
              "is off until the story is loaded and frozen (start-up's objects all live "
              "on); the save and preference folders follow the XDG rule without "
              "platformdirs (and the tempfile, shutil and random it imports); the three "
              "short hashes (the saves folder's name, the cache's key and checksum, a "
              "passage's key) come from CPython's own SHA-256 and BLAKE2s, not OpenSSL's "
              "through hashlib (digests.py); datetime loads when a date is shown or a "
              "save made; no YAML, author tools, publishing or other command's module; "
              "no `dataclasses` (with the `inspect`, `ast`, `dis` and `tokenize` it "
              "brings): the 24 classes on the way are made by records.py from the same "
              "declarations, their `__init__` compiled ahead of time (recordinit.py). "
              "Neither the title menu nor piped play imports Rich or prompt_toolkit: "
              "the menu's page is written out by ui/earlytitle.py, and both load once it "
              "waits for a key (*live*).",
              "", STATIC_NOTE, ""]
    return "\n".join(lines)


# Measured by hand, not rewritten by this script (see docs/performance.md's date).
STATIC_NOTE = (
    "The same benchmark on the same machine an hour earlier, at load average 10.9 (25 "
    "rounds), gave on a first start: plain 199 ms, 4.20x its floor (48 ms; by CPU 3.86x),"
    " the menu 228 ms, 3.62x (CPU 4.07x); c712ede 5.57x and 7.21x, 389dc23 7.16x and "
    "7.52x: under that load the plain first screen missed the 4x goal by wall time while "
    "meeting it by CPU time. "
    "How the first screen was brought down, each step measured with `python -X "
    "importtime` and CPU times, on 2 December 2026, before and after the step in "
    "alternation (load average 5 to 10): (1) the 24 dataclasses on the way to it (22 frozen: "
    "the model's 11, the State's 3, the engine's 3, compiled code's 4, FunctionBody, "
    "SnippetText, Diagnostic) cost about half a millisecond each, as `dataclasses` "
    "compiles six methods for each with exec(), and importing `dataclasses` brought "
    "`inspect`, `ast`, `dis` and `tokenize` (about 7 ms); records.py makes the same "
    "classes from the same declarations in about 0.05 ms each (their `__init__` "
    "compiled ahead of time into recordinit.py, their other methods shared functions "
    "over the field names), and tests/test_records.py holds each to the dataclass the "
    "standard module makes from that declaration (fields, order, defaults, __init__'s "
    "parameters, slots, repr, ==, hash, immutability, replace, pickling). The plain "
    "first screen's CPU went from 69-71 ms to 51-52 ms (median of 15 launches; the "
    "floor 12.7-12.8 ms). (2) Python's import machinery spends about a tenth of a "
    "millisecond finding and reading each module's cached bytecode (60 empty modules: "
    "11-13 ms from their .pyc files, about 1 ms from one file of code), and the first "
    "screen imports some 75 modules after the command starts: bytebundle.py reads "
    "their bytecode from one file, written once beside Python's own cache. Import CPU "
    "in one process: 25.5 ms least and 31.3 ms median of 20 starts with it, 28.4 and "
    "36.7 ms without. (3) Patterns only an error, a tool or a later turn reads are "
    "compiled at their first use (lazyre.py: eight patterns, about 1.5 ms). (4) The title "
    "page and its menu are written before Rich loads, as the very bytes Rich writes "
    "(ui/earlytitle.py, held to Rich's own output by tests/test_earlytitle.py for every "
    "theme, width, colour system and NO_COLOR): the menu now waits before either Rich "
    "or prompt_toolkit is imported. What remains before the first screen: the "
    "interpreter itself (the floor), `re` and what it brings (imported by the console "
    "script pip writes, before ana-story's code runs, so not from the bundle), the "
    "standard library the game needs (typing, pathlib with urllib.parse and ipaddress, "
    "json, ast for the story's expressions compiled again from the cache), the bodies "
    "of ana-story's own modules, and the story's load from the compiled-story cache "
    "and its first page (about 4 ms).")


def write_section(text: str) -> None:
    """Replace this benchmark's own section of docs/performance.md, keeping the rest."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from report import write_section as write
    write(HEADING, text)


if __name__ == "__main__":
    sys.exit(main())
