"""The `ana-story` argument parser: its root, every command's one-line help, and
which module in cli/ registers each command.

Built only when a line has arguments (the bare `ana-story` a player types needs no
parser), and then only as far as the line needs: `ana-story check` imports the
module of `check` alone, and `ana-story --help` none at all; each other command is
listed by its one-line help (tests/test_cli.py holds the table to the whole parser).
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from .. import __version__
from ..sanitize import visible
from .play import EPILOG_PLAY, play_arguments

EPILOG_MAIN = """With no command, plays the shipped story (or STORY_DIR) and takes every option
of 'ana-story play'.

examples:
  ana-story                           # play the shipped story
  ana-story --plain --seed 3          # play's options work here too (see 'play --help')
  ana-story check my-story            # a command: each has its own --help"""

# Every command in `--help` order: the module of cli/ that registers it (with the
# others of its group, by that module's `register`) and its one-line help.
TABLE: dict[str, tuple[str, str]] = {
    "play": ("play", "play a story"),
    "check": ("tools.check", "check a story for mistakes"),
    "publish": ("publish", "share a story: a web page, a .pyz file, an iFiction record"),
    "saves": ("saves", "list, show, delete, export or import saves"),
    "explore": ("tools", "prove every scene and ending reachable, find soft-locks"),
    "graph": ("tools", "draw the scene graph (Mermaid or Graphviz)"),
    "schema": ("tools", "print the JSON Schema of scene or story files"),
    "new": ("tools", "start a new story, or add a scene"),
    "test": ("tools", "run playthrough transcripts against a story"),
    "prefs": ("prefs", "see or change your preferences (pace, theme, ...)"),
    "completion": ("completion", "print shell completion for bash, zsh or fish"),
    "man": ("completion", "print the manual page (roff)"),
}
HELP = {name: line for name, (_, line) in TABLE.items()}
ALL = "*"  # build_parser(ALL): every command's own parser (completion, the man page)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit, the code kept at 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {visible(message)}\n")  # echoes arguments


PLAY: dict[str, Any] = dict(
    help=HELP["play"], description="Play a story (the shipped one by default).",
    epilog=EPILOG_PLAY, formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser(command: str | None = ALL) -> argparse.ArgumentParser:
    """The parser, with ``command``'s group built in full (ALL: every group, the
    modules of cli/ loading here) and every other command a stub named by its help
    line, so `--help` lists them all and a typo is told the commands there are."""
    p = Parser(prog="ana-story",
               usage="ana-story [PLAY OPTIONS] [STORY_DIR]\n"
                     "       ana-story COMMAND [OPTIONS]",
               description="Play and write choice-based stories in the terminal.",
               epilog=EPILOG_MAIN, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"ana-story {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser,
                           prog="ana-story")
    wanted = TABLE[command][0] if command in TABLE else None
    for name, (group, line) in TABLE.items():
        if name in sub.choices:
            continue  # registered with its group
        if command == ALL or group == wanted:
            _register(group, sub)
        else:
            sub.add_parser(name, help=line, add_help=False)
    return p


def _register(group: str, sub: argparse._SubParsersAction) -> None:
    """Add a group's commands: only now is that group's module imported."""
    if group == "play":
        play_arguments(sub.add_parser("play", **PLAY))
    elif group == "tools.check":
        from .tools import register_check
        register_check(sub)
    elif group == "tools":
        from . import tools
        tools.register(sub)
    elif group == "publish":
        from . import publish
        publish.register(sub)
    elif group == "saves":
        from . import saves
        saves.register(sub, Parser)
    elif group == "prefs":
        from . import prefs
        prefs.register(sub, Parser)
    else:
        from . import completion
        completion.register(sub)


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
