"""Explore's report as plain text for a terminal (the JSON shape is Report.to_json)."""
from __future__ import annotations

from ..model import Story
from .explore import Finding, Report


def _where(story: Story, scene_id: str) -> str:
    w = story.scenes[scene_id].where
    return f" ({w.file}:{w.line})" if w else ""


def _choice_where(story: Story, key: str) -> str:
    scene_id = key.rsplit(".", 1)[0]
    for c in story.scenes[scene_id].choices:
        if c.key == key:
            text = c.text.source.strip().replace("\n", " ")
            text = text if len(text) <= 40 else text[:39] + "…"
            w = f" {c.where.file}:{c.where.line}" if c.where else ""
            return f'"{text}"{w}'
    return ""


def replay_line(f: Finding) -> str:
    """How to play a path by hand: the seed and the numbers to type."""
    if f.seed is None:
        return "choices " + " > ".join(s.choice for s in f.path) + \
            " (no seed below 1000 replays it: random events decide it)"
    if not f.path:
        return "at the start"
    return f"ana-story play --seed {f.seed}, then type " + \
        " ".join(str(s.number) for s in f.path)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def format_report(r: Report, *, limit: int = 20) -> str:
    story = r.story
    out = []
    rate = r.states / r.seconds if r.seconds > 0 else 0
    if r.mode == "random":
        out.append(f"{story.title}: {_plural(r.runs, 'random playthrough')} "
                   f"(seed {r.seed}) in {r.seconds:.2f} s; {_plural(r.states, 'distinct State')}")
        if r.long_runs:
            out.append(f"  {_plural(r.long_runs, 'run')} still going after {r.max_turns} "
                       "choices (a loop the random player did not leave)")
    else:
        out.append(f"{story.title}: {_plural(r.states, 'State')} explored in "
                   f"{r.seconds:.2f} s ({rate:,.0f} States/s), seed {r.seed}")
        if not r.complete:
            grow = ", ".join(f"{g['what']} took {g['values']:,} values" for g in r.widest)
            out.append(f"  INCOMPLETE: stopped at --max-states {r.states:,}; "
                       f"{_plural(r.cut, 'more State')} found but not explored"
                       + (f" ({grow})" if grow else "")
                       + ". What follows covers only the States explored.")
    scenes = list(story.scenes)
    reached = [s for s in scenes if r.scene_hits.get(s)]
    out.append(f"Scenes: {len(reached)}/{len(scenes)} reached")
    if r.mode == "random":
        rows = sorted(((r.scene_hits.get(s, 0), s) for s in scenes), reverse=True)
        for n, s in rows[:limit]:
            out.append(f"  {n:>8,}  {s}")
    for s in r.unreached_scenes[:limit]:
        out.append(f"  never reached: {s}{_where(story, s)}")
    choices = [c.key for sc in story.scenes.values() for c in sc.choices]
    unreached_choices = r.unreached_choices
    out.append(f"Choices: {len(choices) - len(unreached_choices)}/{len(choices)} taken")
    for key in unreached_choices[:limit]:
        out.append(f"  never taken: {key} {_choice_where(story, key)}")
    if len(unreached_choices) > limit:
        out.append(f"  ... and {len(unreached_choices) - limit} more (--format json lists all)")
    endings = story.endings
    out.append(f"Endings: {len(endings) - len(r.unreached_endings)}/{len(endings)} reached")
    for e in endings:
        if r.mode == "random":
            n = r.ending_hits.get(e.id, 0)
            share = 100 * n / r.runs if r.runs else 0
            out.append(f"  {n:>8,} ({share:4.1f}%)  {e.ending} [{e.id}]")
            continue
        f = r.ending_paths.get(e.id)
        if f is None:
            out.append(f"  NEVER REACHED: {e.ending} [{e.id}]{_where(story, e.id)}")
        else:
            out.append(f"  {e.ending} [{e.id}]: {_plural(len(f.path), 'choice')}; "
                       f"{replay_line(f)}")
    if r.softlocks:
        total = sum(f.states for f in r.softlocks)
        word = "run" if r.mode == "random" else "State"
        out.append(f"Soft-locks: {_plural(total, word)} from which no ending can be reached, "
                   f"in {_plural(len(r.softlocks), 'scene')}")
        for f in r.softlocks[:limit]:
            how = "no choice is available" if f.stuck else "no way on leads to an ending"
            vals = ", ".join(f"{k}={v!r}" for k, v in f.variables.items())
            out.append(f"  {f.scene}{_where(story, f.scene)}: {how}; e.g. with {vals}")
            out.append(f"    reach it: {replay_line(f)}")
    else:
        out.append("Soft-locks: none" + (" found" if r.mode == "random" or not r.complete
                                         else ": every State can still reach an ending"))
    for f in r.errors[:limit]:
        out.append(f"Error in {f.scene}: {f.message}")
        out.append(f"    reach it: {replay_line(f)}")
    if r.mode != "random":
        if r.loops:
            out.append(f"Loops: {len(r.loops)}")
            for g in r.loops[:limit]:
                way = "can be left" if g["exit"] else "NO WAY OUT"
                out.append(f"  {' / '.join(g['scenes'])}: {_plural(g['states'], 'State')}, "
                           f"{way}")
        else:
            out.append("Loops: none")
    verdict = {0: "OK: every scene and ending is reachable, and no player can get stuck.",
               1: "FAILED: see the findings above.",
               3: "NOT PROVEN: raise --max-states to finish the search."}
    if r.mode == "random":
        verdict = {0: "Random runs found no soft-lock or error.",
                   1: "FAILED: see the findings above."}
    out.append(verdict[r.exit_code()])
    return "\n".join(out)
