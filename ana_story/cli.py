"""The `ana-story` command. No story logic here: each subcommand calls the core
and this module is the one place that turns the project's errors into messages
and exit codes (0 fine, 1 story errors, 2 usage errors)."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__
from .errors import AnaStoryError, Diagnostic, StoryError
from .sanitize import json_text, visible

EPILOG_CHECK = """example:
  ana-story check scenes/
  ana-story check my-story --format json"""

EPILOG_PLAY = """example:
  ana-story play                      # the shipped story
  printf '1\\n2\\n' | ana-story play my-story --seed 7
  ana-story --plain --seed 3          # the same options work without 'play'"""

EPILOG_MAIN = """With no command, plays the shipped story (or STORY_DIR) and takes every option
of 'ana-story play'.

examples:
  ana-story                           # play the shipped story
  ana-story --plain --seed 3          # play's options work here too (see 'play --help')
  ana-story check my-story            # a command: each has its own --help"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit is fine, but keep the code at 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {visible(message)}\n")  # echoes arguments


# Every command's name, so that the bare command (play, the first screen) can be told
# from a command without building their parsers: building them imported savecmd,
# saves, publish and the tools (tests/test_cli.py holds this list to the parser's).
COMMANDS = ("play", "check", "publish", "saves", "explore", "graph", "schema", "new",
            "test", "prefs", "completion", "man")
PLAY = dict(help="play a story", description="Play a story (the shipped one by default).",
            epilog=EPILOG_PLAY, formatter_class=argparse.RawDescriptionHelpFormatter)


# What play's parser gives for no arguments at all: the bare `ana-story` a player
# types needs no parser built (tests/test_cli.py holds this to the parser's).
PLAY_DEFAULTS = dict(story_dir=None, seed=None, plain=False, pace=None, watch=False,
                     saves=None, screen_reader=None, theme=None, width=None, locked=None,
                     from_scene=None, set=[])


def _play_arguments(play: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Play's options, the same in `ana-story play` and in the bare `ana-story`."""
    play.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                      help="folder with story.yaml (default: the shipped story)")
    from .saves.fields import seed_arg  # a seed every save can hold
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
                      help="the save folder (default: $ANA_STORY_SAVES, else your user "
                           "data folder)")
    from .cli_extra import add_play_options
    add_play_options(play)
    from .tools.commands import add_play_options as add_start_options
    add_start_options(play)
    return play


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ana-story",
                usage="ana-story [PLAY OPTIONS] [STORY_DIR]\n"
                      "       ana-story COMMAND [OPTIONS]",
                description="Play and write choice-based stories in the terminal.",
                epilog=EPILOG_MAIN, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"ana-story {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                           prog="ana-story")

    _play_arguments(sub.add_parser("play", **PLAY))

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
    from .publish.command import register as register_publish
    register_publish(sub, _Parser)
    from .savecmd import register as register_saves
    register_saves(sub, _Parser)
    from .tools.commands import register as register_tools
    register_tools(sub, _Parser)
    from .cli_extra import register as register_extra
    register_extra(sub, _Parser)
    return p


def _first_positional(play: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """The first word of ``argv`` that is neither an option of play's nor its value
    (so the folder in `--saves saves` is not taken for the `saves` command)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
            if not word.startswith("-"):
                continue
        if word == "--":
            return None
        if not word.startswith("-") or word == "-":
            return word
        action = play._option_string_actions.get(word)  # noqa: SLF001 - argparse's table
        skip = action is not None and action.nargs in (None, "?")  # takes a value
    return None


def _parse(argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``. Without a command, it is play's: the README shows
    `ana-story --plain` and `--saves DIR` right after the bare command, so the bare
    command takes every play option (and a story folder after them)."""
    if not argv:  # the bare command, as a player starts the game
        return argparse.Namespace(**{**PLAY_DEFAULTS, "set": []}, command=None)
    if argv[0] in ("-h", "--help", "--version"):
        return _parser().parse_args(argv)
    # Only play's parser, named as the command typed: the whole parser is built when
    # a command needs it, never on the way to the first screen.
    play = _play_arguments(_Parser(prog="ana-story", **{k: v for k, v in PLAY.items()
                                                         if k != "help"}))
    first = _first_positional(play, argv)
    if first is None:
        bare = True
    elif argv[0] == first:  # `ana-story my-story`; `ana-story chek` stays a usage error
        bare = first not in COMMANDS and os.path.isdir(first)
    else:
        bare = first not in COMMANDS
    if not bare:
        return _parser().parse_args(argv)
    args = play.parse_args(argv)
    args.command = None
    return args


def _story_dir(arg: str | None):
    from .hints import default_story  # says so when this folder has a story
    return arg if arg is not None else default_story()


def format_diagnostic(d: Diagnostic) -> str:
    """One diagnostic as text; a story's text never drives the terminal."""
    pos = f"{d.file}:{d.line}:{d.column}" if d.line else d.file
    text = f"{visible(pos)}: {d.severity}[{d.code}] {visible(d.message, newlines=True)}"
    if d.hint:
        text += f"\n    hint: {visible(d.hint, newlines=True)}"
    return text


def cmd_check(args) -> int:
    from .loader import check
    from .tools.lint import lint, render
    from .wording import plural
    story, diags = check(_story_dir(args.story_dir))
    if story is not None:
        diags = sorted(diags + lint(story), key=Diagnostic.sort_key)
    errors = [d for d in diags if d.severity == "error"]
    if args.format == "json":
        print(json_text([d.to_json() for d in diags]))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        for d in diags:
            print(render(d, color=color))
        warnings = len(diags) - len(errors)
        if story is not None:  # its title is shown, never sent (sanitize.visible)
            from dataclasses import replace
            story = replace(story, title=visible(story.title))
        if story is not None:
            if not story.ifid:  # a note, not a warning: needed only to publish
                from .ifid import new_ifid
                print(f"note: story.yaml has no ifid; to publish, add one line: "
                      f"ifid: {new_ifid()}")
            endings = len(story.endings)
            print(f"{story.title}: {plural(len(story.scenes), 'scene')}, "
                  f"{plural(endings, 'ending')}, {plural(len(story.variables), 'variable')}; "
                  f"{plural(len(errors), 'error')}, {plural(warnings, 'warning')}")
        else:
            print(f"{plural(len(errors), 'error')}, {plural(warnings, 'warning')}")
    return 1 if errors or (args.strict and diags) else 0


def cmd_play(args) -> int:
    from .ui.run import interactive, play_command
    try:
        return play_command(args)
    finally:
        if interactive(args):
            # Goodbye is said: a Ctrl-C typed while the process winds down must not
            # turn the clean exit into a death by signal (on a real terminal only).
            import signal
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _report(err: AnaStoryError, story_dir: str | None = None) -> int:
    if isinstance(err, StoryError):
        from .hints import quoted  # names the author's folder, not the shipped one
        for d in err.diagnostics:
            print(format_diagnostic(d), file=sys.stderr)
        print(f"ana-story: {err}; run {quoted('check', story_dir)} for the full list",
              file=sys.stderr)
    else:
        print(f"ana-story: {visible(err)}", file=sys.stderr)
    return err.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    command = args.command or "play"
    try:
        if command == "check":
            return cmd_check(args)
        from .tools.commands import COMMANDS as TOOL_COMMANDS
        if command in TOOL_COMMANDS:
            from .tools.commands import run as run_tool
            return run_tool(args)
        if command == "publish":
            from .publish.command import run as run_publish
            return run_publish(args)
        if command == "saves":
            from .savecmd import run as run_saves
            return run_saves(args, sys.stdout)
        from .cli_extra import COMMANDS as EXTRA_COMMANDS
        if command in EXTRA_COMMANDS:
            from .cli_extra import run as run_extra
            return run_extra(args, _parser())
        return cmd_play(args)
    except AnaStoryError as e:
        return _report(e, getattr(args, "story_dir", None))
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
