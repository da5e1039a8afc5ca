"""Render the shared benchmark story model (../shared/bench/storymodel.py) into our format.

    python bench/gen_story.py N OUT_DIR

writes OUT_DIR/story.yaml and chapter files of 500 scenes each. The model is kept exactly
as shared (same seed, same shape), so figures compare with the reference engines'.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench beside the project; from a worktree under /work/wt/, the first one up
SHARED = next((p / "shared" / "bench" for p in ROOT.parents
               if (p / "shared" / "bench" / "storymodel.py").exists()),
              ROOT.parent / "shared" / "bench")
SCENES_PER_CHAPTER = 500


def _model():
    sys.path.insert(0, str(SHARED))
    try:
        import storymodel
    finally:
        sys.path.pop(0)
    return storymodel


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def reactive(scenes: list[dict], names: list[str]) -> None:
    """The "reactive" variant: the same scenes, but each choice's effect and
    condition on one of ``names`` (chosen by the scene's and choice's place), so
    that many variables are read by conditions."""
    for i, s in enumerate(scenes):
        for c, ch in enumerate(s["choices"]):
            name = names[(7 * i + c) % len(names)]
            var, op, amount = ch["effect"]
            ch["effect"] = (name, op, amount)
            if ch["condition"]:
                _, cop, k = ch["condition"].split()
                ch["condition"] = f"{names[(5 * i + 3 * c + 1) % len(names)]} {cop} {k}"


def render(n: int, out: Path, variables: int = 0, seed: int | None = None) -> Path:
    """The model's story of ``n`` scenes; with ``variables``, the reactive variant
    with that many variables (v0, v1, ...) read by conditions; ``seed``: another
    story of the same shape than the model's own (bench_projection.py's untuned ones)."""
    model = _model()
    scenes = model.build(n) if seed is None else model.build(n, seed=seed)
    names = list(model.VARS)
    if variables:
        names = [f"v{k}" for k in range(variables)]
        reactive(scenes, names)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    (out / "story.yaml").write_text(
        f"title: Benchmark {n}\nversion: \"1\"\nstart: k0\nvariables:\n"
        + "".join(f"  {v}: 0\n" for v in names), encoding="utf-8")
    for c in range(0, n, SCENES_PER_CHAPTER):
        lines = [f"chapter: Part {c // SCENES_PER_CHAPTER + 1}", "scenes:"]
        for s in scenes[c:c + SCENES_PER_CHAPTER]:
            lines.append(f"  {s['id']}:")
            lines.append("    text: |")
            lines.append(f"      {s['text'][0]}")
            lines.append("")
            lines.append(f"      {s['text'][1]}")
            if s["end"]:
                lines.append(f"    ending: End of {s['id']}")
                continue
            lines.append("    choices:")
            for ch in s["choices"]:
                var, op, amount = ch["effect"]
                lines.append(f"      - text: {_q(ch['text'])}")
                if ch["condition"]:
                    lines.append(f"        if: {ch['condition']}")
                lines.append(f"        set: {{ {var}: {var} {op} {amount} }}")
                lines.append(f"        goto: {ch['goto']}")
        name = f"{c // SCENES_PER_CHAPTER + 1:03d}-part.yaml"
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    render(int(sys.argv[1]), Path(sys.argv[2]))
