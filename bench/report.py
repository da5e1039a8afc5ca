"""Each benchmark owns one '## ' section (or '### ' subsection) of docs/performance.md
and replaces only that: a section's text ends at the next heading of any level, so the
subsections other benchmarks write inside it are kept."""
from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def write_section(heading: str, text: str, doc: Path = DOC) -> None:
    old = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    start = old.find(heading + "\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        ends = [e for e in (old.find("\n## ", start + len(heading)),
                            old.find("\n### ", start + len(heading))) if e >= 0]
        end = min(ends) if ends else -1
        new = old[:start] + text + (old[end:] if end >= 0 else "")
    doc.write_text(new, encoding="utf-8")
