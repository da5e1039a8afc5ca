"""Every screen of many seeded random playthroughs, as text: what the engine's step must
keep giving, however it is made faster.

Used by tests/test_step_screens.py, and run as a script to record what a checkout of
the engine gives (the digests in tests/data/step-screens.json were recorded from
c712ede's engine, before the step was made faster):

    python tests/step_screens.py CODE_DIR [--write tests/data/step-screens.json]

A playthrough records each Passage whole (every field, every choice's view), the State
after each choice as its save holds it, and any error the engine raises, with its text.
Now and then it takes a choice at random among all of them (an unavailable one must be
refused the same way) and carries the State through its save's JSON (what a load does).
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
DATA = HERE / "data" / "step-screens.json"
# fixture stories that load and play (the broken ones are for the loader's tests)
STORIES = ["conversation", "conversation-order", "explore-dice-chance", "explore-dice-effects",
           "explore-dice-text", "explore-fallible", "explore-fallible-visits",
           "explore-grow-text", "explore-talk-enter", "explore-talk-fail",
           "explore-talk-porch", "explore-dead-choices", "features", "let-market",
           "let-random", "let-start", "let-turns", "reuse-kitchen", "satchel", "stats-screen",
           "tunnel-photograph", "ui-garden", "vary-blocks", "vary-dice", "vary-explore",
           "tools-random", "tools-tallies"]


def screen(p) -> str:
    """A Passage as text: every field the player or a front end may read."""
    views = [[c.index, c.key, c.text, bool(c.available), c.reason] for c in p.choices]
    return json.dumps([type(p).__name__, p.scene, p.title, p.chapter, p.text, views,
                       p.ending, list(p.tags), p.turn, p.reply, bool(p.stayed),
                       bool(p.returned)], ensure_ascii=False)


def playthroughs(story, runs: int, seed: int = 1, steps: int = 80) -> list[str]:
    """The lines of ``runs`` seeded random playthroughs of ``story``."""
    from ana_story import engine
    from ana_story.errors import AnaStoryError
    from ana_story.state import State
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(runs):
        state = engine.new_state(story, seed * 7919 + i)
        for n in range(steps):
            try:
                p = engine.present(story, state)
            except AnaStoryError as e:
                out.append(f"present! {type(e).__name__}: {e}")
                break
            out.append(screen(p))
            if p.ending is not None or not p.available:
                break
            pick = (rng.choice(p.choices) if rng.random() < 0.1 else
                    rng.choice([c for c in p.choices if c.available]))
            try:
                state = engine.choose(story, state, pick.index)
            except AnaStoryError as e:
                out.append(f"choose {pick.index}! {type(e).__name__}: {e}")
                if pick.available:
                    break
                continue
            saved = json.dumps(state.to_json(), sort_keys=True, ensure_ascii=False)
            out.append(saved)
            if n % 7 == 3:  # as a load gives it back
                state = State.from_json(json.loads(saved))
    return out


def digests(folders: dict[str, Path], runs: int = 60) -> dict[str, str]:
    """Each story's name -> the SHA-256 of all its playthroughs' lines."""
    from ana_story.loader import load_story
    got = {}
    for name, folder in folders.items():
        lines = playthroughs(load_story(folder), runs)
        got[name] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return got


if __name__ == "__main__":
    code = Path(sys.argv[1]).resolve()
    sys.path.insert(0, str(code))
    import ana_story
    assert Path(ana_story.__file__).resolve().is_relative_to(code), ana_story.__file__
    result = digests({name: FIXTURES / name for name in STORIES})
    print(json.dumps(result, indent=1))
    if "--write" in sys.argv:
        Path(sys.argv[sys.argv.index("--write") + 1]).write_text(
            json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
