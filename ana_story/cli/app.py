"""The `ana-story` command line: the parser's root, which command a line names, and
`main`, the one place the project's errors become messages and exit codes (0 fine,
1 story errors, 2 usage errors, 70 a bug, 130 interrupted). Each command group
lives in its own module and registers its parser with `set_defaults(func=...)`."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..errors import AnaStoryError, Diagnostic, StoryError
from ..sanitize import visible
from .play import PLAY, PLAY_DEFAULTS, play_arguments

EPILOG_MAIN = """With no command, plays the shipped story (or STORY_DIR) and takes every option
of 'ana-story play'.

examples:
  ana-story                           # play the shipped story
  ana-story --plain --seed 3          # play's options work here too (see 'play --help')
  ana-story check my-story            # a command: each has its own --help"""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit, the code kept at 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {visible(message)}\n")  # echoes arguments


# Every command's name, so that the bare command (play, the first screen) can be told
# from a command without building their parsers: building them loads every command
# group's module (tests/test_cli.py holds this list to the parser's).
COMMANDS = ("play", "check", "publish", "saves", "explore", "graph", "schema", "new",
            "test", "prefs", "completion", "man")


def build_parser() -> argparse.ArgumentParser:
    """The whole parser: play's, then each command group's (their modules load here,
    never on the way to the first screen)."""
    p = Parser(prog="ana-story",
               usage="ana-story [PLAY OPTIONS] [STORY_DIR]\n"
                     "       ana-story COMMAND [OPTIONS]",
               description="Play and write choice-based stories in the terminal.",
               epilog=EPILOG_MAIN, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"ana-story {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser,
                           prog="ana-story")
    play_arguments(sub.add_parser("play", **PLAY))
    from . import completion, prefs, publish, saves, tools
    tools.register_check(sub)
    publish.register(sub)
    saves.register(sub, Parser)
    tools.register(sub)
    prefs.register(sub, Parser)
    completion.register(sub)
    return p


def first_positional(play: argparse.ArgumentParser, argv: list[str]) -> str | None:
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
        action = play._option_string_actions.get(word)  # argparse's table of options
        skip = action is not None and action.nargs in (None, "?")  # takes a value
    return None


def bare_parser() -> argparse.ArgumentParser:
    """Play's parser alone, named as the bare command."""
    return play_arguments(Parser(prog="ana-story",
                                 **{k: v for k, v in PLAY.items() if k != "help"}))


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``. Without a command, it is play's: the README shows
    `ana-story --plain` and `--saves DIR` right after the bare command, so the bare
    command takes every play option (and a story folder after them)."""
    if not argv:  # the bare command, as a player starts the game
        return argparse.Namespace(**{**PLAY_DEFAULTS, "set": []}, command=None)
    if argv[0] in ("-h", "--help", "--version"):
        return build_parser().parse_args(argv)
    # Only play's parser: the whole parser is built when a command needs it, never
    # on the way to the first screen.
    play = bare_parser()
    first = first_positional(play, argv)
    if first is None:
        bare = True
    elif argv[0] == first:  # `ana-story my-story`; `ana-story chek` stays a usage error
        bare = first not in COMMANDS and os.path.isdir(first)
    else:
        bare = first not in COMMANDS
    if not bare:
        return build_parser().parse_args(argv)
    args = play.parse_args(argv)
    args.command = None
    return args


def format_diagnostic(d: Diagnostic) -> str:
    """One diagnostic as text; a story's text never drives the terminal."""
    pos = f"{d.file}:{d.line}:{d.column}" if d.line else d.file
    text = f"{visible(pos)}: {d.severity}[{d.code}] {visible(d.message, newlines=True)}"
    if d.hint:
        text += f"\n    hint: {visible(d.hint, newlines=True)}"
    return text


def report(err: AnaStoryError, story_dir: str | None = None) -> int:
    """The project's error as a message on stderr; its exit code."""
    if isinstance(err, StoryError):
        from ..hints import quoted  # names the author's folder, not the shipped one
        for d in err.diagnostics:
            print(format_diagnostic(d), file=sys.stderr)
        print(f"ana-story: {err}; run {quoted('check', story_dir)} for the full list",
              file=sys.stderr)
    else:
        print(f"ana-story: {visible(err)}", file=sys.stderr)
    return err.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """`ana-story`: parse the line, run its command, and turn every error it raises
    into one message and an exit code; never a traceback."""
    args = parse(list(sys.argv[1:] if argv is None else argv))
    try:
        code: int = args.func(args)
        return code
    except AnaStoryError as e:
        return report(e, getattr(args, "story_dir", None))
    except KeyboardInterrupt:
        print("\nGoodbye.", file=sys.stderr)
        return 0 if args.command in (None, "play") else 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115  silences the final flush
        return 0
    except OSError as e:  # the file system said no: one line, never "internal error"
        from ..oserrors import message
        print(f"ana-story: {visible(message(e))}", file=sys.stderr)
        return 1
    except Exception as e:  # an engine bug: say so plainly, never a traceback
        if os.environ.get("ANA_STORY_DEBUG"):
            raise
        print(f"ana-story: internal error ({type(e).__name__}: {visible(e)}). This is a bug "
              "in ana-story, not in your story; set ANA_STORY_DEBUG=1 to see the details.",
              file=sys.stderr)
        return 70
