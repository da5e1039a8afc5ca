"""Explore's report as plain text for a terminal (the JSON shape is Report.to_json)."""
from __future__ import annotations

from ...hints import command
from ...model import Story
from .report import Finding, Report, dead_choices


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


def _numbers(steps) -> str:
    return " ".join(str(s.number) for s in steps)


def replay_line(f: Finding, root: str = "") -> str:
    """How to play a path by hand: the command (naming the story's folder when it
    is not the shipped story), the seed and the numbers to type."""
    if f.seed is None:
        return "choices " + " > ".join(s.choice for s in f.path) + \
            " (none of the 1,000 seeds tried from --seed up replays it: random " \
            "events decide it)"
    play = command("play", root, f"--seed {f.seed}")
    if not f.path:
        return f"at the start: {play}" if f.fails is not None else "at the start"
    if f.loop is None:
        return f"{play}, then type {_numbers(f.path)}"
    start, one, rounds = f.loop
    lead = f"{play}, then type {_numbers(f.path[:start])}, then" if start else \
        f"{play}, then type"
    group = '"' + " ".join(map(str, one)) + '"'
    if not rounds:  # a growth: the round can be typed again and again
        return f"{lead} {group} again and again"
    rest = f.path[start + rounds * len(one):]
    return f"{lead} {group} {rounds} times" + (f", then {_numbers(rest)}" if rest else "")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def format_report(r: Report, *, limit: int = 20) -> str:
    """The report for a terminal: a heading, then each section, then the verdict."""
    dead = dead_choices(r)
    out = _heading(r)
    out += _scene_lines(r, limit)
    out += _choice_lines(r, dead, limit)
    out += _ending_lines(r, limit)
    out += _softlock_lines(r, limit)
    out += _finding_lines(r, limit)
    if r.mode != "random":
        out += _loop_lines(r, limit)
    out.append(_verdict(r, dead))
    return "\n".join(out)


def _heading(r: Report) -> list[str]:
    story = r.story
    if r.mode == "random":
        out = [f"{story.title}: {_plural(r.runs, 'random playthrough')} "
               f"(seed {r.seed}) in {r.seconds:.2f} s; {_plural(r.states, 'distinct State')}"]
        if r.long_runs:
            out.append(f"  {_plural(r.long_runs, 'run')} still going after {r.max_turns} "
                       "choices (a loop the random player did not leave)")
        return out
    rate = r.states / r.seconds if r.seconds > 0 else 0
    out = [f"{story.title}: {_plural(r.states, 'State')} explored in "
           f"{r.seconds:.2f} s ({rate:,.0f} States/s), seed {r.seed}" if r.reused is None else
           f"{story.title}: {_plural(r.states, 'State')}, the last run's proof reused "
           f"({_plural(r.reused['rechecked'], 'changed scene')} re-checked in {r.seconds:.2f} s), "
           f"seed {r.seed}" if "rechecked" in r.reused else
           f"{story.title}: {_plural(r.states, 'State')} explored in {r.seconds:.2f} s, "
           f"{r.reused['states']:,} of them by the last run's proof, seed {r.seed}"]
    out += [f"  Under the abstraction declared for '{a['variable']}' ({a['where']}): "
            f"exact: [{_num(a['exact'][0])}, {_num(a['exact'][1])}], every value below "
            f"{_num(a['exact'][0])} counts as one, every value above {_num(a['exact'][1])} "
            "as one" for a in r.abstraction]
    if not r.complete:
        grow = ", ".join(f"{g['what']} took {g['values']:,} values" for g in r.widest)
        out.append(f"  INCOMPLETE: stopped at --max-states {r.states:,}; "
                   f"{_plural(r.cut, 'way')} on led past it to States not explored"
                   + (f" ({grow})" if grow else "") + ".")
    out += _projection_lines(r)
    if not r.complete:
        out += _suggestion_lines(r)
        out += _proven_lines(r)
    return out


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def _projection_lines(r: Report) -> list[str]:
    """The size of the space: the floor found, the range projected, and its basis."""
    p = r.projection
    if p is None or not (p["over_bound"] or not r.complete):
        return []
    floor = f"at least {p['known']:,} States (found)"
    if p.get("endless"):
        names = ", ".join(f"'{n}'" for n in p["endless"])
        one = len(p["endless"]) == 1
        return [f"  Size of the space: {floor}, and maybe no end: {names} "
                f"{'is' if one else 'are'} told apart by value and a loop can move "
                f"{'it' if one else 'them'} without bound (said before the search began)"]
    if p["states"] is None:
        return [f"  Size of the space: {floor}; {p['why']}"]
    over = (f"; over the bound (--max-states) since {p['over_bound_at']:,} States were known"
            if p["over_bound"] and p["over_bound_at"] is not None else "")
    top = "" if p.get("ceiling") is None or p["ceiling"] > 100 * p["states"] else \
        f"; at most {p['ceiling']:,} (the values each scene's key can take, a fact)"
    return [f"  Size of the space: {floor}{top}; projected about {p['states']:,}, a guess "
            "from the States per scene reached, the frontier's pace and the repeats among "
            "each level's ways on" + (", and the ceiling" if top else "") + " (0.39x to "
            "1.44x of the final count at a tenth of the search, 0.53x to 1.42x at a "
            f"quarter, on the stories measured: docs/performance.md){over}"]


def _suggestion_lines(r: Report, detail: int = 3) -> list[str]:
    """Which variables blow the space up, and the abstraction to declare for each:
    the first ``detail`` in full, the rest on one line (--format json has them all)."""
    out = []
    for s in r.suggestions[:detail]:
        took = f" took {s['values']:,} values" if s["values"] else " has no bound"
        out.append(f"  Blow-up: variable '{s['variable']}'{took}: {s['why']}.")
        if "yaml" in s:
            out.append(f"    Declare in story.yaml ({s['where']}), and explore tells only "
                       f"{_num(s['exact'][0])} to {_num(s['exact'][1])} apart; its proof then "
                       "holds under that abstraction:")
            out += ["      " + line for line in s["yaml"].splitlines()]
    rest = r.suggestions[detail:]
    if rest:
        fits = [f"{s['variable']} (exact: [{_num(s['exact'][0])}, {_num(s['exact'][1])}])"
                if "exact" in s else f"{s['variable']} (cap it)" for s in rest]
        out.append(f"  Blow-up, also: {', '.join(fits[:12])}"
                   + (f" and {len(fits) - 12} more" if len(fits) > 12 else "")
                   + " (--format json says why for each)")
    return out


def _proven_lines(r: Report) -> list[str]:
    """What the States explored prove, then what the guided runs found past them."""
    story = r.story
    choices = sum(len(sc.choices) for sc in story.scenes.values())
    endings = len(story.endings)
    out = [f"  Proven so far, over the {_plural(r.states, 'State')} explored: "
           f"{endings - len(r.unreached_endings)}/{endings} endings reached, "
           f"{len(story.scenes) - len(r.unreached_scenes)}/{len(story.scenes)} scenes, "
           f"{choices - len(r.unreached_choices)}/{choices} choices "
           "(each with a real path below); no soft-lock or error is ruled out"]
    g = r.guided
    if g is not None:
        out.append(f"  Past the bound, {g['runs']} guided random runs aimed at what is not "
                   f"covered reached {_plural(len(g['scenes']), 'more scene')}, "
                   f"{_plural(len(g['endings']), 'more ending')} and "
                   f"{_plural(len(g['choices']), 'more choice')} (evidence, not proof)"
                   + (": " + ", ".join(g["scenes"][:8]) if g["scenes"] else ""))
        root = r.story.root
        for run in g.get("stuck", []):
            out.append(f"  {_plural(run['runs'], 'guided run')} got STUCK in {run['scene']}"
                       f"{_where(story, run['scene'])} (no choice, no ending); the first: "
                       f"{_replay(root, run)}")
        for run in g.get("errors", []):
            out.append(f"  A guided run hit an ERROR in {run['scene']}: {run['message']}; "
                       f"{_replay(root, run)}")
    return out


def _replay(root: str, run: dict) -> str:
    play = command("play", root, f"--seed {run['seed']}")
    return f"{play}, then type {' '.join(map(str, run['numbers']))}" if run["numbers"] \
        else play


def _scene_lines(r: Report, limit: int) -> list[str]:
    story = r.story
    scenes = list(story.scenes)
    reached = [s for s in scenes if r.scene_hits.get(s)]
    out = [f"Scenes: {len(reached)}/{len(scenes)} reached"]
    if r.mode == "random":
        rows = sorted(((r.scene_hits.get(s, 0), s) for s in scenes), reverse=True)
        for n, s in rows[:limit]:
            out.append(f"  {n:>8,}  {s}")
    for s in r.unreached_scenes[:limit]:
        out.append(f"  never reached: {s}{_where(story, s)}")
    return out


def _choice_lines(r: Report, dead: list, limit: int) -> list[str]:
    story = r.story
    choices = [c.key for sc in story.scenes.values() for c in sc.choices]
    out = [f"Choices: {len(choices) - len(dead)}/{len(choices)} taken"]
    for d in dead[:limit]:
        out.append(f"  never taken: {d['choice']} {_choice_where(story, d['choice'])}: "
                   f"{d['reason']}")
    if len(dead) > limit:
        out.append(f"  ... and {len(dead) - limit} more (--format json lists all)")
    return out


def _ending_lines(r: Report, limit: int) -> list[str]:
    story = r.story
    endings = story.endings
    out = [f"Endings: {len(endings) - len(r.unreached_endings)}/{len(endings)} reached"]
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
                       f"{replay_line(f, story.root)}")
    return out


def _softlock_lines(r: Report, limit: int) -> list[str]:
    story = r.story
    if not r.softlocks:
        return ["Soft-locks: none" + (" found" if r.mode == "random" or not r.complete
                                      else ": every State can still reach an ending")
                + (f", but {_plural(r.long_runs, 'run')} never ended (below)"
                   if r.long_runs else "")]
    total = sum(f.states for f in r.softlocks)
    word = "run" if r.mode == "random" else "State"
    out = [f"Soft-locks: {_plural(total, word)} from which no ending can be reached, "
           f"in {_plural(len(r.softlocks), 'scene')}"]
    for f in r.softlocks[:limit]:
        how = "no choice is available" if f.stuck else "no way on leads to an ending"
        vals = ", ".join(f"{k}={v!r}" for k, v in f.variables.items())
        out.append(f"  {f.scene}{_where(story, f.scene)}: {how}; e.g. with {vals}")
        out.append(f"    reach it: {replay_line(f, story.root)}")
    return out


def _finding_lines(r: Report, limit: int) -> list[str]:
    """The errors, the values that grow without bound, the runs that never ended."""
    root = r.story.root
    out = []
    for f in r.errors[:limit]:
        out.append(f"Error in {f.scene}: {f.message}")
        out.append(f"    reach it: {replay_line(f, root)}")
    for f in r.growth[:limit]:
        out.append(f"Grows without bound in {f.scene}: {f.message}")
        out.append(f"    reach it: {replay_line(f, root)}")
        if f.hint:
            out.append(f"    hint: {f.hint}")
    for f in r.long[:limit]:
        out.append(f"Run with seed {f.seed} {f.message}; it was in {f.scene}")
        out.append(f"    replay it: {replay_line(f, root)}")
    if r.long_runs > len(r.long[:limit]):
        out.append(f"  ... {r.long_runs - len(r.long[:limit])} more such runs")
    return out


def _loop_lines(r: Report, limit: int) -> list[str]:
    if not r.loops:
        return ["Loops: none"]
    out = [f"Loops: {len(r.loops)}"]
    for g in r.loops[:limit]:
        trapped = g.get("trapped", 0)
        if not g["exit"]:
            way = "NO WAY OUT"
        elif trapped:
            way = (f"can be left only from some States: {_plural(trapped, 'State')} "
                   "have NO WAY OUT (e.g. after " +
                   (" > ".join(g["trapped_path"]) or "the start") + ")")
        elif not g["can_end"]:
            way = "can be left, but no ending can be reached from it"
        else:
            way = "can be left"
        out.append(f"  {' / '.join(g['scenes'])}: {_plural(g['states'], 'State')}, {way}")
    return out


def _verdict(r: Report, dead: list) -> str:
    code = r.exit_code()
    if code == 1:
        return "FAILED: see the findings above."
    note = ""
    if dead:
        note = (f" {_plural(len(dead), 'choice')} can never be taken (see above; "
                "--strict fails on them).")
    if r.mode == "random":
        note = f" {_plural(len(dead), 'choice')} no run took (see above)." if dead else ""
        return "Random runs found no soft-lock, error or endless run." + note
    if code == 3:
        also = ", or declare the exact: suggested above" if any(
            "yaml" in x for x in r.suggestions) else ""
        return f"NOT PROVEN: raise --max-states to finish the search{also}." + note
    under = ""
    if r.abstraction:
        under = (" under the abstraction declared for "
                 + ", ".join(f"'{a['variable']}'" for a in r.abstraction)
                 + " (values outside 'exact:' counted as one)")
    return (f"OK{under}: every scene and ending is reachable, no player can get stuck, and no "
            "play can fail." + note)
