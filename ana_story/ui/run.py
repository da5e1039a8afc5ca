"""`ana-story play` (and plain `ana-story`): pick the front end, build the Game.

A real terminal on both ends gets the Rich + prompt_toolkit front end and the
title screen; anything else (a pipe, CI, a screen reader, --plain, TERM=dumb)
gets plain text with the same commands.
"""
from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import engine
from ..model import Story
from ..paths import shipped_story
from ..state import State
from .frontend import AUTOSAVE
from .game import Game, new_seed

if TYPE_CHECKING:
    from .watch import Watcher

SCRATCH = "from-scene"  # autosave slot of `play --from`: an author's test never
#                         overwrites the player's own autosave


def interactive(args, stdin=None, stdout=None) -> bool:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    return (not getattr(args, "plain", False) and stdin.isatty() and stdout.isatty()
            and os.environ.get("TERM", "") != "dumb")


def start_state(story, args, seed: int):
    """The first State: a new story, or (issue 6's `--from SCENE --set var=value`)
    one placed at any scene with any values."""
    from_scene = getattr(args, "from_scene", None)
    assignments = getattr(args, "assignments", None) or getattr(args, "set", None) or []
    if from_scene or assignments:
        from ..startfrom import state_from
        return state_from(story, from_scene, list(assignments), seed=seed)
    return engine.new_state(story, seed)


def play_command(args: Any) -> int:
    """Run `ana-story play` with parsed ``args``; returns the exit code."""
    prefs = settle(args)  # refuses a wrong --pace (or --width...) with exit 2
    if prefs.screen_reader or not interactive(args):
        return _play(args, prefs, terminal=False)
    from .typeahead import Held
    with Held():  # from here to the end, a key typed while the game is busy waits
        return _play(args, prefs, terminal=True)  # for the next prompt (ui/typeahead.py)


def _play(args: Any, prefs: Any, *, terminal: bool) -> int:
    """Load the story, build the Game and play it: in the terminal front end, else in
    screen-reader or plain mode."""
    from ..cache import load as load_story  # the compiled-story cache, else the YAML
    folder = args.story_dir if getattr(args, "story_dir", None) else shipped_story()
    story = load_story(folder)
    # The story lives as long as the game: moved out of the collector's sight, its
    # objects are not scanned again at every full collection while the player plays.
    # The collector, off while the program started (cli.main), is on again from here.
    gc.freeze()
    gc.enable()
    given = args.seed if getattr(args, "seed", None) is not None else None
    state = start_state(story, args, given if given is not None else new_seed())
    authoring = bool(getattr(args, "from_scene", None) or getattr(args, "assignments", None)
                     or getattr(args, "set", None))
    saves = getattr(args, "saves", None)
    from ..saves.searching import open_store  # the one rule, and saves older versions left
    store = open_store(story, Path(saves) if saves else None)
    watcher = None
    if getattr(args, "watch", False):
        from .watch import Watcher
        watcher = Watcher(folder)
    options: dict[str, Any] = dict(
        store=store, seed=given, reload=(lambda: load_story(folder)) if watcher else None,
        autosave_slot=SCRATCH if authoring else AUTOSAVE)
    if prefs.screen_reader:
        from .reader import ScreenReaderUI
        return _play_plain(ScreenReaderUI(sys.stdin, sys.stdout, watch=watcher),
                           story, state, options, prefs, title=not authoring
                           and sys.stdin.isatty())
    if terminal:
        return _play_terminal(story, state, options, prefs, watcher, title=not authoring)
    from .plain import PlainUI
    width = columns()
    ui = PlainUI(sys.stdin, sys.stdout, width, watch=watcher)
    return _play_plain(ui, story, state, options, prefs, title=False, offer=not authoring)


def columns() -> int:
    """shutil.get_terminal_size((80, 24)).columns, without shutil (and the compression
    modules it imports, 2 ms of the plain first screen): $COLUMNS, else the
    terminal's width, else 80."""
    try:
        width = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        width = 0
    if width <= 0 and sys.__stdout__ is not None:
        try:
            width = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            width = 0
    return width or 80


def _play_terminal(story: Story, state: State, options: dict[str, Any], prefs: Any,
                   watcher: Watcher | None, *, title: bool) -> int:
    """Full-screen play: the title menu (unless authoring), then the game."""
    from .terminal import TerminalUI
    store = options["store"]
    ui = TerminalUI(pace=prefs.pace or None, watch=watcher, slots=lambda: _slots(store))
    game = Game(story, state, ui, **options)
    game.show_locked = prefs.show_locked
    try:
        if title and not game.title_screen():
            ui.say("Goodbye.", "note")
            return 0
    except (KeyboardInterrupt, EOFError):
        ui.say("Goodbye.", "note")
        return 0
    if watcher is not None and watcher.changed():  # edited while the menu was up
        game.reload()
    return game.run()


def _play_plain(ui, story, state, options, prefs, *, title: bool, offer: bool = True) -> int:
    """Plain or screen-reader play; with ``title`` (a person at a terminal) the
    title menu first, as the terminal front end has it."""
    game = Game(story, state, ui, **options)
    game.show_locked = prefs.show_locked
    if title:
        try:
            if not game.title_screen():
                ui.say("Goodbye.", "note")
                return 0
        except (KeyboardInterrupt, EOFError):
            ui.say("Goodbye.", "note")
            return 0
    elif offer:
        game.offer_autosave()
    return game.run()


def cli_prefs(args: Any) -> dict[str, Any]:
    """The preference values given on play's command line (None: not given)."""
    locked = getattr(args, "locked", None)
    return {"pace": getattr(args, "pace", None), "theme": getattr(args, "theme", None),
            "width": getattr(args, "width", None),
            "show_locked": None if locked is None else locked == "show",
            "screen_reader": getattr(args, "screen_reader", None) or None}


def settle(args):
    """The preferences in force (command line > environment > file), applied to the
    theme and page width. Problems with the file or the environment are one line
    each on stderr, and play goes on with the defaults for those values."""
    from .. import prefs as P
    from . import theme
    prefs = P.load(cli_prefs(args))
    for warning in prefs.warnings:
        print(f"ana-story: warning: {warning}", file=sys.stderr)
    theme.use(prefs.theme, prefs.width)
    return prefs


def _slots(store) -> list[str]:
    try:
        return [i.slot for i in store.list()]
    except Exception:  # completion must never break typing
        return []
