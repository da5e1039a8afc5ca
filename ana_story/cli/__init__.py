"""The `ana-story` command, a thin layer over the core: one module per command group,
each registering its parser and running its command, and `app` (the parser's root,
`main`, and the one place errors become messages and exit codes).

- ``play``: play's options (also the bare command's) and the game;
- ``tools``: the author tools (check, explore, graph, schema, new, test);
- ``saves``, ``prefs``, ``publish``: those commands;
- ``completion``: shell completion and the man page, generated from the parser.
"""
from __future__ import annotations

from .app import main

__all__ = ["main"]
