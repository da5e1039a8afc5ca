"""explore --jobs: the numbers of the values of variables, alike in every process.

key.py numbers each value of a variable in the order it meets it; processes that
meet values in different orders would give equal States different keys. So the
processes of explore --jobs share one numbering: an append-only file under a
lock, started from the numbers the main process gave before the fork.
"""
from __future__ import annotations

import fcntl
import os
import pickle
import struct


class SharedNumbers:
    """(variable, value) -> a number every process agrees on: the values in the
    order any process first met them, kept in an append-only file under a lock.
    Called only on a value this process has not numbered yet."""

    def __init__(self, path: str):
        self.path = path
        self.fd = self.pid = -1
        self.read = 0
        self.known: dict[str, dict] = {}

    def _open(self) -> None:
        if self.pid != os.getpid():  # each process its own open file: flock is per opening
            self.fd, self.pid = os.open(self.path, os.O_RDWR | os.O_APPEND), os.getpid()

    def seed(self, tables: list) -> None:
        """Start from the numbers one process gave so far (key._Table: value ->
        number, in the order numbered), and number on through this file."""
        self._open()
        data = bytearray()
        for table in tables:
            known = self.known.setdefault(table.name, {})
            for n, value in table.met.items():
                known[value] = n
                blob = pickle.dumps((table.name, value))
                data += struct.pack("<I", len(blob)) + blob
            table.number = self
        os.write(self.fd, bytes(data))
        self.read = len(data)

    def __call__(self, name: str, value: object) -> int:
        self._open()
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
        self._open()
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
