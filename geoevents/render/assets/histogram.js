/* geoevents map runtime: the time control — a histogram of the shown incidents with a brush.
 *
 * The bars count the incidents the map would show if the date range were left out (category
 * toggles and filters applied), per day, ISO week, month or year, stacked by category colour,
 * by stats.py's rule (timebins.js): an incident whose extent is not inside one period is
 * counted apart, as "N imprecise". The brush is the timeline's date range: its two handles and
 * its body select the window with the overlap rule of dates.js (page.setRange), so the map,
 * the counts, the list and the exports follow it; the bars follow the other inputs.
 *
 * The axis zooms (wheel, the +/- buttons, keys) from the whole span down to ten days, so one
 * week is reachable in forty years; the unit follows the zoom ("auto") or is chosen. The
 * bars and ticks are drawn by histdraw.js; playback (playback.js) and the comparison with the
 * previous window (compare.js) are parts of the same control.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  /** The narrowest view of the axis, in days. */
  var MIN_VIEW = 10;
  /** Bars are at least this many pixels wide when the unit is "auto". */
  var MIN_BAR = 3;
  var PLOT_HEIGHT = 64;
  var button = GE.timeButton;

  /**
   * Add the time control to a page (bottom left) between cfg.start and cfg.end (ISO dates).
   * page.timeline.setDates(start, end) moves the brush (clamped to the data's days).
   */
  GE.addTimeline = function (page, cfg) {
    var first = GE.isoDay(cfg.start);
    var last = GE.isoDay(cfg.end);
    var tl = {
      first: first,
      last: last,
      lo: first,
      hi: last,
      v0: first,
      v1: Math.max(last + 1, first + MIN_VIEW),
      unitChoice: "auto",
      unit: "day",
      bins: null,
      base: null,
      counts: null,
      imprecise: null,
      ready: false,
      listeners: []
    };
    page.timeline = tl;
    var parts = {};
    var stamp = { categories: null, filter: undefined };

    // -- the window -----------------------------------------------------------------------

    function clampDay(day) {
      return Math.max(first, Math.min(last, Math.round(day)));
    }

    /** Select [lo, hi] (day numbers, clamped): the mask follows at once. */
    tl.select = function (lo, hi) {
      lo = clampDay(lo);
      hi = clampDay(hi);
      if (hi < lo) hi = lo;
      tl.lo = lo;
      tl.hi = hi;
      page.setRange([GE.dayIso(lo), GE.dayIso(hi)]);
      // setRange redraws through the page's change listener once counting started.
      if (!tl.ready) tl.draw();
    };

    /** For scripts, the filters and the permalink: show only [start, end] (ISO dates). */
    tl.setDates = function (start, end) {
      tl.select(GE.isoDay(start), GE.isoDay(end));
      follow();
    };

    /** Keep the window in view: pan the axis when it left (playback, typed dates); redraw. */
    function follow() {
      var span = tl.v1 - tl.v0;
      var moved = true;
      if (tl.hi + 1 - tl.lo > span) moved = false;
      else if (tl.lo < tl.v0) setView(tl.lo, tl.lo + span);
      else if (tl.hi + 1 > tl.v1) setView(tl.hi + 1 - span, tl.hi + 1);
      else moved = false;
      if (moved) tl.draw();
      return moved;
    }

    // -- the axis -------------------------------------------------------------------------

    function setView(v0, v1) {
      var span = Math.max(MIN_VIEW, Math.min(v1 - v0, last + 1 - first));
      var whole = Math.max(last + 1, first + MIN_VIEW);
      v0 = Math.max(first, Math.min(v0, whole - span));
      tl.v0 = Math.round(v0);
      tl.v1 = Math.round(v0 + span);
      chooseUnit();
      if (page.saveState) page.saveState(); // the permalink keeps the axis
    }

    /** Zoom by factor (below 1 zooms in) around a day (default the window's middle). */
    tl.zoom = function (factor, around) {
      var centre = around === undefined ? (tl.lo + tl.hi + 1) / 2 : around;
      var share = (centre - tl.v0) / (tl.v1 - tl.v0);
      var span = (tl.v1 - tl.v0) * factor;
      setView(centre - share * span, centre - share * span + span);
      tl.draw();
    };

    tl.fit = function () {
      setView(first, last + 1);
      tl.draw();
    };

    // The plot's width, measured only when it may have changed (resize, the box opened):
    // reading it after other controls changed the DOM would force a layout on every step.
    var width = 0;
    function plotWidth() {
      if (!width) width = parts.canvas.clientWidth;
      return Math.max(50, width || 400);
    }
    function remeasure() {
      width = 0;
      chooseUnit();
      tl.draw();
    }

    function chooseUnit() {
      var unit = tl.unitChoice;
      if (unit === "auto") {
        var bars = plotWidth() / MIN_BAR;
        unit = "year";
        for (var u = 0; u < GE.UNITS.length; u++) {
          if ((tl.v1 - tl.v0) / GE.UNIT_DAYS[GE.UNITS[u]] <= bars) {
            unit = GE.UNITS[u];
            break;
          }
        }
      }
      if (unit !== tl.unit) {
        tl.unit = unit;
        if (tl.ready) recount();
      }
    }

    /** Choose the unit: "auto" (from the view and the width), "day", "week", "month", "year". */
    tl.setUnit = function (unit) {
      if (unit !== "auto" && GE.UNITS.indexOf(unit) < 0) {
        throw new Error("geoevents: unknown unit " + JSON.stringify(unit) + "; use auto, " + GE.UNITS.join(", "));
      }
      tl.unitChoice = unit;
      parts.unit.value = unit;
      chooseUnit();
      tl.draw();
      if (page.saveState) page.saveState();
    };

    // -- counting -------------------------------------------------------------------------

    function recount() {
      var store = page.store;
      tl.bins = tl.periods.unit(tl.unit);
      tl.counts = GE.countBins(store, tl.bins, tl.base, tl.counts, tl.imprecise);
    }

    /** Recount when the inputs other than the range changed (toggles, filters). */
    function refresh() {
      var store = page.store;
      var categories = store.inputs.categories.join(",");
      if (categories === stamp.categories && store.inputs.filter === stamp.filter) return false;
      stamp.categories = categories;
      stamp.filter = store.inputs.filter;
      tl.bins = tl.periods.unit(tl.unit);
      tl.counts = GE.countShown(store, tl.bins, tl.base, tl.counts, tl.imprecise);
      return true;
    }

    /** The brush shows the range in force, whoever set it (null: every date). */
    function syncWindow() {
      var range = page.range;
      tl.lo = range ? clampDay(GE.isoDay(range[0])) : first;
      tl.hi = range ? Math.max(tl.lo, clampDay(GE.isoDay(range[1]))) : last;
    }

    function start() {
      var store = page.store;
      tl.periods = GE.timeBins(store);
      tl.base = new Uint8Array(store.n);
      tl.imprecise = new Float64Array(store.categories.length);
      tl.ready = true;
      syncWindow();
      chooseUnit();
      refresh();
      page.onChange(function () {
        var changed = refresh();
        syncWindow();
        tl.draw();
        tl.listeners.forEach(function (listener) {
          listener(changed);
        });
      });
      tl.draw();
      tl.listeners.forEach(function (listener) {
        listener(true);
      });
    }

    /** The bins in view: {unit, choice, view, bins: [{start, end, label, count, categories}], imprecise}. */
    tl.histogram = function () {
      var names = page.meta.categories.map(function (c) {
        return c.name;
      });
      var k = names.length;
      var out = {
        unit: tl.unit,
        choice: tl.unitChoice,
        view: [GE.dayIso(tl.v0), GE.dayIso(tl.v1 - 1)],
        window: [GE.dayIso(tl.lo), GE.dayIso(tl.hi)],
        bins: [],
        imprecise: 0,
        imprecise_categories: {}
      };
      if (!tl.ready) return out;
      var p0 = GE.periodOf(tl.unit, tl.v0);
      var p1 = GE.periodOf(tl.unit, tl.v1 - 1);
      for (var p = p0; p <= p1; p++) {
        var b = p - tl.bins.base;
        var bin = {
          start: GE.dayIso(GE.periodStart(tl.unit, p)),
          end: GE.dayIso(GE.periodStart(tl.unit, p + 1) - 1),
          label: GE.periodLabel(tl.unit, p),
          count: 0,
          categories: {}
        };
        for (var c = 0; c < k; c++) {
          var v = b >= 0 && b < tl.bins.size ? tl.counts[b * k + c] : 0;
          bin.categories[names[c]] = v;
          bin.count += v;
        }
        out.bins.push(bin);
      }
      names.forEach(function (name, c) {
        out.imprecise_categories[name] = tl.imprecise[c];
        out.imprecise += tl.imprecise[c];
      });
      return out;
    };

    // -- drawing --------------------------------------------------------------------------

    function xOf(day, width) {
      return ((day - tl.v0) / (tl.v1 - tl.v0)) * width;
    }

    function drawBars(width) {
      return GE.drawHistogramBars(parts.canvas, page, tl, width, PLOT_HEIGHT);
    }

    // Only what changed is written: a playback step then costs the page no new layout of
    // the ticks and no text it already shows.
    function put(node, key, value) {
      if (node[key] !== value) node[key] = value;
    }
    function putStyle(node, key, value) {
      if (node.style[key] !== value) node.style[key] = value;
    }
    function putAttr(node, name, value) {
      if (node.getAttribute(name) !== value) node.setAttribute(name, value);
    }

    var ticksKey = "";
    function drawTicks(width) {
      var key = tl.v0 + "," + tl.v1 + "," + width;
      if (key === ticksKey) return;
      ticksKey = key;
      var holder = parts.ticks;
      holder.textContent = "";
      GE.histogramTicks(tl.v0, tl.v1, width).forEach(function (tick) {
        var node = el("span", "ge-hist-tick", tick.text);
        node.style.left = xOf(tick.day, width).toFixed(1) + "px";
        holder.appendChild(node);
      });
    }

    function drawBrush(width) {
      var x0 = xOf(tl.lo, width);
      var x1 = xOf(tl.hi + 1, width);
      var left = Math.max(-4, Math.min(width + 4, x0));
      var right = Math.max(-4, Math.min(width + 4, x1));
      putStyle(parts.brush, "left", left.toFixed(1) + "px");
      putStyle(parts.brush, "width", Math.max(2, right - left).toFixed(1) + "px");
      // A handle outside the view waits at its edge, still draggable.
      var edge = function (x) {
        return Math.max(-1, Math.min(width - 9, x - 5)).toFixed(1) + "px";
      };
      putStyle(parts.loHandle, "left", edge(left));
      putStyle(parts.hiHandle, "left", edge(Math.max(left + 2, right)));
      var lo = GE.dayIso(tl.lo);
      var hi = GE.dayIso(tl.hi);
      [
        [parts.loHandle, tl.lo, lo],
        [parts.hiHandle, tl.hi, hi]
      ].forEach(function (entry) {
        putAttr(entry[0], "aria-valuemin", "0");
        putAttr(entry[0], "aria-valuemax", String(last - first));
        putAttr(entry[0], "aria-valuenow", String(entry[1] - first));
        putAttr(entry[0], "aria-valuetext", entry[2]);
      });
    }

    /** Redraw everything from the state (bars, ticks, brush, labels). */
    tl.draw = function () {
      var top = 0;
      // Folded away (on a phone at first), only the labels are kept up to date.
      if (!parts.box || parts.box.open) {
        var width = plotWidth();
        top = drawBars(width);
        drawTicks(width);
        drawBrush(width);
      }
      var lo = GE.dayIso(tl.lo);
      var hi = GE.dayIso(tl.hi);
      put(parts.startLabel, "textContent", lo);
      put(parts.endLabel, "textContent", hi);
      var days = tl.hi - tl.lo + 1;
      put(parts.length, "textContent", " (" + days + (days === 1 ? " day)" : " days)"));
      if (document.activeElement !== parts.from) put(parts.from, "value", lo);
      if (document.activeElement !== parts.to) put(parts.to, "value", hi);
      put(parts.counter, "textContent", GE.countText(page.visibleCount()) + " of " + GE.countText(page.drawnCount()) + " incidents shown");
      var imprecise = 0;
      if (tl.ready) for (var c = 0; c < tl.imprecise.length; c++) imprecise += tl.imprecise[c];
      put(parts.imprecise, "textContent", GE.countText(imprecise) + " imprecise");
      put(
        parts.imprecise,
        "title",
        GE.countText(imprecise) + " shown incidents have dates (span or precision) that do not fall within one " + tl.unit + ": they are in no bar"
      );
      put(parts.scale, "textContent", top ? "max " + GE.countText(top) + " per " + tl.unit : "");
      put(parts.unitNow, "textContent", tl.unitChoice === "auto" ? "(" + tl.unit + ")" : "");
    };

    // -- pointer and wheel ----------------------------------------------------------------

    function dayAt(clientX) {
      var rect = parts.canvas.getBoundingClientRect();
      var share = (clientX - rect.left) / Math.max(1, rect.width);
      return tl.v0 + share * (tl.v1 - tl.v0);
    }

    var drag = null;
    var frame = 0;
    function scheduled(lo, hi) {
      drag.next = [lo, hi];
      if (frame) return;
      frame = requestAnimationFrame(function () {
        frame = 0;
        if (drag && drag.next) tl.select(drag.next[0], drag.next[1]);
      });
    }

    function pointerDown(event) {
      if (event.button !== 0) return;
      var day = Math.floor(dayAt(event.clientX));
      var target = event.target;
      if (target === parts.loHandle) drag = { mode: "lo" };
      else if (target === parts.hiHandle) drag = { mode: "hi" };
      else if (day >= tl.lo && day <= tl.hi) drag = { mode: "move", offset: day - tl.lo, length: tl.hi - tl.lo };
      else drag = { mode: "new", anchor: clampDay(day) };
      parts.plot.setPointerCapture(event.pointerId);
      event.preventDefault();
      if (target.focus) target.focus();
      if (drag.mode === "new") scheduled(drag.anchor, drag.anchor);
    }

    function pointerMove(event) {
      if (!drag) return;
      var day = clampDay(Math.floor(dayAt(event.clientX)));
      if (drag.mode === "lo") scheduled(Math.min(day, tl.hi), tl.hi);
      else if (drag.mode === "hi") scheduled(tl.lo, Math.max(day, tl.lo));
      else if (drag.mode === "new") scheduled(Math.min(day, drag.anchor), Math.max(day, drag.anchor));
      else {
        var lo = Math.max(first, Math.min(last - drag.length, day - drag.offset));
        scheduled(lo, lo + drag.length);
      }
    }

    function pointerUp() {
      drag = null;
    }

    function wheel(event) {
      event.preventDefault();
      var span = tl.v1 - tl.v0;
      if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        var delta = (event.shiftKey ? event.deltaY : event.deltaX) > 0 ? 0.2 : -0.2;
        setView(tl.v0 + delta * span, tl.v1 + delta * span);
        tl.draw();
      } else if (event.deltaY) {
        tl.zoom(event.deltaY < 0 ? 0.5 : 2, dayAt(event.clientX));
      }
    }

    // -- handles' keys ---------------------------------------------------------------------

    function handleKey(which) {
      return function (event) {
        var step = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[event.key];
        var lo = tl.lo;
        var hi = tl.hi;
        var value = which === "lo" ? lo : hi;
        if (step) value += step;
        else if (event.key === "PageUp" || event.key === "PageDown") {
          value = GE.addUnits(tl.unit, value, event.key === "PageUp" ? 1 : -1);
        } else if (event.key === "Home") value = which === "lo" ? first : lo;
        else if (event.key === "End") value = which === "lo" ? hi : last;
        else return;
        event.preventDefault();
        event.stopPropagation();
        // A handle stops at the other one.
        if (which === "lo") tl.select(Math.min(value, hi), hi);
        else tl.select(lo, Math.max(value, lo));
        follow();
      };
    }

    // -- the box --------------------------------------------------------------------------

    function build() {
      var details = el("details", "ge-box ge-timeline");
      details.open = true;
      details.appendChild(el("summary", "ge-box-title", "Dates"));
      var bar = el("div", "ge-time-bar");
      parts.playback = el("span", "ge-time-playback");
      bar.appendChild(parts.playback);
      var axis = el("span", "ge-time-axis");
      var unit = (parts.unit = el("select", "ge-time-unit"));
      unit.setAttribute("aria-label", "Bars per");
      ["auto"].concat(GE.UNITS).forEach(function (name) {
        var node = el("option", null, name);
        node.value = name;
        unit.appendChild(node);
      });
      unit.addEventListener("change", function () {
        tl.setUnit(unit.value);
      });
      axis.appendChild(el("span", "ge-time-label", "Bars per"));
      axis.appendChild(unit);
      parts.unitNow = el("span", "ge-time-unit-now");
      axis.appendChild(parts.unitNow);
      var zoomOut = button("\u2212", "Zoom out (-)", "ge-time-zoom-out");
      var zoomIn = button("+", "Zoom in (+)", "ge-time-zoom-in");
      var whole = button("All", "Show the whole span (0)", "ge-time-fit");
      zoomOut.addEventListener("click", function () {
        tl.zoom(2);
      });
      zoomIn.addEventListener("click", function () {
        tl.zoom(0.5);
      });
      whole.addEventListener("click", tl.fit);
      axis.appendChild(zoomOut);
      axis.appendChild(zoomIn);
      axis.appendChild(whole);
      bar.appendChild(axis);
      details.appendChild(bar);

      var plot = (parts.plot = el("div", "ge-hist"));
      plot.tabIndex = 0;
      plot.setAttribute("role", "group");
      plot.setAttribute("aria-label", "Incidents over time; arrows step the window, + and - zoom");
      parts.canvas = el("canvas", "ge-hist-canvas");
      parts.canvas.style.height = PLOT_HEIGHT + "px";
      plot.appendChild(parts.canvas);
      parts.brush = el("div", "ge-brush");
      plot.appendChild(parts.brush);
      parts.loHandle = el("div", "ge-brush-handle ge-range-input");
      parts.hiHandle = el("div", "ge-brush-handle ge-range-input");
      [
        [parts.loHandle, "First date shown", "lo"],
        [parts.hiHandle, "Last date shown", "hi"]
      ].forEach(function (entry) {
        entry[0].tabIndex = 0;
        entry[0].setAttribute("role", "slider");
        entry[0].setAttribute("aria-label", entry[1]);
        entry[0].addEventListener("keydown", handleKey(entry[2]));
        plot.appendChild(entry[0]);
      });
      plot.addEventListener("pointerdown", pointerDown);
      plot.addEventListener("pointermove", pointerMove);
      plot.addEventListener("pointerup", pointerUp);
      plot.addEventListener("pointercancel", pointerUp);
      plot.addEventListener("wheel", wheel, { passive: false });
      details.appendChild(plot);
      parts.ticks = el("div", "ge-hist-ticks");
      details.appendChild(parts.ticks);

      var facts = el("div", "ge-hist-facts");
      parts.imprecise = el("span", "ge-hist-imprecise");
      parts.scale = el("span", "ge-hist-scale");
      facts.appendChild(parts.imprecise);
      facts.appendChild(parts.scale);
      details.appendChild(facts);

      var labels = el("div", "ge-range-labels");
      parts.startLabel = el("span", "ge-range-start", cfg.start);
      parts.endLabel = el("span", "ge-range-end", cfg.end);
      parts.length = el("span", "ge-range-length");
      labels.appendChild(parts.startLabel);
      labels.appendChild(el("span", null, " to "));
      labels.appendChild(parts.endLabel);
      labels.appendChild(parts.length);
      details.appendChild(labels);
      parts.counter = el("div", "ge-visible-count");
      details.appendChild(parts.counter);

      var exact = el("div", "ge-range-exact");
      parts.from = el("input", "ge-range-from");
      parts.to = el("input", "ge-range-to");
      [
        [parts.from, "From"],
        [parts.to, "To"]
      ].forEach(function (entry) {
        var input = entry[0];
        input.type = "date";
        input.min = cfg.start;
        input.max = cfg.end;
        input.setAttribute("aria-label", entry[1]);
        var label = el("label", "ge-range-field");
        label.appendChild(el("span", null, entry[1] + " "));
        label.appendChild(input);
        exact.appendChild(label);
      });
      parts.from.addEventListener("change", function () {
        if (!parts.from.value) return;
        var lo = GE.isoDay(parts.from.value);
        tl.select(lo, Math.max(lo, tl.hi));
        follow();
      });
      parts.to.addEventListener("change", function () {
        if (!parts.to.value) return;
        var hi = GE.isoDay(parts.to.value);
        tl.select(Math.min(hi, tl.lo), hi);
        follow();
      });
      details.appendChild(exact);
      parts.extra = el("div", "ge-time-extra");
      details.appendChild(parts.extra);
      details.addEventListener("toggle", function () {
        if (details.open) remeasure();
      });
      parts.box = details;
      GE.isolate(details);
      return details;
    }

    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = build;
    ctl.addTo(page.map);
    tl.parts = parts;
    tl.follow = follow;
    tl.setView = function (v0, v1) {
      setView(v0, v1);
      tl.draw();
    };
    if (GE.addPlayback) GE.addPlayback(page, tl);
    if (GE.addCompare) GE.addCompare(page, tl);
    chooseUnit();
    tl.draw();
    page.map.on("resize", remeasure);
    if (typeof ResizeObserver === "function") {
      var seen = -1;
      new ResizeObserver(function () {
        var now = parts.canvas.clientWidth;
        if (now !== seen) {
          seen = now;
          remeasure();
        }
      }).observe(parts.canvas);
    }

    /** bins shown; with options, first set {unit, view: [start, end] or null (whole span)}. */
    page.histogram = function (options) {
      var o = options || {};
      if (o.view !== undefined) {
        if (o.view === null) setView(first, last + 1);
        else setView(GE.isoDay(o.view[0]), GE.isoDay(o.view[1]) + 1);
      }
      if (o.unit !== undefined) tl.setUnit(o.unit);
      else tl.draw();
      return tl.histogram();
    };

    // Counting needs the store and its date precisions (a text column): once it is open.
    page.drawn.then(start);
    return tl;
  };
})();
