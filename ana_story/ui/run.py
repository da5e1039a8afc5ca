"""`ana-story play` (and plain `ana-story`): pick the front end, build the Game.

A real terminal on both ends gets the Rich + prompt_toolkit front end and the
title screen; anything else (a pipe, CI, a screen reader, --plain, TERM=dumb)
gets plain text with the same commands.
"""
from __future__ import annotations

import gc
import os
import shutil
import sys
from pathlib import Path

from .. import engine
from ..paths import shipped_story
from .game import AUTOSAVE, Game, new_seed

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
        from ..tools.start import state_from
        return state_from(story, from_scene, list(assignments), seed=seed)
    return engine.new_state(story, seed)


def play_command(args) -> int:
    """Run `ana-story play` with parsed ``args``; returns the exit code."""
    from ..cache import load as load_story  # the compiled-story cache, else the YAML
    from ..errors import UsageError
    from ..saves import SaveStore
    pace = getattr(args, "pace", None)
    if pace is not None and not 0 <= pace <= 60:
        raise UsageError(f"--pace {pace:g}: give the seconds between paragraphs, 0 to 60")
    folder = args.story_dir if getattr(args, "story_dir", None) else shipped_story()
    story = load_story(folder)
    # The story lives as long as the game: moved out of the collector's sight, its
    # objects are not scanned again at every full collection while the player plays.
    gc.freeze()
    seed = args.seed if getattr(args, "seed", None) is not None else new_seed()
    state = start_state(story, args, seed)
    authoring = bool(getattr(args, "from_scene", None) or getattr(args, "assignments", None)
                     or getattr(args, "set", None))
    saves = getattr(args, "saves", None)
    from ..savewhere import open_store  # the one rule, and saves older versions left
    store: SaveStore = open_store(story, Path(saves) if saves else None)
    watch = getattr(args, "watch", False)
    reload = (lambda: load_story(folder)) if watch else None
    watcher = None
    if watch:
        from .watch import Watcher
        watcher = Watcher(folder)
    options = dict(store=store, seed=args.seed if getattr(args, "seed", None) is not None
                   else None, reload=reload,
                   autosave_slot=SCRATCH if authoring else AUTOSAVE)
    if interactive(args):
        from .terminal import TerminalUI
        ui = TerminalUI(pace=pace or None, watch=watcher,
                        slots=lambda: _slots(store))
        game = Game(story, state, ui, **options)
        try:
            if not authoring and not game.title_screen():
                ui.say("Goodbye.", "note")
                return 0
        except (KeyboardInterrupt, EOFError):
            ui.say("Goodbye.", "note")
            return 0
        if watcher is not None and watcher.changed():  # edited while the menu was up
            game.reload()
        return game.run()
    from .plain import PlainUI
    width = shutil.get_terminal_size((80, 24)).columns
    ui = PlainUI(sys.stdin, sys.stdout, width, watch=watcher)
    game = Game(story, state, ui, **options)
    if not authoring:
        game.offer_autosave()
    return game.run()


def _slots(store) -> list[str]:
    try:
        return [i.slot for i in store.list()]
    except Exception:  # completion must never break typing
        return []
