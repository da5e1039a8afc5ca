"""How long a save and a load take, and how big a save is after a full playthrough.

    python bench/bench_saves.py [--runs N] [--no-write]

Plays the shipped story (or, while it does not load, tests/fixtures/features) to
an ending with seeded random choices, keeping every earlier State for undo as
the game does, then times SaveStore.save (the autosave after a choice: write,
fsync, rename, fsync the folder, keep the previous copy) and SaveStore.load
(read, check every field, fit to the story). A long synthetic playthrough of the
generated benchmark story shows how size and time grow with the number of turns.
Figures are medians over --runs; they replace the "Saves" section of
docs/performance.md unless --no-write.
"""
from __future__ import annotations

import argparse
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ana_story import engine  # noqa: E402
from ana_story.errors import AnaStoryError  # noqa: E402
from ana_story.loader import load_story  # noqa: E402
from ana_story.paths import shipped_story  # noqa: E402
from ana_story.saves import fileformat  # noqa: E402
from ana_story.saves.records import SaveData  # noqa: E402
from ana_story.saves.store import AUTOSAVE, SaveStore  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
HEADING = "## Saves"


def playthrough(story, seed: int, max_turns: int = 100_000, *, avoid_endings=False):
    """A random playthrough to an ending (or max_turns): (state, undo). With
    ``avoid_endings``, choices leading to an ending are taken only when nothing
    else is left, to make long playthroughs of the generated story."""
    rng = random.Random(seed)
    state, undo = engine.new_state(story, seed), []
    for _ in range(max_turns):
        p = engine.present(story, state)
        if p.ended or not p.available:
            break
        nexts = [engine.choose(story, state, c.index) for c in p.available]
        if avoid_endings:
            going_on = [s for s in nexts if not story.scenes[s.scene].is_ending]
            nexts = going_on or nexts
        undo.append(state)
        state = rng.choice(nexts)
    return state, tuple(undo)


def longest(story, seeds: int):
    return max((playthrough(story, s) for s in range(seeds)), key=lambda t: len(t[1]))


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def measure(story, data: SaveData, runs: int, folder: Path) -> dict:
    store = SaveStore(story, folder)
    store.save(AUTOSAVE, data)
    save_ms = median_ms(lambda: store.save(AUTOSAVE, data), runs)
    encode_ms = median_ms(lambda: fileformat.dumps(store.codec.encode(AUTOSAVE, data)), runs)
    load_ms = median_ms(lambda: store.load(AUTOSAVE), runs)
    for i in range(9):
        store.save(f"slot {i}", data)
    list_ms = median_ms(store.list, max(5, runs // 10))
    size = store.path(AUTOSAVE).stat().st_size
    assert store.load(AUTOSAVE).data == SaveData(data.state, data.undo[-1000:],
                                                 data.play_seconds)
    return {"turns": data.state.turn, "undo": len(data.undo), "bytes": size,
            "save_ms": save_ms, "encode_ms": encode_ms, "load_ms": load_ms, "list_ms": list_ms}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = []
    try:
        story = load_story(shipped_story())
        name = f"shipped story ({story.title})"
    except AnaStoryError:
        story = load_story(ROOT / "tests" / "fixtures" / "features")
        name = "tests/fixtures/features (the shipped story did not load)"
    work = Path(tempfile.mkdtemp(prefix="bench-saves-", dir=ROOT / "saves"))
    try:
        state, undo = longest(story, 50)
        rows.append((f"{name}, longest of 50 random playthroughs to an ending",
                     measure(story, SaveData(state, undo, 3600.0), args.runs, work / "a")))
        sys.path.insert(0, str(ROOT / "bench"))
        try:
            import gen_story
            gen = gen_story.render(1000, work / "gen")
            big = load_story(gen)
            for turns in (200, 1000, 3000):
                state, undo = playthrough(big, 1, turns, avoid_endings=True)
                rows.append((f"generated 1,000-scene story, {turns} turns",
                             measure(big, SaveData(state, undo, 3600.0), args.runs // 4,
                                     work / f"g{turns}")))
        except (ImportError, OSError, AnaStoryError) as e:
            print(f"(generated story skipped: {e})", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(rows, args.runs)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


def report(rows, runs: int) -> str:
    lines = [HEADING, "",
             "Measured by `python bench/bench_saves.py` "
             f"(Python {platform.python_version()}, {platform.machine()}, 2 shared noisy "
             f"cores; medians of {runs} runs, fewer for the long ones). A save is the "
             "autosave after a choice: JSON encoding, write, fsync, rename, fsync of the "
             "folder, and a hard link keeping the previous copy. A load reads, checks every "
             "field and fits the save to the story. Listing checks each slot's summary and "
             "current State (the earlier States are checked when the slot is loaded). A "
             "save keeps at most 1,000 earlier States for undo, each stored as its "
             "difference from the next one, with its path as a length when it is the "
             "start of the current path.", "",
             "Why it is built so: the first version stored every earlier State whole, and "
             "a 1,000-turn playthrough of the generated story made a 3.7 MB save that took "
             "237 ms to write and 1.0 s to load (same machine). Differences cut the size "
             "about thirty-fold; writing the JSON with the C encoder (one field a line "
             "instead of `indent=`), caching the differences between autosaves (and "
             "whether each earlier path starts the current one), and trusting a slot file "
             "this store wrote itself (same inode, size and times) instead of parsing it "
             "again before keeping it as the previous copy brought the save down to the "
             "figures below. Loading rebuilds each earlier State from its difference, "
             "which is most of the load time of a long playthrough; it happens once, on "
             "resuming.", "",
             "The save column is dominated by the two fsyncs, that is by the disk and by "
             "whatever else writes to it at the time (on this shared machine anything from "
             "under 1 ms to 12 ms for the same save); the encode column is the CPU part "
             "alone (the State and its undo to JSON bytes), which does not depend on the "
             "disk.", "",
             "| playthrough | turns | undo States | size of the save | save | of which "
             "encode | load | list 10 slots |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['turns']} | {min(r['undo'], 1000)} | "
                     f"{r['bytes'] / 1024:,.1f} KB | {r['save_ms']:.2f} ms | "
                     f"{r['encode_ms']:.2f} ms | "
                     f"{r['load_ms']:.2f} ms | {r['list_ms']:.1f} ms |")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace this benchmark's own section of docs/performance.md, keeping the rest."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from report import write_section as write
    write(HEADING, text)


if __name__ == "__main__":
    sys.exit(main())
