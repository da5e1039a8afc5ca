"""The figures `ana-story publish` is judged by, measured on the shipped story.

    python bench/bench_publish.py [--runs N] [--runtime DIR]

- the web folder's size without and with the bundled Pyodide runtime;
- the time to the first scene in headless Chromium with the local runtime, from
  a fresh profile (cold: the runtime is fetched and compiled) and on a reload
  (warm: from the browser's cache); the page's own timer also says how much of it
  is Pyodide starting (needs chromium, chromedriver and selenium, as the browser
  tests do; --runtime defaults to the cache .ci/browser-setup fills);
- the start-up of `python3 story.pyz --plain` against `ana-story play --plain`
  (launch to first scene and exit at the end of input; PYTHONDONTWRITEBYTECODE
  unset so ana-story has its bytecode as installed).
Medians over --runs. Prints the figures; docs/performance.md quotes them.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ana_story.publish.web import PYODIDE_VERSION  # noqa: E402

CLI = [sys.executable, "-m", "ana_story"]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _run(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env, check=True)
    return time.perf_counter() - t0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, *args):
        pass


def first_scene(folder: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out: dict[str, list] = {"cold": [], "warm": []}
    for _ in range(runs):
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={tempfile.mkdtemp()}"):
            options.add_argument(arg)
        driver = webdriver.Chrome(options=options,
                                  service=Service(shutil.which("chromedriver")))
        for kind in ("cold", "warm"):
            t0 = time.perf_counter()
            driver.get(f"http://127.0.0.1:{server.server_port}/index.html")
            while "ready" not in driver.execute_script("return document.body.className"):
                time.sleep(0.02)
            out[kind].append((time.perf_counter() - t0,
                              driver.execute_script("return window.anaStoryRuntimeMs") / 1e3))
        driver.quit()
    server.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runtime", type=Path, default=Path(os.environ.get(
        "ANA_STORY_TEST_CACHE", Path.home() / ".cache" / "ana-story-test"))
        / f"pyodide-{PYODIDE_VERSION}")
    args = ap.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    tmp = Path(tempfile.mkdtemp(prefix="ana-publish-bench-"))
    subprocess.run(CLI + ["publish", "--web", str(tmp / "web"), "--pyz",
                          str(tmp / "story.pyz")], check=True, capture_output=True)
    print(f"web folder, runtime from the CDN: {_size(tmp / 'web') / 1e3:.0f} kB")
    if (args.runtime / "pyodide.asm.wasm").is_file():
        subprocess.run(CLI + ["publish", "--web", str(tmp / "full"), "--bundle-runtime",
                              str(args.runtime)], check=True, capture_output=True)
        print(f"web folder, runtime bundled: {_size(tmp / 'full') / 1e6:.1f} MB")
        try:
            times = first_scene(tmp / "full", args.runs)
            for kind, xs in times.items():
                print(f"first scene, headless Chromium, local runtime, {kind}: "
                      f"{statistics.median(x[0] for x in xs):.2f} s median "
                      f"(min {min(x[0] for x in xs):.2f}, max {max(x[0] for x in xs):.2f}); "
                      f"Pyodide's own start {statistics.median(x[1] for x in xs):.2f} s")
        except Exception as e:  # noqa: BLE001 - a benchmark without a browser says so
            print(f"first scene: not measured ({type(e).__name__}: {e})")
    else:
        print(f"no runtime in {args.runtime}: run bash .ci/browser-setup")
    print(f".pyz: {(tmp / 'story.pyz').stat().st_size / 1e6:.1f} MB")
    saves = str(tmp / "saves")
    for name, cmd in (("ana-story play --plain", CLI + ["play", "--plain", "--saves", saves]),
                      ("python3 story.pyz --plain", [sys.executable, str(tmp / "story.pyz"),
                                                     "--plain", "--saves", saves])):
        _run(cmd, env)  # once to warm the file cache
        xs = [_run(cmd, env) for _ in range(max(args.runs, 7))]
        print(f"start-up, {name}: {statistics.median(xs) * 1e3:.0f} ms median "
              f"(min {min(xs) * 1e3:.0f}, max {max(xs) * 1e3:.0f})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
