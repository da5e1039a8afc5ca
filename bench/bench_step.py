"""The engine's step (present + choose), this code against an older checkout, in one run.

    git worktree add /tmp/before c712ede          # main before issue 17's faster step
    python bench/bench_step.py --against /tmp/before [--runs 7] [--no-write]

For the shared benchmark model at 1,000 and 10,000 scenes (bench/gen_story.py) and the
shipped story as it was in the older checkout (its scenes/, which both can load), each
round runs one child process with the old code and one with this code, alternating, so
both meet the same load on this shared machine. A child loads the story, pauses the
collector's old generations as `ana-story play` does (gc.freeze), and plays
bench_engine.py's reference workload (seeded random play, uniform among the available
choices, at most 200 steps a playthrough, each passage's text and choice labels read),
timing the play in process time (CPU seconds: other work on the machine slows
the wall clock more than the process). Then, untimed, it plays the same seeds again
and digests every screen whole (tests/step_screens.py's screen(): every field of every
Passage and view) and every State's save: "same screens" means the two digests match.
Writes the "The step, before and after" subsection of docs/performance.md's Engine
section unless --no-write.
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

HEADING = "### The step, before and after"

CHILD = r"""
import gc, hashlib, json, random, sys, time
sys.path.insert(0, {code!r})
sys.path.insert(0, {tests!r})
from ana_story import engine
from ana_story.loader import load_story
from step_screens import screen
story = load_story({folder!r})
present, choose, new_state = engine.present, engine.choose, engine.new_state
gc.collect(); gc.freeze()

def play(n, seed, digest=None):
    rng = random.Random(seed)
    steps = 0
    for i in range(n):
        state = new_state(story, seed * 1_000_003 + i)
        for _ in range(200):
            p = present(story, state)
            p.text, [c.text for c in p.choices]  # read, as a front end does
            steps += 1
            if digest is not None:
                digest.update(screen(p).encode())
            if p.ending is not None:
                break
            state = choose(story, state, rng.choice([c for c in p.choices if c.available]).index)
            if digest is not None:
                digest.update(json.dumps(state.to_json(), sort_keys=True).encode())
    return steps

play(50, 99)  # warm: the plans of the scenes met first, the caches
t = time.process_time()
steps = play({playthroughs}, 1)
elapsed = time.process_time() - t
digest = hashlib.sha256()
play({playthroughs}, 1, digest)
print(json.dumps({{"rate": steps / elapsed, "steps": steps, "digest": digest.hexdigest()}}))
"""


def _child(code: Path, folder: Path, playthroughs: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    src = CHILD.format(code=str(code), tests=str(ROOT / "tests"), folder=str(folder),
                       playthroughs=playthroughs)
    out = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True,
                         check=True, cwd=str(code), env=env)
    result: dict = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", type=Path, required=True, help="a checkout of older code")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--playthroughs", type=int, default=2000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    old = args.against.resolve()
    load = [os.getloadavg()[0]]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        stories = [("benchmark model, 1,000 scenes", render(1000, Path(tmp) / "b1000")),
                   ("benchmark model, 10,000 scenes", render(10000, Path(tmp) / "b10000")),
                   ("the shipped story of the older checkout", old / "scenes")]
        for name, folder in stories:
            got: dict[Path, list[dict]] = {old: [], ROOT: []}
            for _ in range(args.runs):
                for code in (old, ROOT):  # alternating: both meet the same load
                    got[code].append(_child(code, folder, args.playthroughs))
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
             f"Measured {date.today().isoformat()} with `python bench/bench_step.py "
             f"--against <worktree of {commit}>` ({runs} rounds, old and new alternating; "
             f"load average {load[0]:.1f} at the start, {load[-1]:.1f} at the end). Steps "
             "per CPU second of the play (a step: present() with its text and labels "
             "read, then choose(); an ending's passage counts as a step, as bink's and "
             "bardic's harnesses count it), 2,000 seeded playthroughs of at most 200 steps; "
             "medians, with the slowest and fastest round beside them. Same screens: every "
             "field of every Passage and every State after a choice, digested, equal.",
             "", "| story | before (steps/s) | now (steps/s) | now / before, median | "
             "same screens |", "| --- | --- | --- | --- | --- |"]
    for name, before, now in rows:
        b = statistics.median(r["rate"] for r in before)
        n = statistics.median(r["rate"] for r in now)
        same = "yes" if {r["digest"] for r in before} == {r["digest"] for r in now} and \
            len({r["digest"] for r in now}) == 1 else "no"
        span = lambda rs: f"{min(r['rate'] for r in rs):,.0f}-{max(r['rate'] for r in rs):,.0f}"  # noqa: E731
        lines.append(f"| {name} | {b:,.0f} ({span(before)}) | {n:,.0f} ({span(now)}) | "
                     f"{n / b:.2f}x | {same} |")
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
