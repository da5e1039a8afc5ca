#!/usr/bin/env bash
# The shared peers harness (../shared/bench/peers/run.sh) with one more column: ana-story's
# step in an older checkout, in the same run, alternating with bink, bardic and this code.
# Both ana-story columns play this checkout's bench_engine.random_play (the same workload and
# the same count of steps) on the same rendering of the model; only the engine differs.
#
#     git worktree add /tmp/before c712ede
#     OLD=/tmp/before PY=.venv/bin/python bash bench/peers_against.sh    # SIZES, REPS as run.sh
#
# Uses the peers and the data run.sh set up in $PEERS (run it once first).
set -euo pipefail
PROJ="$(pwd)"; OLD="$(cd "${OLD:?the older checkout}" && pwd)"; PY="${PY:-python3}"
case "$PY" in */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")";; esac
HERE="$(cd "$(dirname "$0")" && pwd)"
SHARED="$(cd "$PROJ" && "$PY" -c 'import sys; sys.path.insert(0, "bench"); import gen_story; print(gen_story.SHARED)')"
SIZES="${SIZES:-1000 10000}"; REPS="${REPS:-3}"
PEERS="${PEERS:-${TMPDIR:-/tmp}/ana-peers}"; VENV="$PEERS/venv"; DATA="$PEERS/data"
rate() { python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read())["steps_per_s"]))'; }
ana() {  # ana CODE_DIR N: steps/s of random_play with the engine of CODE_DIR
  (cd "$1" && "$PY" - "$DATA/ana_$2" "$HERE" "$1" <<'PY'
import gc, sys, time
sys.path.insert(0, sys.argv[3])  # the engine under test first
from ana_story.loader import load_story
import ana_story
assert ana_story.__file__.startswith(sys.argv[3]), ana_story.__file__
sys.path.insert(1, sys.argv[2])
from bench_engine import random_play  # this checkout's workload, for both
story = load_story(sys.argv[1])
gc.collect(); gc.freeze()
t = time.perf_counter(); s = random_play(story, 2000, seed=1); print(round(s / (time.perf_counter() - t)))
PY
  )
}
for rep in $(seq 1 "$REPS"); do for n in $SIZES; do
  b=$("$VENV/bin/python" "$SHARED/peers/bench_bink.py" "$DATA/story_$n.ink.json" | rate)
  d=$("$VENV/bin/python" "$SHARED/peers/bench_bardic.py" "$DATA/story_$n.json" | rate)
  o=$(ana "$OLD" "$n")
  a=$(ana "$PROJ" "$n")
  echo "rep=$rep N=$n bink=$b bardic=$d old=$o ana=$a load=$(cut -d' ' -f1 /proc/loadavg)"
done; done | tee "$PEERS/against.txt"
python3 - "$PEERS/against.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\w+)=([\d.]+)", l)) for l in open(sys.argv[1])]
for n in sorted({r["N"] for r in rows}, key=int):
    m = {k: statistics.median(float(r[k]) for r in rows if r["N"] == n)
         for k in ("bink", "bardic", "old", "ana", "load")}
    print(f"N={n}: medians bink {m['bink']:.0f}, bardic {m['bardic']:.0f}, ana-story before "
          f"{m['old']:.0f}, now {m['ana']:.0f} steps/s (load {m['load']:.1f}); before/bink "
          f"{m['old']/m['bink']:.1f}x, now/bink {m['ana']/m['bink']:.1f}x, now/bardic "
          f"{m['ana']/m['bardic']:.1f}x, now/before {m['ana']/m['old']:.2f}x")
PY
