"""`publish --ifiction`: the story's record for IF archives such as IFDB.

The Treaty of Babel's iFiction XML (section 5): an <ifindex> with one <story>,
its <identification> (IFID and format), <bibliographic> (title, author,
language, first published, description) and <colophon> (what made the record
and when). Built with ElementTree, so an author's text is always escaped.
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from .. import __version__
from ..errors import UsageError
from ..ifid import ifid_problem, new_ifid
from ..model import Story

NAMESPACE = "http://babel.ifarchive.org/protocol/iFiction/"
FORMAT = "html"  # the Treaty's format name for a story played in a web browser
_DATE = re.compile(r"\d{4}(-\d{2}-\d{2})?")


def ifiction(story: Story, *, published: str | None = None,
             today: dt.date | None = None) -> str:
    """The iFiction XML text. ``published``: first publication as YYYY or YYYY-MM-DD
    (default: today's date, for a story published now)."""
    if not story.ifid:
        raise UsageError("story.yaml has no ifid, and archives need one that never "
                         f"changes: add the line 'ifid: {new_ifid()}' and publish again")
    if ifid_problem(story.ifid):
        raise UsageError(f"story.yaml: {ifid_problem(story.ifid)}")
    today = today or dt.date.today()
    published = published or today.isoformat()
    if not _DATE.fullmatch(published):
        raise UsageError(f"--published {published}: give a year (2026) or a date "
                         "(2026-05-01)")
    ET.register_namespace("", NAMESPACE)
    q = lambda tag: f"{{{NAMESPACE}}}{tag}"  # noqa: E731 - a namespaced tag
    root = ET.Element(q("ifindex"), {"version": "1.0"})
    s = ET.SubElement(root, q("story"))
    ident = ET.SubElement(s, q("identification"))
    ET.SubElement(ident, q("ifid")).text = story.ifid.upper()
    ET.SubElement(ident, q("format")).text = FORMAT
    bib = ET.SubElement(s, q("bibliographic"))
    ET.SubElement(bib, q("title")).text = story.title
    ET.SubElement(bib, q("author")).text = story.author or "Anonymous"
    ET.SubElement(bib, q("language")).text = story.language or "en"
    ET.SubElement(bib, q("firstpublished")).text = published
    if story.description:
        desc = ET.SubElement(bib, q("description"))
        paras = [p.strip() for p in story.description.split("\n\n") if p.strip()]
        desc.text = paras[0] if paras else ""
        for p in paras[1:]:  # paragraphs are separated by <br/> (section 5.10)
            ET.SubElement(desc, q("br")).tail = p
    col = ET.SubElement(s, q("colophon"))
    ET.SubElement(col, q("generator")).text = "ana-story"
    ET.SubElement(col, q("generatorversion")).text = __version__
    ET.SubElement(col, q("originated")).text = today.isoformat()
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")
