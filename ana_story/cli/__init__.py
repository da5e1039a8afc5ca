"""The `ana-story` command, a thin layer over the core: one module per command group,
each registering its parser and running its command, and `app` (which command a line
names, `main`, and the one place errors become messages and exit codes).

- ``play``: play's options (also the bare command's) and the game;
- ``tools``: the author tools (check, explore, graph, schema, new, test);
- ``saves``, ``prefs``, ``publish``: those commands;
- ``completion``: shell completion and the man page, generated from the parser;
- ``parser``: the parser, built only as far as a line needs.
"""
from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point: `app.main` with the garbage collector off while the program
    starts. Start-up makes tens of thousands of objects that all live on (modules,
    classes, the story), so the two dozen collections they set off find nothing to
    free and cost about 3 ms of the first screen. The collector is back on before a
    command runs, and for play once the story is loaded and frozen (ui/run.py)."""
    was = gc.isenabled()
    gc.disable()
    try:
        from .. import bytebundle
        bytebundle.install()  # the first screen's modules' bytecode, read in one go
        from .app import main as run
        return run(argv)
    except KeyboardInterrupt:  # Ctrl-C while the program starts, before the command
        # runs (app.main's own handler): interrupted, said as app.main says it, never
        # a traceback (tests/test_typeahead.py)
        print("\nGoodbye.", file=sys.stderr)
        return 130
    finally:
        if was:
            gc.enable()


__all__ = ["main"]
