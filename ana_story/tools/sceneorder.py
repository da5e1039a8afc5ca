"""The order of a story's scenes for the flow analyses: which scenes lie on a
cycle, and a topological order that takes cycles as they come.

Why apart: ranges.flow_ranges and soundness both walk the scene graph in this
order; it is graph work, not interval arithmetic.
"""
from __future__ import annotations

from ..model import Story
from .analysis import scene_graph
from .storymemo import remembered


def cyclic(graph: dict) -> set[str]:
    """Scenes on a cycle of ``graph`` (scene -> successors): those in a strongly
    connected component of more than one scene, or with an edge to themselves.
    Kosaraju's two passes, iterative."""
    order = _finish_order(graph)
    back: dict[str, list] = {n: [] for n in graph}
    for a, outs in graph.items():
        for b in outs:
            if b in back:
                back[b].append(a)
    out: set = set()
    done: set = set()
    for root in reversed(order):
        if root in done:
            continue
        comp, stack = [], [root]
        done.add(root)
        while stack:
            n = stack.pop()
            comp.append(n)
            for p in back[n]:
                if p not in done:
                    done.add(p)
                    stack.append(p)
        if len(comp) > 1 or root in graph[root]:
            out.update(comp)
    return out


def _finish_order(graph: dict) -> list[str]:
    """The nodes in the order a depth-first search finishes them."""
    order: list[str] = []
    seen: set = set()
    for root in graph:
        if root in seen:
            continue
        seen.add(root)
        work = [(root, iter(graph[root]))]
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is None:
                work.pop()
                order.append(node)
            elif nxt in graph and nxt not in seen:
                seen.add(nxt)
                work.append((nxt, iter(graph[nxt])))
    return order


@remembered
def scene_order(story: Story) -> tuple[dict, set]:
    """(scene -> its place in a topological order of the scene graph, taking
    cycles as they come; the scenes on a cycle)."""
    graph = scene_graph(story)
    post: list[str] = []
    seen = {story.start}
    on_path = {story.start}
    looping: set = set()
    work = [(story.start, iter(graph.get(story.start, ())))]
    path = [story.start]
    while work:
        sid, it = work[-1]
        nxt = next(it, None)
        if nxt is None:
            work.pop()
            path.pop()
            on_path.discard(sid)
            post.append(sid)
            continue
        if nxt in on_path:  # a back edge: every scene from nxt to here is on a cycle
            looping.update(path[path.index(nxt):])
        elif nxt not in seen and nxt in graph:
            seen.add(nxt)
            on_path.add(nxt)
            path.append(nxt)
            work.append((nxt, iter(graph[nxt])))
    rank = {sid: i for i, sid in enumerate(reversed(post))}
    return rank, looping | cyclic(graph)
