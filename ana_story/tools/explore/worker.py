"""The worker side of explore --jobs (parallel.py): a Worker expands the States
of a level with search.py's own code and records, per State, its findings and,
per way on, the choice, the next scene and the next State's key (short: the key
itself, or its digest). SharedNumbers gives every process the same numbers for
the values of variables, so keys are equal across processes exactly when the
States are.
"""
from __future__ import annotations

import dataclasses
import fcntl
import gc
import hashlib
import os
import pickle
import struct
from array import array
from collections import deque
from collections.abc import Iterator
from itertools import count, repeat

from ...model import Story
from ...state import State
from .key import Keyer, codes_of
from .report import Finding
from .search import Search
from .store import Visited
from .ways import fresh, key_of

CHUNK = 256  # States per message from a worker: the main process merges while they work


class SharedNumbers:
    """(variable, value) -> a number every process agrees on: the values in the
    order any process first met them, kept in an append-only file under a lock.
    Called only on a value this process has not numbered yet."""

    def __init__(self, path: str):
        self.path = path
        self.fd = self.pid = -1
        self.read = 0
        self.known: dict[str, dict] = {}

    def __call__(self, name: str, value: object) -> int:
        if self.pid != os.getpid():  # each process its own open file: flock is per opening
            self.fd, self.pid = os.open(self.path, os.O_RDWR | os.O_APPEND), os.getpid()
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            self.catch_up()
            table = self.known.setdefault(name, {})
            n = table.get(value)
            if n is None:
                n = table[value] = len(table)
                data = pickle.dumps((name, value))
                os.write(self.fd, struct.pack("<I", len(data)) + data)
                self.read += 4 + len(data)
            return n
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def catch_up(self) -> None:
        """Read the values other processes numbered since the last call."""
        if self.pid != os.getpid():
            self.fd, self.pid = os.open(self.path, os.O_RDWR | os.O_APPEND), os.getpid()
        end = os.fstat(self.fd).st_size
        if end <= self.read:
            return
        data = os.pread(self.fd, end - self.read, self.read)
        at = 0
        while at < len(data):
            (size,) = struct.unpack_from("<I", data, at)
            name, value = pickle.loads(data[at + 4:at + 4 + size])
            table = self.known.setdefault(name, {})
            table.setdefault(value, len(table))
            at += 4 + size
        self.read = end


def short(key: bytes) -> bytes:
    """The key itself when shorter than 16 bytes, else its 16-byte digest (the
    two never meet: they differ in length)."""
    return key if len(key) < 16 else hashlib.blake2b(key, digest_size=16).digest()


class Worker(Search):
    """search.py's Search, but what it finds is recorded for the main process:
    per State its findings, per way on its digest, choice and scene."""

    def __init__(self, story: Story, max_states: int, seed: int, strict: bool, keyer: Keyer):
        super().__init__(story, max_states, seed, strict, keyer)
        self.ids = Visited(16)  # the main process numbers the States
        self.scene_no = {s: i for i, s in enumerate(story.scenes)}
        self.stash: list = []  # per way on found in this level: (State, next State or Move, key)
        self.firsts: set = set()  # the keys met in this level
        self.told_key: tuple | None = None
        self.seen: set = set()  # (scene number, place, code) of the long keys explored
        self._reset()

    def _reset(self) -> None:
        self.digests: list[bytes] = []
        self.lens = bytearray()
        self.vias = array("i")
        self.scenes = array("H")
        self.counts = array("I")
        self.goods = bytearray()
        self.extras: dict[int, tuple] = {}
        self.lets: dict[int, dict] = {}  # way on in this chunk -> the 'let:' draws to replay

    take_all = Search.take_each  # every way on through ``link`` below

    def link(self, sid: int, state: State, key: str, number: int, code: int,
             nexts: list) -> None:
        keyer, stash, scene_no, firsts = self.key, self.stash, self.scene_no, self.firsts
        framed = keyer.framed
        for nxt in nexts:
            k = key_of(keyer, state, nxt)
            d = short(k)
            self.digests.append(d)
            self.lens.append(len(d))
            self.vias.append(code)
            self.scenes.append(scene_no[nxt[0] if type(nxt) is tuple else nxt.scene])
            if k in firsts:  # only a first meeting can be new: the rest keeps nothing
                stash.append(None)
            else:
                firsts.add(k)
                stash.append((state, nxt, k))
                if framed and self.draws(nxt):  # as Search.link records them
                    self.lets[len(self.vias) - 1] = nxt.let

    def first(self, where: str, message: str) -> bool:
        if not super().first(where, message):
            return False
        self.told_key = (where, message)
        return True

    def finding(self, sid: int, state: State, message: str = "",
                fails: int | None = None) -> Finding:
        """A Finding without its path (the main process has the parent links);
        ``hint`` carries the once-per-place mark of an error only some draws give."""
        told, self.told_key = self.told_key, None
        f = Finding(state.scene, [], dict(state.variables), message=message, fails=fails)
        f.loop = told  # read and cleared by the main process
        return f

    def handle(self, msg: tuple) -> Iterator:
        """The answers to one message of the main process: ("level", keep,
        gives) builds this level's new States and hands some over; ("take",
        States) adds those handed to it and expands them all, in chunks;
        ("stop",) answers the choice counts and the parts of the keys met."""
        if msg[0] == "level":
            _, keep, gives = msg
            stash, self.stash = self.stash, []
            self.firsts = set()
            self.level = [(i, fresh(stash[j][0], stash[j][1]), stash[j][2]) for j, i in keep]
            yield {dest: pickle.dumps([(i, _fields(fresh(stash[j][0], stash[j][1])),
                                        stash[j][2]) for j, i in pairs], 5)
                   for dest, pairs in gives.items()}
        elif msg[0] == "take":
            level, self.level = self.level, []
            for blob in msg[1]:
                level += [(i, State(*f), k) for i, f, k in pickle.loads(blob)]
            level.sort(key=lambda t: t[0])
            yield from self.expand(level)
            yield ("end",)
        else:
            yield (self.report.choice_hits, self.seen)

    def expand(self, level: list[tuple[int, State, bytes]]) -> Iterator[tuple]:
        """Visit the States of a level (in their numbers' order); what each gave,
        in chunks."""
        report, seen = self.report, self.seen
        errors, endings = report.errors, report.ending_paths
        for n, (_, state, k) in enumerate(level):
            if len(k) >= 16:  # the main process has only its digest: the parts kept here
                codes = codes_of(k)
                seen.update(zip(repeat(codes[0]), count(), codes))
            self.good = bytearray(1)
            before, edges, ended = len(errors), len(self.vias), state.scene in endings
            self.visit(0, state)
            self.goods.append(self.good[0])
            self.counts.append(len(self.vias) - edges)
            if len(errors) > before or (not ended and state.scene in endings):
                self.extras[len(self.goods) - 1] = (
                    errors[before:], None if ended else endings.get(state.scene))
                del errors[before:]
            if len(self.goods) == CHUNK or n == len(level) - 1:
                yield ("chunk", b"".join(self.digests), self.lens, self.vias, self.scenes,
                       self.counts, self.goods, self.extras, self.lets)
                self._reset()


FIELDS = tuple(f.name for f in dataclasses.fields(State))


def _fields(s: State) -> tuple:
    """A State as the tuple of its fields: pickled far faster than the State."""
    return tuple([getattr(s, f) for f in FIELDS])


def serve(conn, worker: Worker) -> None:
    """A worker process: answer the main process's messages until "stop".
    Without the cyclic garbage collector: the States and ways on of a level
    make no cycles, and walking them all again and again took a third of the time."""
    gc.disable()
    try:
        while True:
            msg = conn.recv()
            for out in worker.handle(msg):
                conn.send(out)
            if msg[0] == "stop":
                return
    except BaseException as e:  # noqa: BLE001  the main process says it failed
        conn.send(("failed", repr(e)))
        raise


class Local:
    """The main process's own agent, for a level too narrow to share: the same
    messages as a worker's pipe, answered in place."""

    def __init__(self, worker: Worker):
        self.worker = worker
        self.out: deque = deque()

    def send(self, msg: tuple) -> None:
        self.out.extend(self.worker.handle(msg))

    def recv(self):
        return self.out.popleft()

    def close(self) -> None:
        self.out.clear()
