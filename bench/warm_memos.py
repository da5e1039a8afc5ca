"""How much would keeping the memos with the proof save? A probe, not a feature.

    python bench/warm_memos.py [--rounds 5] [--kind effect]

On the 1,000-scene benchmark story (exact: [0, 4], as bench_incremental.py): a
`--fresh` run keeps its proof, the scene with the most States gets a one-scene edit
(bench_incremental.edit), then, in this one process, the second run's search
(rerun.py's Rerun, from the kept proof) is run again and again, alternating:
- cold: as `ana-story explore` runs it (vectors.py's memos empty at the start);
- warm: the same, but its Vectors (the memos) the previous cold pass's, with every
  memo the edit could touch emptied first: the changed scenes' own memos (their
  choices offered), the memos of their choices and of every choice that leads into
  one of them (a choice's answer reads the next scene's 'enter:' and holds its
  compiled key), and the changed scenes' compiled keys and plans. What is left is
  what a memo file keyed by the unchanged scenes' digests could give the next run.
Both share one Keyer (its tables numbered as the kept proof's, then as met), so the
compiled keys and the memos' numbers mean the same in both. Each pass's report
must be the cold one's (else the probe says so and fails). CPU seconds of the
search only (process_time), the median and the floor of the rounds.
"""
from __future__ import annotations

import argparse
import json
import marshal
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_incremental import _files, edit  # noqa: E402
from bench_projection import abstracted  # noqa: E402

from ana_story.loader import load_story  # noqa: E402
from ana_story.tools.explore import (  # noqa: E402
    incremental,
    keyfn,
    memo,
    rerun,
    search,
)
from ana_story.tools.explore.codes import Codes, Lazy  # noqa: E402
from ana_story.tools.explore.collector import fewer_collections  # noqa: E402
from ana_story.tools.explore.fingerprint import story_id  # noqa: E402
from ana_story.tools.explore.key import Keyer  # noqa: E402
from ana_story.tools.explore.vectors import LAZY, H, Vectors  # noqa: E402
from ana_story.tools.storymemo import remembering  # noqa: E402

NEW_PROCESS = False  # --new-process: keyfn.py's caches emptied before each pass


def cooled(vectors: Any, story: Any, changed: set[str]) -> Any:
    """``vectors`` with every memo the edit of ``changed`` could touch emptied."""
    touched = _touched(story, changed)
    for tno, sid in enumerate(vectors.ids):
        if sid in changed:
            if tno in vectors.scenes:
                vectors.scenes[tno][2].clear()  # (in place: answers share it)
            vectors.keyfns[tno] = None
    for k in touched & vectors.choices.keys():
        vectors.choices[k][1].clear()
    for plan in [p for p in vectors.plans if p[0] in touched or p[1] in changed]:
        del vectors.plans[plan]
    return vectors


def rebuilt(vectors: Any, story: Any, changed: set[str], step: Any) -> Any:
    """``cooled``, and all but the memos' plain data made again as a new run would:
    the engine's step (step.Stepper, its own caches) the new search's, the compiled
    keys, plans, lazy keys of the ways and the answers' readers (keyfn.answers)
    dropped and remade, as loading the memos from a file would have to."""
    cooled(vectors, story, changed)
    vectors.step = step
    vectors.plans.clear()
    vectors.keyfns[:] = [None] * len(vectors.ids)
    vectors.specs.clear()
    vectors.keys.clear()
    vectors.decoded.clear()
    for _, kept, _ in vectors.choices.values():
        for e in kept.values():
            if e is not None:  # [target, keys, writes, count, tno, extra, lazies...]
                e[1] = vectors.compiled(e[4])
                del e[LAZY:]
                e += [None, 0, None, 0]
    for e in vectors.answers.values():
        e[4] = keyfn.answers(e[2])
    return vectors


def retarget(old: Any, story: Any, changed: set[str], a: tuple, sound: bool = True) -> Any:
    """The memos of the first run (``old``: its Vectors, on the story before the edit)
    for the second (``a``: vectors.Vectors' arguments, the edited story's): kept for an
    unchanged scene and for a choice of one that leads into none of ``changed``, the
    rest dropped (``sound`` False: nothing dropped, the planted bug); all but the
    memos' plain data made again (``rebuilt``)."""
    fresh = Vectors(*a)
    same = ("names", "kinds", "counts", "ids", "taken", "flag", "codes", "seed")
    if any(getattr(fresh, n) != getattr(old, n) for n in same):
        return fresh  # another layout of the vectors: nothing kept
    keyer = a[1]
    old.enters, old.drawing = fresh.enters, fresh.drawing
    old.scenes.made, old.choices.made = fresh.scenes.made, fresh.choices.made
    old.keys = Lazy(lambda tno: old._key(keyer, old.ids[tno]))
    new_choices = {c.key: c for sc in story.scenes.values() for c in sc.choices}
    for way in old.choices.values():
        way[2] = new_choices[way[2].key]  # (the same text: an unchanged scene's)
    if sound:
        touched = _touched(story, changed)
        bad = {sign for sign, e in old.answers.items() if any(k in touched for _, k, _ in e[1])}
        for sign in bad:
            del old.answers[sign]
        for tno in list(old.scenes):
            if old.ids[tno] in changed:
                del old.scenes[tno]
            else:
                kept = old.scenes[tno][2]
                for mk in [mk for mk, e in kept.items() if type(e) is list and e[3] in bad]:
                    del kept[mk]
        for k in touched & old.choices.keys():
            del old.choices[k]
    return rebuilt(old, story, set(), a[2])


def _touched(story: Any, changed: set[str]) -> set[str]:
    """The choices of the scenes ``changed`` and those that lead into one of them."""
    touched = {c.key for s in changed for c in story.scenes[s].choices}
    return touched | {c.key for sc in story.scenes.values() for c in sc.choices
                      if any(r.scene in changed for r in c.goto.routes)}


def first_memos(story: Any, opts: dict) -> Any:
    """The Vectors (the memos) of a fresh search of ``story`` (the first run's)."""
    keep = incremental.Keep()
    with remembering(story):
        search.explore(story, jobs=1, keep=keep, **opts)
    return keep.search.vectors  # type: ignore[union-attr]


def plain(vectors: Any, story: Any, changed: set[str]) -> tuple[bytes, float, float]:
    """(the memos of the unchanged scenes as plain data, marshalled; CPU s to make and
    write it; CPU s to read it and number its strings again): what a memo file would
    hold. Values as they are (a string by itself, not its number of this run), a way
    by its choice's key, not its number: a new run numbers them otherwise."""
    t0 = time.process_time()
    back, strs = vectors.strings.back, [k is str for k in vectors.kinds]
    nv, touched = len(vectors.names), _touched(story, changed)
    scenes = {}
    for tno, (get, _, kept) in vectors.scenes.items():
        if get is not None and vectors.ids[tno] not in changed:
            scenes[vectors.ids[tno]] = [(mk, e if type(e) is int else tuple(k for _, k, _ in e[1]))
                                        for mk, e in kept.items()]
    choices = {}
    for k, (get, kept, _) in vectors.choices.items():
        if get is not None and k not in touched:
            choices[k] = [(mk, None if e is None else
                           (e[0], tuple((i, back[x] if H <= i < H + nv and strs[i - H] else x)
                                        for i, x in e[2])))
                          for mk, e in kept.items()]
    blob = marshal.dumps((vectors.names, repr(vectors.kinds), back, scenes, choices))
    t1 = time.process_time()
    _, _, strings, _, choices = marshal.loads(blob)
    codes = Codes()
    numbered = [codes[x] for x in strings]  # (a memo's key's strings are not: a floor)
    again = {k: [(mk, e if e is None else (e[0], tuple((i, codes[x] if type(x) is str else x)
                                                        for i, x in e[1])))
                 for mk, e in m] for k, m in choices.items()}
    assert len(again) == len(choices) and len(numbered) == len(strings)
    return blob, t1 - t0, time.process_time() - t1


def one(story: Any, file: Path, opts: dict, warm: Any, keyer: Any, mode: str = ""
        ) -> tuple:
    """(CPU s, report json, the search, States stepped) of one second-run search."""
    ident = story_id(story, opts)
    got = incremental._reuse(file, story, opts, ident)
    assert isinstance(got, tuple), got
    meta, arrays, changed = got[:3]  # (a Keyer of its own, if any: ours instead)
    make = rerun.searcher(story, meta, arrays, changed, keyer)
    assert not isinstance(make, str), make
    made = search.Vectors
    if mode in ("first", "unsound"):
        search.Vectors = lambda *a: retarget(warm, story, changed, a,  # type: ignore[assignment,misc]
                                             mode == "first")
    elif warm is not None:
        again = rebuilt if mode == "data" else lambda v, s, c, _: cooled(v, s, c)
        search.Vectors = lambda *a: again(warm, story, changed, a[2])  # type: ignore[assignment,misc]
    if NEW_PROCESS:  # keyfn.py's compiled makers, per shape: empty in a new process
        for made_here in (keyfn._made, keyfn._lazy, keyfn._reads, keyfn._built):
            made_here.clear()
    keep = incremental.Keep()
    try:
        t0 = time.process_time()
        report = search.explore(story, jobs=1, keep=keep, searcher=make, **opts)
        cpu = time.process_time() - t0
    finally:
        search.Vectors = made  # type: ignore[misc]
    data = report.to_json()
    data.pop("seconds", None)
    s = keep.search
    return cpu, data, s, report.states - getattr(s, "reused", 0), changed


def command(story: Path, *args: str) -> tuple[float, dict]:
    """(CPU s of the child, its report) of `ana-story explore STORY --format json`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(["ana-story", "explore", str(story), "--format", "json", *args],
                       capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, json.loads(r.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--kind", default="effect")
    ap.add_argument("--shipped", action="store_true", help="the shipped story (scenes/)")
    ap.add_argument("--new-process", action="store_true",
                    help="empty keyfn.py's caches of compiled makers before each pass")
    args = ap.parse_args()
    global NEW_PROCESS
    NEW_PROCESS = args.new_process
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        os.environ["ANA_STORY_CACHE"] = str(tmp / "cache")
        if args.shipped:
            big = tmp / "scenes"
            shutil.copytree(ROOT / "scenes", big)
        else:
            big = abstracted(1000, tmp / "g1000")
        files = _files(big)
        commands = [command(big, "--fresh")]
        first = commands[0][1]
        path, new, scene, states = edit(files, first["scenes"], args.kind)
        path.write_text(new, encoding="utf-8")
        commands.append(command(big))  # (the kept proof: the edited story's now)
        for p, text in files.items():
            p.write_text(text, encoding="utf-8")
        command(big, "--fresh")  # the first run's proof kept again, for the passes
        path.write_text(new, encoding="utf-8")
        for p, text in files.items():
            p.write_text(text, encoding="utf-8")
        before = load_story(big)  # the story of the first run
        path.write_text(new, encoding="utf-8")
        story = load_story(big)
        opts = {"max_states": 1_000_000, "seed": 0, "strict": False}
        file = memo.memo_file(big)
        cold_t, warm_t, data_t, first_t = [], [], [], []
        with remembering(story), fewer_collections():
            keyer = Keyer(story)
            cpu, base, s, stepped, changed = one(story, file, opts, None, keyer)
            print(f"edit: {args.kind} in {scene} ({states:,} States); changed {sorted(changed)};"
                  f" States stepped {stepped:,} of {base['states']:,}", file=sys.stderr)
            v = s.vectors
            entries = sum(len(m) for _, _, m in v.scenes.values()) + \
                sum(len(m) for _, m, _ in v.choices.values())
            blob, put, take = plain(v, story, changed)
            print(f"memo data: {len(blob):,} bytes marshalled, {put:.3f} s to make, "
                  f"{take:.3f} s to read", file=sys.stderr)
            for _ in range(args.rounds):
                cpu, data, s, _, _ = one(story, file, opts, None, keyer)
                assert data == base, "cold pass: another report"
                cold_t.append(cpu)
                cpu, data, _, _, _ = one(story, file, opts, s.vectors, keyer)
                assert data == base, "warm pass: another report"
                warm_t.append(cpu)
                cpu, data, s2, _, _ = one(story, file, opts, None, keyer)
                assert data == base, "cold pass: another report"
                cold_t.append(cpu)
                cpu, data, _, _, _ = one(story, file, opts, s2.vectors, keyer, "data")
                assert data == base, "warm (data only) pass: another report"
                data_t.append(cpu)
                old = first_memos(before, opts)
                cpu, data, _, _, _ = one(story, file, opts, None, keyer)
                assert data == base, "cold pass: another report"
                cold_t.append(cpu)
                cpu, data, _, _, _ = one(story, file, opts, old, keyer, "first")
                assert data == base, "warm (the first run's memos) pass: another report"
                first_t.append(cpu)
                print(f"cold {cold_t[-3]:.3f}, {cold_t[-2]:.3f}, {cold_t[-1]:.3f} s, warm "
                      f"{warm_t[-1]:.3f} s, warm data only {data_t[-1]:.3f} s, warm from the "
                      f"first run {first_t[-1]:.3f} s", file=sys.stderr)
            _, data, _, _, _ = one(story, file, opts, first_memos(before, opts), keyer, "unsound")
            print("the planted bug (the changed scene's memos kept too): the report "
                  + ("is the same (the check cannot see it)" if data == base else "differs"))
    load1 = os.getloadavg()[0]
    print(f"whole command CPU s, once: first (--fresh) {commands[0][0]:.3f}, second "
          f"{commands[1][0]:.3f}")
    mc = statistics.median(cold_t)
    print(f"search CPU s, {args.rounds} rounds (median [floor]): cold {mc:.3f} "
          f"[{min(cold_t):.3f}]; {stepped:,} States stepped; {entries:,} memo entries "
          f"kept; load {load0:.1f} -> {load1:.1f}")
    for name, ts in (("warm, all kept", warm_t), ("warm, data only", data_t),
                     ("warm from the first run's memos", first_t)):
        m = statistics.median(ts)
        print(f"  {name}: {m:.3f} [{min(ts):.3f}], saved {mc - m:.3f} s ({(mc - m) / mc:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
