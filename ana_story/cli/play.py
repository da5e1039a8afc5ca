"""`ana-story play` and the bare `ana-story`: play's options (the same in both), the
preference values they carry, and the command itself. Loaded on the way to the
first screen, so it imports nothing a game's first screen does not need (not even
argparse: the bare command builds no parser)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

EPILOG_PLAY = """example:
  ana-story play                      # the shipped story
  printf '1\\n2\\n' | ana-story play my-story --seed 7
  ana-story --plain --seed 3          # the same options work without 'play'"""

def cmd_play(args: argparse.Namespace) -> int:
    from ..ui.run import interactive, play_command
    try:
        return play_command(args)
    finally:
        if interactive(args):
            # Goodbye is said: a Ctrl-C or Ctrl-\ typed while the process winds down
            # (the terminal is the player's own again) must not turn the clean exit
            # into a death by signal (on a real terminal only).
            import signal
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGQUIT, signal.SIG_IGN)


# What play's parser gives for no arguments at all: the bare `ana-story` a player
# types needs no parser built (tests/test_cli.py holds this to the parser's).
PLAY_DEFAULTS: dict[str, Any] = dict(
    story_dir=None, seed=None, plain=False, pace=None, watch=False, saves=None,
    screen_reader=None, theme=None, width=None, locked=None, from_scene=None, set=[],
    func=cmd_play)


def play_arguments(play: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Play's options, the same in `ana-story play` and in the bare `ana-story`."""
    play.add_argument("story_dir", nargs="?", metavar="STORY_DIR",
                      help="folder with story.yaml (default: the shipped story)")
    play.add_argument("--seed", type=_seed, default=None,
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
    _preference_options(play)
    _start_options(play)
    play.set_defaults(func=cmd_play)
    return play


def _preference_options(play: argparse.ArgumentParser) -> None:
    """The preferences that `play` also takes on its command line (they win over
    the environment and the preferences file)."""
    from ..prefs import THEMES
    play.add_argument("--screen-reader", action="store_true", default=None,
                      help="screen-reader mode: plain lines, no cursor movement, choices "
                           "announced with their count, 'repeat' reads the scene again")
    play.add_argument("--theme", choices=THEMES, default=None,
                      help="colour theme (default: default, or your preferences)")
    play.add_argument("--width", type=_width, default=None, metavar="COLUMNS",
                      help="page width of the prose, 30 to 200 columns (default 70)")
    play.add_argument("--locked", choices=("show", "hide"), default=None,
                      help="show or hide the choices that are locked (default: show)")


def _start_options(play: argparse.ArgumentParser) -> None:
    """`--from/--set`: where and with what an author starts a game to test it."""
    play.add_argument("--from", dest="from_scene", metavar="SCENE", default=None,
                      help="start at this scene (for authors testing a late scene)")
    play.add_argument("--set", dest="set", metavar="VAR=VALUE", action="append",
                      default=[], help="start with this variable value (repeatable)")


def _seed(text: str) -> int:
    """--seed: a whole number every save can hold (saves.fields, loaded when given)."""
    from ..saves.fields import seed_arg
    return seed_arg(text)


def _width(text: str) -> int:
    import argparse
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 30 <= value <= 200:
        raise argparse.ArgumentTypeError(f"{value} is not from 30 to 200")
    return value
