"""Hostile save files for the tests in this folder: a real save of the features
story, with a stranger's characters written into every field a command echoes."""
from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from pathlib import Path

from saves_helpers import data_after, features

from ana_story.saves.store import SaveStore

FEATURES = Path(__file__).resolve().parent.parent / "fixtures" / "features"

# What a stranger may hide in a text: each would drive or fool the terminal.
PAYLOADS = {
    "clipboard": "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: write the clipboard
    "title": "\x1b]0;owned\x07",  # OSC 0: retitle the window
    "clear": "\x1b[2J\x1b[H",  # CSI: clear the screen, cursor home
    "hyperlink": "\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8
    "dcs": "\x1bP+q544e\x1b\\",  # DCS: ask the terminal to answer
    "c1-csi": "\x9b31m\x9d0;x\x9c",  # 8-bit CSI and OSC
    "bell-backspace": "\x07\x08\x08\x08\x7f",
    "fake-line": "\r\nana-story: all is well\r",
    "bidi-override": "\u202eevil\u202c\u2066x\u2069\u061c",
    "zero-width": "a\u200bb\u200dc\ufeffd\u2060",
    "separators": "one\u2028two\u2029three\x85",
    "tags": "\U000e0041\U000e0042",  # invisible ASCII smuggling
}

ALL_PAYLOADS = "".join(PAYLOADS.values())

_SGR = re.compile(r"\x1b\[[0-9;]*m")


def leaks(text: str) -> list[str]:
    """Every character that is not shown as itself (controls but line ends, format
    marks, separators, surrogates), after removing colour and style (SGR)."""
    text = _SGR.sub("", text)
    return [c for c in text if c not in "\r\n"
            and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


def valid_doc(steps: int = 2) -> dict:
    story = features()
    with tempfile.TemporaryDirectory() as d:
        store = SaveStore(story, Path(d))
        store.save("x", data_after(story, steps))
        return json.loads(store.path("x").read_text(encoding="utf-8"))


def hostile_doc(payload: str, slot: str = "hostile") -> dict:
    """A save that loads (migrated, with notes) and carries ``payload`` in its
    version, chapter, scene title, scene, variable names and values, visit keys,
    once keys and path."""
    doc = valid_doc()
    doc["slot"] = slot
    doc["story"]["version"] = "1" + payload
    doc["story"]["fingerprint"] = "f" + payload  # another draft: migrated, not refused
    doc["chapter"] = "ch" + payload
    doc["scene_title"] = "t" + payload
    s = doc["state"]
    s["scene"] = "gone" + payload
    s["variables"]["name"] = "Mara" + payload
    s["variables"]["gold"] = "rich" + payload  # wrong type: reset, with a note
    s["variables"]["evil" + payload] = "v" + payload
    s["visits"]["k" + payload] = 1
    s["once"].append("o" + payload)
    s["path"].append(["c" + payload, "s" + payload])
    return doc


def write(path: Path, doc: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
