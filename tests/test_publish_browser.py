"""`publish --web` in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by Selenium, the page served by http.server on 127.0.0.1,
and the Pyodide runtime from the npm registry bundled into the folder, so nothing
comes from the network. `.ci/browser-setup` installs all three; where the browser
cannot start, every test here skips and says why.

Selenium rather than Playwright: it is a Python package like the rest of the
suite, and drives the Debian chromium through Debian's own chromedriver, so no
browser build is downloaded (Playwright's installer fetches one of its own).
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

pytestmark = pytest.mark.slow

FEATURES = FIXTURES / "features"
VERSION = __import__("ana_story.publish.web", fromlist=["x"]).PYODIDE_VERSION
CACHE = Path(os.environ.get("ANA_STORY_TEST_CACHE",
                            Path.home() / ".cache" / "ana-story-test"))
RUNTIME = CACHE / f"pyodide-{VERSION}"
SCREENS = os.environ.get("ANA_STORY_SCREENS")  # set to docs/screens to refresh the README's
READY = 60  # seconds a page may take to reach its first scene


def _why_not() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for tool in ("chromium", "chromedriver"):
        if not shutil.which(tool):
            return f"no {tool} (run: bash .ci/browser-setup)"
    if not (RUNTIME / "pyodide.asm.wasm").is_file():
        return f"no Pyodide {VERSION} in {RUNTIME} (run: bash .ci/browser-setup)"
    return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a browser hanging up is fine
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two published stories under one local web server: the fixture and the shipped one."""
    why = _why_not()
    if why:
        pytest.skip(why)
    root = tmp_path_factory.mktemp("web")
    for name, story in (("features", FEATURES), ("shipped", ROOT / "scenes")):
        r = run_cli("publish", str(story), "--web", str(root / name), "--bundle-runtime",
                    str(RUNTIME))
        assert r.returncode == 0, r.stderr
    # a page whose runtime is missing: what a reader sees when it cannot load
    page = (root / "features" / "index.html").read_text(encoding="utf-8")
    (root / "features" / "broken.html").write_text(
        page.replace('"url": "pyodide/"', '"url": "no-such-runtime/"'), encoding="utf-8")
    server = _Server(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", root
    server.shutdown()


@pytest.fixture(scope="module")
def browser(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    downloads = tempfile.mkdtemp(prefix="ana-downloads-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                f"--user-data-dir={tempfile.mkdtemp(prefix='ana-chromium-')}"):
        options.add_argument(arg)
    try:
        driver = webdriver.Chrome(options=options,
                                  service=Service(shutil.which("chromedriver")))
    except Exception as e:  # noqa: BLE001 - any reason the browser cannot start
        pytest.skip(f"headless Chromium did not start: {str(e).splitlines()[0][:200]}")
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": downloads})
    driver.downloads = Path(downloads)
    yield driver
    driver.quit()


def _open(driver, url: str, *, fresh: bool = True) -> float:
    """Load ``url`` and wait for the first scene; returns the page's own time to it."""
    driver.get(url)
    if fresh:
        driver.execute_script("localStorage.clear()")
        driver.get(url)
    deadline = time.monotonic() + READY
    while time.monotonic() < deadline:
        state = driver.execute_script("return document.body.className")
        if "ready" in state or "failed" in state:
            break
        time.sleep(0.1)
    assert "ready" in state, driver.find_element("id", "loading").text
    return driver.execute_script("return window.anaStoryReadyMs") / 1000


def _text(driver, css: str) -> str:
    return driver.find_element("css selector", css).text


def _card(driver, want: str) -> str:
    """The chapter card's visible text once it reads ``want`` (or after 5 s): the card fades
    in from opacity 0, and WebDriver reads a transparent element as no text, so a check
    taken in the fade's first frames on a loaded machine would see ''."""
    deadline = time.monotonic() + 5
    while (text := _text(driver, "#chapter-card")) != want and time.monotonic() < deadline:
        time.sleep(0.05)
    return text


def _choices(driver) -> list[str]:
    return [li.text for li in driver.find_elements("css selector", "#choices li")]


def _key(driver, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(driver).send_keys(key).perform()


def _click(driver, css: str) -> None:
    driver.find_element("css selector", css).click()


def test_page_plays_to_an_ending_with_locked_choice_undo_and_reload(site, browser):
    base, _ = site
    seconds = _open(browser, f"{base}/features/index.html")
    print(f"\ntime to first scene (local runtime): {seconds:.2f} s")
    assert _text(browser, "#scene-title") == "The Shore"
    assert _card(browser, "The Shore") == "The Shore"
    spoken = browser.find_element("id", "chapter-spoken").get_attribute("textContent")
    assert spoken == "Chapter: The Shore."  # the card itself is aria-hidden
    assert browser.find_element("id", "passage").get_attribute("aria-live") == "polite"
    assert _text(browser, "#text").startswith("Wind off the water. Mara stands at the foot")
    assert _choices(browser) == ["1\nPick up the rusted key",
                                 "Climb the stairs\nLocked: You are too afraid",
                                 "2\nTake a deep breath"]
    locked = browser.find_element("css selector", "#choices li.locked")
    assert not locked.find_elements("css selector", "button")  # dimmed text, not a button
    _key(browser, "1")  # number keys choose
    assert _choices(browser) == ["1\nClimb the stairs with the key in your fist",
                                 "2\nTake a deep breath"]
    assert browser.switch_to.active_element.get_attribute("id") == "scene-title"
    _click(browser, "#undo")
    assert "Locked: You are too afraid" in _choices(browser)[1]
    assert _text(browser, "#messages") == "Took back 1 choice."
    _click(browser, "#redo")
    assert _choices(browser)[0] == "1\nClimb the stairs with the key in your fist"
    _click(browser, '#choices button[data-number="1"]')
    assert _text(browser, "#scene-title") == "The Stairs"
    assert _card(browser, "The Tower") == "The Tower"
    _open(browser, f"{base}/features/index.html", fresh=False)  # a reload resumes
    assert _text(browser, "#scene-title") == "The Stairs"
    assert browser.find_element("id", "undo").is_enabled()
    _key(browser, "2")
    assert _text(browser, "#ending h2") == "The End: The Light"
    assert "Endings found: 1 of 2." in _text(browser, "#ending")
    _click(browser, '[data-open="history-panel"]')
    assert "The Stairs — Go on up" in _text(browser, "#history-list")
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


def test_saves_go_from_page_to_terminal_and_back(site, browser, tmp_path):
    base, _ = site
    _open(browser, f"{base}/features/index.html")
    _key(browser, "1")
    _click(browser, '[data-open="saves-panel"]')
    name = browser.find_element("id", "save-name")
    name.clear()
    name.send_keys("by the sea\n")  # Enter submits: a named slot, as `save by the sea`
    assert _text(browser, "#saves-messages").startswith("Saved as 'by the sea'.")
    assert "by the sea — The Shore · The Shore" in _text(browser, "#saves-list")
    _click(browser, "#export")
    exported = browser.downloads / "the-lighthouse-keeper-from-the-web.json"
    deadline = time.monotonic() + 10
    while not exported.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert json.loads(exported.read_text(encoding="utf-8"))["format"] == "ana-story-save"
    term = tmp_path / "saves"
    r = run_cli("saves", "import", str(exported), "--story", str(FEATURES), "--saves",
                str(term))
    assert r.returncode == 0, r.stderr
    r = run_cli("play", str(FEATURES), "--saves", str(term),
                input="load from-the-web\n1\n2\n")
    assert "Loaded 'from-the-web'." in r.stdout and "THE END: The Light" in r.stdout

    r = run_cli("play", str(FEATURES), "--saves", str(term), "--seed", "1",
                input="1\n1\nsave halfway\nquit\n")
    assert r.returncode == 0, r.stderr
    blob = tmp_path / "halfway.json"
    assert run_cli("saves", "export", "halfway", str(blob), "--story", str(FEATURES),
                   "--saves", str(term)).returncode == 0
    browser.find_element("id", "import").send_keys(str(blob))
    deadline = time.monotonic() + 10
    while _text(browser, "#scene-title") != "The Stairs" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _text(browser, "#scene-title") == "The Stairs"
    assert "Loaded 'halfway'." in _text(browser, "#messages")
    _key(browser, "2")
    assert _text(browser, "#ending h2") == "The End: The Light"


def test_screens_at_1280_and_390_pixels(site, browser, tmp_path):
    base, _ = site
    out = Path(SCREENS) if SCREENS else tmp_path
    for width, height, mobile in ((1280, 900, False), (390, 844, True)):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        try:
            _open(browser, f"{base}/shipped/index.html")
            assert browser.execute_script("return innerWidth") == width
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"the page scrolls sideways at {width} px"
            button = browser.find_element("css selector", "#choices button")
            assert button.size["width"] <= width and button.size["height"] >= 40
            full = browser.execute_script("return document.documentElement.scrollHeight")
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": min(full, 2400), "deviceScaleFactor": 1,
                "mobile": mobile})
            time.sleep(0.8)  # the chapter card's fade-in is over
            browser.save_screenshot(str(out / f"web-{width}.png"))
        finally:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert (out / "web-390.png").stat().st_size > 10_000


def _failure(browser, url: str) -> str:
    browser.get(url)
    deadline = time.monotonic() + 20
    while "failed" not in browser.execute_script("return document.body.className") \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    return _text(browser, "#loading")


def test_a_runtime_that_cannot_load_says_so(site, browser):
    base, root = site
    message = _failure(browser, f"{base}/features/broken.html")
    assert message.startswith("The story could not start: could not load no-such-runtime/")
    assert "serve this folder (python3 -m http.server)" in message
    message = _failure(browser, (root / "features" / "index.html").as_uri())
    assert "Browsers do not run a bundled runtime from a file on disk" in message
