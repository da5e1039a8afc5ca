"""A worker of explore --jobs over the memos (jobs.py): forked from the search once
it is big, with the search as it stood (its table of keys, its memos, its queue).
It owns the keys whose hash names it (jobstep.py) and expands, level by level, a
stretch of each level's States (their numbers in a row). Per level, with each
peer (one message each way, the lower number sending first):

1. the keys put aside for that peer: concatenated bytes, their lengths and places;
   the owner probes them (a key new to it is claimed by the lowest place: the
   lower worker's, then the earlier way on, as one process meets them);
2. which of those keys the sender met first (and so numbers);
3. how many new States each worker numbers: new States are numbered in the order
   of their first places, so worker 0's come first, then worker 1's, ...; past
   --max-states the rest are cut, as one process cuts them;
4. the numbers of the keys numbered that the peer owns;
5. the number of every key the peer sent: its ways on are then State numbers;
6. the States of the next level handed over when the workers' stretches differ by
   more than SLACK (vectors as they are queued, or packed States when a vector holds
   numbers of strings or of once-only choices, which each process numbers itself).

To the main process it sends per level its part of the tree in the order of the
State numbers (per State its count of ways on and whether it ends, per way on its
target and choice, per new State its parent, choice and scene), the scenes' counts,
the cut and its findings; at the end its choice counts and, for a cut search, the
values each part of its keys took (key.gathered).
"""
from __future__ import annotations

import os
import pickle
from array import array
from typing import Any

from . import vecloop
from .jobstep import linker, router
from .key import gathered
from .report import Finding
from .vecloop import LOW

TICK = 20_000  # States a worker expands between two words to the main process's progress
SLACK = 256  # States one worker may have above another before some are handed over


class Part:
    """One worker (module docstring)."""

    def __init__(self, search: Any, me: int, n: int, peers: dict, up: Any) -> None:
        self.s, self.v, self.me, self.n, self.peers, self.up = \
            search, search.vectors, me, n, peers, up
        self.parent = os.getppid()
        self.hi0 = self.hi = len(search.ids)  # States numbered (by all workers)
        self.gl = array("i", range(self.hi))  # local key number -> State number (-1: none)
        self.full = self.hi >= search.max_states
        self.built: Any = None
        self.where: dict[int, int] = {}  # id(a Finding) -> its State
        self.told_key: tuple | None = None
        story = search.story
        self.portable = not any(k is str for k in self.v.kinds) and not any(
            c.once for sc in story.scenes.values() for c in sc.choices)
        self._adapt(search)
        self.step = router(self, self.v, search)
        self.other = vecloop.taker(self.v, search, self.step)

    def _adapt(self, search: Any) -> None:
        """The search's own hooks made a worker's: its ways on routed, its findings
        without paths (the main process has the parent links), its counts from 0."""
        search.take_all = search.take_each
        search.link = linker(self, search)
        told = search.first

        def first(where: str, message: str) -> bool:
            if not told(where, message):
                return False
            self.told_key = (where, message)
            return True

        def finding(sid: int, state: Any, message: str = "", fails: int | None = None
                    ) -> Finding:
            f = Finding(state.scene, [], dict(state.variables), message=message, fails=fails)
            f.loop, self.told_key = self.told_key, None  # read and cleared by the main process
            self.where[id(f)] = sid
            return f

        search.first, search.finding = first, finding
        hits = search.report.choice_hits
        for k in hits:
            hits[k] = 0
        _zero(self.v)
        search.report.errors.clear()
        search.report.cut = 0
        search.queue.clear()

    # the step's records (jobstep.py)
    def aside(self, o: int, k: bytes, sid: int, code: int, vec: Any, after: Any) -> int:
        """A key worker ``o`` owns, put aside for it; its handle."""
        out = self.out[o]
        i = len(out[1])
        out[0] += k  # (one run of bytes: a key object apiece took some 60 bytes a way)
        out[6].append(len(k))
        out[1].append(len(self.handles))
        out[2].append(sid)
        out[3].append(code)
        out[4].append(vec)
        out[5].append(after)
        return i * self.n + o

    def mine(self, m: int, sid: int, code: int, vec: Any, after: Any) -> None:
        """A key new to this worker's table (local number ``m``), met first here."""
        mine = self.out[self.me]
        self.pw.append(self.me)
        self.pi.append(len(mine[1]))
        mine[0].append(m)
        mine[1].append(len(self.handles))
        mine[2].append(sid)
        mine[3].append(code)
        mine[4].append(vec)
        mine[5].append(after)

    def way(self, k: bytes, sid: int, code: int, after: list) -> int:
        """A way on the engine's step took (jobstep.linker): its handle."""
        o = (hash(k) >> 32) % self.n
        if o != self.me:
            return self.aside(o, k, sid, code, None, after)
        ids = self.s.ids
        m = ids.find(k)
        if m < 0:
            if self.full:
                return -1
            m = ids.add(m, k)
            self.gl.append(-1)
            self.mine(m, sid, code, None, after)
        return m * self.n + self.me

    # a level
    def run(self, block: list, s0: int) -> None:
        """Expand levels until no State is new; then the last word to the main process."""
        while True:
            total, block, s0 = self.level(block, s0)
            if not total:
                break
        r = self.s.report
        vecloop.flush(self.v, r.choice_hits)
        values = self._values() if self.hi >= self.s.max_states else {}
        self.up.send_bytes(pickle.dumps(("end", r.choice_hits, values), 5))

    def level(self, block: list, s0: int) -> tuple[int, list, int]:
        """One level: expand ``block`` (States s0, s0 + 1, ...), settle its keys with
        the peers, tell the main process; (new States, the next block, its first)."""
        s = self.s
        self.base = len(s.ids)
        self.handles, self.via, counts = array("q"), array("i"), array("I")
        self.out: list[list] = [[bytearray(), array("I"), array("i"), array("i"), [], [],
                                 array("I")]
                                for _ in range(self.n)]
        self.out[self.me][0] = array("i")  # (local numbers, not keys)
        self.pw, self.pi = array("b"), array("i")
        good, errors, ends = s.good, s.report.errors, set(s.report.ending_paths)
        if len(good) < s0 + len(block):
            good.extend(bytes(s0 + len(block) - len(good)))
        for at in range(0, len(block), TICK):
            self._expand(block[at:at + TICK], s0 + at, counts)
            if os.getppid() != self.parent:  # the main process is gone: so is the search
                raise SystemExit(1)
            if at + TICK < len(block):
                self.up.send_bytes(pickle.dumps(("tick", TICK)))  # (for the progress bar)
        sent = self._claims()
        wins, kept, hi, counts_all = self._number(sent)
        succ = self._resolve(sent)
        counts, succ, via, cut = self._cuts(s0, counts, succ)
        new = self._made(wins[:kept])
        errs = [(self.where[id(f)], f) for f in errors]
        met = [(self.where[id(f)], f) for scene, f in s.report.ending_paths.items()
               if scene not in ends]
        errors.clear()
        self.where.clear()
        self.up.send_bytes(pickle.dumps(
            ("level", counts, succ, via, bytes(good[s0:s0 + len(block)]), new[1], new[2],
             new[3], new[4], cut, errs, met), 5))
        total = sum(counts_all)
        block, s0 = self._share(new[0], hi, counts_all)
        self.hi += total
        self.full = self.hi >= s.max_states
        return total, block, s0

    def _expand(self, block: list, s0: int, counts: array) -> None:
        """Take States s0, s0 + 1, ... (``block``); each one's count of ways on."""
        step, other, handles = self.step, self.other, self.handles
        for sid, entry in enumerate(block, s0):
            before = len(handles)
            kind = type(entry)
            if kind is bytes or kind is array or kind is tuple and type(entry[0]) is int:
                step(sid, entry, None)
            else:
                other(sid, entry)
            counts.append(len(handles) - before)

    def _swap(self, make: Any) -> dict:
        """One message to each peer and one from each (the lower number sends first)."""
        got = {}
        for o, conn in self.peers.items():
            if self.me < o:
                conn.send_bytes(pickle.dumps(make(o), 5))
                got[o] = pickle.loads(conn.recv_bytes())
            else:
                got[o] = pickle.loads(conn.recv_bytes())
                conn.send_bytes(pickle.dumps(make(o), 5))
        return got

    def _claims(self) -> dict:
        """Steps 1 and 2: the peers' keys probed here; per peer the local number of
        each key it sent (-1: new past --max-states)."""
        got = self._swap(lambda o: (self.out[o][0], self.out[o][6], self.out[o][1]))
        return {o: self._probe(o, blob, lens) for o, (blob, lens, _) in got.items()}

    def _probe(self, o: int, blob: bytes, lens: array) -> array:
        """The keys worker ``o`` sent, found in this worker's table or added (a key
        new this level claimed by the lowest worker); their local numbers."""
        ids, gl, pw, pi, base = self.s.ids, self.gl, self.pw, self.pi, self.base
        hashes, data, blob = ids.hashes, ids.data, bytes(blob)  # (keys: hashable bytes)
        ms, at, add = array("i"), 0, ids.add
        slots, ends = ids.slots, ids.ends
        mask = len(slots) - 1
        for i, size in enumerate(lens):
            k = blob[at:at + size]
            at += size
            h = hash(k) & LOW
            j = h & mask
            m = slots[j]
            while m >= 0 and (hashes[m] != h or data[ends[m]:ends[m + 1]] != k):
                j = (j + 1) & mask
                m = slots[j]
            if m < 0:
                if self.full:
                    ms.append(-1)
                    continue
                m = add(~j, k)
                gl.append(-1)
                pw.append(o)
                pi.append(i)
                slots, ends = ids.slots, ids.ends  # (grown)
                mask = len(slots) - 1
            elif m >= base and pw[m - base] > o:
                pw[m - base], pi[m - base] = o, i
            ms.append(m)
        return ms

    def _number(self, sent: dict) -> tuple[list, int, int, list[int]]:
        """Steps 2 to 4: the keys this worker met first, in the order of their places,
        numbered from its first number; (them as (worker, index), how many are kept,
        that first number, every worker's count of kept new States)."""
        n, me = self.n, self.me
        won: list[array] = [array("I") for _ in range(n)]
        for w, i in zip(self.pw, self.pi, strict=True):
            won[w].append(i)
        got = self._swap(lambda o: won[o])
        got[me] = won[me]
        wins = _in_order(got, self.out, n)
        counts = self._swap(lambda o: len(wins))
        counts[me] = len(wins)
        limit, at, kept_all = self.s.max_states, self.hi, []
        for w in range(n):
            kept_all.append(max(0, min(counts[w], limit - at)))
            at += counts[w]
        first = self.hi + sum(kept_all[:me])
        kept = kept_all[me]
        numbers: list[tuple[array, array]] = [(array("I"), array("i")) for _ in range(n)]
        mine_m = self.out[me][0]
        for r, (o, i) in enumerate(wins[:kept]):
            if o == me:
                self.gl[mine_m[i]] = first + r
            else:
                numbers[o][0].append(i)
                numbers[o][1].append(first + r)
        told = self._swap(lambda o: numbers[o])
        for o, (idx, gs) in told.items():
            ms = sent[o]
            for i, g in zip(idx, gs, strict=True):
                self.gl[ms[i]] = g
        return wins, kept, first, kept_all

    def _resolve(self, sent: dict) -> array:
        """Step 5: every way on's State number (-1: cut)."""
        gl = self.gl
        got = self._swap(lambda o: array("i", [gl[m] if m >= 0 else -1 for m in sent[o]]))
        got[self.me] = gl
        n = self.n
        tabs = [got[o] for o in range(n)]
        return array("i", [tabs[h % n][h // n] if h >= 0 else -1 for h in self.handles])

    def _cuts(self, s0: int, counts: array, succ: array) -> tuple[array, array, array, int]:
        """The ways on to States past --max-states dropped and counted (Ways.cut)."""
        if -1 not in succ:
            return counts, succ, self.via, 0
        good, via = self.s.good, self.via
        s2, v2, c2, cut, e = array("i"), array("i"), array("I"), 0, 0
        for sid, c in enumerate(counts, s0):
            kept = 0
            for j in range(e, e + c):
                if succ[j] < 0:
                    cut += 1
                    good[sid] = 1
                else:
                    s2.append(succ[j])
                    v2.append(via[j])
                    kept += 1
            c2.append(kept)
            e += c
        return c2, s2, v2, cut

    def _made(self, wins: list) -> tuple[list, array, array, array, dict]:
        """The new States this worker numbered, in order: (their queued entries,
        parents, choices, scene numbers, count per scene)."""
        built, out = self.built, self.out
        entries, parents, steps = [], array("i"), array("i")
        scenes = array(self.s.tree.scene_of.at.typecode)
        hits: dict[str, int] = {}
        for o, i in wins:
            vec, after = out[o][4][i], out[o][5][i]
            entries.append(built(vec, after) if vec is not None else after[1])
            parents.append(out[o][2][i])
            steps.append(out[o][3][i])
            scenes.append(after[4])
            hits[after[0]] = hits.get(after[0], 0) + 1
        return entries, parents, steps, scenes, hits

    def _share(self, mine: list, first: int, kept: list[int]) -> tuple[list, int]:
        """Step 6: the next level's block of this worker, and its first State."""
        n, me = self.n, self.me
        if max(kept) - min(kept) <= SLACK:
            return mine, first
        bounds = [self.hi + sum(kept) * w // n for w in range(n + 1)]
        end = first + len(mine)

        def piece(w: int) -> list:
            a, b = max(first, bounds[w]), min(end, bounds[w + 1])
            return mine[a - first:b - first] if a < b else []

        got = self._swap(lambda o: _packed(self._portable(piece(o))))
        got = {o: _unpacked(x) for o, x in got.items()}
        got[me] = piece(me)
        return [e for w in range(n) for e in got[w]], bounds[me]

    def _portable(self, entries: list) -> list:
        """Entries as another worker reads them: vectors holding numbers of strings or
        once-only choices as packed States."""
        if self.portable:
            return entries
        v, pack = self.v, self.s.pack
        return [pack.state(v.state(e)) if type(e) in (bytes, array) or
                type(e) is tuple and type(e[0]) is int else e for e in entries]

    def _values(self) -> dict:
        """The values each part took in the keys this worker numbered (a cut search)."""
        ids, gl, keyer = self.s.ids, self.gl, self.s.key
        numbers = keyer.frames.number  # (jobs.py's SharedNumbers)
        numbers.catch_up()  # values other workers numbered, in keys this one owns
        for name, table in keyer.tables.items():
            table.met.update((n, v) for v, n in numbers.known.get(name, {}).items())
        data, ends = ids.data, ids.ends
        keys = [bytes(data[ends[m]:ends[m + 1]]) for m in range(self.hi0, len(gl))
                if gl[m] >= 0]
        return gathered(keys, keyer)


def _packed(entries: list) -> tuple:
    """Entries to hand over: vectors that are arrays as one run of bytes (an array
    pickles one by one, slowly), anything else as it is."""
    if entries and all(type(e) is array for e in entries):
        code = entries[0].typecode
        if all(e.typecode == code and len(e) == len(entries[0]) for e in entries):
            return ("arrays", code, len(entries), b"".join(map(array.tobytes, entries)))
    return ("as is", entries)


def _unpacked(got: tuple) -> list:
    if got[0] == "as is":
        return list(got[1])
    _, code, count, blob = got
    size = len(blob) // count
    return [array(code, blob[at:at + size]) for at in range(0, len(blob), size)]


def _in_order(got: dict, out: list, n: int) -> list[tuple[int, int]]:
    """(worker, index) of each key met first here, in the order of their places:
    per worker the indices in order (their places grow with them), merged by place."""
    cursors = {o: iter(sorted(idx)) for o, idx in got.items()}
    places = [out[o][1][i] * n + o for o, idx in got.items() for i in idx]
    places.sort()
    return [(p % n, next(cursors[p % n])) for p in places]


def _zero(vectors: Any) -> None:
    """The memos' counts of ways followed, counted by the main process until the fork."""
    for get, _, memo in vectors.scenes.values():
        for e in memo.values() if get is not None else ():
            if type(e) is list:
                e[0] = 0
