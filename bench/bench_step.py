"""The engine's step (present + choose), this code against an older checkout, in one run.

    git worktree add /tmp/before c712ede          # main before issue 17's faster step
    python bench/bench_step.py --against /tmp/before [--against /tmp/other] [--runs 7] [--no-write]

For the shared benchmark model at 1,000 and 10,000 scenes (bench/gen_story.py) and the
shipped story as it was in the first older checkout (its scenes/, which all can load), each
round runs one child process with each older checkout (``--against``, once or more) and
one with this code, alternating, so all meet the same load on this shared machine. A
child loads the story, pauses the collector's old generations as `ana-story play` does
(gc.freeze), and plays
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
    ap.add_argument("--against", type=Path, required=True, action="append",
                    help="a checkout of older code (once or more)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--playthroughs", type=int, default=2000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    olds = [p.resolve() for p in args.against]
    load = [os.getloadavg()[0]]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        stories = [("benchmark model, 1,000 scenes", render(1000, Path(tmp) / "b1000")),
                   ("benchmark model, 10,000 scenes", render(10000, Path(tmp) / "b10000")),
                   ("the shipped story of the first older checkout", olds[0] / "scenes")]
        for name, folder in stories:
            got: dict[Path, list[dict]] = {code: [] for code in [*olds, ROOT]}
            for _ in range(args.runs):
                for code in got:  # alternating: all meet the same load
                    got[code].append(_child(code, folder, args.playthroughs))
            rows.append((name, [got[o] for o in olds], got[ROOT]))
            print(name, *([round(r["rate"]) for r in rs] for rs in got.values()), flush=True)
    load.append(os.getloadavg()[0])
    text = report(rows, args.runs, load, olds)
    print(text)
    if not args.no_write:
        write_section(HEADING, text)
    return 0


def _commit(old: Path) -> str:
    return subprocess.run(["git", "-C", str(old), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip() or str(old)


def report(rows: list, runs: int, load: list[float], olds: list[Path]) -> str:
    commits = [_commit(o) for o in olds]
    against = " ".join(f"--against <worktree of {c}>" for c in commits)
    lines = [HEADING, "",
             f"Measured {date.today().isoformat()} with `python bench/bench_step.py "
             f"{against}` ({runs} rounds, each checkout and this code alternating; "
             f"load average {load[0]:.1f} at the start, {load[-1]:.1f} at the end). Steps "
             "per CPU second of the play (a step: present() with its text and labels "
             "read, then choose(); an ending's passage counts as a step, as bink's and "
             "bardic's harnesses count it), 2,000 seeded playthroughs of at most 200 steps; "
             "medians, with the slowest and fastest round beside them; the ratios of the "
             "medians, and of the fastest rounds (the floors of the time a step takes). "
             "Same screens: every field of every Passage and every State after a choice, "
             "digested, equal.",
             "", "| story | " + " | ".join(f"{c} (steps/s)" for c in commits)
             + " | now (steps/s) | " + " | ".join(f"now / {c}, median (fastest)" for c in commits)
             + " | same screens |", "| --- " * (2 * len(commits) + 3) + "|"]
    span = lambda rs: f"{min(r['rate'] for r in rs):,.0f}-{max(r['rate'] for r in rs):,.0f}"  # noqa: E731
    med = lambda rs: statistics.median(r["rate"] for r in rs)  # noqa: E731
    top = lambda rs: max(r["rate"] for r in rs)  # noqa: E731
    for name, befores, now in rows:
        digests = {r["digest"] for r in now}
        same = "yes" if len(digests) == 1 and all(
            {r["digest"] for r in b} == digests for b in befores) else "no"
        cells = [f"{med(b):,.0f} ({span(b)})" for b in befores] + [f"{med(now):,.0f} ({span(now)})"]
        cells += [f"{med(now) / med(b):.2f}x ({top(now) / top(b):.2f}x)" for b in befores]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {same} |")
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
