/* The hall screen (电子屏幕): polls a small JSON state every 800 ms, shows the call being made, chimes with the
   Web Audio API (no audio file), and recovers by itself after a network drop. No personal data is ever sent. */
(function () {
  "use strict";
  var root = document.querySelector("[data-screen]");
  if (!root) return;
  var words = document.getElementById("screen-text");
  var T = words ? Object.assign({}, words.dataset) : {};
  var url = root.getAttribute("data-state-url");
  var initial = JSON.parse(document.getElementById("screen-state").textContent);
  var lastCallId = initial.now ? initial.now.id : null;
  var version = null;
  var failures = 0;
  var audio = null;
  var flashTimer = null;
  var POLL_MS = 800;

  function $(sel) { return root.querySelector(sel); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audio) audio = new Ctx();
    return audio;
  }

  function updateSoundHint() {
    var ctx = audioContext();
    var button = $("[data-sound]");
    if (button) button.hidden = !ctx || ctx.state === "running";
  }

  // Counts chimes played, for the browser test and for anyone checking a screen from the console.
  window.hallScreenChimes = 0;

  function chime() {
    window.hallScreenChimes += 1;
    var ctx = audioContext();
    if (!ctx) return;
    if (ctx.state === "suspended") ctx.resume();
    var t = ctx.currentTime + 0.05;
    // A two-tone "ding-dong": G5 then D5, each with a soft attack and a long decay.
    [[784, 0], [587.3, 0.5]].forEach(function (tone) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.0001, t + tone[1]);
      gain.gain.exponentialRampToValueAtTime(0.6, t + tone[1] + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + tone[1] + 1.1);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(t + tone[1]);
      osc.stop(t + tone[1] + 1.2);
    });
    updateSoundHint();
  }

  function flash(windowNumber) {
    var now = $("[data-now]");
    now.classList.remove("flash");
    void now.offsetWidth; // restart the animation
    now.classList.add("flash");
    root.querySelectorAll("[data-window]").forEach(function (tile) {
      tile.classList.toggle("calling", tile.getAttribute("data-window") === String(windowNumber));
    });
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () {
      now.classList.remove("flash");
      root.querySelectorAll(".screen-window.calling").forEach(function (t) { t.classList.remove("calling"); });
    }, 12000);
  }

  function render(s) {
    root.classList.toggle("no-queue", !s.queue);
    $("[data-clock]").textContent = s.time;
    $("[data-date]").textContent = s.date;
    $("[data-open]").textContent = s.open ? T.open : T.closed;
    $("[data-open]").classList.toggle("closed", !s.open);
    $("[data-now-where]").hidden = !s.now;
    if (s.now) {
      $("[data-now-ticket]").textContent = s.now.ticket;
      $("[data-now-window]").textContent = s.now.window;
      $("[data-now-name]").textContent = s.now.window_name + (s.now.recall ? "（" + T.recall + "）" : "");
    } else {
      $("[data-now-ticket]").textContent = "—";
      $("[data-now-window]").textContent = "";
      $("[data-now-name]").textContent = T.none;
    }
    var recent = $("[data-recent]");
    recent.replaceChildren.apply(recent, s.recent.map(function (c) {
      var li = el("li");
      li.appendChild(el("span", "t", c.ticket));
      li.appendChild(el("span", "w", c.window + T.windowSuffix));
      li.appendChild(el("span", "at", c.at.slice(0, 5)));
      return li;
    }));
    var waiting = $("[data-waiting]");
    waiting.replaceChildren.apply(waiting, s.waiting.map(function (w) {
      var li = el("li");
      li.appendChild(el("span", "p", w.prefix));
      li.appendChild(el("span", "n", w.name));
      li.appendChild(el("span", "c", w.count));
      return li;
    }));
    var windows = $("[data-windows]");
    var keep = {};
    root.querySelectorAll(".screen-window.calling").forEach(function (t) { keep[t.getAttribute("data-window")] = true; });
    windows.replaceChildren.apply(windows, s.windows.map(function (w) {
      var tile = el("div", "screen-window" + (keep[String(w.number)] ? " calling" : ""));
      tile.setAttribute("data-window", w.number);
      tile.appendChild(el("div", "wn", w.number));
      tile.appendChild(el("div", "wname", w.name));
      tile.appendChild(el("div", "wstaff", w.staff.length ? w.staff.join("、") : "—"));
      tile.appendChild(el("div", "wserving", w.serving));
      return tile;
    }));
    var sessions = s.sessions.map(function (x) {
      return x.start + "–" + x.end + (x.extended ? "（" + T.extended + "）" : "");
    });
    $("[data-sessions]").textContent = T.today + "：" + (sessions.length ? sessions.join("，") : T.rest);
  }

  function setOffline(off) {
    $("[data-offline]").hidden = !off;
    root.classList.toggle("offline", off);
  }

  var timer = null;
  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function poll() {
    var controller = window.AbortController ? new AbortController() : null;
    var abort = controller ? setTimeout(function () { controller.abort(); }, 4000) : null;
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (s) {
        failures = 0;
        setOffline(false);
        if (s.version === version) return;
        version = s.version;
        render(s);
        if (s.now && s.now.id !== lastCallId) {
          lastCallId = s.now.id;
          chime();
          flash(s.now.window);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures >= 2) setOffline(true);
      })
      .then(function () {
        if (abort) clearTimeout(abort);
        schedule(failures ? Math.min(1000 * failures, 5000) : POLL_MS);
      });
  }

  var sound = $("[data-sound]");
  if (sound) sound.addEventListener("click", function () { var c = audioContext(); if (c) c.resume().then(updateSoundHint); });
  document.addEventListener("click", function () { var c = audioContext(); if (c && c.state === "suspended") c.resume().then(updateSoundHint); });
  window.addEventListener("online", function () { schedule(0); });
  updateSoundHint();
  schedule(0);
})();
