/* geoevents map runtime: playback of the time control — the window steps through time.
 *
 * The window has a length: a day, an ISO week (Monday to Sunday), a calendar month, a year, or
 * a number of days. A step moves it by its length (a named window starts at its period's first
 * day, so a month window is a calendar month); in "accumulate" mode the window's start stays on
 * the first day and its end moves. Playing steps at `speed` steps a second and stops at the
 * last day. A step is one page.setRange: one pass of the store's mask over typed arrays and one
 * redraw; the histogram's bars are not recounted (the range is not one of their inputs).
 *
 * Keys (with the focus in the Dates box, outside its fields): Space plays or pauses, the left
 * and right arrows step back and forward, Home and End go to the first and last window, + and
 * - zoom the axis, 0 shows the whole span, [ and ] halve and double the speed, A switches
 * accumulate on and off. On a handle the arrows move that handle by a day, Page Up / Page Down
 * by one bar, Home and End to the other handle or the end.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  GE.WINDOWS = ["day", "week", "month", "year"];
  GE.SPEEDS = [0.5, 1, 2, 4, 8];

  var button = GE.timeButton;

  GE.addPlayback = function (page, tl) {
    var parts = tl.parts;
    var settings = { window: "month", days: 30, accumulate: false, speed: 2 };
    var timer = 0;
    var playing = false;

    /** The window's length as addUnits takes it: a unit name or a number of days. */
    function length() {
      return settings.window === "custom" ? settings.days : settings.window;
    }

    /** The window of length starting at day (a named one: its period's first day). */
    function windowAt(day) {
      var unit = length();
      var lo = typeof unit === "number" ? day : GE.addUnits(unit, day, 0);
      return [lo, GE.addUnits(unit, lo, 1) - 1];
    }

    /** Move the window n lengths (back when n < 0); false when it cannot move. */
    function step(n) {
      n = n === undefined ? 1 : Math.trunc(Number(n));
      if (!Number.isFinite(n)) throw new Error("geoevents: step(n) needs a whole number");
      var unit = length();
      var lo, hi;
      if (settings.accumulate) {
        lo = tl.first;
        // The end moves by n lengths (a named window's end stays on its period's last day).
        hi = typeof unit === "number" ? tl.hi + n * unit : GE.addUnits(unit, tl.hi, n + 1) - 1;
        if (hi < windowAt(tl.first)[1]) hi = windowAt(tl.first)[1];
      } else {
        var start = windowAt(tl.lo)[0];
        lo = GE.addUnits(unit, start, n);
        hi = GE.addUnits(unit, lo, 1) - 1;
        if (hi < tl.first) {
          lo = windowAt(tl.first)[0];
          hi = GE.addUnits(unit, lo, 1) - 1;
        }
      }
      if (lo > tl.last) return false;
      var before = tl.lo + "," + tl.hi;
      tl.select(lo, hi);
      tl.follow();
      return tl.lo + "," + tl.hi !== before;
    }

    function atEnd() {
      return tl.hi >= tl.last;
    }

    function tick() {
      timer = 0;
      if (!playing) return;
      if (atEnd() || !step(1) || atEnd()) {
        pause();
        return;
      }
      timer = setTimeout(tick, 1000 / settings.speed);
    }

    function play() {
      if (playing) return state();
      // From the end, playing starts again at the first window.
      if (atEnd()) {
        var first = windowAt(tl.first);
        tl.select(first[0], first[1]);
        tl.follow();
      }
      playing = true;
      timer = setTimeout(tick, 1000 / settings.speed);
      show();
      return state();
    }

    function pause() {
      playing = false;
      if (timer) clearTimeout(timer);
      timer = 0;
      show();
      return state();
    }

    function state() {
      return {
        window: settings.window === "custom" ? settings.days : settings.window,
        accumulate: settings.accumulate,
        speed: settings.speed,
        playing: playing,
        range: [GE.dayIso(tl.lo), GE.dayIso(tl.hi)]
      };
    }

    /** The window now in playback's terms: [lo, hi] of its length at its start. */
    function reset() {
      var w = windowAt(settings.accumulate ? tl.hi : tl.lo);
      if (settings.accumulate) tl.select(tl.first, w[1]);
      else tl.select(w[0], w[1]);
      tl.follow();
    }

    /**
     * Set playback: {window: "day" | "week" | "month" | "year" | days, accumulate, speed (steps
     * a second)}; a new window length or mode moves the window to match. Returns the settings.
     */
    function playback(options) {
      var o = options || {};
      var changed = false;
      if (o.window !== undefined) {
        if (typeof o.window === "number" || /^\d+$/.test(String(o.window))) {
          var days = Number(o.window);
          if (!Number.isInteger(days) || days < 1) throw new Error("geoevents: a window of days must be a whole number >= 1");
          settings.window = "custom";
          settings.days = days;
        } else if (GE.WINDOWS.indexOf(o.window) >= 0 || o.window === "custom") {
          settings.window = o.window;
        } else {
          throw new Error("geoevents: unknown window " + JSON.stringify(o.window) + "; use " + GE.WINDOWS.join(", ") + " or a number of days");
        }
        if (o.days !== undefined) settings.days = Math.max(1, Math.trunc(+o.days) || 1);
        changed = true;
      }
      if (o.accumulate !== undefined) {
        settings.accumulate = !!o.accumulate;
        changed = true;
      }
      if (o.speed !== undefined) {
        var speed = Number(o.speed);
        if (!(speed > 0) || speed > 60) throw new Error("geoevents: speed is steps a second, above 0 and at most 60");
        settings.speed = speed;
      }
      if (changed) reset();
      show();
      if (page.saveState) page.saveState(); // the permalink keeps the settings
      return state();
    }

    // -- the controls -----------------------------------------------------------------------

    var back = button("\u2039", "Step back (\u2190)", "ge-time-back");
    var toggle = button("\u25B6", "Play (Space)", "ge-time-play");
    var forward = button("\u203A", "Step forward (\u2192)", "ge-time-forward");
    var windowSelect = el("select", "ge-time-window");
    windowSelect.setAttribute("aria-label", "Window");
    GE.WINDOWS.concat(["custom"]).forEach(function (name) {
      var node = el("option", null, name === "custom" ? "days:" : name);
      node.value = name;
      windowSelect.appendChild(node);
    });
    var daysInput = el("input", "ge-time-days");
    daysInput.type = "number";
    daysInput.min = "1";
    daysInput.step = "1";
    daysInput.setAttribute("aria-label", "Window in days");
    var accumulate = el("input", "ge-time-accumulate");
    accumulate.type = "checkbox";
    var accumulateLabel = el("label", "ge-time-check");
    accumulateLabel.title = "Accumulate from the start (A)";
    accumulateLabel.appendChild(accumulate);
    accumulateLabel.appendChild(el("span", null, "from start"));
    var speedSelect = el("select", "ge-time-speed");
    speedSelect.setAttribute("aria-label", "Speed, steps a second ([ and ])");
    GE.SPEEDS.forEach(function (speed) {
      var node = el("option", null, speed + "/s");
      node.value = String(speed);
      speedSelect.appendChild(node);
    });
    [back, toggle, forward, windowSelect, daysInput, accumulateLabel, speedSelect].forEach(function (node) {
      parts.playback.appendChild(node);
    });

    function show() {
      toggle.textContent = playing ? "II" : "\u25B6";
      toggle.setAttribute("aria-label", playing ? "Pause (Space)" : "Play (Space)");
      toggle.title = toggle.getAttribute("aria-label");
      toggle.setAttribute("aria-pressed", playing ? "true" : "false");
      windowSelect.value = settings.window;
      daysInput.value = String(settings.days);
      daysInput.hidden = settings.window !== "custom";
      accumulate.checked = settings.accumulate;
      speedSelect.value = String(settings.speed);
      parts.box.classList.toggle("ge-playing", playing);
    }

    back.addEventListener("click", function () {
      step(-1);
    });
    forward.addEventListener("click", function () {
      step(1);
    });
    toggle.addEventListener("click", function () {
      if (playing) pause();
      else play();
    });
    windowSelect.addEventListener("change", function () {
      playback({ window: windowSelect.value });
    });
    daysInput.addEventListener("change", function () {
      var days = Math.trunc(+daysInput.value);
      if (days >= 1) playback({ window: days });
    });
    accumulate.addEventListener("change", function () {
      playback({ accumulate: accumulate.checked });
    });
    speedSelect.addEventListener("change", function () {
      playback({ speed: +speedSelect.value });
    });

    function faster(factor) {
      var speed = Math.max(0.25, Math.min(32, settings.speed * factor));
      settings.speed = speed;
      if (GE.SPEEDS.indexOf(speed) < 0) {
        var node = el("option", null, speed + "/s");
        node.value = String(speed);
        speedSelect.appendChild(node);
      }
      show();
    }

    // Keys anywhere in the box, except where a field or button wants them.
    parts.box.addEventListener("keydown", function (event) {
      var tag = event.target.tagName;
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var key = event.key;
      var done = true;
      if (key === " " || key === "Spacebar") {
        if (tag === "BUTTON" || tag === "SUMMARY") return; // they click on Space themselves
        if (playing) pause();
        else play();
      } else if (key === "ArrowRight") step(1);
      else if (key === "ArrowLeft") step(-1);
      else if (key === "Home") {
        var w = windowAt(tl.first);
        tl.select(settings.accumulate ? tl.first : w[0], w[1]);
        tl.follow();
      } else if (key === "End") {
        var e = windowAt(tl.last);
        tl.select(settings.accumulate ? tl.first : e[0], e[1]);
        tl.follow();
      } else if (key === "+" || key === "=") tl.zoom(0.5);
      else if (key === "-" || key === "_") tl.zoom(2);
      else if (key === "0") tl.fit();
      else if (key === "]") faster(2);
      else if (key === "[") faster(0.5);
      else if (key === "a" || key === "A") playback({ accumulate: !settings.accumulate });
      else done = false;
      if (done) event.preventDefault();
    });

    page.play = play;
    page.pause = pause;
    page.step = function (n) {
      step(n);
      return [GE.dayIso(tl.lo), GE.dayIso(tl.hi)];
    };
    page.playback = playback;
    tl.playbackState = state;
    show();
  };
})();
