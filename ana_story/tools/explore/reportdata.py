"""A Report as plain data and back (incremental.py keeps the last proof's report
in the memo). The story is not kept: the Report is rebuilt with the story as
loaded now, so titles and texts shown are today's."""
from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any

from ...model import Story
from .report import Finding, PathStep, Report

_FINDINGS = ("long", "growth", "softlocks", "errors")
_STEP = attrgetter("choice", "number", "scene", "let")  # a path's step as a tuple


def _finding(f: Finding) -> dict:
    d = {x.name: getattr(f, x.name) for x in fields(Finding)}
    d["path"] = list(map(_STEP, f.path))  # (JSON writes a tuple as a list)
    return d


def _unfinding(d: dict) -> Finding:
    d = dict(d)
    d["path"] = [PathStep(c, n, s, let) for c, n, s, let in d["path"]]
    if d.get("loop") is not None:
        after, numbers, rounds = d["loop"]
        d["loop"] = (after, tuple(numbers), rounds)
    return Finding(**d)


def to_data(report: Report) -> dict:
    """Every field but the story, findings as dicts."""
    d: dict[str, Any] = {x.name: getattr(report, x.name) for x in fields(Report)
                         if x.name != "story"}
    for name in _FINDINGS:
        d[name] = [_finding(f) for f in d[name]]
    d["ending_paths"] = {k: _finding(f) for k, f in report.ending_paths.items()}
    return d


def from_data(story: Story, d: dict) -> Report:
    """The Report ``to_data`` gave, for ``story``; KeyError, TypeError or ValueError
    when ``d`` is not such data."""
    d = dict(d)
    for name in _FINDINGS:
        d[name] = [_unfinding(f) for f in d[name]]
    d["ending_paths"] = {k: _unfinding(f) for k, f in d["ending_paths"].items()}
    names = {x.name for x in fields(Report)} - {"story"}
    if set(d) != names:
        raise KeyError("fields")
    return Report(story=story, **d)
