"""How many States explore visits, how fast, in how much memory; side by side
with another checkout when asked.

    python bench/bench_explore.py [--runs N] [--against DIR ...] [--shipped DIR ...] [--no-write]

Runs the exhaustive search on the shipped story, on the tests/fixtures/features
story (an unbounded story, cut at 100,000 States) and on the shared benchmark
story of 1,000 scenes (bench/gen_story.py, also cut), each in a process of its
own, as a user runs it; and 1,000 random playthroughs of the shipped story.
With ``--against DIR`` (a worktree of an older commit: `git worktree add DIR
COMMIT`, or `git archive COMMIT | tar -x -C DIR`; given more than once, each) every
search is also run with DIR's code, alternating old and new, so that both meet
the same load on this shared machine. ``--shipped DIR``: the shipped story's
scenes from DIR (a fixed copy that old code can load, while the story changes);
given more than once, a row for each (named by the commit of DIR's checkout).
Per search: States/s as explore reports it, the process's CPU time (user + sys, as `/usr/bin/time`
gives it), its peak memory, and bytes per State (peak minus the memory after
loading the story, over the States). Figures are medians over --runs; they
replace the "Explore" section of docs/performance.md unless --no-write.
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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ana_story.loader import load_story  # noqa: E402
from ana_story.tools.explore import random_runs  # noqa: E402

HEADING = "## Explore"
CUT = 100_000

# One search in a process of its own: the code of sys.argv[1], the story of sys.argv[2].
CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from ana_story.loader import load_story
from ana_story.tools.explore import explore
story = load_story(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.process_time()
r = explore(story, max_states=int(sys.argv[3]))
print(json.dumps({"states": r.states, "cut": r.cut, "complete": r.complete,
                  "seconds": r.seconds, "search_cpu": time.process_time() - t,
                  "base_kb": base, "endings": len(r.ending_paths),
                  "softlocks": len(r.softlocks), "loops": len(r.loops)}))
"""


def _child(code: Path, story: Path, max_states: int) -> dict:
    """One search; with the process's CPU time and peak memory (os.wait4)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(code), str(story), str(max_states)],
                         stdout=subprocess.PIPE, cwd=code, env=env)
    assert p.stdout is not None
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        raise RuntimeError(f"explore failed with {code} on {story}")
    got = json.loads(out)
    got["cpu"] = usage.ru_utime + usage.ru_stime
    got["peak_kb"] = usage.ru_maxrss
    got["rate"] = got["states"] / got["seconds"]
    got["cpu_rate"] = got["states"] / got["search_cpu"]
    got["bytes"] = max(0, got["peak_kb"] - got["base_kb"]) * 1024 / got["states"]
    return got


def _median(rows: list[dict]) -> dict:
    out = dict(rows[-1])
    for k in ("seconds", "cpu", "peak_kb", "rate", "cpu_rate", "bytes"):
        out[k] = statistics.median(r[k] for r in rows)
    out["rate_floor"] = max(r["rate"] for r in rows)
    out["cpu_rate_floor"] = max(r["cpu_rate"] for r in rows)
    return out


def _stories(tmp: Path, shipped: list[Path]) -> list[tuple[str, int, Path, int]]:
    """(name, scenes, folder, max States) of each story measured."""
    out = [(_shipped_name(s, len(shipped) > 1), len(load_story(s).scenes), s, 2_000_000)
           for s in shipped]
    out += [(f"tests/fixtures/features, cut at {CUT:,}", 5, ROOT / "tests" / "fixtures" /
             "features", CUT)]
    try:
        import gen_story
        if not gen_story.SHARED.exists():  # a worktree under /work/wt/: the model is higher up
            up = [p / "shared" / "bench" for p in ROOT.parents]
            gen_story.SHARED = next((p for p in up if p.exists()), gen_story.SHARED)
        gen_story.render(1000, tmp)
        out.append((f"benchmark story (1,000 scenes), cut at {CUT:,}", 1000, tmp, CUT))
    except (ImportError, OSError) as e:  # the shared model lives outside the repo
        print(f"benchmark story skipped: {e}")
    return out


def _shipped_name(folder: Path, many: bool) -> str:
    """"shipped story", with the commit its copy is at when several are measured."""
    if not many:
        return "shipped story"
    at = _commit(folder.parent).removeprefix("this branch, ")
    return f"shipped story (as at {at})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--against", type=Path, action="append", default=[],
                    help="a checkout of the code to compare with (may be given again)")
    ap.add_argument("--shipped", type=Path, action="append", default=[],
                    help="the shipped story's folder (default: this checkout's scenes/; "
                    "may be given again)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    codes = [a.resolve() for a in args.against] + [ROOT]
    shipped_dirs = [s.resolve() for s in args.shipped] or [ROOT / "scenes"]
    load = [os.getloadavg()[0]]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, scenes, folder, cap in _stories(Path(tmp), shipped_dirs):
            got: dict[Path, list[dict]] = {c: [] for c in codes}
            for _ in range(args.runs):
                for code in codes:  # alternating: old and new meet the same load
                    got[code].append(_child(code, folder, cap))
            rows.append((name, scenes, [_median(got[c]) for c in codes]))
            print(name, [(round(r["rate"]), round(r["cpu_rate"])) for r in rows[-1][2]],
                  flush=True)
    shipped = load_story(shipped_dirs[0])
    times = []
    for _ in range(args.runs):
        r = random_runs(shipped, 1000, seed=1)
        times.append(r.seconds)
    load.append(os.getloadavg()[0])
    text = report(rows, args.runs, (r, statistics.median(times)), load,
                  [_commit(c) for c in codes], shipped_dirs)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


def _ratio(new: float, old: float) -> str:
    return f"{new / old:.2f}x" if old else "-"


def _commit(code: Path) -> str:
    """A name for a checkout: its commit, else its folder's name."""
    try:
        out = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return code.name
    return ("this branch, " if code == ROOT else "") + out


def report(rows, runs: int, randoms, load: list[float], names: list[str],
           shipped: list[Path]) -> str:
    """The section: per story a row for each code measured (the last is this one),
    the floors (fastest run) beside the medians, and the new code against each."""
    many = len(names) > 1
    lines = [HEADING, "",
             "Measured by `python bench/bench_explore.py"
             + "".join(f" --against {n}" for n in names[:-1])
             + "".join(f" --shipped {s}" for s in shipped if s != ROOT / "scenes") + "` "
             f"(Python {platform.python_version()}, {platform.machine()}, 2 shared noisy "
             f"cores, load average {load[0]:.1f} at the start and {load[1]:.1f} at the end; "
             f"medians of {runs} runs, the floor (the fastest run) in brackets, each search "
             "in a process of its own"
             + (", alternating the codes compared" if many else "") + "). "
             "A State is one distinct (scene; the variables, visit counts and once-only "
             "choices that can still change a condition or a route from that scene on, "
             "tallies by their place among the thresholds ahead: see "
             "docs/authoring-tools.md). States/s is explore's own figure (States over "
             "the wall time of the search and its checks after it: the load on the machine "
             "lowers it); States per CPU s is the same over the CPU time of that search "
             "(the Keyer's analysis, the search, the checks after it), the figure for one "
             "core; CPU s is the whole process's user + sys time (start-up and loading "
             "included, as `/usr/bin/time` gives it); bytes per State are the peak memory "
             "less the memory after loading, over the States.", "",
             "| story | code | States | complete | States/s (floor) | States per CPU s "
             "(floor) | CPU s | bytes/State | peak MB |",
             "|---|---|---:|:-:|---:|---:|---:|---:|---:|"]
    for name, scenes, got in rows:
        for code, r in zip(names, got, strict=True):
            complete = "yes" if r["complete"] else f"no, cut ({r['cut']:,} more found)"
            lines.append(f"| {name} ({scenes:,} scenes) | {code} | {r['states']:,} | "
                         f"{complete} | {r['rate']:,.0f} ({r['rate_floor']:,.0f}) | "
                         f"{r['cpu_rate']:,.0f} ({r['cpu_rate_floor']:,.0f}) | "
                         f"{r['cpu']:.1f} | {r['bytes']:,.0f} | {r['peak_kb'] / 1024:,.0f} |")
    if many:
        lines += ["", "This code's States per CPU s against each older one (ratio of "
                  "medians; of floors in brackets), and its bytes per State: " + "; ".join(
                      f"{name.split(', cut')[0]}: " + ", ".join(
                          f"{_ratio(got[-1]['cpu_rate'], o['cpu_rate'])} of {n} "
                          f"({_ratio(got[-1]['cpu_rate_floor'], o['cpu_rate_floor'])})"
                          for n, o in zip(names[:-1], got[:-1], strict=True))
                      + f", {got[-1]['bytes']:,.0f} bytes per State"
                      for name, _, got in rows) + "."]
    rr, t = randoms
    lines += ["", f"1,000 random playthroughs of the shipped story (`explore --random 1000`, "
              f"in this process): {t:.2f} s, {rr.runs / t:,.0f} runs/s, "
              f"{rr.states:,} distinct States."]
    for name, _, got in rows:
        if not name.startswith("shipped story"):
            continue
        r = got[-1]
        lines += ["", f"On the {name} the search is "
                  f"{'complete' if r['complete'] else 'cut short'}: {r['states']:,} States, "
                  f"{r['endings']} endings reached, {r['softlocks']} soft-locks, "
                  f"{r['loops']} loops; its proof (search and checks) took "
                  f"{r['seconds']:.1f} s (median)."]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace this benchmark's own section of docs/performance.md, keeping the rest."""
    from report import write_section as write
    write(HEADING, text)


if __name__ == "__main__":
    sys.exit(main())
