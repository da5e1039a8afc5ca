"""The breadth-first loop over vectors (vectors.py): Search.run when the step is
the memos'. Per State its scene's memo gives the choices offered, per choice its
memo where it leads and what it writes; per way on, the successor's key is read
from the State's own vector and the numbers of what the way writes (a function
per target and shape of key, keyfn.successor: ``_lazy``), as the target's
compiled key function (keyfn.py) reads it from the successor; about 62% of ways
(389dc23's story) lead to a State already known, so the successor's vector (the
State's with those writes: a bytearray or an array copied, or a list where a
number does not fit) is built only for a new one. The table of keys
(store.Visited) is probed and filled here, inline: this loop is most of explore's
time. A successor is queued as ``bytes``, a byte a place (numbers only: codes.py),
else as an array of two-byte numbers, else as a tuple: on today's story the widest
level's queue took some 800 bytes a vector as tuples, 126 as bytes; on the
reactive one (29 places) 272 and 148."""
from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import partial
from typing import Any

from . import keyfn
from .collector import fewer_collections
from .vectors import ENDED, LAZY, Vectors

LOW = 0xFFFFFFFF  # store.Visited's part of a key's hash
_BIG = 0x7FFFFFFF  # store.Visited.settle: past this many bytes of keys, 8-byte ends
AT = ((LAZY, LAZY + 1), (LAZY + 2, LAZY + 3))  # a way's lazy key by the vector's flag
_BUILT = LAZY + 4  # a way's builder of the vector it leads to (``_first`` adds it)
Vec = bytes | array | tuple  # a vector as queued: a byte a place (codes.py), two, a tuple
SHORT = "h"  # an array of numbers of two bytes (signed)
WIDE = 16  # places from which a vector is queued as bytes or an array, not a tuple


def run(vectors: Vectors, search: Any, progress: Any) -> int:
    """Search.run by the memos: Search.levels' loop (``_levels``) with the step
    below. The cyclic garbage collector looks at young objects less often
    meanwhile: each queued vector is young once, and looking at its items costs
    (measured: 0.3 of 3.2 CPU s on the 389dc23 story); nothing here makes a cycle."""
    with fewer_collections():
        step = _stepper(vectors, search)
        other = taker(vectors, search, step)
        if getattr(search, "OWN_LEVELS", False):  # rerun.py's Rerun: its loop, our step
            explored = search.levels(progress, _taker(step, other))
        else:
            explored = _levels(search, progress, step, other)
    flush(vectors, search.report.choice_hits)
    return explored


def _levels(search: Any, progress: Any, step: Callable[[int, Vec, Any], None],
            other: Callable[[int, Any], None]) -> int:
    """Search.levels, the same levels and projection, but a vector queued here (a
    tuple of numbers first) is stepped straight, anything else by ``other``: one
    call a State less. A level's States are those numbered when it began."""
    queue, first, succ, good = search.queue, search.tree.first, search.tree.succ, search.good
    hashes, hits, projection = search.ids.hashes, search.report.scene_hits, search.projection
    popleft, begin = queue.popleft, first.append
    explored, level_end, ways = 0, len(queue), 0  # level 0: the start States
    hand = getattr(search, "hand", None)  # jobs.py: the rest shared once the search is big
    while queue:
        good.extend(bytes(level_end - explored))  # (set to 1 as the States are taken)
        for sid in range(explored, level_end):
            entry = popleft()
            if progress is not None and sid % 2000 == 1999:
                progress(sid + 1, len(hashes))
            begin(len(succ))
            kind = type(entry)
            if kind is bytes or kind is tuple and type(entry[0]) is int or kind is array:
                step(sid, entry, None)  # a vector queued here
            else:
                other(sid, entry)
        explored = level_end  # a level of the breadth-first search done
        projection.level(len(succ) - ways, len(hashes) - level_end, len(hashes), hits)
        level_end, ways = len(hashes), len(succ)
        if hand is not None and queue and hand.ready(level_end):
            return hand(explored, progress)
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


def taker(vectors: Vectors, search: Any, step: Callable[[int, Vec, Any], None]
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
    when one was built already), its ways on recorded as ways.take_all does: each
    successor's key read (from ``vec`` and the way's writes: Vectors.lazy), found in
    the table or added (store.Visited.find and add, inline) and then queued. What
    the memos lack or leave (OLD) is ``_prepare``'s."""
    ids, tree, limit = search.ids, search.tree, search.max_states
    if tree.scene_of.ids != vectors.ids:  # the scene numbers appended below are ours
        raise RuntimeError("the tree numbers scenes otherwise")
    hashes, data, report, good = ids.hashes, ids.data, search.report, search.good
    scene_hits, extend = report.scene_hits, data.extend
    queue, parent, steps, scene_of = search.queue.append, tree.parent.append, \
        tree.step.append, tree.scene_of.at.append
    succ, via = tree.succ.append, tree.via.append
    flag = vectors.flag
    prepare, lookups, built, first = parts(vectors, search)

    def step(sid: int, vec: Vec, state: Any) -> None:
        mk, answer = lookups[vec[0]]
        e: Any = answer(mk(vec))
        afters = e[4](vec) if type(e) is list and e[0] else None
        if afters is None or None in afters:  # (a choice's memo keeps OLD as None)
            e, afters = prepare(sid, vec, state, e, afters)
            if e is None:
                return
        e[0] += 1
        at, nat = AT[vec[flag]]  # a way's key: after[at](vec, after[nat])
        slots, ends, mask, room = ids.table  # (half full: the table grown)
        for code, after in zip(e[3], afters, strict=True):
            lazy = after[at]
            k = lazy(vec, after[nat]) if lazy is not None else first(vec, after, at)
            h = hash(k) & LOW
            i = h & mask
            n = slots[i]
            while n >= 0 and (hashes[n] != h or data[ends[n]:ends[n + 1]] != k):
                i = (i + 1) & mask
                n = slots[i]
            if n < 0:
                n = len(hashes)
                if n >= limit:  # past --max-states: counted, not kept (Ways.cut)
                    good[sid] = 1
                    report.cut += 1
                    report.complete = False
                    continue
                slots[i] = n
                hashes.append(h)
                extend(k)
                end = len(data)
                ends.append(end)
                if n >= room or end > _BIG:
                    ids.settle(n)  # (a table grown, or 8-byte ends: read again)
                    slots, ends, mask, room = ids.table
                queue(after[_BUILT](vec, after))  # (``built``, or as it, compiled)
                parent(sid)
                steps(code)
                scene_of(after[4])
                target = after[0]
                scene_hits[target] = scene_hits.get(target, 0) + 1
            succ(n)
            via(code)

    return step


def parts(vectors: Vectors, search: Any) -> tuple:
    """(prepare, the scenes' lookups, the successor's builder, the key of a way met
    first) of ``step``, shared with jobstep.py's. A scene's lookup (_lookup's) is made
    when the search first meets the scene (_pending's until then)."""
    prepare = _preparer(vectors, search)
    lookups: list = []
    lookups += [_pending(vectors, lookups, tno) for tno in range(len(vectors.ids))]
    # queued as bytes or an array when numbers only (codes.py; a float: a tuple) and
    # WIDE places or more (the flag is the last): their items are read and written
    # slower than a list's, and a short vector's tuple is small; else tuples
    built = _compact if all(k in (int, str, bool) for k in vectors.kinds) and \
        vectors.flag + 1 >= WIDE else _successor
    return prepare, lookups, built, partial(_first, vectors, {}, built)  # (_lazy's functions)


def _pending(vectors: Vectors, lookups: list, tno: int) -> tuple:
    """Scene number ``tno``'s place in ``lookups`` until the search first meets the
    scene: a pair that puts _lookup's in its place, then answers as that one."""
    def made() -> tuple:
        got = lookups[tno] = _lookup(vectors, tno)
        return got

    return (lambda vec: made()[0](vec)), (lambda mk: lookups[tno][1](mk))


def _lookup(vectors: Vectors, tno: int) -> tuple[Callable[[Vec], Any], Callable[[Any], Any]]:
    """(the memo's key of a vector, the memo's get) of scene number ``tno``
    (vectors.Vectors.scenes): a scene with no memo gets an empty dict no one fills
    (no answer: ``prepare``'s)."""
    get, once, memo = vectors.scenes[tno]
    onces = vectors.onces.back
    if get is None:
        return len, {}.get
    if once:
        return lambda vec: (get(vec), once.intersection(onces[vec[1]])), memo.get
    return get, memo.get


def _first(vectors: Vectors, made: dict, built: Callable[[Vec, list], Vec], vec: Vec,
           after: list, at: int) -> bytes:
    """A way's successor's key read from the successor itself, built (by ``built``,
    as queued: bytes are built faster than a tuple): the way met first (its lazy key
    then made: ``_lazy``), or a key not compiled (once-only bits: every time)."""
    w = built(vec, after)
    k: bytes = after[1][w[-1]](w)  # (a vector's flag: its last item)
    if after[at + 1] == 0:  # (None: never)
        after[at], after[at + 1] = _lazy(vectors, made, after, vec[-1])
    if len(after) == _BUILT:  # how ``step`` builds the successor it queues
        after.append(built if built is not _successor or after[5] is not None else
                     keyfn.builder(len(vec), tuple(p for p, _ in after[2]), after[3]))
    return k


def _lazy(vectors: Vectors, made: dict, after: list, flag: int) -> tuple:
    """(f, numbers): the key of the vector way ``after`` leads to, read by ``f(vec,
    numbers)`` from the vector ``vec`` (of flag ``flag``) it leads from, the numbers
    of the parts the way writes given (keyfn.successor; the last: the way, for a key
    past 255); (None, None) when its key is not a compiled one. Made once the
    successor's key was read whole: each value written is in its table, numbered in
    the order met. ``made``: the key functions by the target and what is written."""
    _, _, writes, count, tno, extra = after[:LAZY]
    written = dict(writes)
    written[0] = tno
    flag = written.get(vectors.flag, flag)
    shape = (tno, flag, tuple(written), count, extra.count if extra is not None else 0)
    f, parts = made.get(shape) or made.setdefault(shape, _shaped(vectors, shape))
    numbers = []
    for t, p in parts:
        if written[p] not in t:
            return None, None
        numbers.append(t[written[p]])
    return (None, None) if f is None else (f, (*numbers, after))  # (a cycle, kept to the end)


def _shaped(vectors: Vectors, shape: tuple) -> tuple:
    """(f, the (table, place) of each part written) for ``_lazy``; (None, ()) when
    the key is not a compiled one."""
    tno, flag, written, count, plus = shape
    spec = vectors.specs[tno][flag]
    if spec is None:
        return None, ()
    letters, parts, tables, places = "", [], [], []
    for p, t in zip(*spec, strict=True):
        if p in written:
            letters += "c"
            parts.append((t, p))
        else:
            letters += "p" if p in (count, plus) else "r"
            tables.append(t)
            places.append(p)
    short = vectors.keys[tno][flag][0]
    return keyfn.successor(short, letters, tables, places, _whole), tuple(parts)


def _successor(vec: Vec, after: list) -> tuple:
    """The vector way ``after`` (Vectors.after) leads to from ``vec`` as a tuple: a
    story whose vectors are not ``_compact``'s, and ``_whole``'s key read."""
    w = list(vec)
    w[2] = w[3] = vec[2] + 1  # an entry: its visit begins on the new turn
    w[0] = after[4]
    for p, x in after[2]:  # (after: target, keys, writes, count, tno, extra, ...)
        w[p] = x
    if after[3]:
        w[after[3]] += 1
    if after[5] is not None:  # a once-only choice, one counted, a stay
        after[5](w, vec[1], vec[3])
    return tuple(w)


def _compact(vec: Vec, after: list) -> Vec:
    """The vector way ``after`` leads to from ``vec``, as queued: built in a
    bytearray (from bytes: then bytes) or an array (itself) while every number
    fits, else in a list (``_packed``)."""
    w: bytearray | array | list = bytearray(vec) if type(vec) is bytes else \
        vec[:] if isinstance(vec, array) else list(vec)
    try:
        w[2] = w[3] = vec[2] + 1  # an entry: its visit begins on the new turn
        w[0] = after[4]
        for p, x in after[2]:
            w[p] = x
        if after[3]:
            w[after[3]] += 1
        if after[5] is not None:  # a once-only choice, one counted, a stay
            after[5](w, vec[1], vec[3])
    except (ValueError, TypeError, OverflowError):  # a number past it, a float
        w = list(_successor(vec, after))
    if isinstance(w, bytearray):
        return bytes(w)
    return _packed(w) if isinstance(w, list) else w


def _packed(w: list) -> Vec:
    """A successor built in a list (its vectors numbers only, WIDE places or more),
    as queued: a byte a place when every number fits one, else two (an array: a
    number below 0 too), else a tuple (a list would take 32 bytes more). Its
    scene's number and its turn tried first: past 255 in a story of 1,000 scenes."""
    if w[0] < 255 and w[2] < 255:
        try:
            return bytes(w)
        except (ValueError, TypeError):  # (a float: a tuple)
            pass
    try:
        return array(SHORT, w)
    except (OverflowError, TypeError):
        return tuple(w)


def _whole(vec: Vec, numbers: tuple) -> bytes:
    """A lazy key's way past 255: the successor built, its key read (numbers[-1]:
    the way)."""
    after = numbers[-1]
    w = _successor(vec, after)
    return after[1][w[-1]](w)


def _preparer(vectors: Vectors, search: Any) -> Callable[[int, Vec, Any, Any, Any], tuple]:
    """``prepare(sid, vec, state, e, afters)``: (the scene's memo's answer, where each
    way on leads) for ``step``, given what it found (``e``: the answer, None if the
    memo lacks it; ``afters``, None if not read), its memos filled as they lack it;
    (None, None) when the State was taken otherwise (an ending, or Search.visit's)."""
    visit, scenes, hits = search.visit, vectors.scenes, search.report.choice_hits
    onces = vectors.onces.back

    def prepare(sid: int, vec: Vec, state: Any, e: Any, afters: Any) -> tuple:
        if e is None:
            get, once, memo = scenes[vec[0]]
            if get is not None:  # (else: no memo, Search.visit's)
                mk = (get(vec), once.intersection(onces[vec[1]])) if once else get(vec)
                state = state or vectors.state(vec)
                e = memo[mk] = vectors.offered(state)
        if type(e) is list:
            if afters is None:
                afters = e[4](vec)
            if None in afters:  # a choice's memo lacks it, or says OLD (kept as None)
                afters = _resolve(vectors, vec, e[1], state)
            if afters is not None:
                if not e[0]:  # counted (flush) where the engine's step counts them first
                    hits.update((key, hits.get(key, 0)) for _, key, _ in e[1])
                return e, afters
        elif e is ENDED:
            _ended(vectors, search, sid, vec, state)
            return None, None
        visit(sid, state or vectors.state(vec))
        return None, None

    return prepare


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


def flush(vectors: Vectors, hits: dict[str, int]) -> None:
    """Add to the report's choice counts each choice's ways followed by the memo
    (counted per scene's answer as it went, not per way)."""
    for get, _, memo in vectors.scenes.values():
        for e in memo.values() if get is not None else ():
            if type(e) is list and e[0]:  # (never followed: never counted)
                for _, key, _ in e[1]:
                    hits[key] += e[0]
                e[0] = 0
