"""A prototype of explore --jobs over the memos (issue 17): how fast the search
itself can go on two cores when each worker runs vecloop's memoized step on the
States whose key hashes to it, and how much of a level is communication.

    python bench/proto_jobs.py STORY [--jobs N] [--runs N]
        [--by-scene [--balanced [--early F] | --ceiling]]

Not the product: no findings, no fallback to the engine's step, no cut (--cap
must be above the story's States), no care for a failing worker: on a story that
needs any of these a worker prints its error and the run waits forever (stop it).
Made for the shipped story (scenes/). Per level each worker
1. expands its States (vecloop's own step; its ``record`` swapped for one that
   routes each successor's key to its owner), probing the keys it owns;
2. sends each peer the keys it met that the peer owns, with their first place
   (State number, way on) and code (one message per peer);
3. answers which of those it wants the vectors of (new to it, found there first)
   and the places of its new States, sorted;
4. sends the vectors wanted and the State numbers of the keys it was sent: the
   numbers are one process's (new States numbered in the order of their first
   place), the places of all workers' new States merged;
and sends the main process its part of the tree (parent, step, scene of its new
States; per State explored its ways on's targets and codes), which the main
process lays out in the numbers' order: per State, not per way on.
Checks that the tree equals one process's (parent, step, scene, first, succ, via).
Prints per run the search's wall and CPU (the main process and its workers), and
the workers' CPU seconds in each phase and their memo entries.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import pickle
import resource
import statistics
import sys
import tempfile
import time
from array import array
from bisect import bisect_left
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ana_story.loader import load_story  # noqa: E402
from ana_story.tools.explore import vecloop  # noqa: E402
from ana_story.tools.explore.key import Keyer  # noqa: E402
from ana_story.tools.explore.search import Search  # noqa: E402
from ana_story.tools.explore.store import Visited  # noqa: E402
from ana_story.tools.explore.vectors import Vectors  # noqa: E402
from ana_story.tools.explore.worker import SharedNumbers  # noqa: E402

J = 12  # a place: State number << J | way on
BY_KEY = True  # the owner of a State: by its key's hash (else by its scene, SCENES)
SCENES: list[int] = []  # scene number -> its owner (--by-scene: number % jobs)


def _setup(story, cap: int, numbers=None):
    keyer = Keyer(story, numbers) if numbers is not None else None
    s = Search(story, cap, 0, False, keyer)
    v = Vectors(s.story, s.key, s.step, s.pack.kept or frozenset(), s.codes, s.drawing,
                s.report.seed)
    return s, v


def one(story, cap: int) -> tuple[float, float, Search]:
    s, _ = _setup(story, cap)
    c, t = time.process_time(), time.perf_counter()
    gc.disable()
    s.run(None)
    gc.enable()
    return time.perf_counter() - t, time.process_time() - c, s


class Part:
    """One worker: the keys it owns, and per level its States to expand."""

    def __init__(self, search: Search, vectors: Vectors, me: int, n: int, peers: dict,
                 up) -> None:
        self.s, self.v, self.me, self.n, self.peers, self.up = search, vectors, me, n, peers, up
        self.ids = Visited()
        self.glob = array("q")
        self.t = dict.fromkeys(("expand", "x1", "x2", "x3", "resolve", "up"), 0.0)
        search.good = {}  # type: ignore[assignment]
        search.visit = self._old  # type: ignore[method-assign]
        search.finding = lambda *a, **k: None  # type: ignore[method-assign]

    def _old(self, sid, state):
        raise RuntimeError("prototype: a State for the engine's step")

    def _recorder(self, vectors, search):
        """vecloop's record, each successor's key routed to its owner."""
        key, flag, n, me, ids = vectors.key, vectors.flag, self.n, self.me, self.ids
        lvl = self

        def record(sid, vec, ways, afters):
            base = list(vec)
            base[2] = base[3] = vec[2] + 1
            handles, vias = lvl.handles, lvl.vias
            j = 0
            for (code, _, _), (_, info, writes, count, tno, extra) in zip(ways, afters,
                                                                           strict=True):
                w = base.copy()
                w[0] = tno
                for i, x in writes:
                    w[i] = x
                if count:
                    w[count] += 1
                if extra is not None:
                    extra(w, vec)
                k = key(w, info[w[flag]])
                o = (hash(k) >> 33) % n if BY_KEY else SCENES[tno]
                pos = sid << J | j
                j += 1  # noqa: SIM113
                if o == me:
                    m = ids.find(k)
                    if m < 0:
                        m = ids.add(m, k)
                        lvl.glob.append(-1)
                        lvl.npos.append(pos)
                        lvl.nvec.append(tuple(w))
                        lvl.ncode.append(code)
                        lvl.nsrc.append(-1)
                    handles.append(m * n + me)
                else:
                    d = lvl.outidx[o]
                    i = d.get(k)
                    if i is None:
                        i = d[k] = len(d)
                        lvl.outpos[o].append(pos)
                        lvl.outcode[o].append(code)
                        lvl.outvec[o].append(w)
                    handles.append(i * n + o)
                vias.append(code)

        return record

    def _begin_level(self) -> None:
        self.base = len(self.ids)
        self.npos, self.nvec, self.ncode, self.nsrc = array("q"), [], array("i"), []
        self.handles, self.vias, self.counts = array("q"), array("i"), array("I")
        self.outidx = {o: {} for o in self.peers}
        self.outpos = {o: array("q") for o in self.peers}
        self.outcode = {o: array("i") for o in self.peers}
        self.outvec = {o: [] for o in self.peers}

    def _swap(self, make) -> dict:
        """One message to each peer and one from each (lower number sends first)."""
        got = {}
        for o, conn in self.peers.items():
            if self.me < o:
                conn.send_bytes(pickle.dumps(make(o), 5))
                got[o] = pickle.loads(conn.recv_bytes())
            else:
                got[o] = pickle.loads(conn.recv_bytes())
                conn.send_bytes(pickle.dumps(make(o), 5))
        return got

    def run(self, frontier: list, lo: int) -> None:
        vecloop._recorder = self._recorder  # type: ignore[assignment]
        step = vecloop._stepper(self.v, self.s)
        hi = lo + 1
        while True:
            self._begin_level()
            t0 = time.process_time()
            for sid, vec in frontier:
                before = len(self.handles)
                step(sid, vec, None)
                self.counts.append(len(self.handles) - before)
            t1 = time.process_time()
            got = self._swap(lambda o: (b"".join(self.outidx[o]),
                                        array("I", map(len, self.outidx[o])),
                                        self.outpos[o], self.outcode[o]))
            req = self._probe(got)
            t2 = time.process_time()
            order = sorted(range(len(self.npos)), key=self.npos.__getitem__)
            mine = array("q", [self.npos[x] for x in order])
            wanted = {o: [i for i, (src, _) in enumerate(r) if src] for o, r in req.items()}
            got2 = self._swap(lambda o: (wanted[o], mine))  # noqa: B023 (called at once)
            t3 = time.process_time()
            new_lo = hi
            others = [g[1] for g in got2.values()]
            total = len(mine) + sum(map(len, others))
            glob = self.glob
            for r, x in enumerate(order):
                p = self.npos[x]
                glob[self.base + x] = new_lo + r + sum(bisect_left(q, p) for q in others)
            got3 = self._swap(lambda o: ([tuple(self.outvec[o][i]) for i in got2[o][0]],  # noqa: B023
                                         array("q", [glob[m] for _, m in req[o]])))  # noqa: B023
            for o, (vecs, _) in got3.items():
                for i, vec in zip(wanted[o], vecs, strict=True):
                    self.nvec[req[o][i][1] - self.base] = vec
            t4 = time.process_time()
            tables = {o: g[1] for o, g in got3.items()}
            tables[self.me] = glob
            n = self.n
            succ = array("i", [tables[h % n][h // n] for h in self.handles])
            t5 = time.process_time()
            newg = array("q", [glob[self.base + x] for x in order])
            self.up.send_bytes(pickle.dumps(
                (self.counts, succ, self.vias, newg, array("q", [self.npos[x] >> J
                                                                  for x in order]),
                 array("i", [self.ncode[x] for x in order]),
                 array("i", [self.nvec[x][0] for x in order])), 5))
            frontier = [(glob[self.base + x], self.nvec[x]) for x in order]
            t6 = time.process_time()
            for k, a, b in (("expand", t0, t1), ("x1", t1, t2), ("x2", t2, t3),
                            ("x3", t3, t4), ("resolve", t4, t5), ("up", t5, t6)):
                self.t[k] += b - a
            if not total:
                break
            hi = new_lo + total
        v = self.v
        self.t["memo entries"] = sum(len(m) for g, _, m in v.scenes if g is not None) + \
            sum(len(m) for _, m, _ in v.choices.values())
        self.up.send_bytes(pickle.dumps(self.t))

    def _probe(self, got: dict) -> dict:
        """The keys peers sent: numbered here when new (their vectors wanted when
        found there first); per peer, per key (wanted, local number)."""
        ids, base, req = self.ids, self.base, {}
        for o, (blob, lens, pos, codes) in got.items():
            out = []
            at = 0
            for i, size in enumerate(lens):
                k = blob[at:at + size]
                at += size
                m = ids.find(k)
                if m < 0:
                    m = ids.add(m, k)
                    self.glob.append(-1)
                    self.npos.append(pos[i])
                    self.nvec.append(None)
                    self.ncode.append(codes[i])
                    self.nsrc.append(o)
                    out.append([True, m])
                elif m >= base and pos[i] < self.npos[m - base]:
                    self.npos[m - base] = pos[i]
                    self.ncode[m - base] = codes[i]
                    self.nsrc[m - base] = o
                    out.append([True, m])
                else:
                    out.append([False, m])
            req[o] = out
        for o, out in req.items():  # only the place kept at last is wanted
            for r in out:
                if r[0] and self.nsrc[r[1] - base] != o:
                    r[0] = False
        return req


def many(story, cap: int, jobs: int):
    fd, path = tempfile.mkstemp(prefix="proto-jobs-")
    os.close(fd)
    numbers = SharedNumbers(path)
    s, v = _setup(story, cap, numbers)
    start = s.pack.unpack(s.queue[0])
    k0 = s.key(start)
    vec0 = v.vector(start)
    owner0 = (hash(k0) >> 33) % jobs if BY_KEY else SCENES[vec0[0]]
    from multiprocessing import Pipe
    links = {(a, b): Pipe() for a in range(jobs) for b in range(a + 1, jobs)}
    ups = [Pipe(duplex=False) for _ in range(jobs)]
    c, t = time.process_time(), time.perf_counter()
    pids = []
    for me in range(jobs):
        pid = os.fork()
        if pid == 0:
            gc.disable()
            peers = {}
            for (a, b), (x, y) in links.items():
                if a == me:
                    peers[b] = x
                elif b == me:
                    peers[a] = y
            part = Part(s, v, me, jobs, peers, ups[me][1])
            frontier = []
            if me == owner0:
                part.ids.add(part.ids.find(k0), k0)
                part.glob.append(0)
                frontier = [(0, vec0)]
            try:
                part.run(frontier, 0)
            except BaseException:
                import traceback
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(0)
        pids.append(pid)
    try:
        return _lay_out(s, jobs, ups, owner0, pids, path, c, t)
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


def _lay_out(s, jobs, ups, owner0, pids, path, c, t):
    tree = s.tree
    owner = array("b", [owner0])
    lo, hi = 0, 1
    tw = 0.0
    while True:
        parts = [pickle.loads(ups[a][0].recv_bytes()) for a in range(jobs)]
        tb = time.perf_counter()
        at = [[0, 0] for _ in range(jobs)]
        for sid in range(lo, hi):
            a = owner[sid - lo]
            counts, succ, vias = parts[a][:3]
            i, e = at[a]
            m = counts[i]
            tree.first.append(len(tree.succ))
            tree.succ.extend(succ[e:e + m])
            tree.via.extend(vias[e:e + m])
            at[a] = [i + 1, e + m]
        new = sorted((g, a, r) for a in range(jobs) for r, g in enumerate(parts[a][3]))
        owner = array("b", [a for _, a, _ in new])
        for _, a, r in new:
            tree.parent.append(parts[a][4][r])
            tree.step.append(parts[a][5][r])
            tree.scene_of.at.append(parts[a][6][r])
        tw += time.perf_counter() - tb
        if not new:
            break
        lo, hi = hi, hi + len(new)
    times = [pickle.loads(ups[a][0].recv_bytes()) for a in range(jobs)]
    for pid in pids:
        os.waitpid(pid, 0)
    wall = time.perf_counter() - t
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(path)
    return wall, time.process_time() - c, ch.ru_utime + ch.ru_stime, tw, times, s


def _ceilings(story, s: Search) -> list[float]:
    """Per scene, ceiling.py's product: the most States its key can tell apart."""
    import math

    from ana_story.tools.explore.ceiling import _values
    from ana_story.tools.ranges import flow_ranges
    ranges, out = flow_ranges(story), []
    for sid in story.scenes:
        entry = s.key.per_scene.get(sid)
        if entry is None:
            out.append(0.0)
            continue
        number, _, tables, _, caps, bits, _, _ = entry
        exact, tallied = s.key.layout[number][0], s.key.layout[number][1]
        n = 2.0 ** len(bits)
        for name in exact:
            n *= _values(story, name, ranges)
        for cells in tables[len(exact):len(exact) + len(tallied)]:
            n *= 2 * len(cells.points) + 1
        for cap in caps:
            n *= 1e9 if cap.cap is None else cap.cap + 1
        out.append(min(n, 1e12) if math.isfinite(n) else 1e12)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("story", type=Path)
    ap.add_argument("--cap", type=int, default=10**7)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--by-scene", action="store_true",
                    help="a State's owner by its scene's number, not its key's hash")
    ap.add_argument("--balanced", action="store_true",
                    help="with --by-scene: scenes shared out by one process's count of "
                         "States in each (known only after the search: the best case)")
    ap.add_argument("--ceiling", action="store_true",
                    help="with --by-scene: scenes shared out by their ceilings (ceiling.py's "
                         "product per scene, known before the search)")
    ap.add_argument("--early", type=float, default=1.0,
                    help="with --balanced: only the first FRACTION of one process's States "
                         "counted (what a search would know that far in)")
    a = ap.parse_args()
    global BY_KEY
    BY_KEY = not a.by_scene
    story = load_story(a.story)
    ones, twos = [], []
    for run in range(a.runs):
        w1, c1, s1 = one(story, a.cap)
        ones.append(w1)
        SCENES[:] = [i % a.jobs for i in range(len(story.scenes))]
        if a.balanced or a.ceiling:
            per = [0] * len(story.scenes)
            at = s1.tree.scene_of.at
            for x in at[:int(a.early * len(at))]:
                per[x] += 1
            if a.ceiling:
                per = _ceilings(story, s1)
            load = [0] * a.jobs
            for x in sorted(range(len(per)), key=per.__getitem__, reverse=True):
                if per[x]:  # (a scene none met yet keeps its place by number)
                    SCENES[x] = load.index(min(load))
                    load[SCENES[x]] += per[x]
        pid = os.fork()  # each parallel run in a fresh process (children's CPU its own)
        if pid == 0:
            w2, c2, cc, tw, times, s2 = many(load_story(a.story), a.cap, a.jobs)
            t1, t2 = s1.tree, s2.tree
            same = all(getattr(t1, f) == getattr(t2, f) for f in
                       ("parent", "step", "first", "succ", "via")) and \
                t1.scene_of.at == t2.scene_of.at
            print(f"run {run}: one {w1:.3f} s wall, {c1:.3f} CPU; jobs {a.jobs}: {w2:.3f} s "
                  f"wall, CPU main {c2:.3f} + workers {cc:.3f} (main laying out {tw:.3f}); "
                  f"speed-up {w1 / w2:.2f}x; same tree: {same}; States {len(t1.parent)} "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
            for i, t in enumerate(times):
                print("   worker", i, {k: round(x, 3) for k, x in t.items()}, flush=True)
            print("   States per worker", [sum(1 for x in t2.scene_of.at if SCENES[x] == i)
                                           for i in range(a.jobs)] if a.by_scene else "")
            with open(f"/tmp/proto-jobs-{os.getppid()}-{run}", "w") as f:
                f.write(str(w2))
            os._exit(0)
        os.waitpid(pid, 0)
        twos.append(float(Path(f"/tmp/proto-jobs-{os.getpid()}-{run}").read_text()))
        os.unlink(f"/tmp/proto-jobs-{os.getpid()}-{run}")
    print(f"median one {statistics.median(ones):.3f} (floor {min(ones):.3f}), jobs "
          f"{statistics.median(twos):.3f} (floor {min(twos):.3f}): "
          f"{statistics.median(ones) / statistics.median(twos):.2f}x "
          f"(floors {min(ones) / min(twos):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
