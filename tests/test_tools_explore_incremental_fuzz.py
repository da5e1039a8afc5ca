"""explore's incremental proof against a fresh one, on random stories and random
one-scene edits: whichever way the second run takes (the kept proof reused after a
re-check, reshaped, a new search taking kept ways on, a fresh proof), its report is
the one `--fresh` gives on the edited story.

The stories are small, finite and made from a seed: three chapters (files) of four
scenes, two tallies compared with numbers, a string and a flag, choices that read and
write them, go on to a later scene or an ending, or back (once only); in a third of
them gold is declared `exact: [0, 1]`, so a key merges States that do not play alike
(rerun.py then takes kept ways only for the kept States themselves). The edits are
those an author makes: a number or a string an effect writes, a condition's number,
a text, where a choice goes. Explore runs in process (``explore_kept``, as the CLI
calls it), the kept proofs in a cache folder of the test's own."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from ana_story.loader import load_story
from ana_story.tools.explore.incremental import explore_kept

SCENES = 4
CHAPTERS = 3
ENDINGS = ("home", "road", "sea")
# (a condition, whether it has a number an edit may change)
CONDITIONS = ("gold >= {n}", "heart < {n}", "mood == 'storm'", "key", "not key",
              "gold + heart > {n}")
EFFECTS = ("gold: gold + {n}", "heart: heart + {n}", "gold: gold - {n}",
           "mood: \"'{w}'\"", "key: true", "key: false")
WORDS = ("calm", "storm", "rain")


def _choice(rng: random.Random, here: int, total: int) -> dict:
    """A choice of scene ``here`` (its place in the story's order of scenes)."""
    c: dict = {"text": f"Way {rng.randrange(100)}"}
    if rng.random() < 0.5:
        c["if"] = rng.choice(CONDITIONS).format(n=rng.randint(1, 5))
    if rng.random() < 0.7:
        c["set"] = rng.choice(EFFECTS).format(n=rng.randint(1, 3), w=rng.choice(WORDS))
    if here > 0 and rng.random() < 0.12:  # back, once only: the story stays finite
        c["goto"], c["once"] = _name(rng.randrange(here)), True
    elif here + 1 >= total or rng.random() < 0.15:
        c["goto"] = rng.choice(ENDINGS)
    else:
        c["goto"] = _name(rng.randrange(here + 1, min(total, here + 4)))
    return c


def _name(n: int) -> str:
    return f"c{n // SCENES}s{n % SCENES}"


def story(seed: int) -> dict[str, dict]:
    """File name -> {scene -> {text, choices}}: the story of ``seed``."""
    rng = random.Random(seed)
    total = SCENES * CHAPTERS
    files: dict[str, dict] = {}
    for n in range(total):
        choices = [_choice(rng, n, total) for _ in range(rng.randint(2, 3))]
        choices[-1].pop("if", None)  # a way on that is always offered
        text = f"Scene {n}." + (" {% if key %}A key.{% endif %}" if rng.random() < 0.3 else "")
        files.setdefault(f"0{n // SCENES + 1}-part.yaml", {})[_name(n)] = \
            {"text": text, "choices": choices}
    files["09-end.yaml"] = {e: {"text": f"The {e}.", "ending": e.title()} for e in ENDINGS}
    return files


def render(folder: Path, files: dict[str, dict], exact: bool) -> None:
    """The story's files; ``exact``: gold declared ``exact: [0, 1]``."""
    folder.mkdir(parents=True, exist_ok=True)
    gold = "{value: 0, exact: [0, 1]}" if exact else "0"
    (folder / "story.yaml").write_text(
        f"title: Fuzz\nstart: c0s0\nvariables:\n  gold: {gold}\n  heart: 2\n  mood: calm\n"
        "  key: false\n", encoding="utf-8")
    for name, scenes in files.items():
        lines = [f"chapter: {name[:2]}", "scenes:"]
        for sid, sc in scenes.items():
            lines += [f"  {sid}:", f"    text: \"{sc['text']}\""]
            if "ending" in sc:
                lines.append(f"    ending: {sc['ending']}")
                continue
            lines.append("    choices:")
            for c in sc["choices"]:
                lines.append(f"      - text: {c['text']}")
                lines += [f"        if: \"{c['if']}\""] if "if" in c else []
                lines += [f"        set: {{{c['set']}}}"] if "set" in c else []
                lines += ["        once: true"] if c.get("once") else []
                lines.append(f"        goto: {c['goto']}")
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit(files: dict[str, dict], rng: random.Random) -> str:
    """One edit an author makes, in place; what it was."""
    ways = [(f, sid, c) for f, scenes in files.items() for sid, sc in scenes.items()
            for c in sc.get("choices", ())]
    while True:
        f, sid, c = rng.choice(ways)
        what = _edit(rng.choice(("number", "string", "condition", "text", "goto")),
                     files[f][sid], c, rng)
        if what is not None:
            return f"{sid}: {what}"


def _edit(kind: str, scene: dict, c: dict, rng: random.Random) -> str | None:
    effect, condition = c.get("set", ""), c.get("if", "")
    if kind == "number" and effect[-1:].isdigit():
        head, _, n = effect.rpartition(" ")
        c["set"] = f"{head} {int(n) + rng.choice((1, 2, -1)) or 4}"
    elif kind == "string" and "mood" in effect:
        c["set"] = f"mood: \"'{rng.choice(WORDS)}2'\""
    elif kind == "condition" and condition[-1:].isdigit():
        c["if"] = condition[:-1] + str(int(condition[-1]) % 5 + 1)
    elif kind == "text":
        scene["text"] += " Rain again."
    elif kind == "goto" and not c.get("once"):
        c["goto"] = rng.choice(ENDINGS)
    else:
        return None
    return f"{kind}: {c.get('set', '')} {c.get('if', '')} -> {c['goto']}"


def _explore(folder: Path, fresh: bool, capsys) -> tuple[dict, str]:
    report = explore_kept(load_story(folder), folder, fresh=fresh, jobs=1,
                          max_states=20_000, seed=0, strict=False)
    data = report.to_json()
    data.pop("seconds")
    data.pop("reused", None)
    return data, capsys.readouterr().err


def _way(err: str) -> str:
    for way in ("stepped again", "reused the last proof", "a new search reusing",
                "a fresh proof"):
        if way in err:
            return way
    return "none"  # (a first run: nothing kept)


@pytest.mark.slow
def test_every_second_run_is_the_fresh_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANA_STORY_CACHE", str(tmp_path / "cache"))
    ways: dict[str, int] = {}
    done = 0
    for seed in range(60):
        files = story(seed)
        folder = tmp_path / f"s{seed}"
        render(folder, files, seed % 3 == 0)
        first, _ = _explore(folder, True, capsys)
        if not first["complete"]:
            continue
        what = edit(files, random.Random(seed))
        render(folder, files, seed % 3 == 0)
        second, err = _explore(folder, False, capsys)
        fresh, _ = _explore(folder, True, capsys)
        assert second == fresh, f"seed {seed}, {what}: {err}"
        ways[_way(err)] = ways.get(_way(err), 0) + 1
        done += 1
    # each shortcut was taken, not only fresh proofs: re-checked, reshaped, searched again
    assert done >= 50 and min(ways.get(w, 0) for w in ("reused the last proof",
                                                        "stepped again",
                                                        "a new search reusing")) >= 5, ways
