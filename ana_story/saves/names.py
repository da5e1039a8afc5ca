"""What a slot or a story's folder may be called: a name becomes a file name, so
it must never be able to point anywhere else, on any system."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..digests import sha256
from ..errors import SaveError
from ..sanitize import visible
from . import fields

MAX_SLOT_LEN = 64

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}  # names Windows will not create


def check_slot_name(slot: Any) -> str:
    """Return ``slot`` if it is a safe slot name, else raise SaveError saying why.

    A slot name becomes a file name, so it must not be able to point anywhere
    else: letters, digits, spaces, '-' and '_' only, starting with a letter or
    digit, at most MAX_SLOT_LEN characters, and not a name Windows reserves.
    """
    if not isinstance(slot, str) or not slot:
        raise SaveError("a save needs a name", slot="")
    slot = unicodedata.normalize("NFC", slot)  # macOS lists names decomposed (NFD)
    shown = visible(slot[:80])  # a name that cannot be a save's is still shown, safely
    if len(slot) > MAX_SLOT_LEN:
        raise SaveError(f"the save name '{shown}' is longer than {MAX_SLOT_LEN} characters",
                        slot=slot)
    if not fields.slot_bytes_ok(slot):  # file names are limited in bytes, not letters
        raise SaveError(f"the save name '{shown}' is too long for a file name (over "
                        f"{fields.MAX_SLOT_BYTES} bytes in UTF-8); choose a shorter one",
                        slot=slot)
    bad = [c for c in slot if not (c.isalnum() or c in " -_")
           or unicodedata.category(c).startswith("C")]
    if bad or not slot[0].isalnum() or slot != slot.strip():
        raise SaveError(f"'{shown}' cannot be a save name: use letters, digits, spaces, "
                        "'-' and '_', starting with a letter or digit", slot=slot)
    if slot.lower() in _RESERVED:
        raise SaveError(f"'{slot}' cannot be a save name on every system; choose another",
                        slot=slot)
    return slot


def safe_name(name: Any) -> str | None:
    """``name`` when it can be a slot's name, else None."""
    try:
        return check_slot_name(name)
    except SaveError:
        return None


def dir_name(story_id: str) -> str:
    """A folder name for a story id that is always safe (the id is author data)."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", story_id) and ".." not in story_id:
        return story_id
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", story_id).strip("-")[:40] or "story"
    return f"{slug}-{sha256(story_id.encode()).hexdigest()[:8]}"
