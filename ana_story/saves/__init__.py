"""Saves: a player's progress kept as versioned JSON files that are never lost.

One job a module, from the disk inwards:

- ``where``: the one rule for the save folder, and the older places saves may be;
- ``searching``: a store that also reads the saves those older places hold;
- ``store``: the slots of one story (autosave, quicksave, named), the profile kept
  across playthroughs, export and import; damaged files moved aside (``aside``),
  names checked (``names``), files read safely (``disk``);
- ``codec``: a save as a document for one story, checked and fitted to it;
- ``fileformat``: the file format field by field, and JSON bytes in and out;
- ``migration``: a save made with another version of the story, fitted to this one;
- ``fields``: the bounds every field keeps; ``check``: a story whose own values a
  save would refuse is a story error.

Nothing is imported here, so that the bounds (``fields``, ``check``) can be read
without loading the store. ``records`` holds what the store hands back.
"""
