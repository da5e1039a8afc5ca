"""flowpoints.propagate against the round-by-round sweep it replaced, on random
scene graphs: the same unstable variables, the same points per scene."""
from __future__ import annotations

import random

from ana_story.tools.flowpoints import MAX_POINTS, propagate


def _sweep(edges, pts, cx, numeric):
    """The sweep analysis.thresholds used before (every way back, round after
    round, until nothing moves; still moving after a round per scene: unstable)."""
    unstable: set = set()
    scenes = {e[0] for e in edges} | {e[1] for e in edges}
    rounds = len(scenes) + 2
    for i in range(2 * rounds + 2):
        moved: set = set()
        for sid, t, delta, killed in edges:
            for k in cx[t] - killed - cx[sid]:
                cx[sid].add(k)
                moved.add(k)
            for k, vals in list(pts[t].items()):
                if k in killed or k in unstable:
                    continue
                d = delta.get(k, 0)
                mine = pts[sid].setdefault(k, set())
                before = len(mine)
                mine.update([v - d for v in vals] if d else list(vals))
                if len(mine) != before:
                    moved.add(k)
                    if len(mine) > MAX_POINTS:
                        unstable.add(k)
        if not moved:
            break
        if i >= rounds:
            unstable |= moved
    return unstable


def _answer(scenes, numeric, pts, cx, unstable):
    return {s: {k: None if k in cx[s] or k in unstable else tuple(sorted(pts[s].get(k, ())))
                for k in sorted(numeric)} for s in scenes}


def _story(rng: random.Random):
    scenes = [f"s{i}" for i in range(rng.randint(2, 9))]
    numeric = {"a", "b", "c"}
    edges = []
    for s in scenes:
        for _ in range(rng.randint(0, 3)):
            t = rng.choice(scenes)
            step = rng.choice([0, 0, 1, -1, 2, 0.5]) if rng.random() < 0.6 else 0
            delta = {k: step for k in rng.sample(sorted(numeric), rng.randint(0, 2)) if step}
            killed = set(rng.sample(sorted(numeric), 1)) if rng.random() < 0.2 else set()
            edges.append((s, t, delta, killed))
    pts = {s: {} for s in scenes}
    cx = {s: set() for s in scenes}
    for s in scenes:
        for k in numeric:
            if rng.random() < 0.25:
                pts[s][k] = {rng.randint(-3, 9) for _ in range(rng.randint(1, 3))}
        if rng.random() < 0.1:
            cx[s].add(rng.choice(sorted(numeric)))
    return scenes, numeric, edges, pts, cx


def test_propagate_gives_the_sweeps_answer_on_random_graphs():
    rng = random.Random(17)
    pumped = settled = 0
    for _ in range(400):
        scenes, numeric, edges, pts, cx = _story(rng)
        p1, c1 = {s: {k: set(v) for k, v in d.items()} for s, d in pts.items()}, \
            {s: set(v) for s, v in cx.items()}
        p2, c2 = {s: {k: set(v) for k, v in d.items()} for s, d in pts.items()}, \
            {s: set(v) for s, v in cx.items()}
        u1 = _sweep(edges, p1, c1, numeric)
        u2 = propagate(edges, p2, c2, numeric)
        assert u2 == u1
        assert _answer(scenes, numeric, p2, c2, u2) == _answer(scenes, numeric, p1, c1, u1)
        pumped += bool(u1)
        settled += any(v for d in p1.values() for v in d.values())
    assert pumped > 20 and settled > 100  # both kinds of answer were met
