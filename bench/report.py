"""Each benchmark owns one '## ' section of docs/performance.md and replaces only that."""
from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def write_section(heading: str, text: str, doc: Path = DOC) -> None:
    old = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    start = old.find(heading + "\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(heading))
        new = old[:start] + text + (old[end:] if end >= 0 else "")
    doc.write_text(new, encoding="utf-8")
