"""explore --jobs N: the breadth-first search shared by N processes, with the
very report one process gives.

The search goes level by level (all States at distance d, then d + 1). Each
worker process (worker.py) expands its share of a level with search.py's own
code (the engine's step, the checks, the key) and sends per State its findings
and, per way on, the choice and the next State's key (the key itself when
shorter than 16 bytes, else its 16-byte digest). This process reads those in
the order of the State numbers, exactly as the one-process search meets them,
and does with them what it does: a key not met before gets the next number,
its parent link and its scene's count. So the numbering, the first paths found,
the counts, the cut at --max-states and every finding are those of one process.

Only this process holds the keys met; a worker holds the States of the level it
expands and the ways on it found, and builds a next State only when told it is
new. A new State stays with the worker that found it unless that worker is
more than SLACK States ahead of the least busy one: then it is handed over
(pickled as the tuple of its fields). A level narrower than NARROW States is
expanded here (the same code, in this process): a story that is one long chain
would otherwise wait on the workers at every step.

A 16-byte BLAKE2b digest stands for a long key: with n States the chance that
two differ yet share a digest is below n^2 / 2^129, about 10^-25 for ten
million States. Keys compare across processes because every process numbers
the values of variables alike (worker.SharedNumbers).

Levels are where the speed-up comes from: a story whose States form one long
chain (each level one State) is searched at the speed of one process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import tempfile
from array import array
from collections import deque
from multiprocessing.connection import wait

from ...model import Story
from .key import Keyer, rank
from .projection import Projection
from .report import Finding, Progress
from .store import Visited
from .worker import Local, SharedNumbers, Worker, serve, short

SLACK = 512  # how far ahead of the least busy worker a worker keeps what it found
NARROW = 500  # a level of fewer new States is expanded by the main process alone


class _Cursor:
    """Where the main process is in an agent's current chunk of a level."""

    def __init__(self) -> None:
        self.states = self.at = self.edge = self.pos = self.base = 0
        self.edges = 0
        self.keys = b""
        self.lens = self.goods = bytearray()
        self.codes = array("i")
        self.scenes = array("H")
        self.counts = array("I")
        self.extras: dict = {}
        self.lets: dict = {}

    def take(self, chunk: tuple) -> None:
        """The next chunk: its ways on are numbered on from the last one's."""
        self.base += self.edges
        (_, self.keys, self.lens, self.codes, self.scenes, self.counts, self.goods,
         self.extras, self.lets) = chunk
        self.states, self.edges = len(self.goods), len(self.codes)
        self.at = self.edge = self.pos = 0


class ParallelSearch:
    """The main process of explore --jobs: the States met (by digest), the tree,
    the report; the workers do the stepping (see the module docstring)."""

    def __init__(self, story: Story, max_states: int, seed: int, strict: bool, jobs: int):
        fd, self.path = tempfile.mkstemp(prefix="ana-story-explore-")
        os.close(fd)
        self.numbers = SharedNumbers(self.path)
        self.key = Keyer(story, self.numbers)
        self.story, self.max_states, self.jobs = story, max_states, jobs
        worker = Worker(story, max_states, seed, strict, self.key)
        local = Worker(story, max_states, seed, strict, self.key)  # its own report
        self.report, self.tree = worker.report, worker.tree
        start = worker.pack.unpack(worker.queue[0])
        self.good = bytearray()
        start_key = self.key(start)
        local.stash = [(start, start, start_key)]
        self.ids = Visited()  # short keys (store.py)
        self.ids.number(short(start_key))
        self.told: set = set()
        self.projection = Projection(max_states)
        self.names = list(story.scenes)
        self.seen: set = set()
        ctx = multiprocessing.get_context("fork")
        self.conns: list = []
        self.procs: list = []
        for _ in range(jobs):
            mine, theirs = ctx.Pipe()
            p = ctx.Process(target=serve, args=(theirs, worker), daemon=True)
            p.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(p)
        self.conns.append(Local(local))  # agent number ``jobs``: this process
        self.waiting: list[deque] = [deque() for _ in self.conns]  # messages read ahead

    def run(self, progress: Progress | None) -> int:
        """Explore level by level; how many States were explored (without the
        cyclic garbage collector, as in the workers)."""
        was = gc.isenabled()
        gc.disable()
        failed = True
        try:
            explored = self._levels(progress)
            failed = False
            return explored
        finally:
            if was:
                gc.enable()
            self.close(failed)

    def _levels(self, progress: Progress | None) -> int:
        conns, local = self.conns, self.jobs
        keep: list[list] = [[] for _ in conns]
        keep[local].append((0, 0))
        gives: list[dict] = [{} for _ in conns]
        owner, busy = bytearray([local]), [local]
        lo, hi = 0, 1
        while lo < hi:
            for a in busy:
                conns[a].send(("level", keep[a], gives[a]))
            takes: dict[int, list] = {a: [] for a in busy}
            for a in busy:
                for dest, blob in self._next(a).items():
                    takes[dest].append(blob)
            for a in busy:
                conns[a].send(("take", takes[a]))
            ways = len(self.tree.succ)
            found = self._merge(lo, hi, owner, busy, progress)
            self.projection.level(len(self.tree.succ) - ways, len(found), len(self.ids),
                                  self.report.scene_hits)
            lo, hi = hi, len(self.ids)
            owner, keep, gives, busy = _share(found, self.jobs)
        hits = self.report.choice_hits
        for c in conns:
            c.send(("stop",))
            got, seen = _recv(c)
            self.seen |= seen
            for k, n in got.items():
                hits[k] = hits.get(k, 0) + n
        return hi

    def _merge(self, lo: int, hi: int, owner: bytearray, busy: list[int],
               progress: Progress | None) -> list[tuple[int, int]]:
        """Take the States lo..hi-1 in order, as the one-process search does;
        (agent, way on) of each new State found."""
        cursors = [_Cursor() for _ in self.conns]
        found: list[tuple[int, int]] = []
        ids, tree, good, report, names = self.ids, self.tree, self.good, self.report, self.names
        parent, step, scene_of, succ, via, first = (tree.parent, tree.step, tree.scene_of,
                                                    tree.succ, tree.via, tree.first)
        hits, cap = report.scene_hits, self.max_states
        for sid in range(lo, hi):
            a = owner[sid - lo]
            c = cursors[a]
            if c.at == c.states:
                c.take(self._next(a))
            i = c.at
            c.at += 1
            first.append(len(succ))
            good.append(c.goods[i])
            if i in c.extras:
                self._extras(sid, *c.extras[i])
            keys, lens, codes, scenes, pos = c.keys, c.lens, c.codes, c.scenes, c.pos
            e0 = c.edge
            c.edge = e1 = e0 + c.counts[i]
            for j in range(e0, e1):
                d = keys[pos:pos + lens[j]]
                pos += lens[j]
                nid = ids.find(d)
                if nid < 0:
                    if len(ids) >= cap:
                        report.cut += 1
                        report.complete = False
                        good[sid] = 1
                        continue
                    nid = ids.add(nid, d)
                    parent.append(sid)
                    step.append(codes[j])
                    scene = names[scenes[j]]
                    scene_of.append(scene)
                    hits[scene] = hits.get(scene, 0) + 1
                    found.append((a, c.base + j))
                    if j in c.lets:
                        tree.lets[nid] = c.lets[j]  # the draws its path replays
                succ.append(nid)
                via.append(codes[j])
            c.pos = pos
            if progress is not None and (sid + 1) % 2000 == 0:
                progress(sid + 1, len(ids))
        for a in busy:
            if self._next(a)[0] != "end":  # pragma: no cover - a worker out of step
                raise RuntimeError("explore --jobs: a worker sent more than asked")
        return found

    def _next(self, a: int):
        """Agent ``a``'s next message; while waiting, whatever the other workers
        sent is read and kept, so that none waits on a full pipe."""
        waiting = self.waiting[a]
        while not waiting:
            if a == self.jobs:
                return _recv(self.conns[a])
            for c in wait(self.conns[:self.jobs]):
                self.waiting[self.conns.index(c)].append(_recv(c))
        return waiting.popleft()

    def _extras(self, sid: int, errors: list[Finding], ending: Finding | None) -> None:
        """The findings of State ``sid``, with its path; an error only some draws
        give only the first time at its place (as Search.first)."""
        report, tree = self.report, self.tree
        for f in errors:
            told, f.loop = f.loop, None
            if told is not None:
                if told in self.told:
                    continue
                self.told.add(told)
            f.scene, f.path = tree.scene_of[sid], tree.path(sid)
            report.errors.append(f)
        if ending is not None and ending.scene not in report.ending_paths:
            ending.path = tree.path(sid)
            report.ending_paths[ending.scene] = ending

    def widest(self) -> list[dict]:
        """key.growing's answer, from the parts of the keys the workers explored."""
        tables = self.key.tables
        for name, known in self.numbers.known.items():
            if name in tables:
                tables[name].met.update((n, v) for v, n in known.items())
        values: dict[str, set] = {}
        for k in self.ids:  # a short key is itself
            if len(k) < 16:
                for what, value in self.key.fields(k):
                    values.setdefault(what, set()).add(value)
        for number, place, code in self.seen:
            field = _field(self.key, number, place, code)
            if field is not None:
                values.setdefault(field[0], set()).add(field[1])
        return rank(values)

    def close(self, failed: bool = False) -> None:
        """Stop the workers; read every value numbered (for ``widest``) and
        remove the file of numbers. After a failure the other workers are ended at
        once: each holds, from the fork, ends of its own pipe that keep it from
        ever reading that the main process stopped."""
        for c in self.conns:
            c.close()
        for p in self.procs:
            if failed:
                p.terminate()
            p.join(timeout=5)
            if p.is_alive():  # pragma: no cover - a worker that did not stop
                p.terminate()
        if not failed:
            self.numbers.catch_up()
        if self.numbers.fd >= 0:  # opened on first use
            os.close(self.numbers.fd)
        os.unlink(self.path)


def _field(keyer: Keyer, number: int, place: int, code: int) -> tuple[str, object] | None:
    """(what, value) of one part of a key, as Keyer.fields names it."""
    exact, tallied, counted, _ = keyer.layout[number]
    if place == 0:
        return None
    place -= 1
    if place < len(exact):
        return f"variable '{exact[place]}'", keyer.tables[exact[place]].met[code]
    place -= len(exact)
    if place < len(tallied):
        return f"variable '{tallied[place]}'", code
    place -= len(tallied)
    if place < len(counted):
        return f"visits('{counted[place]}')", code
    return None


def _recv(conn):
    got = conn.recv()
    if type(got) is tuple and got and got[0] == "failed":
        raise RuntimeError(f"explore --jobs: a worker failed: {got[1]}")
    return got


def _share(found: list[tuple[int, int]], jobs: int
           ) -> tuple[bytearray, list[list], list[dict], list[int]]:
    """Who expands each new State of the next level: a narrow level, this
    process (agent ``jobs``); a wide one, the worker that found it while it has
    no more than SLACK States above the least busy one, else the least busy
    (the State is handed over): every stretch of the level is shared, so the
    workers send their parts at the pace this process merges them.
    (owner of each, kept and handed over per agent, agents busy)."""
    targets = [jobs] if len(found) < NARROW else list(range(jobs))
    owner = bytearray(len(found))
    keep: list[list] = [[] for _ in range(jobs + 1)]
    gives: list[dict] = [{} for _ in range(jobs + 1)]
    load = [0] * (jobs + 1)
    for n, (a, j) in enumerate(found):
        least = min(targets, key=load.__getitem__)
        if a in targets and load[a] <= load[least] + SLACK:
            dest = a
            keep[a].append((j, n))
        else:
            dest = least
            gives[a].setdefault(dest, []).append((j, n))
        load[dest] += 1
        owner[n] = dest
    busy = sorted({a for a, _ in found} | {a for a in targets if load[a]})
    return owner, keep, gives, busy
