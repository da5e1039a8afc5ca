"""How well explore's projection of the space's size foretells it, and how far each
tool gets on the reactive benchmark story in 60 s.

    python bench/bench_projection.py [--seconds 60] [--no-peers] [--no-write]

Part 1 (accuracy): each story is searched to its end in this process, with a
Projection that records, after every level, the States known and the projection
(figure, range); the table gives what was projected when 10%, 25% and 50% of the
final count were known, against that final count. Stories: the shipped story as it
was at c712ede (extracted to /tmp/story-c712ede when missing), the shipped story
now, the fixture tests/fixtures/explore-blowup, and the benchmark stories of 100,
300 and 1,000 scenes (bench/gen_story.py) under the abstraction explore suggests for
them (`exact: [0, 4]` on each variable), which is what makes them finish.

Part 2 (reactive, --seconds): see reactive.py. Both write the section "Explore when
the space is too big" of docs/performance.md (bench/report.py).
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from gen_story import render  # noqa: E402
from report import write_section  # noqa: E402

from ana_story.loader import load_story  # noqa: E402
from ana_story.tools.explore import explore  # noqa: E402
from ana_story.tools.explore.projection import Projection  # noqa: E402

HEADING = "## Explore when the space is too big"
OLD = Path("/tmp/story-c712ede/scenes")
MARKS = (0.10, 0.25, 0.50)


class Recorded(Projection):
    """A Projection that keeps (known, figure, low, high) after every level."""

    def __init__(self, bound: int):
        super().__init__(bound)
        self.rows: list[tuple[int, int | None, int | None, int | None]] = []

    def level(self, ways: int, new: int, known: int) -> None:
        super().level(ways, new, known)
        self.rows.append((known, self.total, self.low, self.high))


def abstracted(n: int, out: Path) -> Path:
    """The benchmark story of ``n`` scenes with exact: [0, 4] on each variable."""
    render(n, out)
    p = out / "story.yaml"
    text = p.read_text(encoding="utf-8")
    for v in ("courage", "wisdom", "gold"):
        text = text.replace(f"  {v}: 0\n", f"  {v}:\n    value: 0\n    exact: [0, 4]\n")
    p.write_text(text, encoding="utf-8")
    return out


def stories(tmp: Path) -> list[tuple[str, Path]]:
    if not OLD.is_dir():
        OLD.parent.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "c712ede", "scenes"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(OLD.parent)], input=archive, check=True)
    out = [("shipped story (as at c712ede)", OLD),
           ("tests/fixtures/explore-blowup", ROOT / "tests/fixtures/explore-blowup")]
    if (ROOT / "scenes").resolve() != OLD.resolve() and _differs(ROOT / "scenes"):
        out.insert(1, ("shipped story (this checkout)", ROOT / "scenes"))
    for n in (100, 300, 1000):
        out.append((f"benchmark story, {n:,} scenes, exact: [0, 4]",
                    abstracted(n, tmp / f"g{n}")))
    return out


def _differs(scenes: Path) -> bool:
    """Whether this checkout's story differs from the copy at c712ede."""
    mine = {p.name: p.read_bytes() for p in scenes.glob("*.yaml")}
    return mine != {p.name: p.read_bytes() for p in OLD.glob("*.yaml")}


def at(rows: list, final: int, mark: float) -> str:
    """The projection given when ``mark`` of the final count was first known."""
    for known, total, low, high in rows:
        if known >= mark * final:
            if total is None:
                return f"none yet ({known:,} known)"
            return f"{total:,} ({total / final:.2f}x; last 3 levels {low:,}-{high:,})"
    return "-"


def accuracy(tmp: Path) -> list[str]:
    lines = ["| story | final States | seconds | projected at 10% | at 25% | at 50% |",
             "|---|---:|---:|---|---|---|"]
    for name, path in stories(tmp):
        story = load_story(path)
        p = Recorded(10_000_000)
        t0 = time.perf_counter()
        r = explore(story, max_states=10_000_000, projection=p)
        secs = time.perf_counter() - t0
        cells = [at(p.rows, r.states, m) for m in MARKS]
        lines.append(f"| {name} | {r.states:,} | {secs:.1f} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as td:
        table = accuracy(Path(td))
        from reactive import how_far  # bench/reactive.py
        far = how_far(Path(td), args.seconds, peers=not args.no_peers)
    load1 = os.getloadavg()[0]
    text = section(table, far, load0, load1, args.seconds)
    print(text)
    if not args.no_write:
        write_section(HEADING, text)
    return 0


def section(table: list[str], far: list[str], load0: float, load1: float,
            seconds: float) -> str:
    head = (f"{HEADING}\n\nMeasured by `python bench/bench_projection.py` (Python "
            f"{platform.python_version()}, {platform.machine()}, 2 shared noisy cores, "
            f"load average {load0:.1f} at the start and {load1:.1f} at the end).\n\n")
    return (head + "### The projection against the final count\n\n"
            "Each story searched to its end; in each cell, what explore projected when "
            "10%, 25% and 50% of the final count were known: the figure (the median of "
            "the last three levels' capture-recapture estimates), its ratio to the final "
            "count, and the least and most of those three estimates. The floor explore "
            "states beside it (the States found) is never above the final count, by "
            "construction; a story whose kept-exact variables a loop moves without bound "
            "is said to have maybe no end before its search begins (the benchmark stories "
            "without `exact:`).\n\n" + "\n".join(table) + "\n\n"
            f"### The reactive benchmark story: how far each tool gets in {seconds:.0f} s\n\n"
            + "\n".join(far) + "\n")


if __name__ == "__main__":
    sys.exit(main())
