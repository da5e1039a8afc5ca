"""Incremental proof: the whole `ana-story explore` command, a first run, then a
one-scene edit, then the second run; wall and CPU time, medians and floors.

    python bench/bench_incremental.py [--rounds 3] [--no-write]

On the shipped story (scenes/) and on the 1,000-scene benchmark story
(bench/gen_story.py, with `exact: [0, 4]` on its variables so that its search
finishes). Two edits of one scene, the scene with the most States among those
the edit applies to:
- a text edit: a sentence added to the scene's text;
- a condition written the other way round (`gold < 4` -> `4 > gold`): an edit inside
  the scene that changes no State after it;
- an effect changed (a value set: `'column'` -> `'column2'`, or `gold + 2` -> `gold + 3`):
  an edit that changes a step, so the search runs again, taking the kept ways on of
  every State of an unchanged scene (rerun.py); once in the scene with the most
  States, once in the one with the most States in the last file (the last chapter);
  on the shipped story also a number (`craft + 1` -> `craft + 2`) in the scene with
  the most States that sets one (the benchmark story's effects are all numbers).
Each round: the story restored, a `--fresh` run (the first run, which keeps the
proof), the edit, the run again (the second). Every second run's JSON report is
compared with a `--fresh` run's on the edited story (it must be the same).
Python's bytecode cache is on (PYTHONDONTWRITEBYTECODE unset), as users have it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_projection import abstracted  # noqa: E402
from report import write_section  # noqa: E402

HEADING = "## Explore after an edit (incremental proof)"
KINDS = ("text", "condition", "effect", "effect, last file")
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
_SET_TEXT = re.compile(r"^(\s+set: \{ ?(?:\w+: \w+ [+-] \d+, )?\w+: \"')(\w+)'\"", re.M)
_SET_NUM = re.compile(r"^(\s+set: \{ ?(\w+): \2 [+-] )(\d+)", re.M)
_COND = re.compile(r"^(\s+if: )(\w+) (<=|>=|==|!=|<|>) (\w+|'\w+')$", re.M)


def run(story: Path, env: dict, *args: str) -> tuple[float, float, dict, str]:
    """(wall, CPU of the child, report without its seconds, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(["ana-story", "explore", str(story), "--format", "json", *args],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode not in (0, 1) or not r.stdout:
        raise SystemExit(f"explore failed: {r.stderr}")
    data = json.loads(r.stdout)
    del data["seconds"]
    data.pop("reused", None)  # the second run says it reused the last proof
    return wall, cpu, data, r.stderr


def _files(story: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(story.glob("*.yaml"))}


def _scene_span(text: str, scene: str) -> tuple[int, int] | None:
    m = re.search(rf"^  {re.escape(scene)}:\n", text, re.M)
    if m is None:
        return None
    nxt = re.compile(r"^  [\w-]+:\n", re.M).search(text, m.end())
    return m.start(), nxt.start() if nxt else len(text)


def _last(files: dict[Path, str]) -> Path:
    """The last file of scenes (the last chapter)."""
    return max(p for p in files if p.name != "story.yaml")


def edit(files: dict[Path, str], counts: dict[str, int], kind: str
         ) -> tuple[Path, str, str, int]:
    """(file, new text, the scene, its States): the scene with the most States that
    ``kind`` applies to, edited."""
    for scene, states in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        for path, text in files.items():
            span = _scene_span(text, scene)
            if span is None or (kind == "effect, last file" and path != _last(files)):
                continue
            a, b = span
            part = text[a:b]
            if kind == "text":
                m = re.search(r"^    text: (\|\n|>-?\n)?", part, re.M)
                if m is None or not m.group(1):
                    continue
                indent = re.match(r"\s*", part[m.end():]).group(0)
                new = part[:m.end()] + f"{indent}Rain again, softly.\n\n" + part[m.end():]
            elif kind.startswith("effect"):
                m = _SET_NUM.search(part) if kind == "effect on a number" else \
                    _SET_TEXT.search(part) or _SET_NUM.search(part)
                if m is None:
                    continue
                text_set = m.re is _SET_TEXT
                value = m.group(2) + "2" if text_set else str(int(m.group(3)) + 1)
                rest = m.end(2) if text_set else m.end()
                new = part[:m.start()] + m.group(1) + value + part[rest:]
            else:
                m = _COND.search(part)
                if m is None:
                    continue
                cond = f"{m.group(4)} {_FLIP[m.group(3)]} {m.group(2)}"
                cond = f'"{cond}"' if "'" in cond else cond  # YAML: quoted as a whole
                new = part[:m.start()] + m.group(1) + cond + part[m.end():]
            return path, text[:a] + new + text[b:], scene, states
    raise SystemExit(f"no scene to make a {kind} edit in")


def bench(name: str, story: Path, rounds: int, env: dict, kinds: tuple[str, ...] = KINDS
          ) -> list[str]:
    files = _files(story)
    rows = []
    for kind in kinds:
        firsts: list[tuple[float, float]] = []
        seconds: list[tuple[float, float]] = []
        said = ""
        target = None
        for _ in range(rounds):
            for p, t in files.items():
                p.write_text(t, encoding="utf-8")
            w1, c1, first, _ = run(story, env, "--fresh")
            firsts.append((w1, c1))
            if target is None:
                target = edit(files, first["scenes"], kind)
            path, new, scene, states = target
            path.write_text(new, encoding="utf-8")
            w2, c2, second, said = run(story, env)
            seconds.append((w2, c2))
        *_, fresh, _ = run(story, env, "--fresh")
        assert target is not None
        same = "same as --fresh" if fresh == second else "DIFFERS from --fresh"
        again = re.search(r"a new search reusing ([\d,]+)", said)
        reused = "reused" if "reused the last proof" in said else \
            f"searched again, {again.group(1)} States reused" if again else "proved afresh"
        for p, t in files.items():
            p.write_text(t, encoding="utf-8")
        rows.append(_row(name, kind, target[2], target[3], first["states"], firsts,
                         seconds, f"{reused}; {same}"))
        print(rows[-1], file=sys.stderr)
    return rows


def _row(name, kind, scene, states, total, firsts, seconds, said) -> str:
    def med(xs, i):
        return statistics.median(x[i] for x in xs)

    def low(xs, i):
        return min(x[i] for x in xs)

    return (f"| {name} | {kind} in '{scene}' ({states:,} of {total:,} States) | "
            f"{med(firsts, 0):.2f} ({low(firsts, 0):.2f}) | {med(firsts, 1):.2f} "
            f"({low(firsts, 1):.2f}) | {med(seconds, 0):.2f} ({low(seconds, 0):.2f}) | "
            f"{med(seconds, 1):.2f} ({low(seconds, 1):.2f}) | "
            f"{med(seconds, 0) / med(firsts, 0):.2f} | {med(seconds, 1) / med(firsts, 1):.2f}"
            f" | {said} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        env = dict(os.environ, ANA_STORY_CACHE=str(tmp / "cache"), NO_COLOR="1")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        shipped = tmp / "scenes"
        shutil.copytree(ROOT / "scenes", shipped)
        rows += bench("shipped story", shipped, args.rounds, env,
                      (*KINDS, "effect on a number"))
        big = abstracted(1000, tmp / "g1000")
        rows += bench("benchmark story, 1,000 scenes, exact: [0, 4]", big, args.rounds, env)
    load1 = os.getloadavg()[0]
    text = (f"{HEADING}\n\nMeasured by `python bench/bench_incremental.py --rounds "
            f"{args.rounds}` (Python {platform.python_version()}, {platform.machine()}, 2 "
            f"shared noisy cores, load average {load0:.1f} at the start and {load1:.1f} at "
            "the end; bytecode cache on). The whole `ana-story explore STORY --format json` "
            "command, in seconds: the median of the rounds, the floor (fastest) in "
            "brackets. First: a `--fresh` run, which keeps its proof; second: the same "
            "command after a one-scene edit (the scene with the most States the edit "
            "applies to). Ratio: second / first, of the medians. The last column says "
            "whether the second run reused the kept proof, and whether its report is the "
            "one a `--fresh` run gives on the edited story.\n\n"
            "| story | edit | first, wall | first, CPU | second, wall | second, CPU | "
            "ratio, wall | ratio, CPU | second run |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---|\n" + "\n".join(rows) + "\n")
    print(text)
    if not args.no_write:
        write_section(HEADING, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
