"""The worker side of explore --jobs (parallel.py).

A worker is the forked copy of the one-process search (search.Search, its class
changed to Worker at the fork): it keeps the table of the keys met before the
fork (read only) and owns every new key that hashes to it. Per level of the
breadth-first search it expands its States with search.py's own code, looks up
each way on in the keys it has (the old table, its own), and sends the keys
another worker owns to that worker in one batch, each with the first way on that
found it (its *order*: the parent's number * ORDER + its place among the
parent's ways on). An owner keeps per new key the least order: where the
one-process search meets it first. The workers then swap those orders, and each
ranks them alike (as parallel.py does), so the new States are numbered, and cut
at --max-states, exactly as one process numbers them. Only keys travel: the
worker that found a new State first still has the State it came from, and builds
and expands it.

numbering.SharedNumbers gives every process the same numbers for the values of
variables, so keys are equal across processes exactly when the States are.
"""
from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
from array import array
from collections.abc import Sequence

from ...errors import AnaStoryError
from ...state import State
from .numbering import SharedNumbers
from .report import Finding
from .search import Search
from .store import Visited
from .ways import key_of

ORDER = 1 << 24  # an edge's order: parent's number * ORDER + its place among its ways on


class Worker(Search):
    """search.py's Search in a worker process (see the module docstring): what a
    State's ways on lead to is looked up here or sent to the owner of its key."""

    def setup(self, w: int, jobs: int, level: list, known: int) -> None:
        """Become worker ``w`` of ``jobs``, to expand ``level`` ((number, packed
        State) of the States it expands first); ``known`` States are numbered."""
        self.w, self.jobs, self.level = w, jobs, level
        self.numbered = known
        self.rss_at_fork = _rss_kb()  # what this worker adds is measured from here
        self.old = self.ids  # the keys numbered before the fork: State number = place
        self.mine = Visited()  # the keys of the new States this worker owns
        self.gsid = array("q")  # own place -> State number
        self.report.choice_hits = {}
        self.report.errors = []
        self.scene_no = {s: i for i, s in enumerate(self.story.scenes)}
        self.cur = self.base = self.j = 0
        self.told_key: tuple | None = None
        self._reset()

    def _reset(self) -> None:
        """Fresh containers for the next level (the last one's stay with ``done``)."""
        self.edges: list[int] = []  # per way on: a State number, or ~(place in refs)
        self.vias = array("i")
        self.refs: list[bytes] = []  # keys still to number
        self.counts = array("I")
        self.goods = bytearray()
        self.found: list[tuple] = []  # (State number, Finding, is an ending)
        # own key first met in this level -> [order, code, scene, packed, let]
        self.newly: dict[bytes, list] = {}
        self.out: list[dict[bytes, int]] = [{} for _ in range(self.jobs)]
        self.rows: list[list] = [[] for _ in range(self.jobs)]
        self.pending: dict[int, tuple] = {}  # order -> (State, way on) found first here

    def take_all(self, sid: int, state: State, available: Sequence) -> None:
        """Ways.take_all for a worker: each way on's key looked up or sent (``put``)."""
        after, codes, of, put = self.step.after, self.codes, self.key.of, self.put
        choice_hits, visits = self.report.choice_hits, state.visits
        for number, c in enumerate(available, 1):
            try:
                nxt = after(state, c)
            except AnaStoryError as e:
                self.report.errors.append(self.finding(
                    sid, state, f"choice {number} ({c.key}): {e}", c.index))
                self.good[sid] = 1
                continue
            choice_hits[c.key] = choice_hits.get(c.key, 0) + 1
            code = codes[c.key] + min(number, 255)
            if type(nxt) is not tuple:
                nexts = [nxt] if not c.goto.random else \
                    self.random_outcomes(sid, state, number, c, [nxt])
                self.link(sid, state, c.key, number, code, nexts)
            else:
                put(of(nxt[0], nxt[1], visits, nxt[3], nxt[2], nxt[4]), code, state, nxt)

    def link(self, sid: int, state: State, key: str, number: int, code: int,
             nexts: list) -> None:
        keyer, put = self.key, self.put
        for nxt in nexts:
            put(key_of(keyer, state, nxt), code, state, nxt)

    def put(self, k: bytes, code: int, state: State, nxt) -> None:
        """One way on: to a State numbered already, or a key to number (its own, or
        sent to its owner, the first time this level; kept as ``pending``)."""
        order = self.base + self.j
        self.j += 1
        self.vias.append(code)
        n = self.old.find(k)
        if n >= 0:
            self.edges.append(n)
            return
        o = hash(k) % self.jobs
        if o == self.w:
            n = self.mine.find(k)
            if n >= 0:
                self.edges.append(self.gsid[n])
                return
            if k not in self.newly:
                self.newly[k] = [order, code, *self._about(nxt), self.w]
                self.pending[order] = (state, nxt)
        else:
            out = self.out[o]
            if k not in out:
                out[k] = len(out)
                self.rows[o].append((k, order, code, *self._about(nxt)))
                self.pending[order] = (state, nxt)
        self.edges.append(~len(self.refs))
        self.refs.append(k)

    def _about(self, nxt) -> tuple:
        """(scene number, the 'let:' draws its path replays) of a way on."""
        if type(nxt) is tuple:  # step.py's Move
            return self.scene_no[nxt[0]], None
        return self.scene_no[nxt.scene], nxt.let if self.key.framed and self.draws(nxt) else None

    def first(self, where: str, message: str) -> bool:
        if not super().first(where, message):
            return False
        self.told_key = (where, message)
        return True

    def finding(self, sid: int, state: State, message: str = "",
                fails: int | None = None) -> Finding:
        """A Finding without its path (the main process has the parent links);
        ``loop`` carries the once-per-place mark of an error only some draws give."""
        told, self.told_key = self.told_key, None
        f = Finding(state.scene, [], dict(state.variables), message=message, fails=fails)
        f.loop = told  # read and cleared by the main process
        return f

    def expand(self) -> None:
        """Visit the States of this level, in their numbers' order."""
        report = self.report
        errors, endings, unpack = report.errors, report.ending_paths, self.pack.unpack
        for gsid, packed in self.level:
            state = unpack(packed)
            self.cur, self.base, self.j = gsid, gsid * ORDER, 0
            self.good = bytearray(1)
            before, ended = len(self.edges), state.scene in endings
            self.visit(0, state)
            self.goods.append(self.good[0])
            self.counts.append(len(self.edges) - before)
            if errors:
                self.found += [(gsid, f, False) for f in errors]
                errors.clear()
            if not ended and state.scene in endings:
                self.found.append((gsid, endings[state.scene], True))

    def take(self, blobs: list[tuple[int, bytes]]) -> dict[int, list[bytes]]:
        """Merge the keys other workers sent with this worker's own new ones;
        per sender, the keys it sent in order (answered once numbered)."""
        asked: dict[int, list[bytes]] = {}
        new, mine_find = self.newly, self.mine.find
        for sender, blob in blobs:
            rows = pickle.loads(blob)
            asked[sender] = [r[0] for r in rows]
            for row in rows:
                k = row[0]
                if mine_find(k) >= 0:
                    continue
                c = new.get(k)
                if c is None or row[1] < c[0]:
                    new[k] = [*row[1:], sender]  # the first to find it builds it
        return asked

    def candidates(self) -> list[tuple[bytes, list]]:
        return sorted(self.newly.items(), key=lambda kv: kv[1][0])

    def number(self, cands: list, lo: int, seq: bytes) -> None:
        """Number this worker's new States as ranked (``seq``: the owner of each
        new State, in order from ``lo``); past it, cut."""
        w, mine, gsid = self.w, self.mine, self.gsid
        places = [lo + i for i, o in enumerate(seq) if o == w]
        for (k, _), g in zip(cands, places, strict=False):
            mine.add(mine.find(k), k)
            gsid.append(g)

    def next_level(self, ranked: list[int], offers: dict[int, tuple], lo: int) -> list:
        """The new States this worker found first (it has the State they come
        from), packed, with their numbers: what it expands next. Nothing about a
        State travels but its key: the one that found it first builds it."""
        jobs, w, pending, pack = self.jobs, self.w, self.pending, self.pack
        at = [0] * jobs
        level = []
        for i, x in enumerate(ranked):
            owner = x % jobs
            n = at[owner]
            at[owner] = n + 1
            if offers[owner][4][n] == w:
                state, nxt = pending[x // jobs]
                level.append((lo + i, pack.move(state, nxt) if type(nxt) is tuple
                              else pack.state(nxt)))
        return level

    def answers(self, asked: dict[int, list[bytes]]) -> dict[int, array]:
        """Per peer, the number of each key it sent this level (-1: cut)."""
        return {o: array("i", map(self.resolve, keys)) for o, keys in asked.items()}

    def resolve(self, k: bytes) -> int:
        n = self.mine.find(k)
        return self.gsid[n] if n >= 0 else -1

    def chunk(self, done: _Done, answers: dict[int, array]) -> tuple:
        """``done``'s (the last level's containers) ways on as State numbers, cut
        ones left out (as one process leaves them); (goods, counts, successors,
        vias, cut, findings)."""
        got: dict[bytes, int] = {}
        for o, ans in answers.items():
            got.update(zip(done.out[o], ans, strict=True))
        resolve, refs, edges, dvias = self.resolve, done.refs, done.edges, done.vias
        goods, counts, succ, vias = done.goods, array("I"), array("i"), array("i")
        cut, e = 0, 0
        for i, n in enumerate(done.counts):
            kept = 0
            for j in range(e, e + n):
                t = edges[j]
                if t < 0:
                    k = refs[~t]
                    t = got[k] if k in got else resolve(k)
                    if t < 0:
                        cut += 1
                        goods[i] = 1
                        continue
                succ.append(t)
                vias.append(dvias[j])
                kept += 1
            counts.append(kept)
            e += n
        return goods, counts, succ, vias, cut, done.found

    def widest_values(self) -> dict[str, set]:
        """The values each part of this worker's keys took (for key.growing)."""
        numbers = self.key.frames.number
        if isinstance(numbers, SharedNumbers):
            numbers.catch_up()
            for name, known in numbers.known.items():
                if name in self.key.tables:
                    self.key.tables[name].met.update((n, v) for v, n in known.items())
        values: dict[str, set] = {}
        for k in self.mine:
            for what, value in self.key.fields(k):
                values.setdefault(what, set()).add(value)
        return values


def _rss_kb() -> int:
    """This process's resident memory now, in KB (0 where /proc is not)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError):
        return 0


def _peak_kb() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _Done:
    """A level's containers kept after it (Worker._reset's), until its ways on are
    numbered."""

    def __init__(self, worker: Worker) -> None:
        self.edges, self.vias, self.refs, self.counts = (worker.edges, worker.vias,
                                                         worker.refs, worker.counts)
        self.goods, self.found, self.out = worker.goods, worker.found, worker.out


def serve(conn, peers: dict, worker: Worker) -> None:
    """A worker process: one level after another until no level is left.
    Without the cyclic garbage collector: the States and ways on make no cycles."""
    gc.disable()
    try:
        _levels(conn, peers, worker)
    except BaseException as e:  # noqa: BLE001  the main process says it failed
        with contextlib.suppress(OSError):
            conn.send(("failed", repr(e)))
        raise SystemExit(1) from None  # no traceback of its own: the main process tells


def _exchange(peers: dict, msgs: dict) -> dict:
    """Send each peer its message and read each one's (a thread sends, so that
    two workers sending each other much at once never both wait)."""
    if not peers:
        return {}
    t = threading.Thread(target=_send_all, args=(peers, msgs))
    t.start()
    got = {o: c.recv() for o, c in peers.items()}
    t.join()
    return got


def _send_all(peers: dict, msgs: dict) -> None:
    """Send each peer its message; a peer gone is seen by the reading side."""
    try:
        for o, c in peers.items():
            c.send(msgs[o])
    except OSError:
        pass


def _rank(orders: dict[int, array], jobs: int, room: int) -> list[int]:
    """The new States of a level, each as its least order * jobs + its worker, in
    the order one process numbers them, cut to ``room`` (parallel.py does the same)."""
    ranked = sorted(o * jobs + w for w, got in orders.items() for o in got)
    del ranked[room:]
    return ranked


def _offer(cands: list) -> tuple:
    """A worker's new States of a level, least order first: (orders, choice codes,
    scene numbers, {place: the 'let:' draws its path replays}, the worker that
    found each first)."""
    return (array("q", [c[0] for _, c in cands]), array("i", [c[1] for _, c in cands]),
            array("i", [c[2] for _, c in cands]),
            {i: c[3] for i, (_, c) in enumerate(cands) if c[3] is not None},
            bytes([c[4] for _, c in cands]))


def _levels(conn, peers: dict, worker: Worker) -> None:
    """Per level: expand; swap the keys owned elsewhere (and the answers to the
    last level's) with the peers; swap the orders of the new States; number them.
    The main process gets each level's new States and ways on, in that order."""
    w, jobs = worker.w, worker.jobs
    known, cut = worker.numbered, False
    done: _Done | None = None
    answers: dict[int, array] = {}
    while True:
        worker.expand()
        got = _exchange(peers, {o: (pickle.dumps(worker.rows[o], 5), answers.get(o))
                                for o in peers})
        if done is not None:
            conn.send(worker.chunk(done, {o: a for o, (_, a) in got.items()}))
        asked = worker.take([(o, blob) for o, (blob, _) in got.items()])
        cands = worker.candidates()
        mine = _offer(cands)
        conn.send(mine)
        offers = _exchange(peers, {o: mine for o in peers})
        offers[w] = mine
        orders = {o: c[0] for o, c in offers.items()}
        ranked = _rank(orders, jobs, max(0, worker.max_states - known))
        cut = cut or len(ranked) < sum(map(len, orders.values()))
        seq = bytes(x % jobs for x in ranked)
        worker.number(cands, known, seq)
        level = worker.next_level(ranked, offers, known)
        known += len(seq)
        answers = worker.answers(asked)
        done = _Done(worker)
        worker._reset()
        worker.level = level
        if not seq:  # no new State anywhere: the last answers, and the search is over
            got = _exchange(peers, answers)
            conn.send(worker.chunk(done, got))
            conn.send((worker.report.choice_hits, worker.widest_values() if cut else {},
                       (worker.rss_at_fork, _peak_kb())))
            return
