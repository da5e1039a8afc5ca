"""Incremental proof: after an edit, reuse the last proof where nothing it rests on
changed, and re-check only the States of the scenes that did.

The last complete proof is kept (memo.py): its report, the search's tree (parent
links, successors, the choice each takes) and every State's key. The next run:

- proves afresh when the code, the options, anything outside the scenes (story.yaml:
  variables, declarations, functions), the list of scenes or the key's story-wide
  layout (fingerprint.layout_ids) changed, or a loop the proof played for real through a
  changed scene had grown or failed; such a loop that had not is played again
  (pumps.py);
- when only choices' effects (fingerprint.ways_id) of a scene changed and the
  kept proof found no error or growing value: rebuilds the changed scenes' States,
  steps again their ways on that may lead elsewhere, and reuses the proof when the
  graph of States is the kept one, some keys renamed at most (reshape.py);
- when a scene's effects (fingerprint.effect_id) changed otherwise, or a re-check
  finds a difference, and the kept proof found no error or growing value: searches
  again, taking the kept ways on of each State of an unchanged scene (rerun.py); a
  scene whose own part of the key's layout changed (a tally's thresholds moved by an
  edited effect) is searched as a changed one;
- otherwise rebuilds, by the engine's own step along the kept tree, each State of
  a changed scene (and its ancestors), checks every rebuilt key against the kept
  one, and visits each such State again as the search would (texts rendered,
  conditions evaluated): the same ways on, to the same States, with the same
  errors. Then every State's step is the same as the last proof's, so the search
  would run exactly as it ran, and its report is today's. Any difference, and the
  search runs again (rerun.py) or the proof is done afresh.

A story whose steps draw dice, or with 'let:' frames or calls, always gets a fresh
proof; a search explore --jobs shared among processes (jobs.py) is not kept.
"""
from __future__ import annotations

import contextlib
import json
import sys
import time
from array import array
from pathlib import Path
from typing import Any

from ...model import Story
from ...state import State
from ..dice import drawing_scenes, let_drawing
from ..soundness import changing_choices
from ..storymemo import remembering
from . import fingerprint, memo, pumps, reportdata, rerun, reshape
from .abstraction import endless
from .collector import fewer_collections
from .fingerprint import effect_id, keyer_id, known_model, placed, scene_ids, story_id, unplaced_id
from .key import Keyer
from .recheck import Replay
from .report import Finding, Report
from .search import Search, explore

_ARRAYS = ("i", "i", "i", "i", "i", "B", "B", "I", "H")  # see _sections
KEEP_MAX_STATES = 5_000_000  # past this a memo would take some 400 MB of the cache folder


class Keep:
    """What explore's hooks hand over (search.explore's ``keep``): the search, and
    the loops played for real (loops.pump_loops: it plays them past the States
    explored; the path to a loop is replayed along explored States)."""

    def __init__(self) -> None:
        self.search: Search | None = None
        self.ids: Any = None
        self.played: list = []

    def searched(self, search: Any) -> None:
        if isinstance(search, Search) and not getattr(search, "went", False):  # not shared
            self.search, self.ids = search, search.ids


def _eligible(story: Story) -> bool:
    return not story.framed and not drawing_scenes(story) and not let_drawing(story) \
        and known_model()


def explore_kept(story: Story, root: str | Path, *, fresh: bool, jobs: int,
                 **options: Any) -> Report:
    """explore(), reusing the proof kept from the last run where it may (see the
    module docstring), and keeping this one for the next."""
    # the Keyers and checks below share its analyses; the collector looks seldom, as
    # in explore() (the kept proof read and written makes many objects, no cycle)
    with remembering(story), fewer_collections():
        t0 = time.perf_counter()
        file = memo.memo_file(root)
        opts = {k: options[k] for k in ("max_states", "seed", "strict")}
        make = prior = None
        ident = story_id(story, opts) if _eligible(story) else None
        if not fresh and ident is not None:  # (a rerun: one process, whatever --jobs)
            got = _reuse(file, story, opts, ident)
            if isinstance(got, Report):
                got.seconds = time.perf_counter() - t0
                return got
            if got is not None:
                prior = got[0]
                make = rerun.searcher(story, *got)
                if isinstance(make, str):
                    _say(f"a fresh proof: {make}")
                    make = None
        keep = Keep()
        report = _search(story, jobs, keep, make, options)
        if ident is not None:
            _keep(file, story, opts, keep, report, ident, prior)
        return report


def _keep(file: Path, story: Story, opts: dict, keep: Keep, report: Report,
          ident: tuple[str, dict[str, str]], prior: dict | None) -> None:
    """Keep a complete proof of a single search for the next run (see _sections)."""
    if keep.search is None or not report.complete or report.states > KEEP_MAX_STATES:
        return
    try:
        memo.write(file, _sections(story, opts, keep, report, ident, prior))
    except OSError as e:
        _say(f"the proof could not be kept for the next run ({e.strerror or e})")
    except _NotKept:
        pass


def _search(story: Story, jobs: int, keep: Keep, make: Any, options: dict) -> Report:
    """explore(), with ``make`` (rerun.py's search reusing the kept States) if any."""
    if make is not None:
        try:
            report = explore(story, jobs=jobs, keep=keep, searcher=make, **options)
        except rerun.Mismatch:
            _say("a fresh proof: a kept State's ways on did not hold")
            keep = Keep()
        else:
            n = getattr(keep.search, "reused", 0)
            _say(f"a new search reusing {n:,} of the last proof's States "
                 "(--fresh proves it all again)")
            report.reused = {"states": n, "stepped": report.states - n}
            return report
    return explore(story, jobs=jobs, keep=keep, **options)


def _say(line: str) -> None:
    print(f"explore: {line}", file=sys.stderr)


class _NotKept(Exception):
    """This proof cannot be kept (a value the memo cannot hold exactly)."""


def _sections(story: Story, opts: dict, keep: Keep, report: Report,
              ident: tuple[str, dict[str, str]], prior: dict | None) -> list[bytes]:
    """The memo's sections; ``ident``: story_id's, ``prior``: the kept meta this
    search reused (its scenes' fingerprints are taken where a scene is unchanged)."""
    search = keep.search
    assert search is not None
    if search.tree.lets or not search.fast:
        raise _NotKept
    data = reportdata.to_data(report)
    text = json.dumps(data)
    if reportdata.from_data(story, json.loads(text)).to_json() != report.to_json():
        raise _NotKept
    tables = _tables(search)
    digest, scenes = ident
    meta = {"story": digest, "scenes": scenes, "keyer": keyer_id(search.key),
            "layouts": fingerprint.layout_ids(search.key), "tables": tables,
            **_fingerprints(story, scenes, prior), "loops": [pumps.to_data(p) for p in keep.played],
            "endless": endless(story, search.key), "choices": search.tree.keys,
            "changing": sorted(changing_choices(story))}
    t, ids = search.tree, keep.ids
    arrays = [t.parent, t.step, t.first, t.succ, t.via, search.good, ids.data,
              array("I", ids.ends), t.scene_of.at]
    return [json.dumps(meta).encode(), text.encode()] + [bytes(a) for a in arrays]


def _fingerprints(story: Story, scenes: dict[str, str], prior: dict | None
                  ) -> dict[str, dict[str, Any]]:
    """Each scene's fingerprints (fingerprint.scene_ids): the kept meta's
    (``prior``, written by this code) for a scene whose digest is the kept one, as
    they are functions of the scene alone; computed for the others."""
    out: dict[str, dict[str, Any]] = {"effects": {}, "unplaced": {}, "logic": {},
                                      "frames": {}, "ways": {}, "shown": {}}
    kept = prior["scenes"] if prior is not None else {}
    for s, sc in story.scenes.items():
        got = {part: prior[part][s] for part in out} if kept.get(s) == scenes[s] \
            and prior is not None else scene_ids(sc)
        for part, ids in out.items():
            ids[s] = got[part]
    return out


def _tables(search: Search) -> dict[str, list]:
    """Each variable's values in the order the key numbered them (kept, so that the
    re-check numbers them alike); _NotKept when one is not plain data."""
    tables = {n: [t.met[i] for i in range(len(t.met))] for n, t in search.key.tables.items()}
    plain = all(type(v) in (str, int, float, bool) for vs in tables.values() for v in vs)
    if not plain or json.loads(json.dumps(tables)) != tables:
        raise _NotKept
    return tables


def _reuse(file: Path, story: Story, opts: dict, ident: tuple[str, dict[str, str]]
           ) -> Report | tuple | None:
    """The kept proof, when it holds for ``story`` as it is now; else what a new
    search may reuse of it (rerun.searcher's meta, arrays, changed scenes); else None."""
    try:
        sections = memo.read(file)
        meta, data = json.loads(sections[0]), json.loads(sections[1])
        arrays = [array(code, part) if code != "B" else bytearray(part)
                  for code, part in zip(_ARRAYS, sections[2:], strict=True)]
    except memo.MemoError as e:
        if str(e):
            _say(f"the proof kept from the last run was not used: {e}; proving afresh")
        return None
    except (ValueError, TypeError):
        _say("the proof kept from the last run was not used: it is damaged; proving afresh")
        return None
    try:
        report = _check(story, ident, opts, meta, data, arrays)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        _say("the proof kept from the last run was not used: it does not fit; proving afresh")
        return None
    if isinstance(report, _Reshaped):
        with contextlib.suppress(OSError):  # else kept as it was: re-checked next time
            memo.write(file, report.sections)
        return report.report
    if isinstance(report, Report):
        _refresh(file, sections, meta, story, ident[1])
    return report


def _refresh(file: Path, sections: list[bytes], meta: dict, story: Story,
             scenes: dict[str, str]) -> None:
    """Keep the reused proof as the story's now (it holds for it): the next run
    re-checks only what changes after this."""
    if not _rescened(meta, story, scenes):
        return
    with contextlib.suppress(OSError):  # else kept as it was: sound, re-checked next time
        memo.write(file, [json.dumps(meta).encode(), *sections[1:]])


def _rescened(meta: dict, story: Story, scenes: dict[str, str]) -> bool:
    """The kept meta made the story's now (its scenes' digests and fingerprints);
    whether a scene differed."""
    differ = [s for s, d in scenes.items() if d != meta["scenes"][s]]
    meta["scenes"] = scenes
    for s in differ:
        for part, digest in scene_ids(story.scenes[s]).items():
            meta[part][s] = digest
    return bool(differ)


def _check(story: Story, ident: tuple[str, dict[str, str]], opts: dict, meta: dict,
           data: dict, arrays: list) -> Report | _Reshaped | tuple | None:
    digest, scenes = ident
    if digest != meta["story"]:
        return _afresh("story.yaml, the list of scenes or explore's options changed")
    changed = _changed(story, scenes, meta, data)
    # a new search may take the kept ways on of every State of a scene not changed,
    # when the kept proof found no error and no growing value (rerun.py)
    again = _again(scenes, meta, data, arrays)
    effects = sorted(s for s in changed if effect_id(story.scenes[s]) != meta["effects"][s])
    if effects:
        why = f"the effects or routes of {_names(effects)} changed"
        if again is None:
            return _anew(again, why)
        keyer = Keyer(story)
        if keyer.abstracted:  # (reshape.py's proof does not hold under 'exact:')
            return _anew((*again, keyer), why)  # the new search's Keyer: not used yet
        got = _reshaped(story, opts, meta, data, arrays, changed, scenes)
        return got if got is not None else _anew(again, why)
    looped = pumps.through(story, meta["loops"], changed)
    if looped and (data["growth"] or any(e["loop"] for e in data["errors"])):
        return _afresh("a loop the proof played for real passes through a changed scene")
    report = reportdata.from_data(story, data)
    if changed:
        why = _rechecked(story, opts, meta, arrays, report, changed)
        if why:
            return _anew(again, why)
    if not pumps.still_bounded(story, looped, opts["seed"]):
        return _anew(again, "a loop through a changed scene now grows or fails")
    _say(f"reused the last proof ({len(changed)} changed scene(s) re-checked; "
         "--fresh proves it all again)")
    report.reused = {"rechecked": len(changed)}
    return report


def _again(scenes: dict[str, str], meta: dict, data: dict, arrays: list) -> tuple | None:
    """What rerun.searcher takes (the kept meta and tree, the scenes that differ)."""
    if data["errors"] or data["growth"]:
        return None
    return meta, arrays, {s for s, d in scenes.items() if d != meta["scenes"][s]}


def _changed(story: Story, scenes: dict[str, str], meta: dict, data: dict) -> set[str]:
    """The scenes that changed: not those only moved in their file (lines added or
    removed above them), unless a finding of the kept report may say where a thing is
    written (an error, a value growing) or a text of theirs has a place."""
    differ = {s for s, d in scenes.items() if d != meta["scenes"][s]}
    moved = {s for s in differ if unplaced_id(story.scenes[s]) == meta["unplaced"][s]}
    if data["errors"] or data["growth"]:
        return differ
    return differ - {s for s in moved if not placed(story.scenes[s])}


def _checker(story: Story, opts: dict, meta: dict) -> _Check | None:
    """A Search to re-check with, its key's tables numbered as the kept ones; None
    when what the search keeps of a State changed."""
    check = _Check(story, opts["max_states"], opts["seed"], opts["strict"])
    if keyer_id(check.key) != meta["keyer"] or not check.fast \
            or endless(story, check.key) != meta["endless"]:
        return None
    for name, values in meta["tables"].items():  # the values numbered as they were
        table = check.key.tables[name]
        for n, x in enumerate(values):
            table[x] = n
            table.met[n] = x
    return check


class _Reshaped:
    """A kept proof reused after an effect edit (reshape.py) and the memo to keep."""

    def __init__(self, report: Report, sections: list[bytes]) -> None:
        self.report, self.sections = report, sections


def _reshaped(story: Story, opts: dict, meta: dict, data: dict, arrays: list,
              changed: set[str], scenes: dict[str, str]) -> _Reshaped | None:
    """The kept proof for the story after an edit of choices' effects, when the graph
    of States is the kept one (reshape.py); else None."""
    check = _checker(story, opts, meta)
    # (under 'exact:' a State's ways on are those of the first one met: see rerun.py;
    # _check does not call this then)
    moved = reshape.moved(story, meta, changed, check.tree.keys) \
        if check and not check.key.abstracted else None
    if moved is None or not reshape.bounded(story, meta["loops"], changed, opts["seed"]):
        return None
    assert check is not None
    replay = reshape.Reshape(check, arrays, changed, moved,
                             reshape.shown(story, meta, changed))
    report = reportdata.from_data(story, data)
    if not replay.verified([]) or not reshape.refreshed(story, report, changed):
        return None
    text = json.dumps(reportdata.to_data(report))
    try:
        tables = _tables(check)
    except _NotKept:
        return None
    if reportdata.from_data(story, json.loads(text)).to_json() != report.to_json():
        return None
    keys, ends = replay.keys()
    meta = dict(meta, tables=tables)
    _rescened(meta, story, scenes)
    head = [json.dumps(meta).encode(), text.encode()]
    _say(f"reused the last proof ({len(changed)} changed scene(s) re-checked, their "
         "ways on stepped again; --fresh proves it all again)")
    report.reused = {"rechecked": len(changed)}
    return _Reshaped(report, head + [bytes(a) for a in arrays[:6]] +
                     [keys, bytes(ends), bytes(arrays[8])])


def _rechecked(story: Story, opts: dict, meta: dict, arrays: list, report: Report,
               changed: set[str]) -> str:
    """Why not every kept State of the ``changed`` scenes steps as it did
    (recheck.py); "" when every one does."""
    check = _checker(story, opts, meta)
    if check is None:
        return "what the search keeps of a State changed"
    kept = [e for e in report.errors if e.scene in changed]
    alike = not kept and not story.timed  # effects unchanged: see recheck.Replay
    if not Replay(check, arrays, changed, alike).verified(kept):
        return f"re-checking {_names(sorted(changed))} found a difference"
    return ""


def _names(scenes: list[str]) -> str:
    shown = ", ".join(f"'{s}'" for s in scenes[:3])
    return "scene " + shown if len(scenes) == 1 else \
        "scenes " + shown + (f" and {len(scenes) - 3} more" if len(scenes) > 3 else "")


def _anew(again: tuple | None, why: str) -> tuple | None:
    """``again`` (a new search reusing the kept States), else None (a fresh proof)."""
    if again is None:
        _afresh(why)
        return None
    _say(f"searching again: {why}")
    return again


def _afresh(why: str) -> Report | None:
    """None (prove afresh), having said why in one line."""
    _say(f"a fresh proof: {why}")
    return None


class _Check(Search):
    """A Search whose findings need no path (the kept report has them)."""

    def finding(self, sid: int, state: State, message: str = "",
                fails: int | None = None) -> Finding:
        return Finding(state.scene, [], dict(state.variables), message=message, fails=fails)
