"""How many States explore visits, how fast, and how long it takes.

    python bench/bench_explore.py [--runs N] [--no-write]

Runs the exhaustive search (`ana-story explore`) on the shipped story, on the
tests/fixtures/features story (an unbounded story, cut at --max-states) and on
the shared benchmark story of 1,000 scenes (bench/gen_story.py, also cut), and
1,000 random playthroughs of the shipped story (`explore --random 1000`).
Figures are medians over --runs; they replace the "Explore" section of
docs/performance.md unless --no-write.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ana_story.errors import StoryError  # noqa: E402
from ana_story.loader import load_story  # noqa: E402
from ana_story.paths import shipped_story  # noqa: E402
from ana_story.tools.explore import explore, random_runs  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
HEADING = "## Explore"
CUT = 100_000


def _measure(fn, runs: int):
    times, last = [], None
    for _ in range(runs):
        last = fn()
        times.append(last.seconds)
    return statistics.median(times), last


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = []
    try:
        shipped = load_story(shipped_story())
    except StoryError as e:
        print(f"the shipped story does not load ({e}); measuring the fixtures only")
        shipped = None
    if shipped is not None:
        t, r = _measure(lambda: explore(shipped, max_states=2_000_000), args.runs)
        rows.append(("shipped story, exhaustive", len(shipped.scenes), r, t))
        t, r = _measure(lambda: random_runs(shipped, 1000, seed=1), args.runs)
        rows.append(("shipped story, `--random 1000`", len(shipped.scenes), r, t))
    features = load_story(ROOT / "tests" / "fixtures" / "features")
    t, r = _measure(lambda: explore(features, max_states=CUT), args.runs)
    rows.append((f"tests/fixtures/features, cut at {CUT:,}", len(features.scenes), r, t))
    try:
        import gen_story
        with tempfile.TemporaryDirectory() as tmp:
            gen_story.render(1000, Path(tmp))
            bench = load_story(tmp)
        t, r = _measure(lambda: explore(bench, max_states=CUT), args.runs)
        rows.append((f"benchmark story (1,000 scenes), cut at {CUT:,}", 1000, r, t))
    except (ImportError, OSError) as e:  # the shared model lives outside the repo
        print(f"benchmark story skipped: {e}")
    peak = _peak_memory() if shipped is not None else None
    text = report(rows, args.runs, shipped, peak)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


def _peak_memory() -> tuple[float, float]:
    """(peak resident MB, wall seconds) of `ana-story explore` on the shipped story,
    as a user runs it: its own process, the whole command."""
    import resource
    import subprocess
    import time
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ana_story", "explore", "--format", "json"],
                   capture_output=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - t
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return kb / 1024, wall


def report(rows, runs: int, shipped, peak=None) -> str:
    lines = [HEADING, "",
             "Measured by `python bench/bench_explore.py` "
             f"(Python {platform.python_version()}, {platform.machine()}, 2 shared noisy "
             f"cores; medians of {runs} runs). A State is one distinct (scene; the variables, "
             "visit counts and once-only choices that can still change a condition or a "
             "route from that scene on, tallies by their place among the thresholds "
             "ahead: see docs/authoring-tools.md); each is shown with `engine.present` "
             "(text rendered) and each available choice taken with `engine.choose`. "
             "A random playthrough is played to an ending "
             "(or 1,000 choices), choosing uniformly among the available choices.", "",
             "| story | scenes | States (runs) | complete | time | States/s |",
             "|---|---:|---:|:-:|---:|---:|"]
    for name, scenes, r, t in rows:
        if r.mode == "random":
            what = f"{r.runs:,} runs, {r.states:,} distinct States"
            rate = f"{r.runs / t:,.0f} runs/s" if t else "-"
            complete = "-"
        else:
            what = f"{r.states:,}"
            rate = f"{r.states / t:,.0f}" if t else "-"
            complete = "yes" if r.complete else f"no, cut ({r.cut:,} more found)"
        lines.append(f"| {name} | {scenes:,} | {what} | {complete} | {t:.3f} s | {rate} |")
    if shipped is not None:
        r = rows[0][2]
        lines += ["", f"On the shipped story the search is "
                  f"{'complete' if r.complete else 'cut short'}: {r.states:,} States, "
                  f"{len(shipped.endings)} endings each reached, "
                  f"{len(r.softlocks)} soft-locks, {len(r.loops)} loops."]
    if peak is not None:
        lines[-1] += (f" The whole command, `ana-story explore` (start-up, loading, search, "
                      f"report), took {peak[1]:.1f} s once and at most {peak[0]:,.0f} MB of "
                      "memory.")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace this benchmark's own section of docs/performance.md, keeping the rest."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from report import write_section as write
    write(HEADING, text)


if __name__ == "__main__":
    sys.exit(main())
