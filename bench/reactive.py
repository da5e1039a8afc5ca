"""How far each tool gets on the reactive benchmark story in a given time (60 s).

The story: the shared model of 1,000 scenes (../shared/bench/storymodel.py) in its
"reactive" variant (bench/gen_story.py: 24 variables, each choice's effect and
condition on one of them, so 24 variables are read by conditions), rendered for
each tool from the same scenes. Each tool runs in a process of its own for the
same wall time:

- ana-story explore (the exhaustive proof, one process), stopped when the time is
  up: States explored, scenes, endings and choices it has proven reachable, and its
  projection of the space;
- the same under the abstraction explore suggests for it (`exact:` on the
  variables it names after a short cut search);
- ana-story explore --random: random playthroughs, batch after batch;
- bink 0.7.1 (the Rust ink runtime) and bardic 0.10.2, which have no exhaustive
  search: seeded random playthroughs, as their own benchmarks play them
  (../shared/bench/peers), counting the scenes and endings reached.

The peers' Python is the venv ../shared/bench/peers/run.sh sets up ($PEERS/venv,
default /tmp/ana-peers); without it they are left out, and the table says so.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = Path(os.environ.get("PEERS", "/tmp/ana-peers"))
N, VARIABLES = 1000, 24

_ANA = r'''
import json, sys, time
sys.path.insert(0, sys.argv[3])
from ana_story.loader import load_story
from ana_story.tools.explore.abstraction import endless
from ana_story.tools.explore.search import Search
class Up(Exception):
    pass
story = load_story(sys.argv[1]); limit = float(sys.argv[2])
t0 = time.perf_counter()
s = Search(story, 50_000_000, 0, False)
s.projection.begin(endless(story, s.key))
before = time.perf_counter() - t0  # the analysis before the first State
def tick(done, known):
    if time.perf_counter() - t0 > limit:
        raise Up
done = True
try:
    explored = s.run(tick)
except Up:
    done = False
secs = time.perf_counter() - t0
r = s.report
p = s.projection
print(json.dumps({"done": done, "explored": len(s.tree.first), "known": len(s.ids),
    "seconds": secs, "before": before, "scenes": sum(1 for v in r.scene_hits.values() if v),
    "endings": sum(1 for e in story.endings if r.scene_hits.get(e.id)),
    "choices": sum(1 for v in r.choice_hits.values() if v),
    "all_scenes": len(story.scenes), "all_endings": len(story.endings),
    "projection": p.line()}))
'''

_RANDOM = r'''
import json, sys, time
sys.path.insert(0, sys.argv[3])
from ana_story.loader import load_story
from ana_story.tools.explore import random_runs, randomruns
story = load_story(sys.argv[1]); limit = float(sys.argv[2])
t0 = time.perf_counter(); runs = 0; scenes = set(); endings = set(); seed = 0
keyer = randomruns.Keyer(story)  # built once (its analysis counts in the time), not per batch
randomruns.Keyer = lambda story: keyer
while time.perf_counter() - t0 < limit:
    r = random_runs(story, 100, seed=seed, max_turns=200)
    seed += 1; runs += 100
    scenes |= {k for k, v in r.scene_hits.items() if v}
    endings |= {k for k, v in r.ending_hits.items() if v}
print(json.dumps({"runs": runs, "seconds": time.perf_counter() - t0,
                  "scenes": len(scenes), "endings": len(endings)}))
'''

_PEER = r'''
import json, random, sys, time
kind, path, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
names = json.load(open(sys.argv[4], encoding="utf-8"))
rng = random.Random(1); scenes = set(); endings = set(); runs = steps = 0
if kind == "bink":
    from bink.story import Story
    st = Story(open(path, encoding="utf-8-sig").read())
else:
    from bardic.runtime.engine import BardEngine
    story = json.load(open(path, encoding="utf-8"))
t0 = time.perf_counter()
while time.perf_counter() - t0 < limit:
    if kind == "bink":
        st.reset_state()
    else:
        e = BardEngine(story)
    for n in range(200):
        if kind == "bink":
            text = st.continue_maximally(); labels = list(st.get_current_choices())
            where = names.get(text.strip().split("\n")[0].strip())
        else:
            out = e.current(); labels = out.choices; where = out.passage_id
        steps += 1
        if where:
            scenes.add(where)
        if not labels:
            endings.add(where)
            break
        if kind == "bink":
            st.choose_choice_index(rng.randrange(len(labels)))
        else:
            e.choose(rng.randrange(len(labels)))
    runs += 1
print(json.dumps({"runs": runs, "steps": steps, "seconds": time.perf_counter() - t0,
                  "scenes": len(scenes), "endings": len(endings)}))
'''


def _model_scenes() -> list[dict]:
    sys.path.insert(0, str(ROOT / "bench"))
    from gen_story import _model, reactive
    scenes = _model().build(N)
    reactive(scenes, [f"v{k}" for k in range(VARIABLES)])
    return scenes


def _peer_files(tmp: Path) -> dict[str, Path] | None:
    """The reactive story as ink JSON (for bink) and bardic JSON, or None."""
    py = PEERS / "venv" / "bin" / "python"
    peers = ROOT.parent / "shared" / "bench" / "peers"
    if not peers.is_dir():
        peers = ROOT.parent.parent / "shared" / "bench" / "peers"
    if not py.exists() or not (PEERS / "inkjs" / "node_modules" / "inkjs").is_dir():
        return None
    sys.path.insert(0, str(peers))
    import gen_bard
    import gen_ink
    import model
    model.VARS = tuple(f"v{k}" for k in range(VARIABLES))  # the reactive variant's
    scenes = _model_scenes()
    (tmp / "r.ink").write_text(gen_ink.render(scenes), encoding="utf-8")
    (tmp / "r.bard").write_text(gen_bard.render(scenes, "reactive"), encoding="utf-8")
    env = dict(os.environ, INKJS_PREFIX=str(PEERS / "inkjs"))
    subprocess.run(["node", str(peers / "compile_ink.js"), str(tmp / "r.ink"),
                    str(tmp / "r.ink.json")], check=True, capture_output=True, env=env)
    subprocess.run([str(PEERS / "venv" / "bin" / "bardic"), "compile", str(tmp / "r.bard"),
                    "-o", str(tmp / "r.json")], check=True, capture_output=True)
    return {"bink": tmp / "r.ink.json", "bardic": tmp / "r.json"}


def _ranges(declared: list[dict]) -> str:
    """'24 variables, each [0, 4]' or each variable with its own range."""
    shown = {tuple(s["exact"]) for s in declared}
    if len(shown) == 1:
        lo, hi = (int(x) if x == int(x) else x for x in next(iter(shown)))
        return f"{len(declared)} variables, each [{lo}, {hi}]"
    return ", ".join(f"{s['variable']} {s['exact']}" for s in declared)


def _run(code: str, *args: str, python: str = sys.executable, timeout: float = 600) -> dict:
    out = subprocess.run([python, "-c", code, *args], capture_output=True, text=True,
                         timeout=timeout, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def how_far(tmp: Path, seconds: float, peers: bool = True) -> list[str]:
    """The markdown lines of the table (and a note on what each figure is)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from gen_story import render

    from ana_story.loader import load_story
    from ana_story.tools.explore import explore
    story_dir = render(N, tmp / "reactive", variables=VARIABLES)
    cut = explore(load_story(story_dir), max_states=20_000)
    declared = [s for s in cut.suggestions if "exact" in s]
    abstract = render(N, tmp / "reactive-exact", variables=VARIABLES)
    p = abstract / "story.yaml"
    text = p.read_text(encoding="utf-8")
    for s in declared:
        lo, hi = (int(x) if x == int(x) else x for x in s["exact"])
        text = text.replace(f"  {s['variable']}: 0\n",
                            f"  {s['variable']}:\n    value: 0\n    exact: [{lo}, {hi}]\n")
    p.write_text(text, encoding="utf-8")
    limit = str(seconds)
    rows = ["| tool | what it does | in the time | scenes reached | endings reached | "
            "what it establishes |", "|---|---|---:|---:|---:|---|"]
    for label, d in (("ana-story explore", story_dir),
                     (f"ana-story explore, with the suggested exact: on {_ranges(declared)}",
                      abstract)):
        a = _run(_ANA, str(d), limit, str(ROOT))
        fin = "finished: complete" if a["done"] else "stopped"
        rate = a["explored"] / max(a["seconds"] - a["before"], 1e-9)
        rows.append(f"| {label} | exhaustive search, one process | {fin} after "
                    f"{a['seconds']:.0f} s ({a['before']:.0f} s of analysis before the "
                    f"search): {a['explored']:,} States explored ({rate:,.0f}/s), "
                    f"{a['known']:,} found | "
                    f"{a['scenes']}/{a['all_scenes']} | {a['endings']}/{a['all_endings']} | "
                    f"proof over the States explored; {a['projection'] or 'no projection'} |")
    r = _run(_RANDOM, str(story_dir), limit, str(ROOT))
    story = load_story(story_dir)
    rows.append(f"| ana-story explore --random | random playthroughs (at most 200 choices) | "
                f"{r['runs']:,} runs | {r['scenes']}/{len(story.scenes)} | "
                f"{r['endings']}/{len(story.endings)} | evidence only |")
    files = _peer_files(tmp) if peers else None
    if files is None:
        rows.append("| bink, bardic | (not run: their venv from ../shared/bench/peers/run.sh "
                    "is missing) | | | | |")
        return rows
    names = tmp / "names.json"  # a scene's first paragraph -> its id (bink tells no knot)
    names.write_text(json.dumps({s["text"][0].strip(): s["id"] for s in _model_scenes()}),
                     encoding="utf-8")
    for kind in ("bink", "bardic"):
        q = _run(_PEER, kind, str(files[kind]), limit, str(names),
                 python=str(PEERS / "venv" / "bin" / "python"))
        rows.append(f"| {kind} | random playthroughs (at most 200 choices); no exhaustive "
                    f"search | {q['runs']:,} runs, {q['steps']:,} steps | "
                    f"{q['scenes']}/{len(story.scenes)} | {q['endings']}/{len(story.endings)} "
                    "| evidence only |")
    return rows
