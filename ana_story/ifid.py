"""The IFID: a story's permanent identity for archives (the Treaty of Babel).

IFDB and every IF archive tell works apart by an IFID. For a new work the
Treaty asks for a UUID written in capitals, e.g. ``ifid: 0DE5F8D2-...``; it is
chosen once and never changes, whatever the title or version becomes. No I/O.
"""
from __future__ import annotations

import re

# The Treaty of Babel, section 2.2.1: 8-4-4-4-12 hexadecimal digits.
UUID_IFID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
                       r"[0-9A-Fa-f]{12}")


def new_ifid() -> str:
    """A fresh IFID, in the capitals the Treaty asks for. (uuid imported here: with
    the platform module it takes some 2.4 ms, and loading a story needs neither.)"""
    import uuid
    return str(uuid.uuid4()).upper()


def ifid_problem(value: str) -> str | None:
    """Why ``value`` is not an IFID this engine writes, or None when it is one."""
    if not UUID_IFID.fullmatch(value):
        return (f"'{value[:60]}' is not an IFID: it should be a UUID such as "
                f"{new_ifid()} (8-4-4-4-12 hexadecimal digits)")
    return None
