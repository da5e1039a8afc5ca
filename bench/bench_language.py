"""Is a story written without language 2.0's keys as fast, and played the same, as before?

    git worktree add /tmp/before 3519db4       # main before the language 2.0 work
    python bench/bench_language.py --against /tmp/before [--runs 7] [--no-write]

For the 1,000-scene benchmark story (bench/gen_story.py, the shared model) and the
shipped story as it was before (today's uses `stats:`), each round runs one child
process with the old code and one with this code, alternating, so both meet the same
load on this shared machine. Each child loads the story and plays the reference
workload of bench_engine.py (present() with its text rendered, then choose(), seeded,
uniform among the available choices, 300 playthroughs of at most 200 steps) and prints
its steps per CPU second (process time: other work on this shared machine slows the
wall clock more than the process's own CPU) and a digest of every screen it saw. The
report gives the medians and the fastest rounds, their ratios new to old, and whether
the screens are the same. Writes the "Language 2.0: stories without the new keys"
section of docs/performance.md unless --no-write.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen_story import render  # noqa: E402
from report import write_section  # noqa: E402

HEADING = "## Language 2.0: stories without the new keys"

CHILD = r"""
import hashlib, json, random, sys, time
sys.path.insert(0, {code!r})
from ana_story import engine
from ana_story.loader import load_story
story = load_story({folder!r})
present, choose, new_state = engine.present, engine.choose, engine.new_state
digest = hashlib.sha256()
rng = random.Random(1)
steps = 0
t = time.process_time()
for i in range(300):
    state = new_state(story, 1_000_003 + i)
    for _ in range(200):
        p = present(story, state)
        digest.update(p.text.encode())
        if p.ending is not None:
            break
        state = choose(story, state, rng.choice([c for c in p.choices if c.available]).index)
        steps += 1
elapsed = time.process_time() - t
print(json.dumps({{"rate": steps / elapsed, "steps": steps, "digest": digest.hexdigest()}}))
"""


def _child(code: Path, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", CHILD.format(code=str(code),
                                                              folder=str(folder))],
                         capture_output=True, text=True, check=True, cwd=str(code), env=env)
    result: dict = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", type=Path, required=True,
                    help="a checkout of the code before the language 2.0 work")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    old = args.against.resolve()
    load = [os.getloadavg()[0]]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # the shipped story as it was then: it uses none of the new keys (today's has stats:)
        stories = [("benchmark story, 1,000 scenes", render(1000, Path(tmp) / "b1000")),
                   ("the shipped story as it was before", old / "scenes")]
        for name, folder in stories:
            got: dict[Path, list[dict]] = {old: [], ROOT: []}
            for _ in range(args.runs):
                for code in (old, ROOT):  # alternating: both meet the same load
                    got[code].append(_child(code, folder))
            rows.append((name, got[old], got[ROOT]))
            print(name, [round(r["rate"]) for r in got[old]],
                  [round(r["rate"]) for r in got[ROOT]], flush=True)
    load.append(os.getloadavg()[0])
    text = report(rows, args.runs, load, old)
    print(text)
    if not args.no_write:
        write_section(HEADING, text)
    return 0


def report(rows: list, runs: int, load: list[float], old: Path) -> str:
    commit = subprocess.run(["git", "-C", str(old), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or str(old)
    lines = [HEADING, "",
             f"Measured {date.today().isoformat()} with `python bench/bench_language.py "
             f"--against <worktree of {commit}>` ({runs} rounds, old and new alternating; "
             f"load average {load[0]:.1f} at the start, {load[-1]:.1f} at the end). Steps per CPU "
             "second (the child's process time): "
             "present() with its text rendered, then choose(), 300 seeded playthroughs of "
             "at most 200 steps; medians, with the slowest and fastest round beside them.",
             "", "| story | before (steps/s) | now (steps/s) | now / before, median | "
             "now / before, fastest | same screens |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name, before, now in rows:
        b = statistics.median(r["rate"] for r in before)
        n = statistics.median(r["rate"] for r in now)
        same = "yes" if {r["digest"] for r in before} == {r["digest"] for r in now} and \
            len({r["digest"] for r in now}) == 1 else "no"
        span = lambda rs: f"{min(r['rate'] for r in rs):,.0f}-{max(r['rate'] for r in rs):,.0f}"  # noqa: E731
        fast = max(r["rate"] for r in now) / max(r["rate"] for r in before)
        lines.append(f"| {name} | {b:,.0f} ({span(before)}) | {n:,.0f} ({span(now)}) | "
                     f"{n / b:.2f}x | {fast:.2f}x | {same} |")
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
