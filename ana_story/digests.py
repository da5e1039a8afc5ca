"""SHA-256 and BLAKE2s without OpenSSL, for the hashes on the way to the first screen.

`import hashlib` loads OpenSSL's libcrypto (about 2 ms, a tenth of the start-up left
above `python -c pass`) though the first screen only needs a few short digests: the
saves folder's name, the compiled-story cache's key and checksum, a passage's key.
CPython's own implementations give the same digests without it; they are private
modules (`_sha2` from 3.12, `_sha256` before, `_blake2`), so hashlib stands in for
any that a build lacks."""
from __future__ import annotations

from typing import Any

_made: dict[str, Any] = {}  # the constructors found, on first use: an import that
# fails (no _sha2 before 3.12) is searched for along sys.path anew each time, ~30 µs


def sha256(data: bytes | memoryview = b"") -> Any:
    """A SHA-256 hash object, as hashlib.sha256(data)."""
    make = _made.get("sha256") or _made.setdefault("sha256", _sha256())
    return make(data)


def sha256_bulk(data: bytes | memoryview = b"") -> Any:
    """A SHA-256 hash object by hashlib (OpenSSL's, with the CPU's SHA instructions),
    for megabytes off the first screen's path (explore's kept proof): the same digest
    as ``sha256``, whose CPython code took 16 ms for the 5.4 MB of the shipped story's
    proof, against 3 ms here; the 2 ms of importing hashlib are paid there, not at
    start-up."""
    import hashlib
    return hashlib.sha256(data)


def blake2s(data: bytes, digest_size: int) -> Any:
    """A BLAKE2s hash object, as hashlib.blake2s(data, digest_size=digest_size)."""
    make = _made.get("blake2s") or _made.setdefault("blake2s", _blake2s())
    return make(data, digest_size=digest_size)


def _sha256() -> Any:
    try:
        from _sha2 import sha256 as make  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            from _sha256 import sha256 as make  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256 as make  # type: ignore[assignment,unused-ignore]
    return make


def _blake2s() -> Any:
    try:
        from _blake2 import blake2s as make
    except ImportError:
        from hashlib import blake2s as make  # type: ignore[assignment,unused-ignore]
    return make
