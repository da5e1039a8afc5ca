"""The player's comforts on the command line: play's preference options, and the
`prefs`, `completion` and `man` commands (kept out of cli.py, which only wires
them in)."""
from __future__ import annotations

import argparse
import sys

COMMANDS = ("prefs", "completion", "man")

EPILOG_COMPLETION = """examples:
  source <(ana-story completion bash)                  # this shell only
  ana-story completion bash > ~/.local/share/bash-completion/completions/ana-story
  ana-story completion zsh > "${fpath[1]}/_ana-story"
  ana-story completion fish > ~/.config/fish/completions/ana-story.fish"""


def add_play_options(play: argparse.ArgumentParser) -> None:
    """The preferences that `play` also takes on its command line (they win over
    the environment and the preferences file)."""
    from .prefs import THEMES
    play.add_argument("--screen-reader", action="store_true", default=None,
                      help="screen-reader mode: plain lines, no cursor movement, choices "
                           "announced with their count, 'repeat' reads the scene again")
    play.add_argument("--theme", choices=THEMES, default=None,
                      help="colour theme (default: default, or your preferences)")
    play.add_argument("--width", type=_width, default=None, metavar="COLUMNS",
                      help="page width of the prose, 30 to 200 columns (default 70)")
    play.add_argument("--locked", choices=("show", "hide"), default=None,
                      help="show or hide the choices that are locked (default: show)")


def _width(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 30 <= value <= 200:
        raise argparse.ArgumentTypeError(f"{value} is not from 30 to 200")
    return value


def register(sub, parser_class) -> None:
    """Add `prefs`, `completion` and `man` to cli.py's subparsers."""
    from .prefscmd import register as register_prefs
    register_prefs(sub, parser_class)
    from .cli_completion import SHELLS  # not imported on the way to the first screen
    raw = argparse.RawDescriptionHelpFormatter
    c = sub.add_parser("completion", help="print shell completion for bash, zsh or fish",
                       description="Print a script that teaches your shell to complete "
                                   "ana-story's commands and options with Tab.",
                       epilog=EPILOG_COMPLETION, formatter_class=raw)
    c.add_argument("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh or fish")
    sub.add_parser("man", help="print the manual page (roff)",
                   description="Print ana-story's manual page, generated from its options.",
                   epilog="example:\n  ana-story man > ana-story.1 && man -l ana-story.1",
                   formatter_class=raw)


def run(args, parser: argparse.ArgumentParser) -> int:
    if args.command == "prefs":
        from .prefscmd import run as run_prefs
        return run_prefs(args, sys.stdout, sys.stderr)
    from . import __version__
    from .cli_completion import man, script
    if args.command == "completion":
        sys.stdout.write(script(args.shell, parser))
    else:
        sys.stdout.write(man(parser, __version__))
    return 0


def cli_prefs(args) -> dict:
    """The preference values given on play's command line (None: not given)."""
    locked = getattr(args, "locked", None)
    return {"pace": getattr(args, "pace", None), "theme": getattr(args, "theme", None),
            "width": getattr(args, "width", None),
            "show_locked": None if locked is None else locked == "show",
            "screen_reader": getattr(args, "screen_reader", None) or None}
