/* geoevents map runtime: the hexagon view — H3 cells counting the shown incidents.
 *
 * The cells come from the build (render/hexview.py): per resolution, each incident's cell
 * (0: none, k + 1: the k-th cell), the cell ids and their boundaries. So the page needs no H3
 * library and counts in exactly the cells of `geoevents aggregate`. On every change of the
 * store's one mask (toggles, filters, timeline) the cells of the resolution in use are counted
 * again with typed arrays: the shown incidents, their reported deaths, and for the change
 * classes the incidents of the previous window (the same length just before the range, by
 * aggregation/windows.py's rule), passing every other input (store.base). The classes follow
 * aggregation/change.py with the thresholds the build hands over (GE.changeClass).
 *
 * One canvas draws the cells in view; a click on a cell lists its shown incidents in the
 * incident list (page.setListScope, with "All shown" to go back), a hover says its count.
 * Its parts (the shared rules, a resolution's arrays, the canvas, the box) are in hexparts.js.
 * Text is data: everything is inserted with textContent.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;
  var MIN_CELL_PX = 12; // by zoom, the finest resolution whose cells are at least this wide
  var FILL_OPACITY = 0.72;
  // Cells less than this many pixels across are drawn as filled boxes (see draw).
  var TINY_CELL_PX = 3;
  var COUNTRY_ROWS = 12; // the box lists this many countries, most incidents first
  var MODES = GE.HEX_MODES;

  /** The hexagon layer of a page (GE.drawIncidents / GE.drawLarge); see render/hexview.py. */
  GE.hexLayer = function (page, cfg) {
    var map = page.map;
    var state = {
      on: false,
      mode: "count",
      pinned: null, // a resolution the API fixed, else by zoom
      levels: [],
      level: null,
      selected: null, // {level, k}
      window: null, // {lo, hi, previous: [lo, hi]} in day numbers, or null
      drawn: null // {cells: Int32Array, count, xs, ys} of the last draw, for hits
    };
    var store = null;
    var fatalities = null;
    var layer = new GE.HexCanvas({ shown: shown, draw: draw });
    var box = GE.hexBox(page, { setMode: setMode, setPoints: setPoints });
    page.hexConfig = cfg;
    var ready = null; // resolved once the cells are decoded (hexStart)
    /** Ask the permalink to write the fragment again (the view, colouring or cell changed). */
    function saved() {
      if (page.saveState) page.saveState();
    }
    box.root.addEventListener("toggle", saved);

    // -- counting -----------------------------------------------------------------------

    function sentinel(iso) {
      return iso === "0001-01-01" || iso === "9999-12-31";
    }

    /** The current window and the previous one, from the range (open ends: the data's). */
    function windowOf() {
      var range = store.inputs.range;
      if (!range || !store.starts) return null;
      var lo = GE.isoDay(range[0]);
      var hi = GE.isoDay(range[1]);
      if (sentinel(range[0]) || sentinel(range[1])) {
        // As `aggregate`: an open end is the first or last date of the other filters' rows.
        var first = Infinity, last = -Infinity;
        var base = store.base, starts = store.starts, ends = store.ends;
        for (var i = 0; i < store.n; i++) {
          if (!base[i] || starts[i] === GE.NO_DAY) continue;
          var end = ends !== null && ends[i] !== GE.NO_DAY ? ends[i] : starts[i];
          if (starts[i] < first) first = starts[i];
          if (end > last) last = end;
        }
        if (first === Infinity) return null;
        if (sentinel(range[0])) lo = first;
        if (sentinel(range[1])) hi = last;
      }
      if (lo > hi) return null;
      return { lo: lo, hi: hi, previous: GE.previousWindow(lo, hi) };
    }

    /** Count the shown incidents (and deaths, and the previous window's) per cell of level. */
    function count(level) {
      var n = store.n;
      var codes = level.codes;
      var counts = level.counts;
      var deaths = level.deaths;
      var previous = level.previous;
      var mask = store.mask;
      var base = store.base; // every input but the date range: mask[i] implies base[i]
      var starts = store.starts;
      var ends = store.ends;
      var fat = fatalities;
      counts.fill(0);
      deaths.fill(0);
      previous.fill(0);
      var win = state.window;
      var lo = win ? win.previous[0] : 0;
      var hi = win ? win.previous[1] : -1;
      var NO_DAY = GE.NO_DAY;
      // One pass; the overlap rule of dates.js inline (a call per row costs more than the rest).
      for (var i = 0; i < n; i++) {
        if (!base[i]) continue;
        var c = codes[i];
        if (mask[i]) {
          counts[c]++;
          deaths[c] += fat[i];
        }
        if (win === null) continue;
        var first = starts[i];
        var last = ends !== null ? ends[i] : NO_DAY;
        if (first === NO_DAY || (first <= hi && (last === NO_DAY ? first : last) >= lo)) previous[c]++;
      }
      level.counted = true;
    }

    function ensureCounted(level) {
      if (!level.counted) count(level);
      return level;
    }

    /** After a change of the mask: the window again, every count stale, the current recounted. */
    function recount() {
      var t0 = performance.now();
      state.window = windowOf();
      state.levels.forEach(function (level) {
        level.counted = false;
      });
      if (state.on && state.level) count(state.level);
      var t1 = performance.now();
      redraw();
      renderBox();
      // What benchmarks/hexview.py reads: milliseconds to count, then to draw and relabel.
      page.hexTiming = { count: t1 - t0, draw: performance.now() - t1 };
    }

    // -- which resolution -----------------------------------------------------------------

    function levelFor() {
      if (!state.levels.length) return null;
      if (state.pinned !== null) {
        return state.levels.filter(function (l) {
          return l.resolution === state.pinned;
        })[0];
      }
      var scale = 256 * Math.pow(2, map.getZoom());
      var chosen = state.levels[0];
      state.levels.forEach(function (level) {
        if (level.width * scale >= MIN_CELL_PX) chosen = level;
      });
      return chosen;
    }

    function chooseLevel() {
      var level = levelFor();
      if (level === state.level) return;
      state.level = level;
      if (state.on && level) ensureCounted(level);
      renderBox();
    }

    // -- colours --------------------------------------------------------------------------

    function valueOf(level, k) {
      return state.mode === "deaths" ? level.deaths[k + 1] : level.counts[k + 1];
    }

    function drawnCell(level, k) {
      if (state.mode === "change") return state.window !== null && (level.counts[k + 1] > 0 || level.previous[k + 1] > 0);
      return level.counts[k + 1] > 0;
    }

    /** The classes of the current mode: [{color, label, test(k)}]. */
    function classes(level) {
      if (state.mode === "change") {
        return cfg.change.classes.map(function (name) {
          return { color: cfg.changeColors[name], label: name, name: name };
        });
      }
      var max = 0;
      for (var k = 0; k < level.count; k++) max = Math.max(max, valueOf(level, k));
      var bounds = GE.hexClassBounds(max, cfg.colors.length);
      var out = [];
      if (state.mode === "deaths") out.push({ color: null, label: "0", upTo: 0 });
      var low = 1;
      bounds.forEach(function (bound, j) {
        var at = bounds.length === 1 ? cfg.colors.length - 1 : Math.round((j * (cfg.colors.length - 1)) / (bounds.length - 1));
        out.push({ color: cfg.colors[at], label: low === bound ? GE.countText(bound) : GE.countText(low) + "\u2013" + GE.countText(bound), upTo: bound });
        low = bound + 1;
      });
      return out;
    }

    function classOf(level, k, list) {
      if (state.mode === "change") {
        var name = GE.changeClass(level.counts[k + 1], level.previous[k + 1], cfg.change);
        return cfg.change.classes.indexOf(name);
      }
      var value = valueOf(level, k);
      for (var j = 0; j < list.length; j++) if (value <= list[j].upTo) return j;
      return list.length - 1;
    }

    // -- drawing --------------------------------------------------------------------------

    function redraw() {
      layer._redraw();
    }

    function draw(canvas) {
      var size = map.getSize();
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x;
      canvas.height = size.y;
      state.drawn = null;
      var level = state.level;
      if (!store || !level || !size.x || !size.y) return;
      ensureCounted(level);
      var scale = 256 * Math.pow(2, map.getZoom());
      var origin = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      var list = classes(level);
      var byClass = list.map(function () {
        return [];
      });
      var cells = [];
      for (var k = 0; k < level.count; k++) {
        if (!drawnCell(level, k)) continue;
        var b = 4 * k;
        if (level.box[b + 2] * scale - origin.x < 0 || level.box[b] * scale - origin.x > size.x) continue;
        if (level.box[b + 3] * scale - origin.y < 0 || level.box[b + 1] * scale - origin.y > size.y) continue;
        byClass[classOf(level, k, list)].push(k);
        cells.push(k);
      }
      var ctx = canvas.getContext("2d");
      // Round caps where each ring ends on its first vertex draw the corner a round join
      // would: the ring is closed by a line, not closePath(), which Chromium makes measure
      // the whole path each time (150 ms for the 6,900 cells of a world view).
      ctx.lineJoin = "round";
      ctx.lineCap = "round";
      function path(k) {
        var first = level.starts[k];
        var x0 = level.vx[first] * scale - origin.x;
        var y0 = level.vy[first] * scale - origin.y;
        ctx.moveTo(x0, y0);
        for (var v = first + 1; v < level.starts[k + 1]; v++) {
          ctx.lineTo(level.vx[v] * scale - origin.x, level.vy[v] * scale - origin.y);
        }
        ctx.lineTo(x0, y0);
      }
      // A cell a few pixels across shows no hexagon: it is filled as its box, with no
      // outline (a world view of points spread over a continent is 170,000 such cells, and
      // their outlined rings took 100-330 ms a frame; their outlines also hid their colour).
      function tiny(k) {
        var b = 4 * k;
        return (level.box[b + 2] - level.box[b]) * scale < TINY_CELL_PX &&
          (level.box[b + 3] - level.box[b + 1]) * scale < TINY_CELL_PX;
      }
      list.forEach(function (entry, j) {
        if (!byClass[j].length) return;
        var small = [];
        ctx.beginPath();
        byClass[j].forEach(function (k) {
          if (tiny(k)) small.push(k);
          else path(k);
        });
        if (entry.color) {
          ctx.globalAlpha = FILL_OPACITY;
          ctx.fillStyle = entry.color;
          ctx.fill();
        }
        ctx.globalAlpha = 1;
        ctx.lineWidth = 0.8;
        ctx.strokeStyle = entry.color ? "rgba(255, 255, 255, 0.9)" : "#5b6470";
        ctx.stroke();
        if (!small.length) return;
        ctx.beginPath();
        small.forEach(function (k) {
          var b = 4 * k;
          var x = Math.floor(level.box[b] * scale - origin.x);
          var y = Math.floor(level.box[b + 1] * scale - origin.y);
          var x1 = Math.ceil(level.box[b + 2] * scale - origin.x);
          var y1 = Math.ceil(level.box[b + 3] * scale - origin.y);
          ctx.rect(x, y, Math.max(x1 - x, 1), Math.max(y1 - y, 1));
        });
        ctx.globalAlpha = entry.color ? FILL_OPACITY : 1;
        ctx.fillStyle = entry.color || "#5b6470";
        ctx.fill();
        ctx.globalAlpha = 1;
      });
      var sel = state.selected;
      if (sel && sel.level === level) {
        ctx.beginPath();
        path(sel.k);
        ctx.lineWidth = 3;
        ctx.strokeStyle = "#111111";
        ctx.stroke();
      }
      state.drawn = { level: level, cells: cells, scale: scale, x: origin.x, y: origin.y };
    }

    /** The cell (index into the level drawn) under a container point, or -1. */
    function cellAt(point) {
      var drawn = state.drawn;
      if (!drawn) return -1;
      var level = drawn.level;
      var px = point.x;
      var py = point.y;
      for (var j = 0; j < drawn.cells.length; j++) {
        var k = drawn.cells[j];
        var b = 4 * k;
        if (px < level.box[b] * drawn.scale - drawn.x || px > level.box[b + 2] * drawn.scale - drawn.x) continue;
        if (py < level.box[b + 1] * drawn.scale - drawn.y || py > level.box[b + 3] * drawn.scale - drawn.y) continue;
        // Even-odd rule over the cell's edges.
        var inside = false;
        var first = level.starts[k];
        var last = level.starts[k + 1] - 1;
        for (var v = first, w = last; v <= last; w = v++) {
          var xv = level.vx[v] * drawn.scale - drawn.x, yv = level.vy[v] * drawn.scale - drawn.y;
          var xw = level.vx[w] * drawn.scale - drawn.x, yw = level.vy[w] * drawn.scale - drawn.y;
          if (yv > py !== yw > py && px < ((xw - xv) * (py - yv)) / (yw - yv) + xv) inside = !inside;
        }
        if (inside) return k;
      }
      return -1;
    }

    // -- the view, the box, the list --------------------------------------------------------

    function setPoints(on) {
      var wasOff = page.pointsOff;
      page.pointsOff = !on;
      if (on && wasOff && page.redrawPoints) page.redrawPoints();
      map.getContainer().classList.toggle("ge-points-off", !on);
      if (!on) {
        // The incidents' hover tooltip would stay open over a map that no longer shows them.
        map.eachLayer(function (item) {
          if (item instanceof L.Tooltip && item !== tooltip) map.closeTooltip(item);
        });
      }
      box.points.checked = on;
      saved();
    }

    function shown(on) {
      state.on = on;
      if (on) {
        chooseLevel();
        if (state.level) ensureCounted(state.level);
        refreshCountries();
      } else if (page.pointsOff) {
        setPoints(true); // never a map with nothing on it
      }
      box.root.style.display = on ? "" : "none";
      renderBox();
    }

    function currentView() {
      if (!state.on) return "points";
      return page.pointsOff ? "hex" : "both";
    }

    function setMode(mode) {
      if (!MODES[mode]) throw new Error("geoevents: no hexagon colouring " + mode + " (" + Object.keys(MODES).join(", ") + ")");
      state.mode = mode;
      box.radios[mode].checked = true;
      redraw();
      renderBox();
      saved();
    }

    var countryRows = [];
    function renderBox() {
      if (!state.on || !state.level) return;
      var level = ensureCounted(state.level);
      box.about.textContent =
        "H3 resolution " + level.resolution + (state.pinned === null ? " (by zoom)" : "") + "; click one to list it";
      box.scale.textContent = "";
      classes(level).forEach(function (entry) {
        var item = el("li", "ge-legend-item");
        var swatch = el("span", "ge-swatch ge-hex-swatch");
        if (entry.color) swatch.style.backgroundColor = entry.color;
        item.appendChild(swatch);
        item.appendChild(el("span", "ge-legend-name", entry.label));
        box.scale.appendChild(item);
      });
      if (!level.count || !classes(level).length) box.scale.appendChild(el("li", "ge-legend-item", "No incidents shown"));
      var win = state.window;
      box.windowText.textContent = win
        ? "Change: " + GE.dayIso(win.lo) + " to " + GE.dayIso(win.hi) + " against " + GE.dayIso(win.previous[0]) + " to " + GE.dayIso(win.previous[1])
        : "Change: choose a date range (timeline or filter) to compare it with the one before";
      box.countries.textContent = "";
      if (!win || !countryRows.length) return;
      var head = el("tr");
      ["Country", "Now", "Before", "Change"].forEach(function (text) {
        head.appendChild(el("th", null, text));
      });
      box.countries.appendChild(head);
      countryRows.slice(0, COUNTRY_ROWS).forEach(function (row) {
        var tr = el("tr");
        tr.appendChild(el("td", "ge-hex-country", row.country || row.iso3));
        tr.appendChild(el("td", null, GE.countText(row.count)));
        tr.appendChild(el("td", null, GE.countText(row.previous)));
        var cell = el("td", "ge-hex-change");
        var swatch = el("span", "ge-swatch ge-hex-swatch");
        swatch.style.backgroundColor = cfg.changeColors[row.change];
        cell.appendChild(swatch);
        cell.appendChild(document.createTextNode(" " + row.change));
        tr.appendChild(cell);
        box.countries.appendChild(tr);
      });
    }

    // -- per country --------------------------------------------------------------------------

    function countryChange() {
      return GE.hexCountryChange(store, state.window, cfg.change);
    }

    function refreshCountries() {
      if (!store || !store.textReady) return;
      countryRows = state.window ? countryChange() : [];
      renderBox();
    }

    // -- hover and click ------------------------------------------------------------------

    var tooltip = null;
    var pending = false;
    function pointsUnder(point) {
      return !page.pointsOff && page.anyAt(point);
    }

    function hover(event) {
      if (pending || !state.on) return;
      pending = true;
      L.Util.requestAnimFrame(function () {
        pending = false;
        var k = pointsUnder(event.containerPoint) ? -1 : cellAt(event.containerPoint);
        if (k < 0) {
          if (tooltip && map.hasLayer(tooltip)) map.closeTooltip(tooltip);
          if (page.pointsOff) map.getContainer().style.cursor = "";
          return;
        }
        var level = state.drawn.level;
        var n = level.counts[k + 1];
        var parts = [GE.countText(n) + (n === 1 ? " incident" : " incidents")];
        parts.push(GE.countText(level.deaths[k + 1]) + " deaths reported");
        if (state.window) parts.push(GE.changeClass(n, level.previous[k + 1], cfg.change) + " (" + GE.countText(level.previous[k + 1]) + " before)");
        tooltip = tooltip || L.tooltip({ direction: "top", offset: [0, -4] });
        tooltip.setLatLng(event.latlng).setContent(el("div", "ge-hex-tip", parts.join(" \u00b7 ")));
        if (!map.hasLayer(tooltip)) map.openTooltip(tooltip);
        map.getContainer().style.cursor = "pointer";
      });
    }

    function click(event) {
      if (!state.on || pointsUnder(event.containerPoint)) return;
      var k = cellAt(event.containerPoint);
      if (k >= 0) select(state.drawn.level, k);
    }

    function select(level, k) {
      var codes = level.codes;
      var target = k + 1;
      state.selected = { level: level, k: k };
      ensureCounted(level);
      var id = level.id(k);
      page.setListScope({
        label: "Hexagon " + id + " (H3 resolution " + level.resolution + ")",
        keep: function (row) {
          return codes[row] === target;
        },
        cleared: function () {
          if (state.selected && state.selected.level === level && state.selected.k === k) state.selected = null;
          redraw();
          saved();
        }
      });
      redraw();
      saved();
      return level.counts[target];
    }

    // -- the API ----------------------------------------------------------------------------

    function levelOf(resolution) {
      if (resolution === undefined || resolution === null) return state.level || levelFor();
      var found = state.levels.filter(function (l) {
        return l.resolution === resolution;
      })[0];
      if (!found) {
        var have = state.levels.map(function (l) { return l.resolution; }); // prettier-ignore
        throw new Error("geoevents: this map has H3 resolutions " + have.join(", ") + ", not " + resolution);
      }
      return found;
    }

    /** "points", "hex" or "both": what the map shows; without an argument, the current view. */
    page.view = function (view) {
      if (view === undefined) return currentView();
      if (["points", "hex", "both"].indexOf(view) < 0) throw new Error("geoevents: no view " + view + " (points, hex, both)");
      if (view === "points") {
        setPoints(true);
        if (map.hasLayer(layer)) map.removeLayer(layer);
      } else {
        if (!map.hasLayer(layer)) map.addLayer(layer);
        setPoints(view === "both");
      }
      return currentView();
    };

    /**
     * The cells of the shown incidents at a resolution (default: the one drawn):
     * [{cell, count, fatalities, previous, change}], most incidents first, then by cell. With
     * a date range, cells with incidents only in the previous window are there with count 0.
     */
    page.hexes = function (resolution) {
      var level = ensureCounted(levelOf(resolution));
      var win = state.window;
      var out = [];
      for (var k = 0; k < level.count; k++) {
        var n = level.counts[k + 1];
        var before = level.previous[k + 1];
        if (!n && !(win && before)) continue;
        out.push({
          cell: level.id(k),
          count: n,
          fatalities: level.deaths[k + 1],
          previous: win ? before : null,
          change: win ? GE.changeClass(n, before, cfg.change) : null
        });
      }
      out.sort(function (a, b) {
        return b.count - a.count || (a.cell < b.cell ? -1 : 1);
      });
      return out;
    };

    /** List a cell's shown incidents in the list (null: all shown again); returns its count. */
    page.selectCell = function (cell) {
      if (cell === null || cell === undefined) {
        page.setListScope(null);
        return store.shown;
      }
      var resolution = parseInt(String(cell).charAt(1), 16);
      var level = levelOf(resolution);
      var k = level.indexOf(cell);
      if (k < 0) throw new Error("geoevents: no incident of this map is in cell " + cell);
      return select(level, k);
    };

    /** The resolution drawn; a number fixes it, null lets the zoom choose again. */
    page.hexResolution = function (resolution) {
      if (resolution !== undefined) {
        state.pinned = resolution === null ? null : levelOf(resolution).resolution;
        chooseLevel();
        redraw();
      }
      return state.level ? state.level.resolution : null;
    };

    /** Colour the hexagons by "count", "deaths" or "change"; returns the colouring. */
    page.hexColour = function (mode) {
      if (mode !== undefined) setMode(mode);
      return state.mode;
    };

    /**
     * What the permalink keeps of the hexagon view: {view, colour, resolution (fixed, or null:
     * by zoom), cell (the one listed, or null), box (whether its box is open)}.
     */
    page.hexState = function () {
      var selected = state.selected && page.listScope ? state.selected : null;
      return {
        view: currentView(),
        colour: state.mode,
        resolution: state.pinned,
        cell: selected ? selected.level.id(selected.k) : null,
        box: box.root.open
      };
    };

    /** Restore what hexState() returned (a promise, once the cells are decoded). */
    page.setHexState = function (s) {
      s = s || {};
      return (ready || Promise.resolve()).then(function () {
        if (typeof s.view === "string" && ["points", "hex", "both"].indexOf(s.view) >= 0) page.view(s.view);
        if (typeof s.colour === "string" && MODES[s.colour]) setMode(s.colour);
        if (s.resolution === null || typeof s.resolution === "number") {
          try {
            page.hexResolution(s.resolution);
          } catch (error) {
            page.hexResolution(null); // a resolution this map does not carry: by zoom
          }
        }
        if (typeof s.box === "boolean") box.root.open = s.box;
        if (typeof s.cell === "string" && s.cell && state.on) {
          try {
            page.selectCell(s.cell);
          } catch (error) {
            return null; // no incident of this map in that cell: nothing to list
          }
        }
        return page.hexState();
      });
    };

    /** A promise of the change per country: [{iso3, country, count, previous, change}]. */
    page.changeByCountry = function () {
      return store.text.then(function () {
        return countryChange();
      });
    };

    // -- opening ----------------------------------------------------------------------------

    /** Decode the cells (run with the page's other parts, before the page is ready). */
    page.hexStart = function () {
      store = page.store;
      var levels = (page.meta.hex && page.meta.hex.levels) || [];
      var decoded = levels.map(function (desc) {
        return store.buffers([desc.codes, desc.cells, desc.sizes, desc.verts]).then(function (arrays) {
          return GE.hexLevel(desc, arrays);
        });
      });
      var deaths = store.loadColumns(["fatalities"]).then(function (columns) {
        // Reported deaths per row (0 when not reported), read once: the counts add them up.
        fatalities = new Float64Array(store.n);
        var reader = columns.fatalities;
        for (var i = 0; reader && i < store.n; i++) {
          var f = reader.get(i);
          if (typeof f === "number") fatalities[i] = f;
        }
      });
      ready = Promise.all([Promise.all(decoded), deaths]).then(function (made) {
        state.levels = made[0];
        state.window = windowOf();
        state.level = levelFor();
        var later = null;
        page.onChange(function () {
          recount();
          // The box's table per country follows in the next task, off the change's own path.
          if (state.on && later === null) {
            later = setTimeout(function () {
              later = null;
              var t0 = performance.now();
              refreshCountries();
              page.hexTiming.countries = performance.now() - t0;
            }, 0);
          }
        });
        store.text.then(refreshCountries);
        map.on("zoomend", function () {
          chooseLevel();
          redraw();
        });
        map.on("mousemove", hover);
        map.on("click", click);
        if (state.on) shown(true);
        if (cfg.view !== "both") setPoints(cfg.view !== "hex");
        redraw();
      });
      return ready;
    };
    return layer;
  };

  GE.pageParts.push(function (page) {
    return page.hexStart ? page.hexStart() : null;
  });
})();
