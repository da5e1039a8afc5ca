"""`ana-story publish`: the iFiction record, the ifid, the web folder's engine run as
the browser runs it (only the files core.js carries, with YAML, Rich and
prompt_toolkit unimportable), saves going both ways, and the .pyz played to an
ending in a fresh venv. The real-browser tests are in test_publish_browser.py."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

FEATURES = FIXTURES / "features"
NS = "{http://babel.ifarchive.org/protocol/iFiction/}"
IFID = "0DE5F8D2-4A6B-4C1E-9F3A-7B2C1D0E9A55"

# The Treaty of Babel's iFiction elements (section 5): for each element, its
# children, and which of them must be there.
TREATY = {
    "ifindex": ({"story"}, {"story"}),
    "story": ({"identification", "bibliographic", "resources", "contacts", "cover",
               "colophon", "annotation", "zcode", "tads2", "tads3", "glulx", "hugo",
               "adrift"}, {"identification", "bibliographic"}),
    "identification": ({"ifid", "format", "bafn"}, {"ifid", "format"}),
    "bibliographic": ({"title", "author", "language", "headline", "firstpublished",
                       "genre", "group", "description", "series", "seriesnumber",
                       "forgiveness"}, {"title", "author"}),
    "colophon": ({"generator", "generatorversion", "originated"},
                 {"generator", "originated"}),
    "description": ({"br"}, set()),
}
FORMATS = {"zcode", "glulx", "tads", "hugo", "alan", "adrift", "level9", "agt",
           "magscrolls", "advsys", "html", "executable"}


def _story(tmp_path: Path, extra: str = f"ifid: {IFID}\n") -> Path:
    folder = tmp_path / "story"
    folder.mkdir()
    for f in FEATURES.glob("*.yaml"):
        (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    story = folder / "story.yaml"
    story.write_text(story.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


def _validate_ifiction(xml: str) -> ET.Element:
    root = ET.fromstring(xml)

    def walk(el: ET.Element) -> None:
        assert el.tag.startswith(NS), el.tag
        name = el.tag[len(NS):]
        if name in TREATY:
            allowed, required = TREATY[name]
            kids = [k.tag[len(NS):] for k in el]
            assert set(kids) <= allowed, (name, kids)
            assert required <= set(kids), (name, kids)
        else:
            assert len(el) == 0, name  # a leaf: text only
        for k in el:
            walk(k)

    assert root.tag == NS + "ifindex" and root.get("version") == "1.0"
    walk(root)
    return root


def test_ifiction_record_has_the_treaty_elements_and_escapes_text(tmp_path):
    folder = _story(tmp_path, f"ifid: {IFID.lower()}\ndescription: 'Fish & <chips>'\n"
                              "language: en-GB\n")
    r = run_cli("publish", str(folder), "--ifiction", "-", "--published", "2025")
    assert r.returncode == 0, r.stderr
    root = _validate_ifiction(r.stdout)
    s = root.find(NS + "story")
    assert s.findtext(f"{NS}identification/{NS}ifid") == IFID  # capitals, as the Treaty asks
    assert s.findtext(f"{NS}identification/{NS}format") in FORMATS
    bib = s.find(NS + "bibliographic")
    assert bib.findtext(NS + "title") == "The Lighthouse Keeper"
    assert bib.findtext(NS + "author") == "ana-story tests"
    assert bib.findtext(NS + "language") == "en-GB"
    assert bib.findtext(NS + "firstpublished") == "2025"
    assert bib.findtext(NS + "description") == "Fish & <chips>"
    assert "&amp; &lt;chips&gt;" in r.stdout
    originated = s.findtext(f"{NS}colophon/{NS}originated")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", originated)


def test_ifiction_file_is_named_after_the_story(tmp_path):
    folder = _story(tmp_path)
    r = run_cli("publish", str(folder), "--ifiction", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    written = tmp_path / "the-lighthouse-keeper.iFiction"
    _validate_ifiction(written.read_text(encoding="utf-8"))
    assert f"Wrote {written.name}" in r.stdout


def test_ifiction_without_an_ifid_says_how_to_add_one():
    r = run_cli("publish", str(FEATURES), "--ifiction", "-")
    assert r.returncode == 2
    assert re.search(r"add the line 'ifid: [0-9A-F-]{36}'", r.stderr)
    assert "Traceback" not in r.stderr


def test_check_notes_a_missing_ifid_without_a_warning_and_refuses_a_bad_one(tmp_path):
    r = run_cli("check", str(FEATURES), "--strict")
    assert r.returncode == 0  # a note: existing stories stay clean
    assert re.search(r"^note: story.yaml has no ifid; to publish, add one line: "
                     r"ifid: [0-9A-F-]{36}$", r.stdout, re.M)
    assert r.stdout.rstrip().endswith("0 errors, 0 warnings")
    assert "note:" not in run_cli("check").stdout  # the shipped story has one
    bad = _story(tmp_path, "ifid: not-a-uuid\n")
    r = run_cli("check", str(bad))
    assert r.returncode == 1
    assert re.search(r"story.yaml:\d+:7: error\[bad-ifid\] 'not-a-uuid' is not an IFID",
                     r.stdout)


def test_new_story_has_an_ifid_and_checks_clean(tmp_path):
    assert run_cli("new", str(tmp_path / "s")).returncode == 0
    text = (tmp_path / "s" / "story.yaml").read_text(encoding="utf-8")
    assert re.search(r"^ifid: [0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-"
                     r"[0-9A-F]{12}  #", text, re.M)
    r = run_cli("check", str(tmp_path / "s"), "--strict")
    assert r.returncode == 0 and "note:" not in r.stdout


def test_publish_needs_something_to_do_and_a_usable_folder(tmp_path):
    r = run_cli("publish", str(FEATURES))
    assert r.returncode == 2 and "--web OUT_DIR, --pyz OUT.pyz or --ifiction" in r.stderr
    (tmp_path / "mine.txt").write_text("keep me")
    r = run_cli("publish", str(FEATURES), "--web", str(tmp_path))
    assert r.returncode == 2 and "not empty" in r.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    r = run_cli("publish", str(FEATURES), "--web", str(tmp_path / "w"),
                "--bundle-runtime", str(tmp_path))
    assert r.returncode == 2 and "has no pyodide.js" in r.stderr
    r = run_cli("publish", str(tmp_path / "nope"), "--pyz", str(tmp_path / "x.pyz"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    for option in ("--web", "--pyz"):  # a path through a file: one line, exit 1
        r = run_cli("publish", str(FEATURES), option, str(tmp_path / "mine.txt" / "x"))
        assert r.returncode == 1, r.stderr
        assert r.stderr.startswith(f"ana-story: {option} ") and "cannot write it" in r.stderr


def _web(tmp_path: Path, folder: Path = FEATURES) -> Path:
    out = tmp_path / "site"
    r = run_cli("publish", str(folder), "--web", str(out))
    assert r.returncode == 0, r.stderr
    assert "the runtime loads from the Pyodide CDN" in r.stdout
    return out


def _js_value(path: Path):
    text = path.read_text(encoding="ascii")
    m = re.fullmatch(r"window\.\w+ = (.*);\n", text, re.S)
    return json.loads(m.group(1))


def test_web_folder_page_and_metadata(tmp_path):
    out = _web(tmp_path, _story(tmp_path))
    assert sorted(p.name for p in out.iterdir()) == ["app.js", "core.js", "index.html",
                                                    "story.js", "style.css"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>The Lighthouse Keeper</title>" in page
    assert f'property="ifiction:ifid" content="{IFID}"' in page
    assert "cdn.jsdelivr.net/npm/pyodide@" in page
    assert 'aria-live="polite"' in page and "<noscript>" in page
    assert not re.search(r"\{[a-z_]+\}", page)  # every placeholder filled
    # publishing again into the same folder is fine
    assert run_cli("publish", str(FEATURES), "--web", str(out)).returncode == 0


def test_title_with_markup_is_escaped_in_the_page(tmp_path, story_dir):
    folder = story_dir("title: '<script>alert(1)</script> & co'\nstart: a\n",
                       **{"01-a.yaml": "scenes:\n  a: {text: Hi, ending: End}\n"})
    out = _web(tmp_path, folder)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


# What the browser's Python has: only core.js's files. A finder that refuses the
# libraries Pyodide does not have makes any import of them fail here as there.
BROWSER_LIKE = r"""
import json, os, re, sys
from pathlib import Path
del os.link  # Pyodide's os has none
BLOCKED = {"yaml", "rich", "prompt_toolkit", "platformdirs", "pygments", "wcwidth"}
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not in the browser")
sys.meta_path.insert(0, Refuse())
core = json.loads(re.fullmatch(r"window\.\w+ = (.*);\n", Path(sys.argv[1]).read_text(), re.S)[1])
for rel, text in core.items():
    p = Path(sys.argv[2]) / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
sys.path.insert(0, sys.argv[2])
story = json.loads(re.fullmatch(r"window\.\w+ = (.*);\n", Path(sys.argv[3]).read_text(), re.S)[1])
from ana_story.publish.session import WebSession
s = WebSession(story, sys.argv[4], 7)
views = [json.loads(s.start())]
for line in sys.argv[5:]:
    views.append(json.loads(s.export_save() if line == "export" else
                            s.redo_choice() if line == "redo" else s.command(line)))
print(json.dumps(views))
assert not any(m.split(".")[0] in BLOCKED for m in sys.modules)
"""


def _browser_like(tmp_path: Path, out: Path, saves: Path, *lines: str) -> list[dict]:
    r = subprocess.run([sys.executable, "-I", "-c", BROWSER_LIKE, str(out / "core.js"),
                        str(tmp_path / "py"), str(out / "story.js"), str(saves), *lines],
                       capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_page_engine_plays_to_an_ending_with_only_the_pure_core(tmp_path):
    out = _web(tmp_path)
    v = _browser_like(tmp_path, out, tmp_path / "saves", "1", "undo", "redo", "1", "2")
    first, took, undone, redone, stairs, end = v
    assert first["title"] == "The Shore" and first["chapter_card"]
    assert first["text"][0][0][0].startswith("Wind off the water. Mara stands")
    locked = [c for c in first["choices"] if c["number"] is None]
    assert locked == [{"number": None, "text": "Climb the stairs",
                       "spans": [["Climb the stairs", ""]], "reason": "You are too afraid"}]
    assert [c["number"] for c in first["choices"]] == [1, None, 2]
    assert first["endings"] == [["The Fire at Home", False], ["The Light", False]]
    assert "autosave.json" in took["files"] and took["can_undo"]
    assert undone["messages"] == [{"text": "Took back 1 choice.", "style": "hint"}]
    assert undone["can_redo"] and not undone["can_undo"]
    assert redone["turn"] == 1 and not redone["can_redo"]
    assert stairs["title"] == "The Stairs" and stairs["chapter_card"]
    assert end["ending"]["title"] == "The Light" and end["ending"]["new"]
    assert end["ending"]["endings"] == [["The Fire at Home", False], ["The Light", True]]
    assert end["endings"] == end["ending"]["endings"]  # the Endings panel, from the profile
    assert [h["chosen"] for h in end["history"]] == [
        "Pick up the rusted key", "Climb the stairs with the key in your fist", "Go on up"]
    [[label, gold]] = end["stats"]
    assert label == "Gold coins" and gold in ("3", "4", "5")  # 2 + random(1, 3)


def test_a_save_goes_from_the_page_to_the_terminal_and_back(tmp_path):
    out = _web(tmp_path)
    *_, exported = _browser_like(tmp_path, out, tmp_path / "web-saves", "1", "export")
    file = tmp_path / exported["name"]
    file.write_text(exported["text"], encoding="utf-8")
    term = tmp_path / "term-saves"
    r = run_cli("saves", "import", str(file), "--story", str(FEATURES), "--saves", str(term))
    assert r.returncode == 0, r.stderr
    r = run_cli("play", str(FEATURES), "--saves", str(term),
                input="load from-the-web\n1\n2\n")
    assert r.returncode == 0, r.stderr
    assert "Loaded 'from-the-web'." in r.stdout and "THE END: The Light" in r.stdout
    # and a terminal save into the page
    r = run_cli("play", str(FEATURES), "--saves", str(term), "--seed", "1",
                input="1\n1\nsave halfway\nquit\n")
    assert r.returncode == 0, r.stderr
    blob = tmp_path / "halfway.json"
    assert run_cli("saves", "export", "halfway", str(blob), "--story", str(FEATURES),
                   "--saves", str(term)).returncode == 0
    script = BROWSER_LIKE.replace("for line in sys.argv[5:]:", f"""views.append(json.loads(
    s.import_save(Path({str(blob)!r}).read_text())))
for line in sys.argv[5:]:""")
    r = subprocess.run([sys.executable, "-I", "-c", script, str(out / "core.js"),
                        str(tmp_path / "py"), str(out / "story.js"),
                        str(tmp_path / "web2"), "2"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    _, imported, end = json.loads(r.stdout)
    assert imported["title"] == "The Stairs" and imported["turn"] == 2
    assert {"text": "Loaded 'halfway'.", "style": "note"} in imported["messages"]
    assert end["ending"]["title"] == "The Light"


def test_a_save_for_another_story_is_refused_by_the_page(tmp_path):
    out = _web(tmp_path)
    other = tmp_path / "other.json"
    other.write_text('{"format": "ana-story-save", "format_version": 1, "story": '
                     '{"id": "x", "version": "1", "fingerprint": "f"}}')
    script = BROWSER_LIKE.replace("for line in sys.argv[5:]:", f"""views.append(json.loads(
    s.import_save(Path({str(other)!r}).read_text())))
for line in sys.argv[5:]:""")
    r = subprocess.run([sys.executable, "-I", "-c", script, str(out / "core.js"),
                        str(tmp_path / "py"), str(out / "story.js"), str(tmp_path / "w")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    _, refused = json.loads(r.stdout)
    assert refused["turn"] == 0
    [msg] = refused["messages"]
    assert msg["style"] == "error" and "belongs to the story 'x'" in msg["text"]


@pytest.fixture(scope="module")
def pyz(tmp_path_factory) -> Path:
    """One .pyz of the features story, built once for the tests that play it."""
    out = tmp_path_factory.mktemp("pyz") / "keeper.pyz"
    r = run_cli("publish", str(FEATURES), "--pyz", str(out))
    assert r.returncode == 0, r.stderr
    assert re.search(r"needs Python 3\.10 or newer and nothing else", r.stdout)
    return out


def test_pyz_plays_to_an_ending_in_a_fresh_venv_without_our_dependencies(tmp_path, pyz):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    for module in ("yaml", "rich", "prompt_toolkit", "ana_story"):
        probe = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True,
                               cwd=tmp_path)
        assert probe.returncode != 0, f"{module} should not be in the fresh venv"
    play = subprocess.run([str(python), str(pyz), "--seed", "3", "--saves",
                           str(tmp_path / "saves")], input="1\n1\n2\n", capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert play.returncode == 0, play.stderr
    assert "~ The Shore ~" in play.stdout and "THE STAIRS" in play.stdout
    assert "(locked: You are too afraid)" in play.stdout
    assert "THE END: The Light" in play.stdout
    assert list((tmp_path / "saves").rglob("autosave.json"))
    names = __import__("zipfile").ZipFile(pyz).namelist()
    assert "ana_story/_published.json" in names and "rich/console.py" in names
    assert "ana_story/engine.pyc" in names  # zipimport cannot write bytecode itself
    assert not any(n.startswith(("yaml/", "_yaml/", "ana_story/_story/")) for n in names)
    assert any(n.startswith("licenses/rich/") for n in names)


def _python310() -> str | None:
    """A Python 3.10 that really runs (a pyenv shim may name one it cannot start)."""
    candidates = [str(p) for p in sorted(Path.home().glob(".pyenv/versions/3.10*/bin/"
                                                           "python3.10"))]
    candidates.append(shutil.which("python3.10") or "")
    for python in filter(None, candidates):
        probe = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 10)":
            return python
    return None


def test_pyz_plays_on_python_3_10(tmp_path, pyz):
    python = _python310()
    if python is None:
        pytest.skip("no Python 3.10 here (python3.10 or ~/.pyenv/versions/3.10*)")
    play = subprocess.run([python, "-I", str(pyz), "--seed", "3", "--saves",
                           str(tmp_path / "saves")], input="1\n1\n2\n",
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert play.returncode == 0, play.stderr
    assert "THE END: The Light" in play.stdout
    assert "Traceback" not in play.stderr


def test_pyz_reports_errors_in_one_line(pyz):
    r = subprocess.run([sys.executable, str(pyz), "--pace", "99"], capture_output=True,
                       text=True, timeout=60, input="")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("keeper.pyz: --pace 99")
    r = subprocess.run([sys.executable, str(pyz), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("usage: python3 keeper.pyz")


def test_pyz_tells_the_reader_the_command_that_resumes_it(tmp_path, pyz):
    play = subprocess.run([sys.executable, str(pyz), "--seed", "3", "--saves",
                           str(tmp_path / "saves")], input="1\n", capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert play.returncode == 0, play.stderr
    said = " ".join(play.stdout.split())
    assert f"run python3 {pyz} again to continue" in said, said[-300:]
    assert "ana-story play" not in said  # the reader of a .pyz may have no ana-story
