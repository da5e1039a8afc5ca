"""Author tools: lint (check's warnings), explore, graph, schema, new, start, test.

They read a loaded Story and drive the engine; none of them touches the UI.
"""
