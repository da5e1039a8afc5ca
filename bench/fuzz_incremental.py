"""Random effect edits against the incremental proof: each run changes one value a
`set:` writes (a number or a quoted string), runs `ana-story explore` as a user
would (reusing the proof kept by the run before), and compares its JSON report
with a `--fresh` run's on the same edited story. The edits pile up (each run's
kept proof is the next one's base); the `--fresh` runs keep their proofs in a
folder of their own, so they never become the incremental runs' base.

    python bench/fuzz_incremental.py [--story shipped|bench] [--edits 20] [--seed 1]

Prints one line per edit (the scene, the old and new text, what the run did) and
the counts at the end; exits 1 if any report differed from --fresh's.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_incremental import run  # noqa: E402
from bench_projection import abstracted  # noqa: E402

_SET = re.compile(r"^\s+set: \{(.*)\}\s*$", re.M)
_LITERAL = re.compile(r"(?<![\w.'])(\d+)(?![\w.'])"  # a number
                      r"|\"'(\w*)'\""  # a string (in the story: "'column'")
                      r"|(?<!\")'(true|false)'(?!\")")  # a truth value ('true')
_MODES = (("reused the last proof", "reused"), ("a new search reusing", "searched again"),
          ("a fresh proof", "afresh"))


def _sets(files: dict[Path, str]) -> list[tuple[Path, int, int]]:
    """(file, start, end) of each literal written by a `set:`."""
    out = []
    for path, text in files.items():
        for m in _SET.finditer(text):
            for lit in _LITERAL.finditer(m.group(1)):
                out.append((path, m.start(1) + lit.start(), m.start(1) + lit.end()))
    return out


def _edit(files: dict[Path, str], rng: random.Random) -> tuple[Path, str, str, str]:
    """One literal of one `set:` changed: (file, new text, old literal, new literal).
    A number moves by a little; a string becomes another the story sets, or a new
    one; a truth value flips."""
    strings = sorted({files[p][a + 2:b - 2] for p, a, b in _sets(files)
                      if files[p][a] == '"'})
    while True:
        path, a, b = rng.choice(_sets(files))
        text = files[path]
        old = text[a:b]
        if old[0] == '"':
            others = [x for x in strings if x != old[2:-2]]
            inner = rng.choice(others) if others and rng.random() < 0.6 else \
                old[2:-2] + rng.choice("2xz")  # another value the story sets, or a new one
            new = "\"'" + inner + "'\""
        elif old[0] == "'":
            new = "'false'" if old == "'true'" else "'true'"
        else:
            new = str(max(0, int(old) + rng.choice((-2, -1, 1, 2, 3))))
        if new != old:
            return path, text[:a] + new + text[b:], old, new


def _scene(text: str, at: int) -> str:
    found = re.findall(r"^  ([\w-]+):\n", text[:at], re.M)
    return found[-1] if found else "?"


def _mode(stderr: str) -> str:
    return next((name for said, name in _MODES if said in stderr), "first-run")


def _why(stderr: str) -> str:
    """What the run said it did (explore's lines on stderr)."""
    return " / ".join(x[len("explore: "):] for x in stderr.splitlines()
                      if x.startswith("explore: "))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--story", choices=("shipped", "bench"), default="shipped")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-incremental-"))
    try:
        if args.story == "bench":
            story = abstracted(1000, tmp / "story")
        else:
            story = Path(shutil.copytree(ROOT / "scenes", tmp / "story"))
        env = dict(os.environ, ANA_STORY_CACHE=str(tmp / "cache"), NO_COLOR="1")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env_fresh = dict(env, ANA_STORY_CACHE=str(tmp / "cache-fresh"))
        run(story, env, "--fresh")  # the first proof, kept
        counts: dict[str, int] = {}
        differ = 0
        for i in range(args.edits):
            files = {p: p.read_text(encoding="utf-8") for p in sorted(story.glob("*.yaml"))}
            path, new, old_lit, new_lit = _edit(files, rng)
            at = next(k for k, (x, y) in enumerate(zip(files[path], new, strict=False)) if x != y)
            path.write_text(new, encoding="utf-8")
            _, cpu, again, err = run(story, env)
            _, cpu_fresh, fresh, _ = run(story, env_fresh, "--fresh")
            same = again == fresh
            differ += not same
            mode = _mode(err)
            counts[f"{mode}, {'same' if same else 'DIFFERENT'}"] = \
                counts.get(f"{mode}, {'same' if same else 'DIFFERENT'}", 0) + 1
            print(f"{i + 1:3} {path.name} '{_scene(new, at)}' {old_lit} -> {new_lit}: "
                  f"{mode}, {cpu:.2f} s against {cpu_fresh:.2f} s fresh, "
                  f"{'same as --fresh' if same else 'DIFFERENT from --fresh'} ({_why(err)})",
                  flush=True)
        print(f"{args.story} story, {args.edits} edits, seed {args.seed}: "
              + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
        return 1 if differ else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
