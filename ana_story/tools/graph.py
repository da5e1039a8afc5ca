"""The scene graph as Mermaid or Graphviz DOT: chapters as clusters, the start
and the endings marked, scenes no player can reach highlighted, short choice
conditions as edge labels, and the scenes of chosen tags coloured (--tag); the
tags themselves are listed by `graph --tags`."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from ..errors import AnaStoryError
from ..model import Choice, Route, Scene, Story
from .analysis import reachable

MAX_LABEL = 28  # longer conditions are left off the edge; the graph stays readable
TAG_COLOURS = ("#fff3c4", "#d8f5d0", "#f6d8f5", "#d0eef5", "#f5e0d0", "#e0e0e0")


class GraphError(AnaStoryError):
    """The graph could not be rendered (no Graphviz, or Graphviz failed)."""


def tags(story: Story) -> dict[str, list[str]]:
    """tag -> the scenes carrying it, in story order."""
    out: dict[str, list[str]] = {}
    for scene in story.scenes.values():
        for t in scene.tags:
            out.setdefault(t, []).append(scene.id)
    return out


def tag_list(story: Story) -> str:
    """Each tag with its scenes, for `graph --tags`."""
    table = tags(story)
    if not table:
        return f"{story.title}: no scene has tags\n"
    return "".join(f"{t} ({len(ids)}): {', '.join(ids)}\n" for t, ids in sorted(table.items()))


def _coloured(story: Story, chosen: tuple) -> dict[str, str]:
    """scene id -> colour, for the tags chosen (the first chosen tag of a scene wins).
    An unknown tag is an error naming the tags that exist."""
    table = tags(story)
    for t in chosen:
        if t not in table:
            from ..errors import UsageError
            known = ", ".join(sorted(table)) or "none: no scene has 'tags:'"
            raise UsageError(f"--tag {t}: no scene has this tag (the tags are: {known})")
    out: dict[str, str] = {}
    for i, t in enumerate(chosen):
        for sid in table[t]:
            out.setdefault(sid, TAG_COLOURS[i % len(TAG_COLOURS)])
    return out


def _edges(story: Story) -> list[tuple[str, str, str, bool]]:
    """(from, to, label, dashed) for each distinct way between two scenes; the
    choices that stay in their scene are a self-loop of their own, labelled; random
    picks, calls and returns dashed (a 'return: true' has no edge of its own: it
    comes back along its call's)."""
    out: dict[tuple[str, str, bool, str], tuple[str, bool]] = {}
    for scene in story.scenes.values():
        for c in scene.choices:
            dashed = c.goto.random or bool(c.goto.kind)  # a random pick, a call, a return
            for r in c.goto.routes:
                label = _label(c, r)
                k = (scene.id, r.scene, c.stay, c.goto.kind)
                if k in out:  # several choices between the same scenes: one edge
                    prev, rnd = out[k]
                    label = "" if not prev or not label else (
                        prev if prev == label else "…")
                    out[k] = (label, rnd and dashed)
                else:
                    out[k] = (label, dashed)
    return [(a, b, label if label or not stay else "stays", rnd)
            for (a, b, stay, _), (label, rnd) in out.items()]


def _label(c: Choice, r: Route) -> str:
    """An edge's label: its conditions, or random, fallback or stays."""
    parts = []
    if c.condition is not None:
        parts.append(c.condition.source.strip())
    if r.condition is not None:
        parts.append(r.condition.source.strip())
    label = " and ".join(parts)
    if c.goto.kind:  # a tunnel: 'call' (its 'return: true' comes back along it), 'return'
        label = c.goto.kind
    elif c.goto.random:
        label = "random"
    elif c.fallback:
        label = "fallback"
    elif c.stay:
        return "stays"  # the one label of a self-loop of stays
    return "…" if len(label) > MAX_LABEL else label


def _mid(sid: str) -> str:
    return "s_" + re.sub(r"[^A-Za-z0-9_]", "_", sid)


def _mq(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(story: Story, tag: tuple = ()) -> str:
    """The scene graph as Mermaid: chapters as subgraphs, then the ways between
    scenes, then the classes (start, endings, unreachable, each --tag)."""
    lines = ["flowchart TD"] + _mermaid_nodes(story)
    for a, b, label, rnd in _edges(story):
        arrow = "-.->" if rnd else "-->"
        lines.append(f"  {_mid(a)} {arrow}|{_mq(label)}| {_mid(b)}" if label
                     else f"  {_mid(a)} {arrow} {_mid(b)}")
    lines += _mermaid_classes(story, tag)
    return "\n".join(lines) + "\n"


def _mermaid_nodes(story: Story) -> list[str]:
    lines = []
    for i, ch in enumerate(story.chapters):
        lines.append(f'  subgraph ch{i}["{_mq(ch.title)}"]')
        for sid in ch.scenes:
            s = story.scenes.get(sid)
            if s is None:
                continue
            title = _mq(s.title or sid)
            if s.is_ending:
                ending = _mq(s.ending or "")
                lines.append(f'    {_mid(sid)}(["{title}<br/><i>ending: {ending}</i>"])')
            elif sid == story.start:
                lines.append(f'    {_mid(sid)}[["{title}<br/><i>start</i>"]]')
            else:
                lines.append(f'    {_mid(sid)}["{title}"]')
        lines.append("  end")
    return lines


def _mermaid_classes(story: Story, tag: tuple) -> list[str]:
    reach = reachable(story)
    colour = _coloured(story, tag)
    lines = ["  classDef start stroke-width:3px",
             "  classDef ending fill:#e8f0ff,stroke:#35a",
             "  classDef unreachable fill:#fdd,stroke:#c00,stroke-dasharray:4 3",
             f"  class {_mid(story.start)} start"]
    endings = [_mid(s.id) for s in story.endings]
    if endings:
        lines.append(f"  class {','.join(endings)} ending")
    lost = [_mid(s) for s in story.scenes if s not in reach]
    if lost:
        lines.append(f"  class {','.join(lost)} unreachable")
    for i, t in enumerate(tag):
        ids = [_mid(s) for s, c in colour.items() if c == TAG_COLOURS[i % len(TAG_COLOURS)]]
        lines.append(f"  %% tag {' '.join(t.split())}")
        lines.append(f"  classDef tag{i} fill:{TAG_COLOURS[i % len(TAG_COLOURS)]}")
        if ids:  # none when an earlier --tag already coloured all its scenes
            lines.append(f"  class {','.join(ids)} tag{i}")
    return lines


def _dq(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def dot(story: Story, tag: tuple = ()) -> str:
    reach = reachable(story)
    colour = _coloured(story, tag)
    lines = [f"digraph {_dq(story.title)} {{", "  rankdir=TB;",
             '  node [shape=box, style="rounded,filled", fillcolor=white, fontname=Helvetica];',
             "  edge [fontname=Helvetica, fontsize=10];"]
    for i, ch in enumerate(story.chapters):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_dq(ch.title)}; style=rounded; color=grey60;")
        for sid in ch.scenes:
            s = story.scenes.get(sid)
            if s is not None:
                lines.append(f"    {_dq(sid)} [{', '.join(_dot_attrs(story, s, reach, colour))}];")
        lines.append("  }")
    lines.append('  __start [shape=point, width=0.15];')
    lines.append(f"  __start -> {_dq(story.start)};")
    for a, b, label, rnd in _edges(story):
        attrs = []
        if label:
            attrs.append(f"label={_dq(label)}")
        if rnd:
            attrs.append("style=dashed")
        lines.append(f"  {_dq(a)} -> {_dq(b)}" + (f" [{', '.join(attrs)}]" if attrs else "")
                     + ";")
    for i, t in enumerate(tag):  # a legend: one box per tag, in its colour
        lines.append(f"  {_dq('__tag_' + t)} [label={_dq('tag: ' + t)}, shape=note, "
                     f'fillcolor="{TAG_COLOURS[i % len(TAG_COLOURS)]}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_attrs(story: Story, s: Scene, reach: set, colour: dict[str, str]) -> list[str]:
    """A scene's DOT attributes: its label, and how start, endings, unreachable
    and tagged scenes look."""
    sid = s.id
    label = (s.title or sid) + ("\nending: " + (s.ending or "") if s.is_ending else "")
    attrs = [f"label={_dq(label)}"]
    if s.is_ending:
        attrs.append('shape=doubleoctagon, fillcolor="#e8f0ff"')
    if sid == story.start:
        attrs.append("penwidth=3")
    if sid not in reach:
        attrs.append('fillcolor="#ffdddd", color=red, style="rounded,filled,dashed"')
    elif sid in colour:
        attrs.append(f'fillcolor="{colour[sid]}"')
    return attrs


def render(source: str, output: Path, root: str = "") -> None:
    """Render DOT to ``output`` (format from its suffix: svg, png, pdf) with Graphviz;
    ``root``, the story's folder, goes into the commands the errors suggest."""
    from ..hints import quoted
    exe = shutil.which("dot")
    fmt = output.suffix.lstrip(".").lower() or "svg"
    if exe is None:
        raise GraphError(
            f"cannot write {output}: Graphviz's 'dot' is not installed. Install it "
            "(apt install graphviz, brew install graphviz, or graphviz.org), or write the "
            f"DOT text with {quoted('graph', root, '--format dot > story.dot')} and "
            f"render it elsewhere; {quoted('graph', root)} (Mermaid) renders on GitHub "
            "as it is")
    if fmt not in ("svg", "png", "pdf"):
        raise GraphError(f"cannot write {output}: use a name ending in .svg, .png or .pdf")
    try:
        done = subprocess.run([exe, f"-T{fmt}", "-o", str(output)], input=source,
                              text=True, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise GraphError(f"Graphviz could not render {output}: {e}") from None
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise GraphError(f"Graphviz could not render {output}: {first}")
