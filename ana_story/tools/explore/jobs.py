"""explore --jobs N over the memos: the search starts in one process (vecloop.py's
memoized loop, as with one job) and is shared by N worker processes (jobpart.py)
once it has numbered SWITCH States; a smaller space ends in this one process,
where the memos it fills and the levels it waits on would cost two processes more
than they save. The workers are forked then, each with the search as it stood:
the keys met, the memos filled, the queue of the level to come.

The report is the one a single process gives: the workers number new States in
the order one process meets them (jobpart.py), and this process lays out the tree
from their parts a level at a time (per worker, a few arrays extended: nothing is
done here per way on), adds the scenes' and choices' counts and the cut, and gives
each finding its path, in the order of the States. Values of variables are numbered
alike in every process from the fork on (worker.SharedNumbers), so keys compare.
"""
from __future__ import annotations

import contextlib
import os
from array import array
from itertools import accumulate
from typing import Any

from ...errors import AnaStoryError
from ...model import Story
from .key import gathered, rank
from .report import Progress
from .search import Search
from .store import Visited

SWITCH = 200_000  # States numbered before the search is shared by the workers


class WorkerLost(AnaStoryError):
    """A worker ended without saying why (killed, out of memory): said as a message."""


def cores() -> int:
    """The cores this process may run on (explore --jobs 0, the default)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - not Linux


class JobSearch(Search):
    """Search, shared by ``jobs`` processes once it is big (module docstring)."""

    def __init__(self, story: Story, max_states: int, seed: int, strict: bool, jobs: int):
        super().__init__(story, max_states, seed, strict)
        self.jobs = jobs
        self.went = False  # shared: this process holds the tree, not every key
        self.values: dict[str, set] = {}  # what the workers' keys took (a cut search)
        self.phase_ids: Visited | None = None  # the keys met before the fork
        self.hand = _Hand(self)

    def widest(self) -> list[dict]:
        if not self.went:
            return super().widest()
        values = gathered(self.phase_ids or (), self.key)
        for what, got in self.values.items():
            values.setdefault(what, set()).update(got)
        return rank(values)


class _Known:
    """The States numbered, for ``len`` (the keys are the workers')."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n


class _Hand:
    """vecloop's hand-over: ``ready(known)`` once SWITCH States are numbered, then
    ``hand(explored, progress)`` runs the rest in the workers; the States explored."""

    def __init__(self, search: JobSearch) -> None:
        self.s = search

    def ready(self, known: int) -> bool:
        return known >= SWITCH

    def __call__(self, explored: int, progress: Progress | None) -> int:
        import tempfile  # (here, as below: what only the shared search needs, some 5 MB)
        from multiprocessing import Pipe

        from .worker import SharedNumbers
        s, n = self.s, self.s.jobs
        fd, path = tempfile.mkstemp(prefix="ana-story-explore-")
        os.close(fd)
        tables = [*s.key.tables.values(), s.key.frames]
        numbers = SharedNumbers(path)
        for table in tables:  # the numbers met so far, the same in every process
            for x in table.met:
                numbers(table.name, x)
            table.number = numbers
        lo, hi = explored, len(s.ids)
        entries = list(s.queue)
        bounds = [lo + (hi - lo) * w // n for w in range(n + 1)]
        links = {(a, b): Pipe() for a in range(n) for b in range(a + 1, n)}
        ups = [Pipe(duplex=False) for _ in range(n)]
        pids: list[int] = []
        failed = True
        try:
            for me in range(n):
                pid = os.fork()
                if pid == 0:  # pragma: no cover - a worker (its coverage is its own)
                    _child(s, me, links, ups, entries[bounds[me] - lo:bounds[me + 1] - lo],
                           bounds[me])
                pids.append(pid)
            for x, y in links.values():
                x.close()
                y.close()
            for _, w in ups:
                w.close()
            s.went = True
            s.queue.clear()
            done = _Merge(s, [r for r, _ in ups]).levels(lo, hi, progress)
            failed = False
            return done
        finally:
            _stop(pids, failed)
            for table in tables:
                table.number = None  # (this process numbers on alone)
            if numbers.fd >= 0:
                os.close(numbers.fd)
            os.unlink(path)


def _child(s: JobSearch, me: int, links: dict, ups: list, block: list, s0: int) -> None:
    """A worker's life: its ends of the pipes kept, the others closed (so that a
    worker that dies is seen to), Ctrl-C left to the main process; never returns."""
    import pickle
    import signal
    code = 1
    up = ups[me][1]
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        peers = {}
        for (a, b), (x, y) in links.items():
            keep = x if a == me else y if b == me else None
            for end in (x, y):
                if end is not keep:
                    end.close()
            if keep is not None:
                peers[b if a == me else a] = keep
        for w, (r, x) in enumerate(ups):
            r.close()
            if w != me:
                x.close()
        from .jobpart import Part
        Part(s, me, s.jobs, dict(sorted(peers.items())), up).run(block, s0)
        code = 0
    except BaseException as e:  # noqa: BLE001  said to the main process, which stops
        if os.environ.get("ANA_STORY_DEBUG"):
            import traceback
            traceback.print_exc()
        lost = isinstance(e, (EOFError, ConnectionError))  # a peer stopped first
        with contextlib.suppress(BaseException):
            up.send_bytes(pickle.dumps(("lost",) if lost else
                                       ("failed", f"{type(e).__name__}: {e}")))
    finally:
        os._exit(code)


def _stop(pids: list[int], failed: bool) -> None:
    """Reap the workers; after a failure (or Ctrl-C here) end them first."""
    import signal
    for pid in pids:
        if failed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _recv(conn: Any, others: list) -> tuple:
    """A worker's next message; its failure raised (a peer that only saw another stop:
    the failure of that other, if it said one)."""
    import pickle
    try:
        got = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError):
        got = ("lost",)
    if got[0] == "lost":
        got = _why(others)
    if got[0] == "failed":
        raise RuntimeError(f"explore --jobs: a worker failed: {got[1]}")
    if got[0] == "lost":
        raise WorkerLost("explore --jobs: a worker process stopped without a word (killed, "
                         "or out of memory?); --jobs 1 searches in one process")
    return got


def _why(conns: list) -> tuple:
    """("failed", why) when a worker said it failed (within a second), else ("lost",)."""
    import pickle
    for conn in conns:
        with contextlib.suppress(EOFError, OSError):
            while conn.poll(1.0):
                got = pickle.loads(conn.recv_bytes())
                if got[0] == "failed":
                    return got
    return ("lost",)


class _Merge:
    """The main process after the fork: the workers' parts laid out a level at a time."""

    def __init__(self, search: JobSearch, ups: list) -> None:
        self.s, self.ups = search, ups

    def levels(self, lo: int, hi: int, progress: Progress | None) -> int:
        """The levels from the one of States ``lo`` to ``hi`` - 1 on, as the workers
        send them; the States explored."""
        s = self.s
        tree, report = s.tree, s.report
        hits = report.scene_hits
        while True:
            ways, new = len(tree.succ), 0
            errors: list = []
            endings: list = []
            self.ticked = 0
            for up in self.ups:
                new += self._part(self._next(up, lo, hi, progress), errors, endings)
            self._findings(errors, endings)
            known = hi + new
            s.projection.level(len(tree.succ) - ways, new, known, hits)
            if progress is not None:
                progress(hi, known)
            if not new:
                break
            lo, hi = hi, known
        choices = report.choice_hits
        for up in self.ups:
            _, got, values = _recv(up, self.ups)
            for k, c in got.items():
                choices[k] = choices.get(k, 0) + c
            for what, vals in values.items():
                s.values.setdefault(what, set()).update(vals)
        s.phase_ids, s.ids = s.ids, _Known(hi)  # type: ignore[assignment]
        return hi

    def _next(self, up: Any, lo: int, hi: int, progress: Progress | None) -> tuple:
        """A worker's next part of the level; meanwhile the States it says it expanded
        (every TICK) said to ``progress``, as one process says them every 2,000."""
        while True:
            msg = _recv(up, self.ups)
            if msg[0] != "tick":
                return msg
            self.ticked += msg[1]
            if progress is not None:
                progress(lo + self.ticked, hi)

    def _part(self, msg: tuple, errors: list, endings: list) -> int:
        """One worker's part of a level, laid out; how many new States it numbered."""
        _, counts, succ, via, good, parents, steps, scenes, seen, cut, errs, ends = msg
        s = self.s
        tree, report = s.tree, s.report
        first = array("i", accumulate(counts, initial=len(tree.succ)))
        first.pop()
        tree.first.extend(first)
        tree.succ.extend(succ)
        tree.via.extend(via)
        s.good.extend(good)
        tree.parent.extend(parents)
        tree.step.extend(steps)
        tree.scene_of.at.extend(scenes)
        hits = report.scene_hits
        for scene, c in seen.items():
            hits[scene] = hits.get(scene, 0) + c
        if cut:
            report.cut += cut
            report.complete = False
        errors += errs
        endings += ends
        return len(parents)

    def _findings(self, errors: list, endings: list) -> None:
        """The findings of a level, with their paths, in the order of their States;
        an error only some draws give only the first time at its place (Search.first)."""
        s = self.s
        tree, report = s.tree, s.report
        for sid, f in errors:
            told, f.loop = f.loop, None
            if told is not None:
                if told in s.told:
                    continue
                s.told.add(told)
            f.scene, f.path, f.start = tree.scene_of[sid], tree.path(sid), tree.start(sid)
            report.errors.append(f)
        for sid, f in endings:
            if f.scene not in report.ending_paths:
                f.path, f.start = tree.path(sid), tree.start(sid)
                report.ending_paths[f.scene] = f
