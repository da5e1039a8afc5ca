"""The player's preferences: text pace, colour theme, page width, whether locked
choices are shown, screen-reader mode.

They live in one flat TOML file in the platform's config folder (platformdirs'
user_config_dir, or $ANA_STORY_CONFIG), so they outlast a reinstall. Each value
comes from, in order: the command line, the environment (ANA_STORY_PACE, ...),
the file, the default. A damaged file or a bad value is a warning of one line
and the default is used: preferences never stop anyone from playing.

The file is read with tomllib (Python 3.11+) or its backport tomli (a
conditional dependency on 3.10: it *is* tomllib, so both versions read a file
the same way). It is written by `ana-story prefs set`, which only ever writes
flat ``key = value`` lines, so no TOML writer is needed.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .errors import UsageError

FILE_NAME = "prefs.toml"
MAX_FILE = 64 * 1024  # a preferences file is a few lines; more is not one
THEMES = ("default", "high-contrast", "mono")


def _number(text: Any, low: float, high: float, kind: type) -> Any:
    if isinstance(text, bool):
        raise ValueError
    value = kind(text)
    if isinstance(value, float) and value != value:
        raise ValueError
    if not low <= value <= high:
        raise ValueError
    return value


def _pace(v: Any) -> float:
    return float(_number(v, 0, 60, float))


def _width(v: Any) -> int:
    if isinstance(v, float):
        raise ValueError
    return int(_number(v, 30, 200, int))


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    text = str(v).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError


def _theme(v: Any) -> str:
    if not isinstance(v, str) or v.strip().lower() not in THEMES:
        raise ValueError
    return v.strip().lower()


class Key(NamedTuple):
    """One preference: its name, how a value is read, its default, its environment
    variable, and the words that describe it."""

    name: str
    parse: Callable[[Any], Any]
    default: Any
    env: str
    expects: str  # how to write a good value, for messages
    help: str


KEYS = {k.name: k for k in (
    Key("pace", _pace, 0.0, "ANA_STORY_PACE", "seconds from 0 to 60 (0: all at once)",
        "seconds between paragraphs as a scene appears"),
    Key("theme", _theme, "default", "ANA_STORY_THEME", "one of " + ", ".join(THEMES),
        "colours: default, high-contrast, or mono (no colour)"),
    Key("width", _width, 70, "ANA_STORY_WIDTH", "a whole number of columns, 30 to 200",
        "the page width (the measure of the prose), in columns"),
    Key("show_locked", _bool, True, "ANA_STORY_SHOW_LOCKED", "true or false",
        "show the choices that are locked, with the author's reason"),
    Key("screen_reader", _bool, False, "ANA_STORY_SCREEN_READER", "true or false",
        "screen-reader mode: one line at a time, no cursor movement"),
)}


class Prefs:
    """The values in force, where each came from, and what was wrong on the way.
    (A plain class: a dataclass costs half a millisecond to create at start-up.)"""

    def __init__(self, path: Path | None = None) -> None:
        self.values: dict = {k: v.default for k, v in KEYS.items()}
        self.sources: dict = {k: "default" for k in KEYS}
        self.warnings: list = []
        self.path = path

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


def config_dir() -> Path:
    """Where the preferences file lives: $ANA_STORY_CONFIG, else the platform's
    config folder (~/.config/ana-story on Linux)."""
    env = os.environ.get("ANA_STORY_CONFIG")
    if env:
        return Path(env)
    from .paths import user_folder
    return user_folder("config")


def prefs_path() -> Path:
    return config_dir() / FILE_NAME


def _toml_loads(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found]  # 3.10 only, no stubs here
    return tomllib.loads(text)


def read_file(path: Path) -> tuple[dict, str | None]:
    """The file's table, or ({}, why it cannot be used). A missing file is no problem."""
    try:
        with open(path, "rb") as f:
            blob = f.read(MAX_FILE + 1)
    except FileNotFoundError:
        return {}, None
    except OSError as e:
        return {}, f"cannot be read ({e.strerror or e})"
    if len(blob) > MAX_FILE:
        return {}, f"is over {MAX_FILE // 1024} KB, so it is not a preferences file"
    try:
        return _toml_loads(blob.decode("utf-8")), None
    except UnicodeDecodeError:
        return {}, "is not UTF-8 text"
    except Exception as e:  # tomllib.TOMLDecodeError: "Expected '=' ... (at line 2, column 5)"
        return {}, f"is not valid TOML: {e}"


def _suggest(name: str) -> str:
    from .suggest import did_you_mean
    found = did_you_mean(name, KEYS)
    return f" ({found})" if found else ""


def _clip(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    from .sanitize import visible  # a stranger's file never drives the terminal
    text = visible(text)
    return text if len(text) <= 40 else text[:39] + "…"


def load(cli: dict | None = None, environ: Mapping[str, str] | None = None,
         path: Path | None = None) -> Prefs:
    """The preferences in force: ``cli`` values (None: not given) over the
    environment over the file over the defaults."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    path = path or prefs_path()
    prefs = Prefs(path=path)
    table, problem = read_file(path)
    if problem:
        prefs.warnings.append(f"the preferences file {path} {problem}; "
                              "using the defaults (see 'ana-story prefs')")
    for name, value in table.items():
        key = KEYS.get(name)
        if key is None:
            prefs.warnings.append(f"{path}: '{_clip(name)}' is not a preference"
                                  f"{_suggest(name)}; ignored")
            continue
        _take(prefs, key, value, "file", f"{path}: {name}")
    for key in KEYS.values():
        if env.get(key.env, "") != "":
            _take(prefs, key, env[key.env], "environment", f"${key.env}")
    for name, value in (cli or {}).items():
        if value is not None:
            prefs.values[name] = _from_cli(KEYS[name], value)
            prefs.sources[name] = "command line"
    return prefs


def _from_cli(key: Key, value: Any) -> Any:
    """A command-line value: wrong is a usage error (exit 2), not a warning."""
    try:
        return key.parse(value)
    except (ValueError, TypeError, OverflowError):
        if key.name == "pace":
            raise UsageError(f"--pace {value:g}: give the seconds between paragraphs, "
                             "0 to 60") from None
        raise UsageError(f"--{key.name.replace('_', '-')} {_clip(value)}: give "
                         f"{key.expects}") from None


def _take(prefs: Prefs, key: Key, value: Any, source: str, where: str) -> None:
    try:
        prefs.values[key.name] = key.parse(value)
        prefs.sources[key.name] = source
    except (ValueError, TypeError, OverflowError):
        prefs.warnings.append(f"{where} = {_clip(value)} is not {key.expects}; "
                              f"using {format_value(prefs.values[key.name])}")


def format_value(value: Any) -> str:
    """A value as the TOML file writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def set_value(name: str, text: str, path: Path | None = None) -> Any:
    """Check ``text`` for ``name`` and write it into the file (the other lines kept).
    Raises UsageError for a wrong key or value, or a file that cannot be read back."""
    key = _key(name)
    try:
        value = key.parse(text)
    except (ValueError, TypeError, OverflowError):
        raise UsageError(f"prefs set {name}: '{_clip(text)}' is not {key.expects}") from None
    _rewrite(path or prefs_path(), {name: value})
    return value


def unset_value(name: str, path: Path | None = None) -> None:
    _rewrite(path or prefs_path(), {_key(name).name: None})


def _key(name: str) -> Key:
    key = KEYS.get(name.replace("-", "_"))
    if key is None:
        raise UsageError(f"'{_clip(name)}' is not a preference{_suggest(name)}; "
                         "they are " + ", ".join(KEYS))
    return key


def _rewrite(path: Path, changes: dict) -> None:
    table, problem = read_file(path)
    if problem:
        raise UsageError(f"the preferences file {path} {problem}; fix it, or remove it "
                         "with 'ana-story prefs reset'")
    table = {k: v for k, v in table.items() if k in KEYS}
    for name, value in changes.items():
        if value is None:
            table.pop(name, None)
        else:
            table[name] = value
    lines = ["# ana-story preferences: 'ana-story prefs' lists them, "
             "'ana-story prefs set KEY VALUE' changes one."]
    lines += [f"{k} = {format_value(v)}" for k, v in table.items()]
    from .atomicfile import write_atomic
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
    except OSError as e:
        raise UsageError(f"could not write {path}: {e.strerror or e}") from None


def reset(path: Path | None = None) -> bool:
    """Remove the preferences file; True if there was one."""
    path = path or prefs_path()
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as e:
        raise UsageError(f"could not remove {path}: {e.strerror or e}") from None
