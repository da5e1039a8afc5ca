"""The breadth-first loop over vectors (vectors.py): Search.run when the step is
the memos'. Per State its scene's memo gives the choices offered, per choice its
memo where it leads and what it writes; per way on, the successor's vector is the
State's with those writes (a bytearray or an array copied, or a list where a
number does not fit), its key read from it by the target's compiled key function
(keyfn.py). The table of keys (store.Visited) is probed and filled here, inline:
this loop is most of explore's time. A successor is queued as ``bytes``, a byte a
place (numbers only: codes.py), else as an array of two-byte numbers, else as a
tuple: on today's story the widest level's queue took some 800 bytes a vector
as tuples, 126 as bytes; on the reactive one (29 places) 272 and 148."""
from __future__ import annotations

import gc
from array import array
from collections.abc import Callable
from typing import Any

from .vectors import ENDED, OLD, Vectors

YOUNG = 50_000  # objects made before the garbage collector looks (Python's default: 700)
_LOW = 0xFFFFFFFF  # store.Visited's part of a key's hash
_BIG = 0x7FFFFFFF  # store.Visited.settle: past this many bytes of keys, 8-byte ends
Vec = bytes | array | tuple  # a vector as queued: a byte a place (codes.py), two, a tuple
SHORT = "h"  # an array of numbers of two bytes (signed)
WIDE = 16  # places from which a vector is queued as bytes or an array, not a tuple


def run(vectors: Vectors, search: Any, progress: Any) -> int:
    """Search.run by the memos: Search.levels' loop (``_levels``) with the step
    below. The cyclic garbage collector looks at young objects less often
    meanwhile: each queued vector is young once, and looking at its items costs
    (measured: 0.3 of 3.2 CPU s on the 389dc23 story); nothing here makes a cycle."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG), *threshold[1:])
    try:
        step = _stepper(vectors, search)
        other = _other(vectors, search, step)
        if getattr(search, "OWN_LEVELS", False):  # rerun.py's Rerun: its loop, our step
            explored = search.levels(progress, _taker(step, other))
        else:
            explored = _levels(search, progress, step, other)
    finally:
        gc.set_threshold(*threshold)
    _flush(vectors, search.report.choice_hits)
    return explored


def _levels(search: Any, progress: Any, step: Callable[[int, Vec, Any], None],
            other: Callable[[int, Any], None]) -> int:
    """Search.levels, the same levels and projection, but a vector queued here (a
    tuple of numbers first) is stepped straight, anything else by ``other``: one
    call a State less."""
    queue, first, succ, good = search.queue, search.tree.first, search.tree.succ, search.good
    hashes, hits, projection = search.ids.hashes, search.report.scene_hits, search.projection
    popleft, begin, mark = queue.popleft, first.append, good.append
    explored, level_end, ways = 0, len(queue), 0  # level 0: the start States
    while queue:
        entry = popleft()
        sid = explored
        explored += 1
        if progress is not None and explored % 2000 == 0:
            progress(explored, len(hashes))
        begin(len(succ))
        mark(0)
        kind = type(entry)
        if kind is bytes or kind is array or kind is tuple and type(entry[0]) is int:
            step(sid, entry, None)  # a vector queued here
        else:
            other(sid, entry)
        if explored == level_end:  # a level of the breadth-first search done
            projection.level(len(succ) - ways, len(hashes) - level_end, len(hashes), hits)
            level_end, ways = len(hashes), len(succ)
    return explored


def _taker(step: Callable[[int, Vec, Any], None], other: Callable[[int, Any], None]
           ) -> Callable[[int, Any], None]:
    """Search.levels' ``take`` for a search with a loop of its own: a vector queued
    here by ``step``, anything else by ``other``."""
    def take(sid: int, entry: Any) -> None:
        kind = type(entry)
        if kind is bytes or kind is array or kind is tuple and type(entry[0]) is int:
            step(sid, entry, None)
        else:
            other(sid, entry)

    return take


def _other(vectors: Vectors, search: Any, step: Callable[[int, Vec, Any], None]
           ) -> Callable[[int, Any], None]:
    """``other(sid, entry)``: anything else queued (a start State, a State the
    engine built) as a vector when it can be one (then ``step``'s), else
    Search.visit's."""
    unpack, visit = search.pack.unpack, search.visit

    def other(sid: int, entry: Any) -> None:
        state = unpack(entry)
        vec = vectors.vector(state)
        if vec is None:
            visit(sid, state)
        else:
            step(sid, vec, state)

    return other


def _stepper(vectors: Vectors, search: Any) -> Callable[[int, Vec, Any], None]:
    """``step(sid, vec, state)``: State ``sid`` by the memos (``state``: the State
    when one was built already); what they leave (OLD) by Search.visit."""
    visit, scenes, record = search.visit, vectors.scenes, _recorder(vectors, search)
    hits, onces = search.report.choice_hits, vectors.onces.back

    def step(sid: int, vec: Vec, state: Any) -> None:
        get, once, memo = scenes[vec[0]]
        e = OLD
        if get is not None:
            mk = (get(vec), once.intersection(onces[vec[1]])) if once else get(vec)
            e = memo.get(mk)
            if e is None:
                state = state or vectors.state(vec)
                e = memo[mk] = vectors.offered(state)
        if type(e) is list:
            afters = [m.get(g(vec)) for g, m in e[2]]
            if None in afters:  # a choice's memo lacks it, or says OLD (kept as None)
                afters = _resolve(vectors, vec, e[1], state)
            if afters is not None:
                if not e[0]:  # counted (_flush) where the engine's step counts them first
                    hits.update((key, hits.get(key, 0)) for _, key, _ in e[1])
                e[0] += 1
                record(sid, vec, e[1], afters)
                return
        elif e is ENDED:
            _ended(vectors, search, sid, vec, state)
            return
        visit(sid, state or vectors.state(vec))

    return step


def _resolve(vectors: Vectors, vec: Vec, ways: tuple, state: Any) -> list | None:
    """Where each way on leads from ``vec`` by the choices' memos, filled where they
    lack it; None when one is not the memo's (the State is then Search.visit's).
    A choice's memo keeps OLD as None: the step checks its answers for one value."""
    afters = []
    for _, _, (get, memo, c) in ways:
        mk = get(vec)
        if mk in memo:
            e = memo[mk]
        else:
            state = state or vectors.state(vec)
            e = memo[mk] = vectors.after(state, c) or None  # (OLD is 0)
        if e is None:
            return None
        afters.append(e)
    return afters


def _ended(vectors: Vectors, search: Any, sid: int, vec: Vec, state: Any) -> None:
    """An ending: the first one of its scene's is found (as Search.visit does)."""
    search.good[sid] = 1
    if vectors.ids[vec[0]] not in search.report.ending_paths:
        state = state or vectors.state(vec)
        search.report.ending_paths[state.scene] = search.finding(sid, state)


def _flush(vectors: Vectors, hits: dict[str, int]) -> None:
    """Add to the report's choice counts each choice's ways followed by the memo
    (counted per scene's answer as it went, not per way)."""
    for get, _, memo in vectors.scenes:
        for e in memo.values() if get is not None else ():
            if type(e) is list and e[0]:  # (never followed: never counted)
                for _, key, _ in e[1]:
                    hits[key] += e[0]
                e[0] = 0


def _base(vec: Vec) -> tuple[bytearray | array | list, Callable[[], Any], bool]:
    """(base, its copier, whether it is an array) of ``record``: the vector of
    ``vec``'s successors before their writes, on the turn after ``vec``'s: a byte a
    place while every number fits one, two while they fit two (copied, written,
    queued in C), else a list."""
    if type(vec) is bytes:
        base: bytearray | array | list = bytearray(vec)
    elif type(vec) is array:
        base = vec[:]
    else:
        base = list(vec)
    try:
        base[2] = base[3] = vec[2] + 1  # an entry: its visit begins on the new turn
    except (ValueError, OverflowError):  # (a turn past what a byte or two hold)
        base = list(vec)
        base[2] = base[3] = vec[2] + 1
    if isinstance(base, array):  # (a key is read from a list: an array's items are slower)
        return base, base.__copy__, True
    return base, base.copy, False


def _listed(base: bytearray | array | list, tno: int, writes: tuple, count: int, extra: Any,
            once: int, began: int) -> list:
    """``record``'s successor as a list: where a number does not fit ``base``'s."""
    w = list(base)
    w[0] = tno
    for i, x in writes:
        w[i] = x
    if count:
        w[count] += 1
    if extra is not None:
        extra(w, once, began)
    return w


def _packed(w: list | bytearray | array, packed: bool) -> Vec:
    """A successor as queued: built in a bytearray, as bytes; in an array, itself;
    a list, when ``packed`` (its vectors numbers only, WIDE places or more: see
    ``_recorder``) a byte a place when every number fits one, else two (an array:
    a number below 0 too), else a tuple (a list would take 32 bytes more). Its
    scene's number and its turn tried first: past 255 in a story of 1,000 scenes."""
    if type(w) is bytearray:
        return bytes(w)
    if type(w) is array:
        return w
    if not packed:
        return tuple(w)
    if w[0] < 255 and w[2] < 255:
        try:
            return bytes(w)
        except ValueError:
            pass
    try:
        return array(SHORT, w)
    except OverflowError:
        return tuple(w)


def _recorder(vectors: Vectors, search: Any) -> Callable[[int, tuple, tuple, list], None]:
    """``record(sid, vec, ways, afters)``: ways.take_all's bookkeeping of State
    ``sid``'s ways on: each successor's key read, found in the table or added
    (store.Visited.find and add, inline) and then queued."""
    ids, tree, limit = search.ids, search.tree, search.max_states
    if tree.scene_of.ids != vectors.ids:  # the scene numbers appended below are ours
        raise RuntimeError("the tree numbers scenes otherwise")
    hashes, data, scene_hits, cut = ids.hashes, ids.data, search.report.scene_hits, search.cut
    queue, parent, step, scene_of = search.queue.append, tree.parent.append, \
        tree.step.append, tree.scene_of.at.append
    succ, via = tree.succ.append, tree.via.append
    flag = vectors.flag
    # queued as bytes or an array when numbers only (codes.py; a float: a tuple) and
    # WIDE places or more (the flag is the last): their items are read and written
    # slower than a list's, and a short vector's tuple is small
    packed = all(k in (int, str, bool) for k in vectors.kinds) and vectors.flag + 1 >= WIDE

    def record(sid: int, vec: Vec, ways: tuple, afters: list) -> None:
        once, began = vec[1], vec[3]
        base, dup, arr = _base(vec)
        slots, ends = ids.slots, ids.ends
        mask = len(slots) - 1
        for (code, _, _), (target, keys, writes, count, tno, extra) in \
                zip(ways, afters, strict=True):
            w = dup()
            try:
                w[0] = tno
                for i, x in writes:
                    w[i] = x
                if count:
                    w[count] += 1
                if extra is not None:  # a once-only choice, one counted, a stay (Extra)
                    extra(w, once, began)
            except (ValueError, TypeError, OverflowError):  # a number past it, a float
                w = _listed(base, tno, writes, count, extra, once, began)
            k = keys[w[flag]](list(w) if arr else w)  # (no choice counted yet, or some)
            h = hash(k) & _LOW
            i = h & mask
            while True:
                n = slots[i]
                if n < 0 or (hashes[n] == h and data[ends[n]:ends[n + 1]] == k):
                    break
                i = (i + 1) & mask
            if n < 0:
                n = len(hashes)
                if n >= limit:
                    cut(sid)
                    continue
                slots[i] = n
                hashes.append(h)
                data.extend(k)
                ends.append(len(data))
                if 2 * n + 2 > len(slots) or len(data) > _BIG:
                    ids.settle(n)  # (a table grown, or 8-byte ends: read again)
                    slots, ends = ids.slots, ids.ends
                    mask = len(slots) - 1
                queue(_packed(w, packed))
                parent(sid)
                step(code)
                scene_of(tno)
                scene_hits[target] = scene_hits.get(target, 0) + 1
            succ(n)
            via(code)

    return record
