"""Resource bombs end with a clear message within bounded time and memory.

Each bomb runs through the real `ana-story check` (or play) in a child process under a
1 GiB address-space limit, and must finish within BOUND_S with exit 1, a diagnostic and
no traceback. The figures measured on the project machine are in docs/hostile.md.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

BOUND_S = 30  # wall-clock bound for any bomb (the slowest measured: under 3 s)
BOUND_MB = 1024  # address-space limit given to the child
PEAK_MB = 400  # the child's peak RSS must stay below this


# A small launcher forks the child and reports its usage: a child forked straight from the
# test process starts with that process's pages resident, and the kernel keeps that peak
# across exec, so a big pytest worker would be counted as the child's peak.
_LAUNCHER = """
import json, os, resource, sys
out, bound, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (bound, bound))
    os.execvp(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as f:
    json.dump({"code": os.waitstatus_to_exitcode(status), "maxrss": usage.ru_maxrss}, f)
"""


def run_bounded(*args: str, input: str = "") -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ana-story with an address-space limit; return (result, seconds, peak MB of
    that child alone, from wait4's resource usage in a small launcher)."""
    env = dict(os.environ, NO_COLOR="1")
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "usage.json")
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, report, str(BOUND_MB << 20),
                                 "ana-story", *args], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        outs: dict[str, bytes] = {}
        readers = [threading.Thread(target=lambda n=n, s=s: outs.__setitem__(n, s.read()))
                   for n, s in (("out", proc.stdout), ("err", proc.stderr))]
        for r in readers:
            r.start()
        try:
            proc.stdin.write(input.encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            proc.wait(timeout=BOUND_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"ana-story {' '.join(args)} ran past {BOUND_S} s")
        seconds = time.perf_counter() - t
        for r in readers:
            r.join()
        with open(report) as f:
            usage = json.load(f)
    result = subprocess.CompletedProcess(["ana-story", *args], usage["code"],
                                         outs["out"].decode(errors="replace"),
                                         outs["err"].decode(errors="replace"))
    peak = usage["maxrss"] / 1024
    print(f"BOMB ana-story {args[0]}: exit {result.returncode}, {seconds:.2f} s, "
          f"peak {peak:.0f} MB")  # shown with pytest -s
    return result, seconds, peak


def story(folder: Path, scenes: str, story_yaml: str = "title: T\nstart: a\nvariables: {x: 0}\n"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(story_yaml)
    (folder / "01-a.yaml").write_text(scenes)
    return folder


def assert_refused(result, code: str):
    out = result.stdout + result.stderr
    assert result.returncode == 1, out[-2000:]
    assert f"error[{code}]" in out, out[-2000:]
    assert "Traceback" not in out


def test_billion_laughs(tmp_path):
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += ["scenes:", "  a:", "    text: hi", "    tags: *l9", "    ending: E"]
    r, seconds, peak = run_bounded("check", str(story(tmp_path / "s", "\n".join(lines) + "\n")))
    assert_refused(r, "wrong-type")
    assert seconds < BOUND_S and peak < PEAK_MB


def test_alias_bomb_of_choices(tmp_path):
    choices = "[" + ",".join(["{text: go, goto: a}"] * 1000) + "]"
    scenes = f"c: &c {choices}\nscenes:\n" + "".join(
        f"  s{i}:\n    text: hi\n    choices: *c\n" for i in range(2000))
    scenes += "  a:\n    text: end\n    ending: E\n"
    r, seconds, peak = run_bounded("check", str(story(tmp_path / "s", scenes)))
    assert_refused(r, "yaml-alias")
    assert seconds < BOUND_S and peak < PEAK_MB


def test_ten_thousand_deep_nesting(tmp_path):
    scenes = "scenes:\n  a:\n    text: hi\n    ending: E\n    tags: " + "[" * 10_000 + \
        "]" * 10_000 + "\n"
    r, seconds, peak = run_bounded("check", str(story(tmp_path / "s", scenes)))
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "error[" in r.stdout
    assert seconds < BOUND_S and peak < PEAK_MB


def test_deeply_nested_expression(tmp_path):
    scenes = ("scenes:\n  a:\n    text: hi\n    choices:\n      - text: go\n"
              f"        if: '{'(' * 10_000}x > 1{')' * 10_000}'\n        goto: a\n")
    r, seconds, peak = run_bounded("check", str(story(tmp_path / "s", scenes)))
    assert_refused(r, "too-large")  # longer than an expression may be, before any parsing
    assert seconds < BOUND_S


def test_fifty_megabyte_scene_file(tmp_path):
    folder = story(tmp_path / "s", "scenes:\n  a:\n    text: |\n")
    with open(folder / "01-a.yaml", "a") as f:
        line = "      " + "all work and no play " * 20 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
        f.write("    ending: E\n")
    r, seconds, peak = run_bounded("check", str(folder))
    assert_refused(r, "too-large")
    assert "add up to 50.0 MB; the limit is 24 MB" in r.stdout  # the whole story's bound
    assert seconds < 5 and peak < 100


def test_hundred_thousand_choices(tmp_path):
    choices = "".join(f"      - text: c{i}\n        goto: b\n" for i in range(100_000))
    scenes = f"scenes:\n  a:\n    text: hi\n    choices:\n{choices}  b:\n    text: x\n" \
             "    ending: E\n"
    r, seconds, peak = run_bounded("check", str(story(tmp_path / "s", scenes)))
    assert_refused(r, "too-large")
    assert "100,000 choices; the limit is 1,000" in r.stdout
    assert seconds < BOUND_S and peak < PEAK_MB


def test_text_that_grows_past_the_output_bound_stops_play(tmp_path):
    scenes = ("scenes:\n  a:\n    text: hi\n    choices:\n      - text: grow\n"
              "        set: {s: s * 10000}\n        goto: b\n"
              "  b:\n    text: '" + "{{ s }}" * 200 + "'\n    ending: E\n")
    folder = story(tmp_path / "s", scenes, "title: T\nstart: a\nvariables: {s: 'a'}\n")
    r, seconds, peak = run_bounded("play", str(folder), "--plain", "--seed", "1", input="1\n")
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "grew past 1000000 characters" in r.stderr
    assert seconds < BOUND_S and peak < PEAK_MB


@pytest.mark.parametrize("text", ["\\e]0;pwned\\a", "\\e[2J\\e[H", "\\x1b[31mred",
                                  "\\e]8;;http://evil.example\\e\\\\link\\e]8;;\\e\\\\",
                                  "\\x9b31m", "bell\\a", "\\0nul"])
def test_control_characters_in_story_text_are_refused(tmp_path, text):
    scenes = f'scenes:\n  a:\n    title: "{text}"\n    text: hi\n    ending: E\n'
    r, _, _ = run_bounded("check", str(story(tmp_path / "s", scenes)))
    assert_refused(r, "control-character")
    assert "\x1b" not in r.stdout + r.stderr and "\x9b" not in r.stdout + r.stderr


def test_control_characters_in_expression_text_are_refused(tmp_path):
    scenes = ("scenes:\n  a:\n    text: hi\n    choices:\n      - text: go\n"
              "        set: {s: \"'\\e[2J'\"}\n        goto: a\n")
    folder = story(tmp_path / "s", scenes, "title: T\nstart: a\nvariables: {s: ''}\n")
    r, _, _ = run_bounded("check", str(folder))
    assert_refused(r, "control-character")


def test_check_output_never_carries_the_storys_control_characters(tmp_path):
    """A stranger's file can hide escape sequences in a comment or a quoted key; check
    shows the line and the key, but with '?' for each control character."""
    scenes = ('scenes:  # \x1b]0;pwned\x07\n  a:\n    text: hi\n    "\\e[2Jgoto": b\n'
              '    ending: E\n')
    folder = story(tmp_path / "s", scenes)
    r, _, _ = run_bounded("check", str(folder))
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "error[" in out
    assert "\x1b" not in out and "\x07" not in out


def test_a_very_long_line_is_shown_as_a_window_around_the_mistake(tmp_path):
    scenes = ("scenes:\n  a:\n    text: hi\n    ending: E\n    tags: [" + "x, " * 5000 +
              "[nested]]\n")
    r, _, _ = run_bounded("check", str(story(tmp_path / "s", scenes)))
    assert r.returncode == 1
    assert max(len(line) for line in r.stdout.splitlines()) < 200
    caret_line = next(ln for ln in r.stdout.splitlines() if ln.rstrip().endswith("^"))
    source_line = r.stdout.splitlines()[r.stdout.splitlines().index(caret_line) - 1]
    assert source_line[len(caret_line.rstrip()) - 1] == "["  # the caret is under the spot
