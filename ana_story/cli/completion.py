"""`ana-story completion SHELL` and `ana-story man`: shell completion (bash, zsh,
fish) and the man page, generated from the whole argparse parser (cli/parser.py), so they
can never list a command or option the program does not have."""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .parser import HELP

SHELLS = ("bash", "zsh", "fish")

EPILOG_COMPLETION = """examples:
  source <(ana-story completion bash)                  # this shell only
  ana-story completion bash > ~/.local/share/bash-completion/completions/ana-story
  ana-story completion zsh > "${fpath[1]}/_ana-story"
  ana-story completion fish > ~/.config/fish/completions/ana-story.fish"""


def register(sub: Any) -> None:
    """Add `completion` and `man`."""
    raw = argparse.RawDescriptionHelpFormatter
    c = sub.add_parser("completion", help=HELP["completion"],
                       description="Print a script that teaches your shell to complete "
                                   "ana-story's commands and options with Tab.",
                       epilog=EPILOG_COMPLETION, formatter_class=raw)
    c.add_argument("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh or fish")
    c.set_defaults(func=cmd_completion)
    m = sub.add_parser("man", help=HELP["man"],
                       description="Print ana-story's manual page, generated from its "
                                   "options.",
                       epilog="example:\n  ana-story man > ana-story.1 && man -l ana-story.1",
                       formatter_class=raw)
    m.set_defaults(func=cmd_man)


def cmd_completion(args: argparse.Namespace) -> int:
    from .parser import build_parser
    sys.stdout.write(script(args.shell, build_parser()))
    return 0


def cmd_man(args: argparse.Namespace) -> int:
    from .. import __version__
    from .parser import build_parser
    sys.stdout.write(man(build_parser(), __version__))
    return 0


@dataclass
class Command:
    """One parser of the tree: its options, fixed choices and subcommands."""

    path: tuple[str, ...]  # () for ana-story itself, ("saves", "list") ...
    help: str
    description: str
    options: list[tuple[list[str], str, str]] = field(default_factory=list)
    #        (flags, help, the value's name: "" when it takes none)
    choices: dict[str, list[str]] = field(default_factory=dict)  # option flag -> its fixed choices
    positionals: list[tuple[str, str]] = field(default_factory=list)  # (metavar, help)
    values: list[str] = field(default_factory=list)  # fixed choices of a positional
    subcommands: list[Command] = field(default_factory=list)


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = (),
         help_text: str = "") -> Command:
    """The parser as plain data (argparse keeps its tree in _actions)."""
    cmd = Command(path, help_text, parser.description or "")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                cmd.subcommands.append(walk(sub, path + (name,), helps.get(name, "")))
        elif action.option_strings:
            _option(cmd, action)
        else:
            cmd.positionals.append((_metavar(action), action.help or ""))
            cmd.values += [str(c) for c in action.choices or ()]
    return cmd


def _option(cmd: Command, action: argparse.Action) -> None:
    if action.help == argparse.SUPPRESS:
        return
    choices = [str(c) for c in action.choices or ()]
    if action.nargs == 0:
        value = ""
    else:
        value = "{" + ",".join(choices) + "}" if choices else \
            _metavar(action, action.dest.upper())
    cmd.options.append((list(action.option_strings), action.help or "", value))
    for flag in action.option_strings if choices else ():
        cmd.choices[flag] = choices


def _metavar(action: argparse.Action, default: str = "") -> str:
    """An action's value name (a tuple of names, one per value, joined)."""
    m = action.metavar or default or action.dest
    return m if isinstance(m, str) else " ".join(m)


def _all(cmd: Command) -> Iterator[Command]:
    yield cmd
    for s in cmd.subcommands:
        yield from _all(s)


def _flags(cmd: Command) -> list[str]:
    return [f for flags, _, _ in cmd.options for f in flags]


def _safe(text: str) -> str:
    """Help text inside single quotes of a shell script."""
    return re.sub(r"[^\w .,;:()/+=%-]", "", text.replace("\n", " "))[:90]


# --- bash --------------------------------------------------------------------------

def bash(root: Command) -> str:
    """A bash completion function: find the deepest subcommand typed so far, then
    offer an option's fixed choices, or its subcommands and options, or file names."""
    word_cases, choice_cases, sub_cases = [], [], []
    for cmd in _all(root):
        key = " ".join(cmd.path)
        words = [s.path[-1] for s in cmd.subcommands] + cmd.values + _flags(cmd)
        word_cases.append(f"        '{key}') words='{' '.join(words)}' ;;")
        for flag, choices in cmd.choices.items():
            choice_cases.append(f"        '{key} {flag}') words='{' '.join(choices)}' ;;")
        if cmd.subcommands:
            names = " ".join(s.path[-1] for s in cmd.subcommands)
            sub_cases.append(f"        '{key}') subs=' {names} ' ;;")
    takes = sorted({f for c in _all(root) for flags, _, value in c.options if value
                    for f in flags})
    return "\n".join([
        "# bash completion for ana-story (generated by 'ana-story completion bash')",
        "# Load it now:  source <(ana-story completion bash)",
        "_ana_story() {",
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
        "    local path='' subs words='' i w",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        "        w=${COMP_WORDS[i]}",
        "        case \"$path\" in",
        *sub_cases,
        "        *) subs='' ;;",
        "        esac",
        "        if [[ $subs == *\" $w \"* ]]; then path=${path:+$path }$w; fi",
        "    done",
        f"    local takes=' {' '.join(takes)} '",
        "    if [[ $takes == *\" $prev \"* ]]; then",
        "        case \"$path $prev\" in",
        *choice_cases,
        "        *) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;",
        "        esac",
        "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\")); return",
        "    fi",
        "    case \"$path\" in",
        *word_cases,
        "    esac",
        "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))",
        "    if [[ ${#COMPREPLY[@]} -eq 0 && $cur != -* ]]; then",
        "        COMPREPLY=($(compgen -f -- \"$cur\"))",
        "    fi",
        "}",
        "complete -o filenames -F _ana_story ana-story",
        ""])


# --- zsh ---------------------------------------------------------------------------

def zsh(root: Command) -> str:
    """A zsh completion (compdef) built on the same tree as bash's."""
    lines = ["#compdef ana-story",
             "# zsh completion for ana-story (generated by 'ana-story completion zsh')",
             "# Load it now:  source <(ana-story completion zsh)",
             "_ana_story() {",
             "    local -a path_  # the subcommands typed so far (words is zsh's own array)",
             "    local w i",
             "    for ((i = 2; i < CURRENT; i++)); do",
             "        w=${words[i]}",
             "        case \"${(j: :)path_}\" in"]
    for cmd in _all(root):
        if cmd.subcommands:
            names = " ".join(s.path[-1] for s in cmd.subcommands)
            lines.append(f"        '{' '.join(cmd.path)}') "
                         f"[[ ' {names} ' == *\" $w \"* ]] && path_+=($w) ;;")
    lines += ["        esac", "    done", "    case \"${(j: :)path_}\" in"]
    for cmd in _all(root):
        items = [f"'{s.path[-1]}:{_safe(s.help)}'" for s in cmd.subcommands]
        opts = [f"'{f}:{_safe(h)}'" for flags, h, _ in cmd.options for f in flags]
        lines.append(f"        '{' '.join(cmd.path)}')")
        if items:
            lines.append(f"            local -a subs=({' '.join(items)})")
            lines.append("            _describe 'command' subs")
        if cmd.values:
            lines.append(f"            local -a values=({' '.join(cmd.values)})")
            lines.append("            _describe 'value' values")
        if opts:
            lines.append(f"            local -a opts=({' '.join(opts)})")
            lines.append("            _describe 'option' opts")
        lines.append("            _files ;;")
    lines += ["    esac", "}", "compdef _ana_story ana-story", ""]
    return "\n".join(lines)


# --- fish --------------------------------------------------------------------------

def fish(root: Command) -> str:
    """fish `complete` lines: each subcommand and option under its parent."""
    lines = ["# fish completion for ana-story (generated by 'ana-story completion fish')",
             "# Load it now:  ana-story completion fish | source"]
    for cmd in _all(root):
        if cmd.path:
            parent = " ".join(cmd.path[:-1])
            cond = f"__fish_seen_subcommand_from {cmd.path[-2]}" if parent else \
                "__fish_use_subcommand"
            siblings = " ".join(s for s in _siblings(root, cmd.path))
            if parent:
                cond += f"; and not __fish_seen_subcommand_from {siblings}"
            lines.append(f"complete -c ana-story -f -n '{cond}' -a {cmd.path[-1]} "
                         f"-d '{_safe(cmd.help)}'")
        cond = f"__fish_seen_subcommand_from {cmd.path[-1]}" if cmd.path else ""
        if cmd.values:
            lines.append(f"complete -c ana-story -f -n '{cond}' -a '{' '.join(cmd.values)}'")
        for flags, h, value in cmd.options:
            bits = []
            for f in flags:
                bits.append(f"-l {f[2:]}" if f.startswith("--") else f"-s {f[1:]}")
            choices = cmd.choices.get(flags[0])
            extra = (" -r -f -a '" + " ".join(choices) + "'") if choices else \
                (" -r" if value else "")
            n = f" -n '{cond}'" if cond else ""
            lines.append(f"complete -c ana-story{n} {' '.join(bits)}{extra} -d '{_safe(h)}'")
    return "\n".join(lines) + "\n"


def _siblings(root: Command, path: tuple[str, ...]) -> list[str]:
    node = root
    for name in path[:-1]:
        node = next(s for s in node.subcommands if s.path[-1] == name)
    return [s.path[-1] for s in node.subcommands]


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](walk(parser))


# --- man page ----------------------------------------------------------------------

def _roff(text: str) -> str:
    """Text safe in roff: backslashes doubled, no line starting with a control dot."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + ln if ln[:1] in (".", "'") else ln) for ln in text.splitlines())


def man(parser: argparse.ArgumentParser, version: str) -> str:
    """The man page (roff, man(7) macros): every command, its options and help."""
    root = walk(parser)
    out = [f'.TH ANA\\-STORY 1 "{date.today():%Y-%m-%d}" "ana-story {version}" '
           '"User Commands"',
           ".SH NAME", "ana\\-story \\- " + _roff(root.description),
           ".SH SYNOPSIS", ".B ana\\-story", "[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR] ...",
           ".SH DESCRIPTION",
           _roff("With no command, ana-story plays the shipped story. Run "
                 "'ana-story COMMAND --help' for a command's options and an example."),
           ".SH OPTIONS"]
    out += _options(root)
    out.append(".SH COMMANDS")
    for cmd in _all(root):
        if not cmd.path:
            continue
        usage = " ".join(cmd.path) + "".join(f" {m}" for m, _ in cmd.positionals)
        if cmd.subcommands:
            usage += " ACTION"
        out += [".SS " + _roff(f"ana-story {usage}"), _roff(cmd.description or cmd.help)]
        for m, h in cmd.positionals:
            if h:
                out += [".TP", f"\\fI{_roff(str(m))}\\fR", _roff(h)]
        out += _options(cmd)
    out += [".SH FILES",
            _roff("Preferences: prefs.toml in your config folder "
                  "(see 'ana-story prefs path'). Saves: see 'ana-story saves list'."),
            ".SH ENVIRONMENT",
            _roff("ANA_STORY_PACE, ANA_STORY_THEME, ANA_STORY_WIDTH, ANA_STORY_SHOW_LOCKED, "
                  "ANA_STORY_SCREEN_READER: preferences (over the file, under the command "
                  "line). ANA_STORY_CONFIG: the config folder. ANA_STORY_SAVES: the save "
                  "folder. NO_COLOR: no colour."), ""]
    return "\n".join(out)


def _options(cmd: Command) -> list[str]:
    out = []
    for flags, h, value in cmd.options:
        if flags == ["-h", "--help"]:
            continue
        out += [".TP", ", ".join(f"\\fB{_roff(f)}\\fR" for f in flags)
                + (f" \\fI{_roff(value)}\\fR" if value else ""), _roff(h or "")]
    return out
