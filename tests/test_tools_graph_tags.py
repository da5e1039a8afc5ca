"""The author tools list and colour scenes by tag (docs/writing-scenes.md says so)."""
from __future__ import annotations

from conftest import run_cli


def test_graph_tags_lists_each_tag_with_its_scenes():
    r = run_cli("graph", "--tags")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert "arbat (2): arbat, militia" in lines
    assert lines == sorted(lines)


def test_graph_tag_colours_those_scenes_in_mermaid_and_dot():
    r = run_cli("graph", "--tag", "arbat", "--tag", "snow")
    assert r.returncode == 0
    assert "  classDef tag0 fill:#fff3c4" in r.stdout
    assert "  class s_arbat,s_militia tag0" in r.stdout
    assert "  classDef tag1 fill:#d8f5d0" in r.stdout
    d = run_cli("graph", "--format", "dot", "--tag", "arbat")
    assert '"arbat" [label="Three Roubles a Face", fillcolor="#fff3c4"];' in d.stdout
    assert '"__tag_arbat" [label="tag: arbat", shape=note' in d.stdout
    assert '"dormitory" [label="Room 412"];' in d.stdout  # untagged: left white


def test_an_unknown_tag_is_refused_with_the_tags_that_exist():
    r = run_cli("graph", "--tag", "arbatt")
    assert r.returncode == 2
    assert "--tag arbatt: no scene has this tag (the tags are: 1979, 1991, absence," in r.stderr
    assert "Traceback" not in r.stderr
