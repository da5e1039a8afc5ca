"""Reading a story's files: text bounded and decoded, YAML composed with its syntax
errors placed where the author can fix them, anchors and tags reported."""
from __future__ import annotations

from pathlib import Path

import yaml

from .. import flowsplit, storyfiles, yamlread
from .reader import Reader, YamlFile
from .syntax import syntax_where

MAX_FILE_BYTES = storyfiles.MAX_FILE_BYTES


class FileReader(Reader):
    def read_yaml(self, path: Path, display: str):
        f = YamlFile(display)
        if not self.read_text(path, f):
            self.unread.add(f.path, f.text)  # references into it are not called unknown
            return f, None
        try:
            node = yamlread.compose(f.text)
        except yaml.MarkedYAMLError as e:
            problem = e.problem or e.context or "cannot read the YAML"
            pos, hint = syntax_where(e, problem, f.lines)
            self.error(f, pos, "yaml-syntax", f"YAML syntax: {problem}", hint)
            self.unread.add(f.path, f.text)
            return f, None
        except yaml.YAMLError as e:
            self.error(f, None, "yaml-syntax", f"YAML syntax: {e}")
            self.unread.add(f.path, f.text)
            return f, None
        except RecursionError:
            self.error(f, None, "too-large", "the YAML is nested too deeply")
            self.unread.add(f.path, f.text)
            return f, None
        for line, col, name in yamlread.anchors(f.text):
            self.error(f, (line, col), "yaml-alias", f"'{name}' is a YAML anchor, which YAML "
                       "drops from the value it stands before, so that value reads without "
                       "it; anchors and aliases are not used in stories",
                       "quote the whole value to keep the '&' as text")
            f.anchored.add((line, col))
        for bad, message, hint in yamlread.bad_tags(f.text, node):
            self.error(f, bad, "yaml-tag", message, hint or None)
            f.tagged.append(((bad.start_mark.line + 1, bad.start_mark.column + 1),
                             (bad.end_mark.line + 1, bad.end_mark.column + 1)))
        for at, message, hint, nodes in flowsplit.flow_splits(f.text, f.lines, node):
            self.error(f, at, "flow-split", message, hint)
            f.split |= nodes
        return f, node

    def read_text(self, path: Path, f: YamlFile) -> bool:
        """Read a file's text into ``f``; False (with a diagnostic) when it must not be
        composed: outside the folder, too large, unreadable or not UTF-8."""
        try:
            if storyfiles.outside(self.root, path):
                self.error(f, None, "outside-folder", "this file is a link that leads "
                           "outside the story folder (or nowhere), so it is not read",
                           "copy the file into the story folder instead of linking to it")
                return False
            data = storyfiles.read_limited(path, MAX_FILE_BYTES)
            if len(data) > MAX_FILE_BYTES:
                size, limit = storyfiles.sizes(path.stat().st_size, MAX_FILE_BYTES)
                self.error(f, None, "too-large", f"file is {size}; the limit is {limit}",
                           "split it into several chapter files")
                return False
        except storyfiles.NotRegular as e:
            self.error(f, None, "unreadable-file", str(e))
            return False
        except OSError as e:
            self.error(f, None, "unreadable-file", f"cannot read the file: {e.strerror or e}")
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            head = data[:e.start]
            line = head.count(b"\n") + 1
            col = len(head) - (head.rfind(b"\n") + 1) + 1
            self.error(f, (line, col), "encoding",
                       f"the file is not UTF-8 text (byte 0x{data[e.start]:02x})",
                       "save the file as UTF-8 in your editor")
            return False
        if text.startswith("\ufeff"):
            text = text[1:]
        f.text = text
        f.lines = text.split("\n")
        self.turns_since = self.turns_since or "turns_since" in text
        problem = self.budget.take(text)
        if problem and problem[0]:
            self.error(f, None, "too-large", *problem)
        return problem is None

