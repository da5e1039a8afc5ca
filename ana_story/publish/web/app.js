// ana-story in the browser: Pyodide runs ana-story's own engine (the Python files in
// core.js) on the compiled story (story.js). This file only draws what the engine
// returns and passes on what the reader does. Author text is always set as text
// (textContent), never parsed as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const RUNTIME = window.ANA_STORY_RUNTIME;
  const STORY = window.ANA_STORY_JSON;
  const CORE = window.ANA_STORY_CORE;
  let session = null;
  let storyId = "";
  let prefix = "";

  function status(text, failed) {
    const el = $("loading");
    el.hidden = false;
    el.textContent = text;
    el.className = failed ? "fail" : "";
  }

  function fail(text) {
    status(text, true);
    document.body.classList.add("failed");
  }

  // --- local storage: the save files, mirrored -------------------------------------
  function kept() {
    const out = {};
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (key.startsWith(prefix)) out[key.slice(prefix.length)] = localStorage.getItem(key);
      }
    } catch (e) { /* storage turned off: the game still plays, unsaved */ }
    return out;
  }

  function keep(files) {
    for (const [name, text] of Object.entries(files || {})) {
      try {
        if (text === null) localStorage.removeItem(prefix + name);
        else localStorage.setItem(prefix + name, text);
      } catch (e) {
        say([{ text: "This browser would not keep your save (" + e.name +
               "); export a save file to keep your place.", style: "error" }]);
      }
    }
  }

  // --- drawing -------------------------------------------------------------------
  function setSpans(el, spans) {
    for (const [piece, style] of spans) {
      let node = document.createTextNode(piece);
      if (style.includes("italic")) { const em = document.createElement("em"); em.appendChild(node); node = em; }
      if (style.includes("bold")) { const b = document.createElement("strong"); b.appendChild(node); node = b; }
      el.appendChild(node);
    }
  }

  function say(messages) {
    // shown under the story, and in the Saves panel when it is open (it covers the page)
    for (const el of [$("messages"), $("saves-messages")]) {
      el.textContent = "";
      for (const m of messages || []) {
        const p = document.createElement("span");
        p.className = "msg " + m.style;
        p.textContent = m.text;
        el.appendChild(p);
      }
    }
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  let current = null;

  function draw(v, focus) {
    current = v;
    keep(v.files);
    $("loading").hidden = true;
    const card = $("chapter-card");
    card.hidden = !(v.chapter_card && v.chapter);
    if (!card.hidden) {
      card.textContent = v.chapter;
      card.classList.remove("enter"); void card.offsetWidth; card.classList.add("enter");
    }
    const passage = $("passage");
    passage.hidden = false;
    // the card is drawn for the eye (aria-hidden); a screen reader hears the chapter here
    $("chapter-spoken").textContent = card.hidden ? "" : "Chapter: " + v.chapter + ".";
    $("scene-title").textContent = v.ending ? "" : v.title;
    $("scene-title").hidden = !!v.ending;
    const text = $("text");
    clear(text);
    for (const para of v.text) {
      const p = document.createElement("p");
      setSpans(p, para);
      text.appendChild(p);
    }
    drawChoices(v);
    drawEnding(v);
    $("undo").disabled = !v.can_undo;
    $("redo").disabled = !v.can_redo;
    drawPanels(v);
    say(v.messages);
    $("keys").hidden = false;
    if (focus) {  // the old buttons are gone: start the reader at the new passage
      const target = v.ending ? $("ending").querySelector("h2") : $("scene-title");
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      window.scrollTo({ top: 0 });
    }
  }

  function drawChoices(v) {
    const list = $("choices");
    clear(list);
    list.hidden = !!v.ending;
    for (const c of v.choices) {
      const li = document.createElement("li");
      if (c.number !== null) {
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.number = c.number;
        const n = document.createElement("span");
        n.className = "n";
        n.textContent = c.number;
        n.setAttribute("aria-hidden", "true");
        b.appendChild(n);
        const t = document.createElement("span");
        setSpans(t, c.spans);
        b.appendChild(t);
        b.addEventListener("click", () => act(String(c.number)));
        li.appendChild(b);
      } else {
        li.className = "locked";
        const t = document.createElement("span");
        t.className = "label";
        setSpans(t, c.spans);
        li.appendChild(t);
        const r = document.createElement("span");
        r.className = "reason";
        r.textContent = c.reason ? "Locked: " + c.reason : "Locked";
        li.appendChild(r);
      }
      list.appendChild(li);
    }
  }

  function drawEnding(v) {
    const el = $("ending");
    clear(el);
    el.hidden = !v.ending;
    if (!v.ending) return;
    const e = v.ending;
    const h = document.createElement("h2");
    h.textContent = "The End: " + e.title;
    el.appendChild(h);
    if (e.new) { const n = document.createElement("p"); n.className = "new"; n.textContent = "A new ending."; el.appendChild(n); }
    const p = document.createElement("p");
    p.textContent = "You made " + e.turns + " choice" + (e.turns === 1 ? "" : "s") +
      (e.chapters.length > 1 ? " across " + e.chapters.length + " chapters" : "") + ".";
    el.appendChild(p);
    const found = e.endings.filter((x) => x[1]).length;
    const f = document.createElement("p");
    f.textContent = "Endings found: " + found + " of " + e.endings.length + ".";
    el.appendChild(f);
    const again = document.createElement("button");
    again.type = "button"; again.textContent = "Begin again";
    again.addEventListener("click", () => act("restart"));
    const back = document.createElement("button");
    back.type = "button"; back.textContent = "Undo the last choice";
    back.addEventListener("click", () => act("undo"));
    el.append(again, " ", back);
  }

  function drawPanels(v) {
    const hist = $("history-list");
    clear(hist);
    for (const h of v.history) {
      const li = document.createElement("li");
      const t = document.createElement("strong");
      t.textContent = h.title;
      li.appendChild(t);
      if (h.chosen) li.appendChild(document.createTextNode(" — " + h.chosen));
      hist.appendChild(li);
    }
    if (!v.history.length) hist.innerHTML = "<li>Nothing yet: this is where your story begins.</li>";
    const stats = $("stats-list");
    clear(stats);
    for (const [label, value, kind, fill, detail, right, other] of v.stats) {
      const tr = document.createElement("tr");
      const th = document.createElement("th"); th.scope = "row"; th.textContent = label;
      const td = document.createElement("td");
      if (kind === "bar" || kind === "opposed") {  // the story's designed screen
        const m = document.createElement("meter");
        m.min = 0; m.max = 1; m.value = fill;
        m.setAttribute("aria-label", label + ": " + detail);
        if (kind === "bar") td.append(m, document.createTextNode(" " + detail));
        else td.append(document.createTextNode(value + " "), m,
                       document.createTextNode(" " + other + " " + right));
      } else {
        td.textContent = value;
      }
      tr.append(th, td);
      stats.appendChild(tr);
    }
    const saves = $("saves-list");
    clear(saves);
    for (const s of v.saves) {
      const li = document.createElement("li");
      li.textContent = s.slot + " — " + s.where + (s.saved ? " (" + s.saved + ")" : "") + " ";
      if (!s.broken) {
        const b = document.createElement("button");
        b.type = "button"; b.textContent = "Load";
        b.setAttribute("aria-label", "Load " + s.slot);
        b.addEventListener("click", () => { $("saves-panel").close(); act("load " + s.slot); });
        li.appendChild(b);
      }
      saves.appendChild(li);
    }
    const list = $("endings-list");
    clear(list);
    const all = v.endings;
    $("endings-count").textContent =
      "Found " + all.filter((x) => x[1]).length + " of " + all.length + ".";
    for (const [title, found] of all) {
      const li = document.createElement("li");
      li.textContent = found ? title : "Not yet found";
      if (!found) li.className = "dim";
      list.appendChild(li);
    }
  }

  // --- acting ----------------------------------------------------------------------
  function act(line) {
    if (session) guarded(() => session.command(line));
  }

  // Every call into the engine: a bug there is reported on the page, never silent.
  function guarded(call) {
    try {
      draw(JSON.parse(call()), true);
    } catch (e) {
      console.error(e);
      say([{ text: "Something went wrong in ana-story (a bug, not your story): " +
             String(e && e.message ? e.message : e).split("\n").slice(-2).join(" "), style: "error" }]);
    }
  }

  function wire() {
    $("undo").addEventListener("click", () => act("undo"));
    $("redo").addEventListener("click", () => guarded(() => session.redo_choice()));
    $("restart").addEventListener("click", () => {
      if (current && !current.ending && current.turn > 0 &&
          !window.confirm("Begin the story again from the start?")) return;
      act("restart");
    });
    for (const b of document.querySelectorAll("[data-open]")) {
      b.addEventListener("click", () => $(b.dataset.open).showModal());
    }
    $("save-form").addEventListener("submit", (e) => {
      e.preventDefault();
      act("save " + $("save-name").value.trim());
      drawPanels(current);
    });
    $("export").addEventListener("click", () => {
      const got = JSON.parse(session.export_save());
      keep(got.files);
      if (got.error) { say([{ text: got.error, style: "error" }]); return; }
      const url = URL.createObjectURL(new Blob([got.text], { type: "application/json" }));
      const a = document.createElement("a");
      a.href = url; a.download = got.name;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      say([{ text: "Exported " + got.name + ". In a terminal: ana-story saves import " + got.name, style: "note" }]);
    });
    $("import-button").addEventListener("click", () => $("import").click());
    $("import").addEventListener("change", async (e) => {
      const file = e.target.files[0];
      if (!file) return;
      const text = await file.text();
      e.target.value = "";
      $("saves-panel").close();
      guarded(() => session.import_save(text));
    });
    $("font").addEventListener("click", () => setFont(!document.body.classList.contains("sans")));
    document.addEventListener("keydown", (e) => {
      if (!session || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target.closest && e.target.closest("input, textarea, select, dialog")) return;
      const k = e.key.toLowerCase();
      if (/^[1-9]$/.test(k)) {
        const b = document.querySelector('#choices button[data-number="' + k + '"]');
        if (b) { e.preventDefault(); b.click(); }
      } else if (k === "u" && !$("undo").disabled) { e.preventDefault(); $("undo").click(); }
      else if (k === "r" && !$("redo").disabled) { e.preventDefault(); $("redo").click(); }
      else if (k === "h") { e.preventDefault(); $("history-panel").showModal(); }
      else if (k === "s") { e.preventDefault(); $("stats-panel").showModal(); }
    });
  }

  function setFont(sans) {
    document.body.classList.toggle("sans", sans);
    $("font").setAttribute("aria-pressed", String(sans));
    try { localStorage.setItem("ana-story:font", sans ? "sans" : "serif"); } catch (e) { /* fine */ }
  }

  // --- starting ----------------------------------------------------------------------
  async function main() {
    try { setFont(localStorage.getItem("ana-story:font") === "sans"); } catch (e) { /* fine */ }
    if (typeof WebAssembly !== "object") {
      fail("This browser cannot run the story: it has no WebAssembly. Try a recent Firefox, Chrome, Edge or Safari.");
      return;
    }
    const t0 = performance.now();
    const secs = () => ((performance.now() - t0) / 1000).toFixed(0) + " s";
    let phase = "Loading the Python runtime (about 10 MB the first time)";
    status(phase + "…");
    const tick = setInterval(() => status(phase + "… " + secs()), 1000);
    try {
      await loadScript(RUNTIME.url + "pyodide.js");
      const py = await window.loadPyodide({ indexURL: RUNTIME.url });
      const runtimeMs = performance.now() - t0;
      phase = "Starting the story engine";
      status(phase + "…");
      for (const [path, text] of Object.entries(CORE)) {
        const dir = "/ana/" + path.split("/").slice(0, -1).join("/");
        py.FS.mkdirTree(dir);
        py.FS.writeFile("/ana/" + path, text);
      }
      py.runPython("import sys; sys.path.insert(0, '/ana')");
      const ok = py.runPython("sys.version_info >= (3, 10)");
      if (!ok) throw new Error("the runtime's Python is older than 3.10");
      phase = "Opening the story";
      const mod = py.pyimport("ana_story.publish.session");
      const meta = JSON.parse(STORY).story;
      storyId = meta.id;
      prefix = "ana-story:" + storyId + ":";
      const seed = crypto.getRandomValues(new Uint32Array(1))[0];
      session = mod.WebSession(STORY, "/saves", seed, JSON.stringify(kept()));
      clearInterval(tick);
      wire();
      draw(JSON.parse(session.start()), false);
      document.body.classList.add("ready");
      window.anaStoryReadyMs = performance.now() - t0;  // read by the tests and benchmarks
      window.anaStoryRuntimeMs = runtimeMs;
    } catch (e) {
      clearInterval(tick);
      console.error(e);
      const why = e && e.message ? e.message.split("\n").slice(-2).join(" ") : String(e);
      const bundled = !/^https?:/.test(RUNTIME.url);
      fail("The story could not start: " + why + ". " + (bundled && location.protocol === "file:"
        ? "Browsers do not run a bundled runtime from a file on disk: serve this folder " +
          "(for example python3 -m http.server in it) and open http://127.0.0.1:8000/."
        : "The runtime is loaded from " + RUNTIME.where + (bundled ? "" : "; check your connection") +
          ", or serve this folder (python3 -m http.server) and open http://127.0.0.1:8000/."));
    }
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(s);
    });
  }

  main();
})();
