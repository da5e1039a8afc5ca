"""The step of a worker of explore --jobs (jobs.py, jobpart.py): vecloop's memoized
step, but each successor's key goes to the worker that owns it (the one its hash
names). A key this worker owns is probed in its own table (store.Visited, inline
as vecloop does); one another owns is put aside for it, with where it was met
(the way on's place in this worker's level), the State it came from, the choice
and what builds the successor's vector: the owner says after the level which
keys are new and who met each first, and only then is a vector built.

Per way on a handle is kept: ``m * n + me`` for a key of this worker's table (its
local number ``m``), ``i * n + o`` for the ``i``-th key put aside for worker
``o``, -1 for a new key past --max-states; jobpart.py turns them into State numbers.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .vecloop import AT, LOW, parts
from .vectors import Vectors
from .ways import key_of

_BIG = 0x7FFFFFFF  # store.Visited.settle: past this many bytes of keys, 8-byte ends


def router(part: Any, vectors: Vectors, search: Any) -> Callable[[int, Any, Any], None]:
    """``step(sid, vec, state)``: vecloop's step, each way on routed (module docstring)."""
    ids, n, me = search.ids, part.n, part.me
    hashes, data = ids.hashes, ids.data
    flag = vectors.flag
    prepare, lookups, part.built, first = parts(vectors, search)
    add = _adder(part, ids)

    def step(sid: int, vec: Any, state: Any) -> None:
        mk, answer = lookups[vec[0]]
        e: Any = answer(mk(vec))
        afters = e[4](vec) if type(e) is list and e[0] else None
        if afters is None or None in afters:
            e, afters = prepare(sid, vec, state, e, afters)
            if e is None:
                return
        e[0] += 1
        at, nat = AT[vec[flag]]
        handles, via = part.handles, part.via
        for code, after in zip(e[3], afters, strict=True):
            lazy = after[at]
            k = lazy(vec, after[nat]) if lazy is not None else first(vec, after, at)
            h = hash(k)
            o = (h >> 32) % n
            if o != me:
                handles.append(part.aside(o, k, sid, code, vec, after))
                via.append(code)
                continue
            h &= LOW
            slots, ends = ids.slots, ids.ends
            mask = len(slots) - 1
            i = h & mask
            m = slots[i]
            while m >= 0 and (hashes[m] != h or data[ends[m]:ends[m + 1]] != k):
                i = (i + 1) & mask
                m = slots[i]
            if m < 0:  # (-1 past --max-states: a handle below 0)
                m = add(i, h, k, sid, code, vec, after)
            handles.append(m * n + me)
            via.append(code)

    return step


def _adder(part: Any, ids: Any) -> Callable[..., int]:
    """``add(i, h, k, sid, code, vec, after)``: key ``k`` (hash ``h``) added at slot ``i``
    of this worker's table, met first here; its local number (-1: past --max-states)."""
    hashes, data, gl = ids.hashes, ids.data, part.gl
    extend = data.extend

    def add(i: int, h: int, k: bytes, sid: int, code: int, vec: Any, after: Any) -> int:
        if part.full:
            return -1
        m = len(hashes)
        ids.slots[i] = m
        hashes.append(h)
        extend(k)
        ids.ends.append(len(data))
        if m >= len(ids.slots) >> 1 or len(data) > _BIG:
            ids.settle(m)
        gl.append(-1)
        part.mine(m, sid, code, vec, after)
        return m

    return add


def linker(part: Any, search: Any) -> Callable[..., None]:
    """Search.link for a worker: a way on the engine's step took (Search.visit),
    routed as ``step`` routes one (its successor packed at once: rare)."""
    keyer, pack, number = search.key, search.pack, part.v.number

    def link(sid: int, state: Any, key: str, choice: int, code: int, nexts: list) -> None:
        for nxt in nexts:
            k = key_of(keyer, state, nxt)
            if type(nxt) is tuple:  # step.py's Move
                scene, entry = nxt[0], pack.move(state, nxt)
            else:
                scene, entry = nxt.scene, pack.state(nxt)
            part.handles.append(part.way(k, sid, code, [scene, entry, None, None,
                                                        number[scene]]))
            part.via.append(code)

    return link
