"""graph: Mermaid and DOT output of the scene graph, and rendering with Graphviz."""
from __future__ import annotations

import os
import stat

from conftest import FIXTURES, run_cli

from ana_story.loader import load_story
from ana_story.tools.graph import dot, mermaid

LINT = FIXTURES / "tools-lint"


def test_mermaid_has_chapters_start_endings_and_unreachable_scenes():
    text = mermaid(load_story(LINT))
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  subgraph ch0["The House"]' in lines
    assert '    s_hall[["The Hall<br/><i>start</i>"]]' in lines
    assert '    s_vault(["The Vault<br/><i>ending: The Vault</i>"])' in lines
    assert "  class s_attic,s_shed,s_secret,s_vault unreachable" not in lines  # attic is linked
    assert "  class s_shed,s_secret,s_vault unreachable" in lines
    assert "  class s_garden,s_secret,s_vault ending" in lines


def test_short_conditions_label_edges_and_random_edges_are_dotted():
    text = mermaid(load_story(LINT))
    assert "  s_hall -->|lamp #gt; 5| s_attic" in text
    assert "  s_cellar -->|keys #gt; 0| s_garden" not in text  # two choices: one edge
    coin = mermaid(load_story(FIXTURES / "tools-random"))
    assert "  s_table -.->|random| s_edge" in coin


def test_dot_has_clusters_start_arrow_and_highlights():
    text = dot(load_story(LINT))
    assert text.startswith('digraph "Lint Bait" {')
    assert "  subgraph cluster_0 {" in text
    assert '  __start -> "hall";' in text
    assert 'shape=doubleoctagon' in text
    shed = next(line for line in text.splitlines() if line.startswith('    "shed"'))
    assert "color=red" in shed and "dashed" in shed
    assert '  "hall" -> "attic" [label="lamp > 5"];' in text


def test_graph_cli_prints_mermaid_by_default_and_dot_on_request():
    r = run_cli("graph", str(LINT))
    assert r.returncode == 0 and r.stdout.startswith("flowchart TD\n")
    r = run_cli("graph", str(LINT), "--format", "dot")
    assert r.returncode == 0 and r.stdout.startswith('digraph "Lint Bait" {')


def test_output_without_graphviz_says_how(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    r = run_cli("graph", str(LINT), "--output", str(tmp_path / "s.svg"),
                env={"PATH": f"{empty}{os.pathsep}{os.path.dirname(_ana_story())}"})
    assert r.returncode == 1
    assert "Graphviz's 'dot' is not installed" in r.stderr
    assert "apt install graphviz" in r.stderr and "--format dot" in r.stderr
    assert not (tmp_path / "s.svg").exists()


def _ana_story() -> str:
    import shutil
    return shutil.which("ana-story")


def test_output_runs_dot_with_the_format_of_the_file_name(tmp_path):
    # A stand-in 'dot' that records its arguments and writes what it was given.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    fake.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\n'
                    'while [ "$1" != "-o" ]; do shift; done\ncat > "$2"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    out = tmp_path / "story.svg"
    r = run_cli("graph", str(LINT), "--output", str(out),
                env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert r.returncode == 0, r.stderr
    assert (bin_dir / "args").read_text().split() == ["-Tsvg", "-o", str(out)]
    assert out.read_text().startswith('digraph "Lint Bait" {')


def test_output_with_an_unknown_suffix_is_refused(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    r = run_cli("graph", str(LINT), "--output", str(tmp_path / "g.txt"),
                env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert r.returncode == 1 and "use a name ending in .svg, .png or .pdf" in r.stderr
