"""Every benchmark, one after the other: the one command that reproduces
docs/performance.md.

    python bench/run.py [--quick]

Each benchmark replaces its own section of docs/performance.md (and the engine
benchmark docs/growth.svg). The machine is shared and noisy: run it when nothing
else is running, and read the figures as medians. --quick runs fewer repetitions
and smaller stories, for a look, and writes nothing.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

# (script, its arguments for a full run, for a quick look)
BENCHMARKS = [
    ("bench_engine.py", [], ["--runs", "2", "--sizes", "100,1000", "--no-write"]),
    ("bench_startup.py", [], ["--runs", "3", "--no-write"]),
    ("bench_saves.py", [], ["--runs", "20", "--no-write"]),
    ("bench_explore.py", [], ["--runs", "1", "--no-write"]),
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, writes nothing")
    args = ap.parse_args(argv)
    failed = []
    for script, full, quick in BENCHMARKS:
        t = time.perf_counter()
        print(f"== {script}", flush=True)
        r = subprocess.run([sys.executable, str(BENCH / script), *(quick if args.quick else full)])
        print(f"== {script}: exit {r.returncode} in {time.perf_counter() - t:.0f} s", flush=True)
        if r.returncode:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
