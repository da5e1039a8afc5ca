"""The `ana-story` command. No story logic here: each subcommand calls the core
and this module is the one place that turns the project's errors into messages
and exit codes (0 fine, 1 story errors, 2 usage errors)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from . import __version__
from .errors import AnaStoryError, Diagnostic, StoryError
from .sanitize import is_clean, visible

EPILOG_CHECK = """example:
  ana-story check scenes/
  ana-story check my-story --format json"""

EPILOG_PLAY = """example:
  ana-story play                      # the shipped story
  printf '1\\n2\\n' | ana-story play my-story --seed 7"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit is fine, but keep the code at 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {visible(message)}\n")  # echoes arguments


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ana-story",
                description="Play and write choice-based stories in the terminal.",
                epilog="Run 'ana-story COMMAND --help' for a command's options and an "
                       "example. With no command, plays the shipped story.")
    p.add_argument("--version", action="version", version=f"ana-story {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    play = sub.add_parser("play", help="play a story",
                          description="Play a story (the shipped one by default).",
                          epilog=EPILOG_PLAY,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    play.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                      help="folder with story.yaml (default: the shipped story)")
    from .savefields import seed_arg  # a seed every save can hold
    play.add_argument("--seed", type=seed_arg, default=None,
                      help="seed for the story's random events (default: a new one)")
    play.add_argument("--plain", action="store_true",
                      help="plain text, one choice per line (the default without a terminal)")
    play.add_argument("--pace", type=float, nargs="?", const=1.5, default=None,
                      metavar="SECONDS",
                      help="reveal the text a paragraph at a time, SECONDS apart "
                           "(default 1.5); any key shows the rest at once")
    play.add_argument("--watch", action="store_true",
                      help="reload the story when its files change, keeping your place "
                           "(for authors)")
    play.add_argument("--saves", metavar="DIR", default=None,
                      help="the save folder (default: $ANA_STORY_SAVES, the checkout's "
                           "saves/, or your user data folder)")

    check = sub.add_parser("check", help="check a story for mistakes",
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
    from .savecmd import register as register_saves
    register_saves(sub, _Parser)
    from .tools.commands import register as register_tools
    register_tools(sub, _Parser, play)
    return p


def _story_dir(arg: str | None):
    from .paths import shipped_story
    return arg if arg is not None else shipped_story()


def format_diagnostic(d: Diagnostic) -> str:
    """One diagnostic as text; a story's text never drives the terminal."""
    pos = f"{d.file}:{d.line}:{d.column}" if d.line else d.file
    text = f"{visible(pos)}: {d.severity}[{d.code}] {visible(d.message, newlines=True)}"
    if d.hint:
        text += f"\n    hint: {visible(d.hint, newlines=True)}"
    return text


def _json_out(data) -> str:
    """JSON for a terminal: non-ASCII text stays readable, but the invisible marks
    a stranger's story may hold are written as \\u escapes (still the same JSON)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return text if text.isprintable() or is_clean(text.replace("\n", "")) else "".join(
        c if c == "\n" or is_clean(c) else json.dumps(c)[1:-1] for c in text)


def cmd_check(args) -> int:
    from .loader import check
    from .tools.lint import lint, render
    story, diags = check(_story_dir(args.story_dir))
    if story is not None:
        diags = sorted(diags + lint(story), key=Diagnostic.sort_key)
    errors = [d for d in diags if d.severity == "error"]
    if args.format == "json":
        print(_json_out([d.to_json() for d in diags]))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        for d in diags:
            print(render(d, color=color))
        warnings = len(diags) - len(errors)
        if story is not None:  # its title is shown, never sent (sanitize.visible)
            from dataclasses import replace
            story = replace(story, title=visible(story.title))
        if story is not None:
            endings = len(story.endings)
            print(f"{story.title}: {len(story.scenes)} scenes, {endings} endings, "
                  f"{len(story.variables)} variables; "
                  f"{len(errors)} errors, {warnings} warnings")
        else:
            print(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
                  f"{warnings} warning{'s' if warnings != 1 else ''}")
    return 1 if errors or (args.strict and diags) else 0


def cmd_play(args) -> int:
    from .ui.run import play_command
    return play_command(args)


def _report(err: AnaStoryError) -> int:
    if isinstance(err, StoryError):
        for d in err.diagnostics:
            print(format_diagnostic(d), file=sys.stderr)
        print(f"ana-story: {err}; run 'ana-story check' for the full list",
              file=sys.stderr)
    else:
        print(f"ana-story: {visible(err)}", file=sys.stderr)
    return err.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "play"
    if args.command is None:
        args.story_dir, args.seed, args.plain = None, None, False
        args.pace, args.watch = None, False
        args.saves = None
        args.from_scene, args.set = None, []
    try:
        if command == "check":
            return cmd_check(args)
        from .tools.commands import COMMANDS as TOOL_COMMANDS
        if command in TOOL_COMMANDS:
            from .tools.commands import run as run_tool
            return run_tool(args)
        if command == "saves":
            from .savecmd import run as run_saves
            return run_saves(args, sys.stdout)
        return cmd_play(args)
    except AnaStoryError as e:
        return _report(e)
    except KeyboardInterrupt:
        print("\nGoodbye.", file=sys.stderr)
        return 0 if command == "play" else 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the final flush
        except OSError:
            pass
        return 0
    except OSError as e:  # the file system said no: one line, never "internal error"
        from .oserrors import message
        print(f"ana-story: {visible(message(e))}", file=sys.stderr)
        return 1
    except Exception as e:  # an engine bug: say so plainly, never a traceback
        if os.environ.get("ANA_STORY_DEBUG"):
            raise
        print(f"ana-story: internal error ({type(e).__name__}: {visible(e)}). This is a bug in "
              "ana-story, not in your story; set ANA_STORY_DEBUG=1 to see the details.",
              file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
