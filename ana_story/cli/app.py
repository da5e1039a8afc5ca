"""The `ana-story` command line: which command a line names, and `main`, the one place
the project's errors become messages and exit codes (0 fine, 1 story errors, 2 usage
errors, 70 a bug, 130 interrupted). Each command group lives in its own module and
registers its parser with `set_defaults(func=...)`; parser.py builds the parser,
when a line has arguments, and only the parts it names."""
from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from ..errors import AnaStoryError, Diagnostic, StoryError
from ..sanitize import visible
from .play import PLAY_DEFAULTS

# Every command's name, so that the bare command (play, the first screen) can be told
# from a command without building their parsers (parser.TABLE has each one's module
# and help; tests/test_cli.py holds this list to the parser's).
COMMANDS = ("play", "check", "publish", "saves", "explore", "graph", "schema", "new",
            "test", "prefs", "completion", "man")


def parse(argv: list[str]) -> Any:
    """Parse ``argv`` (an argparse.Namespace, or for no arguments one like it). Without
    a command, it is play's: the README shows `ana-story --plain` and `--saves DIR`
    right after the bare command, so the bare command takes every play option (and a
    story folder after them)."""
    if not argv:  # the bare command, as a player starts the game: no parser, no argparse
        return SimpleNamespace(**{**PLAY_DEFAULTS, "set": []}, command=None)
    from .parser import bare_parser, build_parser, first_positional
    if argv[0] in ("-h", "--help", "--version"):
        return build_parser(None).parse_args(argv)  # every command listed, none built
    # Only play's parser: a command's own parser is built when the line names it,
    # never on the way to the first screen.
    play = bare_parser()
    first = first_positional(play, argv)
    if first is None:
        bare = True
    elif argv[0] == first:  # `ana-story my-story`; `ana-story chek` stays a usage error
        bare = first not in COMMANDS and os.path.isdir(first)
    else:
        bare = first not in COMMANDS
    if not bare:
        return build_parser(first).parse_args(argv)
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
    if args.command not in (None, "play"):
        gc.enable()  # off while the program starts (cli.main); play turns it on itself
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
