"""explore --jobs N: the breadth-first search shared by N processes, with the
very report one process gives.

The search starts in this process (search.Search, level by level). Once a level
has NARROW States or more it forks N workers (worker.py): each takes every N-th
State of that level, and from then on owns the new keys that hash to it: it alone
keeps them and removes the duplicates; the ways on a worker finds to a key
another worker owns go to that worker in one batch a level, and the worker that
found a new State first expands it. So no process holds every key, only keys
travel, and nothing is merged State by State.

What this process still does per level works on arrays of numbers: it passes the
batches between the workers, numbers the new States by sorting the orders the
owners send (the least order of a key is where one process would meet it first,
worker.ORDER), so the numbering, the parent links, the first paths found, the
cut at --max-states and so every finding are those of one process; and it puts
the workers' successor arrays in that order into the tree. The checks after the
search (loops.py) read the tree as they do after one process.

A story that never has a level of NARROW States (a long chain) is searched by
this process alone: with nothing to share, workers would only wait.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import tempfile
from collections.abc import Sized

from ...model import Story
from .key import growing, rank
from .numbering import SharedNumbers
from .projection import Projection
from .report import Finding, Progress
from .search import Search
from .worker import ORDER, Worker, serve

NARROW = 500  # a level of fewer States is expanded by this process alone
STEP = 2000  # how often the one-process part says how far it got


class ParallelSearch:
    """The main process of explore --jobs (see the module docstring)."""

    def __init__(self, story: Story, max_states: int, seed: int, strict: bool, jobs: int):
        self.search = Search(story, max_states, seed, strict)
        self.story, self.max_states, self.jobs = story, max_states, jobs
        self.key, self.report, self.tree = self.search.key, self.search.report, self.search.tree
        self.good = self.search.good
        self.projection = Projection(max_states)
        self.conns: list = []
        self.procs: list = []
        self.values: dict[str, set] | None = None  # the parts of the keys the workers hold
        self.ids: Sized = self.search.ids
        self.states = 0
        self.memory: list[tuple[int, int]] = []  # per worker: (KB at the fork, peak KB)

    def run(self, progress: Progress | None) -> int:
        """Explore level by level; how many States were explored (without the
        cyclic garbage collector, as in the workers)."""
        was = gc.isenabled()
        gc.disable()
        try:
            lo, hi = self._alone(progress)
            if lo < hi:
                self._shared(lo, hi, progress)
            self.states = len(self.tree.scene_of)
            self.ids = range(self.states)  # explore() reads how many; the keys are gone
            return len(self.tree.first)
        finally:
            if was:
                gc.enable()
            self.close()

    def _alone(self, progress: Progress | None) -> tuple[int, int]:
        """Search.run level by level while the levels are narrow; the level
        reached (its first State, the next level's first) when one is wide."""
        s = self.search
        queue, first, succ, good, visit, unpack = (s.queue, s.tree.first, s.tree.succ,
                                                   s.good, s.visit, s.pack.unpack)
        lo, hi, ways = 0, len(queue), 0
        while lo < hi:
            if hi - lo >= NARROW and self.jobs > 1:
                return lo, hi
            for sid in range(lo, hi):
                state = unpack(queue.popleft())
                first.append(len(succ))
                good.append(0)
                visit(sid, state)
                if progress is not None and (sid + 1) % STEP == 0:
                    progress(sid + 1, len(s.ids))
            self.projection.level(len(succ) - ways, len(s.ids) - hi, len(s.ids))
            lo, hi, ways = hi, len(s.ids), len(succ)
        return lo, hi

    def _fork(self, lo: int, hi: int) -> None:
        """Start the workers: worker w expands every jobs-th State of the level
        lo..hi; each pair of workers has a pipe of its own."""
        fd, self.path = tempfile.mkstemp(prefix="ana-story-explore-")
        os.close(fd)
        self.numbers = SharedNumbers(self.path)
        self.numbers.seed([*self.key.tables.values(), self.key.frames])
        level = list(self.search.queue)
        self.search.queue.clear()
        ctx = multiprocessing.get_context("fork")
        jobs = self.jobs
        pairs = {(a, b): ctx.Pipe() for a in range(jobs) for b in range(a + 1, jobs)}
        ends = [{b if a == w else a: pipe[0 if a == w else 1]
                 for (a, b), pipe in pairs.items() if w in (a, b)} for w in range(jobs)]
        mains = [ctx.Pipe() for _ in range(jobs)]
        for w in range(jobs):
            p = ctx.Process(target=_start, args=(
                mains, ends, w, self.search,
                [(lo + i, level[i]) for i in range(w, len(level), jobs)], hi), daemon=True)
            p.start()
            self.procs.append(p)
        for pipe in pairs.values():
            pipe[0].close()
            pipe[1].close()
        for mine, theirs in mains:
            theirs.close()
            self.conns.append(mine)

    def _shared(self, lo: int, hi: int, progress: Progress | None) -> None:
        """The levels from lo..hi on, by the workers; this process numbers the
        new States as they do and builds the tree from what they send."""
        self._fork(lo, hi)
        conns, jobs = self.conns, self.jobs
        order = bytes(i % jobs for i in range(hi - lo))  # who expands each State of the level
        while True:
            ways = len(self.tree.succ)
            nxt = self._number([_recv(c) for c in conns])
            self._successors(order, [_recv(c) for c in conns])
            order = nxt
            known = len(self.tree.scene_of)
            self.projection.level(len(self.tree.succ) - ways, len(order), known)
            if progress is not None:
                progress(len(self.tree.first), known)
            if not order:
                break
        hits = self.report.choice_hits
        values: dict[str, set] = {}
        for c in conns:
            got, vals, memory = _recv(c)
            self.memory.append(memory)
            for k, n in got.items():
                hits[k] = hits.get(k, 0) + n
            for what, vs in vals.items():
                values.setdefault(what, set()).update(vs)
        self.values = values

    def _number(self, cands: list[tuple]) -> bytes:
        """Number the new States by their least order, up to --max-states; the
        worker that expands each, in order."""
        jobs, tree = self.jobs, self.tree
        ranked = sorted(o * jobs + w for w, c in enumerate(cands) for o in c[0])
        room = max(0, self.max_states - len(tree.scene_of))
        if len(ranked) > room:
            self.report.complete = False
            del ranked[room:]
        at = [0] * jobs
        builders = bytearray()  # the worker that found each first: it expands it
        hits, names = self.report.scene_hits, self.search.pack.scenes
        parent, step, scene_of, lets = tree.parent, tree.step, tree.scene_of, tree.lets
        for x in ranked:
            w = x % jobs
            _, codes, scenes, drawn, finders = cands[w]
            i = at[w]
            at[w] = i + 1
            builders.append(finders[i])
            let = drawn.get(i)
            if let is not None:
                lets[len(scene_of)] = let
            parent.append(x // jobs // ORDER)
            step.append(codes[i])
            scene = names[scenes[i]]
            scene_of.append(scene)
            hits[scene] = hits.get(scene, 0) + 1
        return bytes(builders)

    def _successors(self, order: bytes, chunks: list[tuple]) -> None:
        """The level's States into the tree in their numbers' order, and what
        they found (paths from the tree)."""
        tree, good, report = self.tree, self.good, self.report
        first, succ, via = tree.first, tree.succ, tree.via
        at = [0] * self.jobs
        edge = [0] * self.jobs
        for w in order:
            goods, counts, s, v, _, _ = chunks[w]
            i, e = at[w], edge[w]
            n = counts[i]
            first.append(len(succ))
            good.append(goods[i])
            succ.extend(s[e:e + n])
            via.extend(v[e:e + n])
            at[w], edge[w] = i + 1, e + n
        found: list[tuple[int, Finding, bool]] = []
        for c in chunks:
            report.cut += c[4]
            found += c[5]
        if any(c[4] for c in chunks):
            report.complete = False
        found.sort(key=lambda t: t[0])
        for sid, f, ending in found:
            self._found(sid, f, ending)

    def _found(self, sid: int, f: Finding, ending: bool) -> None:
        """A worker's finding, with its path; an error only some draws give only
        the first time at its place (as Search.first), an ending's first path."""
        report, tree = self.report, self.tree
        if ending:
            if f.scene in report.ending_paths:
                return
            report.ending_paths[f.scene] = f
        else:
            told, f.loop = f.loop, None
            if told is not None:
                if told in self.search.told:
                    return
                self.search.told.add(told)
            report.errors.append(f)
        f.path, f.start = tree.path(sid), tree.start(sid)

    def widest(self) -> list[dict]:
        """key.growing's answer over the keys of this process and the workers'."""
        if self.values is None:
            return growing(self.search.ids, self.key)
        values = {k: set(v) for k, v in self.values.items()}
        for k in self.search.ids:
            for what, value in self.key.fields(k):
                values.setdefault(what, set()).add(value)
        return rank(values)

    def close(self) -> None:
        """Stop the workers and remove the file of numbers."""
        for c in self.conns:
            c.close()
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():  # pragma: no cover - a worker that did not stop
                p.terminate()
        if self.conns:
            os.close(self.numbers.fd)
            os.unlink(self.path)
            self.conns = []


def _start(mains: list, ends: list[dict], w: int, worker: Worker, level: list,
           known: int) -> None:
    """A forked worker: the copy of the search becomes worker ``w`` (worker.py);
    the pipes not its own are closed, so that a process that stops is seen to."""
    for v, (mine, theirs) in enumerate(mains):
        mine.close()
        if v != w:
            theirs.close()
    for v, peers in enumerate(ends):
        if v != w:
            for c in peers.values():
                c.close()
    worker.__class__ = Worker
    worker.setup(w, len(mains), level, known)
    serve(mains[w][1], ends[w], worker)


def _recv(conn):
    got = conn.recv()
    if type(got) is tuple and got and got[0] == "failed":
        raise RuntimeError(f"explore --jobs: a worker failed: {got[1]}")
    return got
