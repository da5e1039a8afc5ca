"""explore on one core and on two (--jobs 1 against --jobs 2), side by side, and
how well the projection of the space's size foretold the final count.

    python bench/bench_jobs.py [--runs N] [--shipped DIR] [--no-write] [--quick]

Each search runs in a process of its own, --jobs 1 and --jobs 2 alternating so
that both meet the same load on this shared machine. Per search: the wall time
of explore (search and checks), the CPU seconds of the process and its workers
(user + sys, less what loading the story took), and bytes per State (the main
process's peak less its memory after loading; with --jobs 2 also the largest
worker's peak less that same memory after loading). Medians and floors over
--runs, the speed-up (wall) and the CPU ratio (the work sharing adds), the load
average beside them. Writes
the "Explore on two cores" section of docs/performance.md unless --no-write.
--quick: without the reactive story's two 60-second runs, and writes nothing
(a whole section needs them): the five stories only, for a re-measure. The last
two rows (the benchmark story cut at 1,000,000 States, the reactive one at
1,500,000) are the big spaces, where --jobs 2 shares the search (jobs.py).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

HEADING = "## Explore on two cores"

CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from ana_story.loader import load_story
from ana_story.tools.explore import explore
from ana_story.tools.explore.projection import Projection

class Recorder(Projection):
    history = []
    def level(self, ways, new, known, hits=None):
        super().level(ways, new, known, hits)
        self.history.append((known, self.total))

story = load_story(sys.argv[2])
me = resource.getrusage(resource.RUSAGE_SELF)
base = me.ru_maxrss
p = Recorder(int(sys.argv[3]))
t = time.perf_counter()
r = explore(story, max_states=int(sys.argv[3]), jobs=int(sys.argv[4]), projection=p)
wall = time.perf_counter() - t
print(json.dumps({"states": r.states, "complete": r.complete, "cut": r.cut, "wall": wall,
                  "base_kb": base, "load_cpu": me.ru_utime + me.ru_stime,
                  "main_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "history": p.history}))
"""


# One search stopped after sys.argv[3] seconds: how far it got.
TIMED = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from ana_story.loader import load_story
from ana_story.tools.explore import explore
from ana_story.tools.explore.projection import Projection

class Enough(Exception):
    pass

story = load_story(sys.argv[2])
limit, t, got = float(sys.argv[3]), time.perf_counter(), {}
p = Projection(10**9)

def progress(done, known):
    got.update(explored=done, known=known, projected=p.total)
    if time.perf_counter() - t > limit:
        raise Enough

try:
    explore(story, max_states=10**9, jobs=int(sys.argv[4]), progress=progress, projection=p)
except Enough:
    pass
got["seconds"] = time.perf_counter() - t
print(json.dumps(got))
"""


def _timed(story: Path, seconds: float, jobs: int) -> dict:
    """How many States explore --jobs ``jobs`` explores in ``seconds``."""
    out = subprocess.run([sys.executable, "-c", TIMED, str(ROOT), str(story), str(seconds),
                          str(jobs)], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def _child(story: Path, cap: int, jobs: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(story), str(cap),
                          str(jobs)], stdout=subprocess.PIPE, cwd=ROOT, env=env)
    assert p.stdout is not None
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"explore --jobs {jobs} failed on {story}")
    got = json.loads(out)
    got["cpu"] = usage.ru_utime + usage.ru_stime - got["load_cpu"]
    got["peak_kb"] = usage.ru_maxrss
    got["rate"] = got["states"] / got["wall"]
    extra = max(0, got["main_kb"] - got["base_kb"])
    got["bytes"] = extra * 1024 / got["states"]  # the main process (all of one process)
    # the largest worker (reaped by the child: its children's peak), less what the
    # child held after loading, as for the main process (parallel.py keeps no figure
    # of a worker's own: the "memory" this read before was never set, so "-")
    got["worker_bytes"] = max(0, got["worker_kb"] - got["base_kb"]) * 1024 / got["states"]
    got["load"] = os.getloadavg()[0]
    return got


def _stories(tmp: Path, shipped: Path) -> list[tuple[str, Path, int]]:
    out = [("shipped story", shipped, 2_000_000),
           ("tests/fixtures/features (one long chain), cut at 30,000",
            ROOT / "tests" / "fixtures" / "features", 30_000)]
    try:
        import gen_story
        if not gen_story.SHARED.exists():
            up = [p / "shared" / "bench" for p in ROOT.parents]
            gen_story.SHARED = next((p for p in up if p.exists()), gen_story.SHARED)
        gen_story.render(1000, tmp / "b1000")
        out.append(("benchmark story (1,000 scenes), cut at 100,000", tmp / "b1000", 100_000))
        # the big spaces, where the search is shared (jobs.SWITCH: 200,000 States)
        out.append(("benchmark story, cut at 1,000,000", tmp / "b1000", 1_000_000))
        gen_story.render(1000, tmp / "reactive", variables=24)
        out.append(("reactive story (24 variables), cut at 1,500,000", tmp / "reactive",
                    1_500_000))
    except (ImportError, OSError) as e:
        print(f"benchmark story skipped: {e}")
    return out


def _reactive(tmp: Path) -> list[tuple[int, dict]]:
    """The reactive benchmark story (1,000 scenes, 24 variables read by
    conditions): how far each of --jobs 1 and 2 gets in 60 s."""
    try:
        import gen_story
        gen_story.render(1000, tmp / "reactive", variables=24)
    except (ImportError, OSError) as e:
        print(f"reactive story skipped: {e}")
        return []
    out = []
    for jobs in (1, 2):
        out.append((jobs, _timed(tmp / "reactive", 60, jobs)))
        print("reactive", out[-1], flush=True)
    return out


def _accuracy(history: list, final: int) -> str:
    """The projection when 10%, 25% and 50% of the final count were known."""
    cells = []
    for share in (0.1, 0.25, 0.5):
        got = next((t for k, t in history if k >= share * final and t is not None), None)
        cells.append("-" if got is None else f"{got:,} ({got / final:.2f}x)")
    return " | ".join(cells)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shipped", type=Path, default=ROOT / "scenes",
                    help="the shipped story's folder (default: this checkout's scenes/)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--quick", action="store_true",
                    help="skip the reactive story's 60 s runs; write nothing")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder, cap in _stories(Path(tmp), args.shipped.resolve()):
            got: dict[int, list[dict]] = {1: [], 2: []}
            for _ in range(args.runs):
                for jobs in (1, 2):
                    got[jobs].append(_child(folder, cap, jobs))
                    print(name, jobs, {k: v for k, v in got[jobs][-1].items()
                                       if k != "history"}, flush=True)
            rows.append((name, got))
        reactive = [] if args.quick else _reactive(Path(tmp))
    text = report(rows, args.runs, reactive)
    print(text)
    if not args.no_write and not args.quick:
        from report import write_section
        write_section(HEADING, text)
    return 0


def _med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def _floor(rows: list[dict], key: str) -> float:
    return min(r[key] for r in rows)


def report(rows, runs: int, reactive: list) -> str:
    loads = [r["load"] for _, got in rows for rs in got.values() for r in rs]
    lines = [HEADING, "",
             f"Measured by `python bench/bench_jobs.py --runs {runs}` (Python "
             f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, load "
             f"average {min(loads):.1f} to {max(loads):.1f} during the runs; medians of {runs} "
             "runs, each search in a process of its own, --jobs 1 and --jobs 2 alternating). "
             "The floor is the fastest run of each. Wall: explore's own time (search and "
             "checks); CPU: user + system seconds of the process and its workers. The speed-up "
             "is the wall of --jobs 1 over that of --jobs 2; the CPU ratio that of --jobs 2 "
             "over --jobs 1 (1.00x: no work added by sharing; a machine whose other load takes "
             "the second core shows it in the wall, not in the CPU). Bytes per State: the "
             "peak memory of the process less its memory after loading the story, over the "
             "States; with --jobs 2 that of the main process, and the largest worker's "
             "peak less the same memory after loading (the pages it shares with the main "
             "process since the fork counted in), each over all the States. --jobs 2 "
             "searches in one process until 200,000 States are numbered (jobs.SWITCH), "
             "then in two worker processes; a story step.py does not cover (the features "
             "chain) takes parallel.py's search, level by level, from the start.", "",
             "| story | States | wall s, --jobs 1 (floor) | wall s, --jobs 2 (floor) | "
             "speed-up (floors) | CPU s, 1 → 2 (floors) | CPU ratio | bytes/State: 1; 2 "
             "(main, a worker) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, got in rows:
        one, two = got[1], got[2]
        w1, w2, c1, c2 = (_med(one, "wall"), _med(two, "wall"), _med(one, "cpu"),
                          _med(two, "cpu"))
        lines.append(
            f"| {name} | {one[-1]['states']:,} | {w1:.2f} ({_floor(one, 'wall'):.2f}) | "
            f"{w2:.2f} ({_floor(two, 'wall'):.2f}) | {w1 / w2:.2f}x "
            f"({_floor(one, 'wall') / _floor(two, 'wall'):.2f}x) | {c1:.2f} → {c2:.2f} "
            f"({_floor(one, 'cpu'):.2f} → {_floor(two, 'cpu'):.2f}) | {c2 / c1:.2f}x | "
            f"{_med(one, 'bytes'):,.0f}; {_med(two, 'bytes'):,.0f}, "
            + (f"{_med(two, 'worker_bytes'):,.0f} |" if any(r["worker_kb"] for r in two)
               else "- |"))
    lines += ["", "The projection of the space's size (projection.py) against the final "
              "count, on the stories that finish, when 10%, 25% and 50% of the States were "
              "known:", "",
              "| story | final States | projected at 10% | at 25% | at 50% |",
              "|---|---:|---:|---:|---:|"]
    for name, got in rows:
        r = got[1][-1]
        if r["complete"]:
            lines.append(f"| {name} | {r['states']:,} | {_accuracy(r['history'], r['states'])} |")
    if reactive:
        lines += ["", "The reactive benchmark story (the shared model of 1,000 scenes rendered "
                  "by `bench/gen_story.py` with 24 variables, each choice's effect and "
                  "condition on one of them, so 24 variables are read by conditions), explored "
                  "for 60 s: " + "; ".join(
                      f"--jobs {j}: {g.get('explored', 0):,} States explored in "
                      f"{g.get('seconds', 0):.0f} s, "
                      f"{g.get('known', 0):,} known, projected "
                      + (f"~{g['projected']:,}" if g.get("projected") else "not yet")
                      for j, g in reactive) + " (--jobs 2 says how far it got every 20,000 States "
                  "a worker expands, not while the workers settle a level's keys, so it "
                  "stops at the first word past 60 s)."]
    shipped = rows[0][1]
    lines += ["", "The shipped story's proof (search and checks): "
              f"{_med(shipped[1], 'wall'):.1f} s with --jobs 1, "
              f"{_med(shipped[2], 'wall'):.1f} s with --jobs 2 (medians)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
