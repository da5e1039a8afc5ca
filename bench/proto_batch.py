"""A prototype of explore's memoized search done a breadth-first level at a time in
numpy (issue 17): can vectorizing the per-way-on work of vecloop.py (the copy of
the vector, the writes, the key, the probe, the bookkeeping) reach 3x the States
per CPU s of 389dc23, where the per-State Python loop stops short of it?

    python bench/proto_batch.py STORY [--cap N] --check     (tree and report vs the real)
    python bench/proto_batch.py STORY [--cap N] [--runs N] [--against DIR]   (side by side)
    python bench/proto_batch.py STORY --child real|batch [--cap N]   (one explore, as JSON)

Not the product: a measuring tool (numpy is needed only when it runs: `pip install
numpy`; not a dependency). It plugs into explore() as its ``searcher`` (a Search
whose ``run`` is this), so the rest of explore (loops, guided runs, report) is the
real one. It handles what the two stories of the figure need (389dc23's and the
benchmark story cut at 100,000), and today's shipped story (taken() counts, once-only
bits of several bytes), and refuses (Unsupported) anything else: a State or way on
the engine's step must take (a memo's OLD), a frame in the key, a long key (a
number past 254), more than 32,767 values at a place.

A level's States are stepped CHUNK at a time (each chunk's new States added before
the next's, so the numbers are the sequential search's), as a 2D int16 array: one
row a State, its columns those of vectors.py's vector but each variable's value as
its NUMBER at that place (values numbered per place; the once-only choices taken
numbered as tuples). Per chunk:
1. scene classes: per row its scene and the numbers at the places its scene memo
   reads (np.take, packed two bytes a number into 64-bit words, hashed, unique,
   checked); a class met first is resolved in Python by the scene memo (filled by
   Vectors.offered on the State built from its row, as vecloop fills it): an
   answer, its ways on as (code, choice);
2. the ways on: np.repeat of the rows by their answers' lengths; per way its choice
   class (the choice, the numbers at the places its memo reads), resolved once by
   the choice memo (Vectors.after on a miss) into a spec: (target, writes, visit
   count, once-only choice, stay);
3. each successor's key as numbers without building it: the row left read at the
   target key's places, patched per spec (the scene's number, the writes, the
   count + 1, the once-only set after the choice), each part mapped by a lookup
   table per (target scene, part) filled from key.py's own tables when first asked
   (the same partition of values as the real keys); packed a byte a number (a key
   past 254 would be a long key); deduplicated by first occurrence in (parent, way)
   order (hash, unique with the least index of each run, checked row by row);
4. probed in the set of keys met: a sorted array of 64-bit hashes (one word of key:
   the key itself) with the State numbers, each hit checked against the stored
   key words; new States numbered in order of first occurrence and cut past the
   bound as ways.Ways.cut does; only their rows built (writes, count, once-only
   set, a stay's turn of entry); tree (parent, step, scene, first, succ, via),
   ``good``, the report's scene and choice counts (in the real insertion order),
   endings and the projection's level appended in bulk.
``--check`` compares the tree arrays and the report (JSON, in order) with the real
search's: on the three stories they are the same.

Measured 2026-12-03 at a8bb2d2 (2 shared cores, load 6-9; medians of alternating
processes, floors in brackets; CPU s of the whole explore() after the story is
loaded, numpy imported before: importing it costs some 85 ms CPU more):
- 389dc23's story (359,038 States, 948,111 ways on, 30 levels; 5 runs): old 7.98 s
  [7.82], real 3.16 [2.95] = 2.52x, batch 1.19 [1.18] = 6.70x (6.3x with numpy's
  import); the search alone 2.84 s -> 0.87 s (3.25x).
- benchmark story cut at 100,000 (15 levels; 7 runs): old 2.83 [2.76], real 1.27
  [1.21] = 2.22x, batch 0.82 [0.76] = 3.43x (3.1x with the import); search 0.74 ->
  0.33 (2.26x). The rest of explore (guided runs, loops, the Keyer) is some 0.49 s.
- today's shipped story (86,620 States, 40 levels, keys of up to 33 parts; 7 runs;
  389dc23 cannot load it): real 1.36 [1.32], batch 0.69 [0.67]; search 2.26x.
- per level: a chunk costs about 1 ms however narrow; the Python loop 2.5-3.5 us a
  way on, the batch 0.74-0.9 us on wide levels of 389dc23's story (1.4-3.9 on
  today's): the batch wins past some 400-700 ways on a level. Memo misses
  (Python, as in vecloop) cost the same in both.
- memory, the search alone over the loaded story: 197 vs 188 B/State (389dc23),
  122 vs 110 (benchmark story at 1,000,000 States), 454 vs 219 (today's, 86,620
  States): the keys met take 28, 20 and 52 B/State, the rest is some 10-20 MB of
  chunk arrays, numpy and the doubling of the stored keys, whatever the size
  (CHUNK 1 << 11: 349 B/State on today's, 1.4x the CPU on 389dc23's).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from ana_story.loader import load_story  # noqa: E402
from ana_story.tools.explore import explore, vecloop  # noqa: E402
from ana_story.tools.explore.search import Search  # noqa: E402
from ana_story.tools.explore.vectors import ENDED, H, Vectors  # noqa: E402

U64 = np.uint64
CHUNK = 1 << 14  # States of a level stepped at once (the arrays per way on stay small)
M1, M2 = U64(0x9E3779B97F4A7C15), U64(0xBF58476D1CE4E5B9)


class Unsupported(Exception):
    """What the prototype leaves to the real search (module docstring)."""


def _places(get: Any, width: int) -> list[int]:
    """The places a vectors.py getter reads (probed with a vector of its indices)."""
    if get is None:
        return []
    got = get(tuple(range(width)))
    if isinstance(got, tuple):
        return list(got)
    return [] if got == width else [got]  # (len: no place)


def _rowhash(a: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of an int array (then checked: never trusted)."""
    h = np.full(a.shape[0], 0x243F6A8885A308D3, dtype=U64)
    for j in range(a.shape[1]):
        h ^= a[:, j].astype(U64)
        h *= M1
        h ^= h >> U64(31)
    h *= M2
    return h ^ (h >> U64(29))


def _unique(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique's (first index, inverse) of ``h``, by numpy's unstable (SIMD) sort:
    the first index of each value the least of its run."""
    m = len(h)
    if not m:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(h)
    hs = h[order]
    flag = np.empty(m, dtype=bool)
    flag[0] = True
    np.not_equal(hs[1:], hs[:-1], out=flag[1:])
    starts = np.flatnonzero(flag)
    first = np.minimum.reduceat(order, starts)
    inv = np.empty(m, dtype=np.int64)
    inv[order] = np.cumsum(flag) - 1
    return first, inv


def _pack(a: np.ndarray, kind: type) -> np.ndarray:
    """Rows of numbers from 0 up as rows of 64-bit words (``kind``: uint8 or uint16 a
    number; Unsupported past it): the same rows, fewer columns to hash and compare."""
    if a.size and a.max() > np.iinfo(kind).max:
        raise Unsupported("a number too large for its packed row")
    per = 8 // np.dtype(kind).itemsize
    w = (a.shape[1] + per - 1) // per
    b = np.zeros((a.shape[0], w * per), dtype=kind)
    b[:, :a.shape[1]] = a
    return b.view(U64)


def _hash(w: np.ndarray) -> np.ndarray:
    """Rows of words -> one word each: the word itself when one (exact), else a hash."""
    return w[:, 0].copy() if w.shape[1] == 1 else _rowhash(w)


def _unique_rows(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first index of each distinct row of words, each row's distinct number): by
    hash, checked; exact np.unique on the rows if two rows share a hash."""
    first, inv = _unique(_hash(w))
    if w.shape[1] > 1 and not (w[first[inv]] == w).all():  # a hash shared: exactly
        _, first, inv = np.unique(w, axis=0, return_index=True, return_inverse=True)
        inv = inv.ravel()
    return first, inv


class Codes:
    """Per place, each value met its number (0, 1, ...), and back; the once-only
    choices taken (a sorted tuple) numbered the same way in place 1."""

    def __init__(self, vectors: Vectors) -> None:
        self.nv = len(vectors.names)
        self.width = vectors.flag + 1
        self.num: list[dict] = [{} for _ in range(self.width)]
        self.val: list[list] = [[] for _ in range(self.width)]
        self.coded = [p == 1 or H <= p < H + self.nv for p in range(self.width)]
        self.trans: dict[tuple[int, str], int] = {}
        self.places = [p for p in range(self.width) if self.coded[p]]

    def code(self, p: int, x: Any) -> int:
        if not self.coded[p]:
            return x
        d = self.num[p]
        n = d.get(x)
        if n is None:
            n = d[x] = len(self.val[p])
            if n > 0x7FFF:
                raise Unsupported("a place with more than 32,767 values")
            self.val[p].append(x)
        return n

    def value(self, p: int, n: int) -> Any:
        return self.val[p][n] if self.coded[p] else n

    def row(self, vec: tuple) -> list[int]:
        return [self.code(p, x) for p, x in enumerate(vec)]

    def vec(self, row: Any) -> tuple:
        out = row.tolist()
        val = self.val
        for p in self.places:
            out[p] = val[p][out[p]]
        return tuple(out)

    def once_plus(self, n: int, key: str) -> int:
        got = self.trans.get((n, key))
        if got is None:
            got = self.trans[n, key] = self.code(1, tuple(sorted({*self.val[1][n], key})))
        return got


class Luts:
    """Per (scene, part of its key): number at the part's place -> the key's number
    there (key.py's tables), in one flat int32 array of segments, -1 where not yet
    asked; a segment grows (moved to the end) when a larger number comes."""

    def __init__(self, vectors: Vectors, codes: Codes) -> None:
        self.codes = codes
        n = len(vectors.ids)
        parts: list[list[tuple[int, Any]]] = []
        for tno in range(n):
            parts.append(self._parts(vectors.keys[tno][1], codes.width))
        self.j = max(map(len, parts))
        self.parts = [p + [(0, None)] * (self.j - len(p)) for p in parts]  # None: 0
        self.place = np.array([[p for p, _ in ps] for ps in self.parts], dtype=np.int64)
        self.off = np.zeros(n * self.j, dtype=np.int64)
        self.cap = np.zeros(n * self.j, dtype=np.int64)
        self.flat = np.full(1 << 16, -1, dtype=np.int32)
        self.owner = np.zeros(1 << 16, dtype=np.int32)  # arena place -> its segment
        self.used = 0

    @staticmethod
    def _parts(info: tuple, width: int) -> list[tuple[int, Any]]:
        """(place, table) of each part of a scene's key, from Vectors.keys' pair the one
        for a vector with taken() counts (its flag 1): with the flag 0 the counts
        are 0 (one key each way: the flag decides the rest)."""
        got = list(zip(_places(info[1], width), info[2], strict=True))
        if len(info) == 3:  # short, the flag and counts among the parts ({1: 1}: 0 -> 0)
            return got
        for i in range(info[4]):  # once-only bits (their sum), a byte a part as key.py
            got.append((1, ("once", info[3], 8 * i)))
        if info[5] is not None:  # the flag itself, then the counts, capped
            flag, tget, caps = info[5]
            got.append((flag, ("same",)))
            got += zip(_places(tget, width), caps, strict=True)
        return got

    def _number(self, g: int, v: int) -> int:
        n = self._number1(g, v)
        if n > 0xFFFF:
            raise Unsupported("a key number past 65,535")
        return n

    def _number1(self, g: int, v: int) -> int:
        tno, j = divmod(g, self.j)
        p, tab = self.parts[tno][j]
        if tab is None:
            return 0
        x = self.codes.value(p, v)
        if isinstance(tab, tuple) and tab[0] == "same":
            return x
        if isinstance(tab, tuple):  # once-only bits: a byte of their sum
            bits = tab[1]
            return sum(bits.get(k, 0) for k in x) >> tab[2] & 0xFF
        if type(tab) is dict:  # the scene's own number (another scene's: never read)
            return tab.get(x, 0)
        return tab[x]

    def _grow(self, g: int, need: int) -> None:
        cap = max(8, 2 * int(self.cap[g]), need)
        if self.used + cap > len(self.flat):
            more = np.full(max(len(self.flat), cap), -1, dtype=np.int32)
            self.flat = np.concatenate([self.flat, more])
            self.owner = np.concatenate([self.owner, np.zeros(len(more), dtype=np.int32)])
        old, n = int(self.off[g]), int(self.cap[g])
        self.flat[self.used:self.used + n] = self.flat[old:old + n]
        self.owner[self.used:self.used + cap] = g
        self.off[g], self.cap[g] = self.used, cap
        self.used += cap

    def need(self, f: np.ndarray, wmax: np.ndarray) -> np.ndarray:
        """Per place, past the largest number a successor of frontier ``f`` can have
        there: f's largest or the largest a spec writes (``wmax``), + 2 (a count
        one more); every once-only set numbered; the scenes at place 0."""
        nd = np.maximum(f.max(axis=0).astype(np.int64), wmax) + 2
        for p in self.codes.places:
            nd[p] = min(nd[p], len(self.codes.val[p]))
        nd[1] = len(self.codes.val[1])
        nd[0] = len(self.parts)
        return nd

    def prepare(self, tp: np.ndarray, nd: np.ndarray) -> None:
        """The lookup tables of targets ``tp`` made room for numbers below ``nd`` at
        their places (not filled: -1 until asked)."""
        tp = tp.astype(np.int64)
        g = (tp[:, None] * self.j + np.arange(self.j)[None, :]).ravel()
        need = nd[self.place[tp]].ravel()
        short = np.flatnonzero(need > self.cap[g])
        for gg, nn in zip(g[short].tolist(), need[short].tolist(), strict=True):
            self._grow(gg, nn)

    def lookup(self, tno: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Key numbers (m x J) of targets ``tno`` with numbers ``v`` at their key's
        places (prepared: room for them); those not yet asked filled by key.py."""
        g = np.take(self.off.reshape(-1, self.j).astype(np.int32), tno, axis=0)
        g += v
        k = np.take(self.flat, g)  # (np.take: faster than fancy indexing here)
        if k.size and k.min() < 0:  # each place of the arena asked once: marked, not sorted
            miss = np.flatnonzero(k < 0)  # (flat places in k)
            at = g.ravel()[miss]
            mark = np.zeros(self.used, dtype=bool)
            mark[at] = True
            slots = np.flatnonzero(mark)
            for a, gg in zip(slots.tolist(), self.owner[slots].tolist(), strict=True):
                self.flat[a] = self._number(gg, a - int(self.off[gg]))
            k.ravel()[miss] = self.flat[at]
        return k

    def keys(self, s: np.ndarray) -> np.ndarray:
        """The key numbers of rows ``s`` (m x J), as key.py numbers them."""
        tno = s[:, 0].astype(np.intp)
        self.prepare(np.unique(tno), s.max(axis=0).astype(np.int64) + 1)
        return self.lookup(tno, s[np.arange(s.shape[0])[:, None], self.place[tno]])


class Seen:
    """The keys met: a sorted array of their 64-bit hashes with the State numbers,
    and each State's key numbers (uint16, one row a State), checked on every hit."""

    def __init__(self, j: int) -> None:
        self.h = np.zeros(0, dtype=U64)
        self.n = np.zeros(0, dtype=np.int32)
        self.k = np.zeros((1024, (j + 7) // 8), dtype=U64)  # key numbers, a byte each
        self.size = 0

    def find(self, h: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The State number of each distinct key (hash ``h``, numbers ``k``), -1: new."""
        if not self.size:
            return np.full(len(h), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.h, h), self.size - 1)
        hit = self.h[pos] == h
        n = np.where(hit, self.n[pos], -1).astype(np.int64)
        at = np.flatnonzero(hit)
        bad = at[(self.k[n[at]] != k[at]).any(axis=1)]
        for i in bad.tolist():  # a hash shared by two keys: the run of equal hashes
            n[i] = -1
            p = int(pos[i])
            while p < self.size and self.h[p] == h[i]:
                if (self.k[self.n[p]] == k[i]).all():
                    n[i] = self.n[p]
                    break
                p += 1
        return n

    def add(self, h: np.ndarray, k: np.ndarray, first: int) -> None:
        """Keys ``k`` (hashes ``h``) as States ``first``, ``first + 1``, ..."""
        m = len(h)
        while self.size + m > len(self.k):
            self.k = np.concatenate([self.k, np.zeros_like(self.k)])
        self.k[first:first + m] = k
        order = np.argsort(h)
        hs = h[order]
        at = np.searchsorted(self.h, hs, side="right")
        self.h = np.insert(self.h, at, hs)
        self.n = np.insert(self.n, at, (first + order).astype(np.int32))
        self.size += m

    def nbytes(self) -> int:
        return self.h.nbytes + self.n.nbytes + self.size * self.k.shape[1] * 8


class Ids:
    """search.ids after the search: its length, and store.Visited's data and ends
    (key bytes, short keys only) when key.growing reads them (a cut search)."""

    def __init__(self, seen: Seen, luts: Luts, scenes: np.ndarray) -> None:
        self.seen, self.luts, self.scenes = seen, luts, scenes

    def __len__(self) -> int:
        return self.seen.size

    def _bytes(self) -> tuple[bytes, list[int]]:
        if getattr(self, "made", None) is None:
            self.made = self._make()
        return self.made

    def _make(self) -> tuple[bytes, list[int]]:
        k = self.seen.k[:self.seen.size].view(np.uint8)
        if k.max(initial=0) > 254:
            raise Unsupported("a long key")
        lens = np.array([sum(1 for _, t in ps if t is not None) for ps in self.luts.parts])
        ln = lens[self.scenes[:self.seen.size]]
        mask = np.arange(k.shape[1])[None, :] < ln[:, None]
        data = k.astype(np.uint8)[mask].tobytes()
        return data, [0, *np.cumsum(ln).tolist()]

    @property
    def data(self) -> bytes:
        return self._bytes()[0]

    @property
    def ends(self) -> list[int]:
        return self._bytes()[1]


def _pad(rows: list[list[int]]) -> np.ndarray:
    """Lists of places as a matrix, padded with place 0 (the scene's number: the
    same within a scene, so a class is not split by it)."""
    w = max(1, *map(len, rows))
    return np.array([r + [0] * (w - len(r)) for r in rows], dtype=np.int64)


def _names(rows: np.ndarray) -> list[bytes]:
    """Rows of words as bytes (a dict's keys)."""
    rows = np.ascontiguousarray(rows)
    return rows.view(np.dtype((np.void, rows.shape[1] * 8))).ravel().tolist()


class Classes:
    """The memos by classes of rows, in two stages. A row's scene class (its scene,
    the numbers at the places its scene's memo reads) gives its answer: the ways
    on as (code, choice); a way's choice class (the choice, the numbers at the
    places its memo reads, of the row it leaves) gives where it leads: a spec
    (target, writes, count, extra). Met first, a class is resolved in Python by
    the memos (filled as vecloop fills them); the specs as arrays."""

    def __init__(self, search: Search, vectors: Vectors, codes: Codes) -> None:
        self.s, self.v, self.codes = search, vectors, codes
        width = codes.width
        rows = []
        for get, once, _ in vectors.scenes:
            if get is None:
                raise Unsupported("a scene the engine's step takes")
            rows.append(_places(get, width) + ([1] if once else []))
        self.splaces = rows
        self.sp = _pad(rows)
        self.cid = {k: i for i, k in enumerate(vectors.choices)}
        self.ckeys = list(vectors.choices)
        self.cplaces = [_places(g, width) for g, _, _ in vectors.choices.values()]
        self.cp = _pad(self.cplaces)
        self.scache: dict[bytes, int] = {}
        self.ccache: dict[bytes, int] = {}
        self.aid: dict[int, int] = {}  # id(answer) -> its number
        self.answers: list[Any] = []  # a memo's answer (a list) or ENDED
        self.aways: list[list[tuple[int, int]]] = []  # answer -> (code, choice number)
        self.specs: list[tuple] = []  # spec -> after
        self.sid_of: dict[int, int] = {}  # id(after) -> spec
        self.built = -1

    def _partial(self, row: np.ndarray, places: list[int]) -> list:
        vec: list = [None] * self.codes.width
        for p in places:
            vec[p] = self.codes.value(p, int(row[p]))
        return vec

    def answer(self, f: np.ndarray) -> np.ndarray:
        """The answer of each row (new scene classes resolved in row order)."""
        sc = f[:, 0].astype(np.intp)
        at = np.take(self.sp, sc, axis=0)
        at += (np.arange(len(f)) * f.shape[1])[:, None]
        key = _pack(np.column_stack([sc, np.take(np.ascontiguousarray(f).ravel(), at)]),
                    np.uint16)
        first, inv = _unique_rows(key)
        names = _names(key[first])
        got = [self.scache.get(b) for b in names]
        for u in sorted((u for u, c in enumerate(got) if c is None), key=first.__getitem__):
            got[u] = self.scache[names[u]] = self._scene(f[first[u]])
        return np.array(got, dtype=np.int64)[inv]

    def _scene(self, row: np.ndarray) -> int:
        v = self.v
        sno = int(row[0])
        get, once, memo = v.scenes[sno]
        vec = self._partial(row, self.splaces[sno])
        mk = (get(vec), once.intersection(vec[1])) if once else get(vec)
        e = memo.get(mk)
        if e is None:
            e = memo[mk] = v.offered(v.state(self.codes.vec(row)))
        got = self.aid.get(id(e))
        if got is not None:
            return got
        if type(e) is list:
            if not e[0]:  # (vecloop's step: the report's choice counts, in order)
                hits = self.s.report.choice_hits
                hits.update((key, hits.get(key, 0)) for _, key, _ in e[1])
            ways = [(code, self.cid[key]) for code, key, _ in e[1]]
        elif e is ENDED:
            ways = []
        else:
            raise Unsupported("a State the engine's step takes")
        self.aid[id(e)] = len(self.answers)
        self.answers.append(e)
        self.aways.append(ways)
        return len(self.answers) - 1

    def spec(self, f: np.ndarray, prow: np.ndarray, cid: np.ndarray) -> np.ndarray:
        """The spec of each way on (the row it leaves, its choice)."""
        at = np.take(self.cp, cid, axis=0)
        at += (prow * f.shape[1])[:, None]
        key = _pack(np.column_stack([cid, np.take(np.ascontiguousarray(f).ravel(), at)]),
                    np.uint16)
        first, inv = _unique_rows(key)
        names = _names(key[first])
        got = [self.ccache.get(b) for b in names]
        for u in sorted((u for u, c in enumerate(got) if c is None), key=first.__getitem__):
            w = first[u]
            got[u] = self.ccache[names[u]] = self._choice(f[prow[w]], int(cid[w]))
        return np.array(got, dtype=np.int64)[inv]

    def _choice(self, row: np.ndarray, cid: int) -> int:
        v = self.v
        get, memo, c = v.choices[self.ckeys[cid]]
        mk = get(self._partial(row, self.cplaces[cid]))
        if mk in memo:
            e = memo[mk]
        else:
            e = memo[mk] = v.after(v.state(self.codes.vec(row)), c) or None
        if e is None:
            raise Unsupported("a way on the engine's step takes")
        got = self.sid_of.get(id(e))
        if got is None:
            got = self.sid_of[id(e)] = len(self.specs)
            self.specs.append(e)
        return got

    def arrays(self) -> None:
        """The answers and specs as arrays (the new ones added to the lists)."""
        if self.built == len(self.answers) + len(self.specs):
            return
        self.built = len(self.answers) + len(self.specs)
        if not hasattr(self, "lists"):
            self.lists: dict[str, list] = {k: [] for k in (
                "tno", "count", "tcount", "stay", "once", "wn", "wcol", "wval", "alen", "code",
                "cid", "ended")}
            self.done = [0, 0]
        t, c = self.lists, self.codes
        for _, _, writes, cnt, tno, extra in self.specs[self.done[1]:]:
            t["tcount"].append(extra.count if extra is not None else 0)
            t["tno"].append(tno)
            t["count"].append(cnt)
            t["stay"].append(extra is not None and extra.stay)
            t["once"].append(extra.once if extra is not None and extra.once is not None else "")
            t["wn"].append(len(writes))
            t["wcol"] += [p for p, _ in writes]
            t["wval"] += [c.code(p, x) for p, x in writes]
        for a, ways in zip(self.answers[self.done[0]:], self.aways[self.done[0]:], strict=True):
            t["alen"].append(len(ways))
            t["code"] += [cd for cd, _ in ways]
            t["cid"] += [ci for _, ci in ways]
            t["ended"].append(a is ENDED)
        self.done = [len(self.answers), len(self.specs)]
        self.sp_tno = np.array(t["tno"], dtype=np.int16)
        self.sp_count = np.array(t["count"], dtype=np.int64)
        self.sp_tcount = np.array(t["tcount"], dtype=np.int64)  # a taken() count's place
        self.sp_stay = np.array(t["stay"], dtype=bool)
        self.sp_once = t["once"]
        self.sp_has_once = np.array([o != "" for o in t["once"]], dtype=bool)
        self.sp_wn = np.array(t["wn"], dtype=np.int64)
        self.sp_w0 = np.cumsum(self.sp_wn) - self.sp_wn
        self.wcol = np.array(t["wcol"], dtype=np.int64)
        self.wval = np.array(t["wval"], dtype=np.int16)
        self.an_len = np.array(t["alen"], dtype=np.int64)
        self.an_start = np.cumsum(self.an_len) - self.an_len
        self.an_code = np.array(t["code"], dtype=np.int32)
        self.an_cid = np.array(t["cid"], dtype=np.int64)
        self.an_ended = np.array(t["ended"], dtype=bool)


class BatchSearch(Search):
    """search.Search, its run by levels in numpy (the module docstring)."""

    def run(self, progress: Any) -> int:
        v = Vectors(self.story, self.key, self.step, self.pack.kept or frozenset(),
                    self.codes, self.drawing, self.report.seed)
        self.vectors = v
        if self.key.framed:
            raise Unsupported("frames in the key")
        codes = Codes(v)
        self.luts, self.classes = Luts(v, codes), Classes(self, v, codes)
        self.seen = Seen(self.luts.j)
        self.stats: list[tuple] = []  # per level: (States, classes, new classes, ways)
        rows = []
        for entry in self.queue:
            vec = v.vector(self.pack.unpack(entry))
            if vec is None:
                raise Unsupported("a start State a vector does not hold")
            rows.append(codes.row(vec))
        self.queue.clear()
        f = np.array(rows, dtype=np.int16)  # (numbers, counts and turns below 32,768)
        k = self.luts.keys(f)
        k = _pack(k, np.uint8)
        self.seen.add(_hash(k), k, 0)
        self.scenes_np = [f[:, 0].copy()]
        sid0 = 0
        while len(f):
            if len(self.stats) > 30_000:
                raise Unsupported("a turn past 32,767")
            f = self._level(f, sid0)
            sid0 = self.seen.size - len(f)
        self.ids = Ids(self.seen, self.luts, np.concatenate(self.scenes_np))  # type: ignore
        vecloop._flush(v, self.report.choice_hits)
        return sid0

    def _level(self, f: np.ndarray, sid0: int) -> np.ndarray:
        """Explore the States ``f`` (numbers sid0, sid0 + 1, ...), CHUNK of them at a
        time (each chunk's new States added before the next's: the same numbers);
        the next level's States."""
        cl = self.classes
        t0, known, made = time.process_time(), self.seen.size, (len(cl.answers), len(cl.specs))
        nexts, ways, tried = [], 0, 0
        for lo in range(0, len(f), CHUNK):
            nxt, kept, m = self._part(f[lo:lo + CHUNK], sid0 + lo)
            nexts.append(nxt)
            ways += kept
            tried += m
        self.projection.level(ways, self.seen.size - known, self.seen.size,
                              self.report.scene_hits)
        self.stats.append((len(f), len(nexts), len(cl.answers) - made[0],
                           len(cl.specs) - made[1], tried, time.process_time() - t0))
        return np.concatenate(nexts)

    def _part(self, f: np.ndarray, sid0: int) -> tuple[np.ndarray, int, int]:
        """Explore the States ``f`` (numbers sid0, sid0 + 1, ...): (their new
        successors, the ways on kept, the ways on)."""
        cl, tree, report = self.classes, self.tree, self.report
        n = len(f)
        ans = cl.answer(f)
        cl.arrays()
        counts = np.bincount(ans, minlength=len(cl.answers))
        for c in np.flatnonzero(counts).tolist():
            e = cl.answers[c]
            if type(e) is list:
                e[0] += int(counts[c])
        good = np.zeros(n, dtype=np.uint8)
        self._endings(f, sid0, cl.an_ended[ans], good)
        nw = cl.an_len[ans]
        m = int(nw.sum())
        prow = np.repeat(np.arange(n), nw)
        way = np.repeat(cl.an_start[ans] - (np.cumsum(nw) - nw), nw) + np.arange(m)
        code = cl.an_code[way]
        spec = cl.spec(f, prow, cl.an_cid[way])
        cl.arrays()
        k = _pack(self._keys(f, prow, spec), np.uint8)  # (a number past 255: a long key)
        first, inv = _unique_rows(k)
        h = _hash(k[first])
        found = self.seen.find(h, k[first])
        new = np.flatnonzero(found < 0)
        new = new[np.argsort(first[new], kind="stable")]
        room = max(0, self.max_states - self.seen.size)
        kept, over = new[:room], new[room:]
        found[kept] = self.seen.size + np.arange(len(kept))
        succ = found[inv]
        ok = succ >= 0
        if len(over):
            report.cut += int((~ok).sum())
            report.complete = False
            good[prow[~ok]] = 1
        per = np.bincount(prow[ok], minlength=n)
        start = len(tree.succ)
        tree.first.frombytes((start + np.cumsum(per) - per).astype(np.int32).tobytes())
        tree.succ.frombytes(succ[ok].astype(np.int32).tobytes())
        tree.via.frombytes(code[ok].astype(np.int32).tobytes())
        self.good.extend(good.tobytes())
        nf = first[kept]
        tree.parent.frombytes((sid0 + prow[nf]).astype(np.int32).tobytes())
        tree.step.frombytes(code[nf].astype(np.int32).tobytes())
        s = self._successors(f, prow[nf], spec[nf])  # the new States only
        tno = s[:, 0]
        kind = np.uint16 if tree.scene_of.at.typecode == "H" else np.uint32
        tree.scene_of.at.frombytes(tno.astype(kind).tobytes())
        self._hits(tno)
        self.seen.add(h[kept], k[nf], self.seen.size)
        self.scenes_np.append(tno.copy())
        return s, int(ok.sum()), m

    def _keys(self, f: np.ndarray, prow: np.ndarray, spec: np.ndarray) -> np.ndarray:
        """The key numbers of each way on's successor, read from the row it leaves
        at the target key's places, patched by the spec (its writes, its visit
        count, its once-only choice): no successor built."""
        lu, cl = self.luts, self.classes
        self._patches()
        tno = cl.sp_tno[spec].astype(np.intp)
        m = len(prow)
        at = np.take(lu.place, tno, axis=0)
        at += (prow * f.shape[1])[:, None]
        v = np.take(np.ascontiguousarray(f).ravel(), at)
        kn = self.kp_n[spec]
        wi = np.repeat(np.arange(m), kn)
        wk = np.repeat(self.kp_0[spec], kn) + (np.arange(len(wi)) - np.repeat(np.cumsum(kn) - kn,
                                                                            kn))
        v[wi, self.kp_j[wk]] = self.kp_v[wk]
        for j in (self.kp_inc[spec], self.kp_tinc[spec]):
            at = np.flatnonzero(j >= 0)
            v[at, j[at]] += 1
        at = np.flatnonzero(self.kp_once[spec] >= 0)
        if len(at):  # every part read from place 1 (once-only bits: a byte a part)
            sub = v[at]
            mask = np.take(lu.place, tno[at], axis=0) == 1
            new = np.broadcast_to(self._once(f[prow[at], 1], spec[at])[:, None], sub.shape)
            sub[mask] = new[mask]
            v[at] = sub
        lu.prepare(np.flatnonzero(np.bincount(tno, minlength=len(lu.parts))),
                   lu.need(f, self.wmax))
        return lu.lookup(tno, v)

    def _once(self, once: np.ndarray, spec: np.ndarray) -> np.ndarray:
        """The once-only choices taken after the specs' choices (their numbers)."""
        cl = self.classes
        u, back = np.unique(once.astype(np.int64) << 32 | spec, return_inverse=True)
        to = np.array([cl.codes.once_plus(x >> 32, cl.sp_once[x & 0xFFFFFFFF])
                       for x in u.tolist()], dtype=np.int16)
        return to[back.ravel()]

    def _patches(self) -> None:
        """Per spec, what it changes at its target key's places: (part, number)
        written (the scene's own number too), the part whose count it adds one to,
        the part of the once-only choices (-1: none)."""
        cl, lu, c = self.classes, self.luts, self.classes.codes
        if not hasattr(self, "kl"):
            self.kl: dict[str, list] = {k: [] for k in ("n", "j", "v", "inc", "tinc", "once")}
        t = self.kl
        if len(t["n"]) == len(cl.specs):
            return
        for _, _, writes, cnt, tno, extra in cl.specs[len(t["n"]):]:
            w = dict(writes)
            n, inc, tinc, once = 0, -1, -1, -1
            tcount = extra.count if extra is not None else 0
            for j, (p, tab) in enumerate(lu.parts[tno]):
                if tab is None:
                    continue
                if p == 0 or p in w:
                    t["j"].append(j)
                    t["v"].append(tno if p == 0 else c.code(p, w[p]))
                    n += 1
                elif cnt and p == cnt:
                    inc = j
                elif tcount and p == tcount:
                    tinc = j
                elif p == 1 and extra is not None and extra.once is not None:
                    once = j
            t["n"].append(n)
            t["inc"].append(inc)
            t["tinc"].append(tinc)
            t["once"].append(once)
        self.kp_n = np.array(t["n"], dtype=np.int64)
        self.kp_0 = np.cumsum(self.kp_n) - self.kp_n
        self.kp_j = np.array(t["j"], dtype=np.int64)
        self.kp_v = np.array(t["v"], dtype=np.int16)
        self.kp_inc = np.array(t["inc"], dtype=np.int64)
        self.kp_tinc = np.array(t["tinc"], dtype=np.int64)
        self.kp_once = np.array(t["once"], dtype=np.int64)
        self.wmax = np.zeros(c.width, dtype=np.int64)  # per place, the most a spec writes
        np.maximum.at(self.wmax, cl.wcol, cl.wval.astype(np.int64))

    def _successors(self, f: np.ndarray, prow: np.ndarray, spec: np.ndarray) -> np.ndarray:
        """Each way on's successor (vecloop's record: the writes, the visit count,
        the once-only choice taken, a stay's turn of entry)."""
        cl = self.classes
        m = len(prow)
        s = f[prow]
        s[:, 0] = cl.sp_tno[spec]
        s[:, 2] += 1
        s[:, 3] = np.where(cl.sp_stay[spec], s[:, 3], s[:, 2])
        wn = cl.sp_wn[spec]
        wi = np.repeat(np.arange(m), wn)
        wk = np.repeat(cl.sp_w0[spec], wn) + (np.arange(len(wi)) - np.repeat(np.cumsum(wn) - wn,
                                                                              wn))
        s[wi, cl.wcol[wk]] = cl.wval[wk]
        for cc in (cl.sp_count[spec], cl.sp_tcount[spec]):  # a visit, a taken() count
            at = np.flatnonzero(cc)
            s[at, cc[at]] += 1
        at = np.flatnonzero(cl.sp_has_once[spec])
        if len(at):
            s[at, 1] = self._once(s[at, 1], spec[at])
        return s

    def _endings(self, f: np.ndarray, sid0: int, ended: np.ndarray, good: np.ndarray) -> None:
        """vecloop._ended for the level's endings: the first of each scene found."""
        at = np.flatnonzero(ended)
        if not len(at):
            return
        good[at] = 1
        paths = self.report.ending_paths
        for r in at.tolist():
            sid = self.vectors.ids[int(f[r, 0])]
            if sid not in paths:
                state = self.vectors.state(self.classes.codes.vec(f[r]))
                paths[state.scene] = self.finding(sid0 + r, state)

    def _hits(self, tno: np.ndarray) -> None:
        """The report's scene counts of the new States, in the order first found."""
        if not len(tno):
            return
        u, first, cnt = np.unique(tno, return_index=True, return_counts=True)
        hits, ids = self.report.scene_hits, self.vectors.ids
        for i in np.argsort(first).tolist():
            name = ids[int(u[i])]
            hits[name] = hits.get(name, 0) + int(cnt[i])


def _tree(s: Search) -> dict:
    t = s.tree
    return {"parent": t.parent, "step": t.step, "scene": t.scene_of.at, "first": t.first,
            "succ": t.succ, "via": t.via, "good": s.good}


def check(story_dir: str, cap: int) -> int:
    """The batch search's tree and report against the real search's."""
    story = load_story(story_dir)
    kept: dict[str, Any] = {}

    def keeper(cls: type) -> Any:
        def make(*a: Any) -> Search:
            s = kept[cls.__name__] = cls(*a)
            return s
        return make

    reports = {name: explore(story, max_states=cap, searcher=keeper(c)).to_json()
               for name, c in (("real", Search), ("batch", BatchSearch))}
    for r in reports.values():
        r.pop("seconds", None)
    trees = {name: _tree(kept[c.__name__]) for name, c in (("real", Search),
                                                          ("batch", BatchSearch))}
    bad = [k for k in trees["real"] if trees["real"][k] != trees["batch"][k]]
    same = json.dumps(reports["real"]) == json.dumps(reports["batch"])
    b = kept["BatchSearch"]
    print(f"{story_dir}: States {reports['real']['states']} / {reports['batch']['states']}, "
          f"tree arrays differing: {bad or 'none'}, report (json, in order) same: {same}")
    print(f"  levels {len(b.stats)}; per level: States, chunks, new answers, new specs,"
          " ways on, CPU ms:")
    print("  " + " ".join(f"({','.join(map(str, x[:5]))},{x[5] * 1000:.1f})" for x in b.stats))
    print(f"  scene classes {len(b.classes.scache)}, choice classes {len(b.classes.ccache)}, "
          f"answers {len(b.classes.answers)}, specs {len(b.classes.specs)}, "
          f"seen {b.seen.nbytes() / max(1, b.seen.size):.1f} B/State")
    return 0 if same and not bad else 1


CHILD_OLD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from ana_story.loader import load_story
from ana_story.tools.explore import explore
story = load_story(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.process_time()
r = explore(story, max_states=int(sys.argv[3]))
whole = time.process_time() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"states": r.states, "whole": whole, "search": None,
                  "bytes": (peak - base) * 1024 / r.states}))
"""


def child(story_dir: str, cap: int, mode: str) -> None:
    """One explore in this process: the real search or the batch one; CPU s of the
    whole explore and of Search.run."""
    story = load_story(story_dir)
    cls = BatchSearch if mode == "batch" else Search
    box: dict[str, float] = {}
    run = cls.run

    def timed(self: Search, progress: Any) -> int:
        c = time.process_time()
        got = run(self, progress)
        box["search"] = time.process_time() - c
        return got

    cls.run = timed  # type: ignore[method-assign]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.process_time()
    r = explore(story, max_states=cap, searcher=cls)
    whole = time.process_time() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"states": r.states, "whole": whole, "search": box["search"],
                      "bytes": (peak - base) * 1024 / r.states}))


def _one(argv: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(argv, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench(story_dir: str, cap: int, runs: int, against: str | None) -> None:
    """Alternating processes: real, batch (and old); medians, floors, ratios."""
    got: dict[str, list[dict]] = {"real": [], "batch": [], "old": []}
    me = [sys.executable, __file__, story_dir, "--cap", str(cap), "--child"]
    for _ in range(runs):
        got["real"].append(_one([*me, "real"]))
        got["batch"].append(_one([*me, "batch"]))
        if against:
            got["old"].append(_one([sys.executable, "-c", CHILD_OLD, against, story_dir,
                                    str(cap)]))
    print(f"{story_dir} cap {cap}, {runs} runs each, load {os.getloadavg()}")
    for name, rows in got.items():
        if not rows:
            continue
        whole = [r["whole"] for r in rows]
        line = f"  {name:5} States {rows[0]['states']}: explore CPU median " \
               f"{statistics.median(whole):.3f} s (floor {min(whole):.3f})"
        if rows[0]["search"] is not None:
            srch = [r["search"] for r in rows]
            line += f", search median {statistics.median(srch):.3f} s (floor {min(srch):.3f})"
        line += f", peak over loaded {statistics.median(r['bytes'] for r in rows):.0f} B/State"
        print(line)
    med = {k: statistics.median(r["whole"] for r in v) for k, v in got.items() if v}
    if "old" in med:
        print(f"  States per CPU s vs old: real {med['old'] / med['real']:.2f}x, "
              f"batch {med['old'] / med['batch']:.2f}x")
    sr = statistics.median(r["search"] for r in got["real"])
    sb = statistics.median(r["search"] for r in got["batch"])
    print(f"  search alone: batch {sr / sb:.2f}x the real loop")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("story")
    ap.add_argument("--cap", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--against")
    ap.add_argument("--child")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    if a.child:
        child(a.story, a.cap, a.child)
        return 0
    if a.check:
        return check(a.story, a.cap)
    bench(a.story, a.cap, a.runs, a.against)
    return 0


if __name__ == "__main__":
    sys.exit(main())
