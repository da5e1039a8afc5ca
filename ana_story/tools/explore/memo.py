"""The file explore keeps its last proof in, for the next run after an edit
(incremental.py decides what may be reused; this module only stores it).

It lives with the project's other caches (cache.cache_dir(): ``ANA_STORY_CACHE``,
else the XDG cache folder), never in the story folder, so a read-only story still
works. One file per story folder. Layout: one JSON header line (this format, the
code it was written by, the SHA-256 of the rest, each section's size), then the
sections one after another: JSON for what is small, raw array bytes for the
search's tree and keys. Written atomically (atomicfile.write_atomic); read back
only when the format, the code and the checksum all agree, else ``MemoError``
and the caller proves afresh. It holds data only: nothing in it is ever run.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ... import __version__
from ...digests import sha256, sha256_bulk

FORMAT = "explore-memo-1"
_MAX_HEADER = 1 << 16


class MemoError(Exception):
    """The memo cannot be used (missing, damaged, foreign, from other code)."""


def memo_file(root: str | os.PathLike[str]) -> Path:
    """Where the memo of the story at ``root`` lives (one per story folder)."""
    from ...cache import cache_dir
    name = sha256(str(Path(root).resolve()).encode()).hexdigest()[:24]
    return cache_dir() / "explore" / f"{name}.memo"


_CODE: list[str] = []


def code_id() -> str:
    """The code the memo was written by: the version and a digest of every module
    of the package (a changed engine, analysis or search makes old memos stale)."""
    if not _CODE:
        from ...cache import cache_format
        h = sha256_bulk(f"{FORMAT}\0{__version__}\0{cache_format()}".encode())
        package = Path(__file__).resolve().parents[2]
        for f in sorted(package.rglob("*.py")):
            h.update(str(f.relative_to(package)).encode() + b"\0")
            h.update(f.read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def write(file: Path, sections: list[bytes]) -> None:
    """Write the sections with their header, atomically; raises OSError."""
    from ...atomicfile import write_atomic
    digest = sha256_bulk()
    for s in sections:
        digest.update(s)
    header = json.dumps({"format": FORMAT, "code": code_id(), "sha256": digest.hexdigest(),
                         "sizes": [len(s) for s in sections]}).encode() + b"\n"
    file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(file, b"".join([header, *sections]), durable=False)


def read(file: Path) -> list[bytes]:
    """The sections, when the memo is whole and was written by this code."""
    try:
        raw = file.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise MemoError("") from None  # no memo yet (or no cache folder): nothing to say
    except OSError as e:
        raise MemoError(f"cannot read it ({e.strerror or e})") from None
    end = raw.find(b"\n", 0, _MAX_HEADER)
    sizes = _sizes(raw[:end] if end > 0 else b"")
    body = memoryview(raw)[end + 1:]
    if sum(sizes) != len(body) or \
            sha256_bulk(body).hexdigest() != _header(raw[:end])["sha256"]:
        raise MemoError("it is damaged (truncated or altered)")
    out, at = [], 0
    for n in sizes:
        out.append(bytes(body[at:at + n]))
        at += n
    return out


def _header(line: bytes) -> dict:
    try:
        header = json.loads(line) if line else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise MemoError("it is damaged or not explore's")
    if header.get("code") != code_id():
        raise MemoError("it was written by other code")
    return header


def _sizes(line: bytes) -> list[int]:
    """The sections' sizes the header gives (checking it is explore's, of this code)."""
    sizes = _header(line).get("sizes")
    if not isinstance(sizes, list) or not all(isinstance(n, int) and n >= 0 for n in sizes):
        raise MemoError("it is damaged (truncated or altered)")
    return sizes
