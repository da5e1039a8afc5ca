"""`ana-story publish`: a story for readers who install nothing.

- ``compiled``: a loaded story as one JSON document and back (no YAML needed to play);
- ``session``: the browser's side of a game, run by Pyodide on ana-story's own core;
- ``web``: the static web folder (``--web``), ``pyz``: the single file (``--pyz``);
- ``ifiction``: the Treaty of Babel's iFiction record (``--ifiction``);
- the command line is ``ana_story.cli.publish``.
"""
