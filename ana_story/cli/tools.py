"""The author tools' commands (check, explore, graph, schema, new, test): their
parsers and thin runners that build a core object, call it, and print the result.
Errors are raised as AnaStoryError subclasses; cli/app.py renders them."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, UsageError
from ..paths import display_path
from ..sanitize import json_text, visible
from .parser import HELP

EPILOG_CHECK = """example:
  ana-story check scenes/
  ana-story check my-story --format json"""

EPILOG_EXPLORE = """examples:
  ana-story explore                       # every State of the shipped story
  ana-story explore my-story --max-states 5000000
  ana-story explore --random 1000 --seed 7 --format json
  ana-story explore --jobs 2 --max-states 5000000   # shared by two processes
exit: 0 clean, 1 a scene or ending unreachable / a soft-lock / an error / a value
      a loop grows without bound / with --strict a choice never taken /
      with --random a run still going after --max-turns,
      3 stopped by --max-states with nothing found so far"""

EPILOG_GRAPH = """examples:
  ana-story graph > story.mmd             # Mermaid: renders on GitHub as it is
  ana-story graph --format dot --output story.svg   # needs Graphviz's 'dot'
  ana-story graph --tags                  # each tag and its scenes
  ana-story graph --tag paris --tag berlin          # those scenes coloured"""

EPILOG_SCHEMA = """examples:
  ana-story schema > scene-file.schema.json
  ana-story schema story > story-file.schema.json
then put this first line in a scene file for your editor's YAML extension:
  # yaml-language-server: $schema=path/to/scene-file.schema.json"""

EPILOG_NEW = """examples:
  ana-story new my-story                  # a small playable story to start from
  ana-story new scene attic --in my-story/01-beginning.yaml"""

EPILOG_TEST = """examples:
  ana-story test                          # the shipped story's tests/playthroughs/
  ana-story test my-story --plans my-story/playthroughs
a plan (YAML):
  seed: 1
  steps:
    - see: Rain on the step
    - choose: Pick up the letter
    - scene: hallway
    - ending: The Studio"""


def register_check(sub: Any) -> None:
    """Add `check` (first among the tools in `ana-story --help`)."""
    check = sub.add_parser("check", help=HELP["check"],
                           description="Check every file of a story and list each problem "
                                       "as file:line:col.",
                           epilog=EPILOG_CHECK,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                       help="folder with story.yaml (default: the shipped story)")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="output format (default: text)")
    check.add_argument("--strict", action="store_true",
                       help="fail (exit 1) on warnings too, not only on errors")
    check.set_defaults(func=cmd_check)


def register(sub: Any) -> None:
    """Add explore, graph, schema, new and test."""
    raw = argparse.RawDescriptionHelpFormatter

    ex = sub.add_parser("explore", help=HELP["explore"], formatter_class=raw,
                        epilog=EPILOG_EXPLORE,
                        description="Search every State a player can reach (scene, "
                        "variables, visit counts), or play random games with --random.")
    ex.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                    help="folder with story.yaml (default: the shipped story)")
    ex.add_argument("--max-states", type=int, default=1_000_000, metavar="N",
                    help="stop after this many distinct States (default: 1000000)")
    ex.add_argument("--random", type=int, default=None, metavar="N",
                    help="play N seeded random playthroughs instead")
    ex.add_argument("--seed", type=int, default=0,
                    help="seed for random events and random runs (default: 0)")
    ex.add_argument("--max-turns", type=int, default=1000, metavar="N",
                    help="with --random: stop a run after N choices (default: 1000)")
    ex.add_argument("--format", choices=("text", "json"), default="text")
    ex.add_argument("--strict", action="store_true",
                    help="also fail on a choice no reachable State can take")
    ex.add_argument("--jobs", type=int, default=1, metavar="N",
                    help="processes sharing the search, with the same report (0: the "
                    "cores available; default 1, as on two cores sharing has not yet "
                    "beaten one process and each worker needs memory of its own: "
                    "docs/performance.md). The search starts in one process and is "
                    "shared only once it has numbered 200,000 States: a smaller one is "
                    "faster alone. A story whose steps the memos do not take (with 'let:' "
                    "or calls, say) is shared level by level from the start when N is "
                    "above 1, else searched in one process")
    ex.add_argument("--fresh", action="store_true",
                    help="prove it all again: ignore (and rewrite) the proof kept from "
                    "the last run")
    ex.set_defaults(func=cmd_explore)

    gr = sub.add_parser("graph", help=HELP["graph"],
                        formatter_class=raw, epilog=EPILOG_GRAPH,
                        description="The scene graph: chapters as clusters, the start and "
                        "endings marked, unreachable scenes highlighted.")
    gr.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                    help="folder with story.yaml (default: the shipped story)")
    gr.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    gr.add_argument("--output", "-o", metavar="FILE", default=None,
                    help="render to FILE (.svg, .png, .pdf) with Graphviz's 'dot'")
    gr.add_argument("--tag", action="append", default=[], metavar="TAG",
                    help="colour the scenes with this tag (repeatable: one colour each)")
    gr.add_argument("--tags", action="store_true",
                    help="list each tag and its scenes instead of drawing")
    gr.set_defaults(func=cmd_graph)

    sc = sub.add_parser("schema", help=HELP["schema"],
                        formatter_class=raw, epilog=EPILOG_SCHEMA,
                        description="A JSON Schema, so an editor can complete and check "
                        "the keys of story files.")
    sc.add_argument("kind", nargs="?", choices=("scene", "story"), default="scene",
                    help="scene files (default) or story.yaml")
    sc.set_defaults(func=cmd_schema)

    nw = sub.add_parser("new", help=HELP["new"],
                        formatter_class=raw, epilog=EPILOG_NEW,
                        usage="ana-story new STORY_DIR [--title TITLE]\n"
                              "       ana-story new scene NAME --in FILE",
                        description="Scaffold a small playable story, or add a scene "
                        "skeleton to a scene file.")
    nw.add_argument("target", nargs="+", metavar="STORY_DIR | scene NAME")
    nw.add_argument("--in", dest="in_file", metavar="FILE", default=None,
                    help="the scene file to add the scene to (new scene)")
    nw.add_argument("--title", default=None, help="the new story's title")
    nw.set_defaults(func=cmd_new)

    te = sub.add_parser("test", help=HELP["test"],
                        formatter_class=raw, epilog=EPILOG_TEST,
                        description="Play each transcript (a list of choices and text "
                        "that must or must not appear) and report what differs.")
    te.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                    help="folder with story.yaml (default: the shipped story)")
    te.add_argument("--plans", action="append", default=[], metavar="PATH",
                    help="a plan file or a folder of them (default: STORY_DIR/playthroughs, "
                         "or tests/playthroughs for the shipped story)")
    te.set_defaults(func=cmd_test)


def _story_dir(arg: str | None) -> Path:
    from ..hints import default_story  # says so when this folder has a story
    return Path(arg) if arg is not None else default_story()


def _load(arg: str | None):
    from ..loader import load_story
    return load_story(_story_dir(arg))


def cmd_check(args: argparse.Namespace) -> int:
    from ..hints import default_story  # the folder as typed, as the loader names it
    from ..loader import check
    from ..tools.lint import lint
    story, diags = check(args.story_dir if args.story_dir is not None else default_story())
    if story is not None:
        diags = sorted(diags + lint(story), key=Diagnostic.sort_key)
    errors = [d for d in diags if d.severity == "error"]
    if args.format == "json":
        print(json_text([d.to_json() for d in diags]))
    else:
        _check_text(story, diags, len(errors))
    return 1 if errors or (args.strict and diags) else 0


def _check_text(story: Any, diags: list[Diagnostic], errors: int) -> None:
    """`check`'s text: each finding, then the story's counts (or the findings')."""
    from ..tools.lint import render
    from ..wording import plural
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for d in diags:
        print(render(d, color=color))
    warnings = len(diags) - errors
    if story is None:
        print(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
        return
    if not story.ifid:  # a note, not a warning: needed only to publish
        from ..ifid import new_ifid
        print(f"note: story.yaml has no ifid; to publish, add one line: "
              f"ifid: {new_ifid()}")
    title = visible(story.title)  # its title is shown, never sent (sanitize.visible)
    print(f"{title}: {plural(len(story.scenes), 'scene')}, "
          f"{plural(len(story.endings), 'ending')}, "
          f"{plural(len(story.variables), 'variable')}; "
          f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")


def cmd_explore(args) -> int:
    from ..tools.explore import format_report, random_runs
    if args.max_states < 1 or (args.random is not None and args.random < 1) or \
            args.max_turns < 1 or args.jobs < 0:
        raise UsageError("--max-states, --random and --max-turns need a number above 0, "
                         "--jobs 0 or more")
    jobs = args.jobs  # 0: the cores; shared only once the search is big (search._search)
    from ..tools.explore.projection import Projection
    from .exploreprogress import ExploreProgress
    story = _load(args.story_dir)
    projection = Projection(args.max_states)
    with ExploreProgress(args.format, args.random is not None, projection) as shown:
        if args.random is not None:
            report = random_runs(story, args.random, seed=args.seed,
                                 max_turns=args.max_turns, progress=shown.callback)
        else:
            from ..tools.explore.incremental import explore_kept
            report = explore_kept(story, _story_dir(args.story_dir), fresh=args.fresh,
                                  jobs=jobs, max_states=args.max_states, seed=args.seed,
                                  progress=shown.callback, strict=args.strict,
                                  projection=projection)
    if args.format == "json":
        print(json_text(report.to_json()))
    else:
        print(visible(format_report(report), newlines=True))
    return report.exit_code()


def cmd_graph(args) -> int:
    from ..tools import graph
    story = _load(args.story_dir)
    if args.tags:
        sys.stdout.write(visible(graph.tag_list(story), newlines=True))
        return 0
    tag = tuple(dict.fromkeys(args.tag))
    if args.output:
        out = Path(args.output)
        graph.render(graph.dot(story, tag), out, story.root)
        print(f"wrote {out}", file=sys.stderr)
        return 0
    sys.stdout.write(visible(graph.mermaid(story, tag) if args.format == "mermaid"
                             else graph.dot(story, tag), newlines=True))
    return 0


def cmd_schema(args) -> int:
    from ..tools.schema import dumps
    sys.stdout.write(dumps(args.kind))
    return 0


def cmd_new(args) -> int:
    from ..tools.new import new_scene, new_story
    target = args.target
    from ..sanitize import VisibleWriter  # it echoes the names it was given
    sys.stdout = VisibleWriter(sys.stdout, [*target, args.in_file])
    if target[0] == "scene" and len(target) == 2:
        if not args.in_file:
            raise UsageError("new scene NAME needs --in FILE: the scene file to add it to")
        path = new_scene(target[1], Path(args.in_file))
        print(f"added scene '{target[1]}' to {path}; link it from a choice with "
              f"'goto: {target[1]}'")
        return 0
    if len(target) != 1:
        raise UsageError("write 'ana-story new STORY_DIR' or 'ana-story new scene NAME "
                         "--in FILE'")
    if args.in_file:
        raise UsageError("--in goes with 'new scene NAME'")
    files = new_story(Path(target[0]), args.title)
    print("created " + ", ".join(str(f) for f in files))
    from ..hints import command
    print(f"play it:  {command('play', target[0])}\ncheck it: {command('check', target[0])}")
    return 0


def cmd_test(args) -> int:
    from ..paths import shipped_story
    from ..tools.playtest import find_plans, run_plan
    from ..wording import plural
    story_dir = _story_dir(args.story_dir)
    story = _load(args.story_dir)
    places = [Path(p) for p in args.plans]
    if not places:
        own = story_dir / "playthroughs"
        shipped = Path(shipped_story()).resolve().parent / "tests" / "playthroughs"
        if own.is_dir():
            places = [own]
        elif story_dir.resolve() == Path(shipped_story()).resolve() and shipped.is_dir():
            places = [shipped]
        else:
            raise UsageError(f"no playthroughs found: make {own}/ with plan files, or "
                             "name them with --plans")
    plans = find_plans(places)
    if not plans:
        raise UsageError("no playthrough files (*.yaml) in " +
                         ", ".join(str(p) for p in places))
    failed = 0
    for path in plans:
        r = run_plan(story, path, display_path(path))
        if r.ok:
            print(visible(f"PASS {r.file}: {r.name} ({plural(r.steps, 'step')})"))
        else:
            failed += 1
            line, message = r.failures[0]
            pos = f"{r.file}:{line}" if line else r.file
            print(visible(f"FAIL {pos}: {r.name}: {message}", newlines=True))
    print(f"{len(plans) - failed} passed, {failed} failed")
    return 1 if failed else 0

