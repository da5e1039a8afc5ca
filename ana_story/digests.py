"""SHA-256 and BLAKE2s without OpenSSL, for the hashes on the way to the first screen.

`import hashlib` loads OpenSSL's libcrypto (about 2 ms, a tenth of the start-up left
above `python -c pass`) though the first screen only needs a few short digests: the
saves folder's name, the compiled-story cache's key and checksum, a passage's key.
CPython's own implementations give the same digests without it; they are private
modules (`_sha2` from 3.12, `_sha256` before, `_blake2`), so hashlib stands in for
any that a build lacks."""
from __future__ import annotations

from typing import Any


def sha256(data: bytes | memoryview = b"") -> Any:
    """A SHA-256 hash object, as hashlib.sha256(data)."""
    try:
        from _sha2 import sha256 as make  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            from _sha256 import sha256 as make  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256 as make  # type: ignore[assignment,unused-ignore]
    return make(data)


def blake2s(data: bytes, digest_size: int) -> Any:
    """A BLAKE2s hash object, as hashlib.blake2s(data, digest_size=digest_size)."""
    try:
        from _blake2 import blake2s as make
    except ImportError:
        from hashlib import blake2s as make  # type: ignore[assignment,unused-ignore]
    return make(data, digest_size=digest_size)
