/* geoevents map runtime: the parts of the hexagon view (hexview.js) — the rules it shares with
 * the library (the change class of aggregation/change.py, the previous window of
 * aggregation/windows.py), one resolution's cells as typed arrays, the colour classes, the
 * canvas and the box of options. Text is data: everything is inserted with textContent.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;
  var MAX_LAT = 85.0511287798;
  var DAY_MS = 86400000;
  var MODES = (GE.HEX_MODES = { count: "Incidents", deaths: "Deaths", change: "Change" });

  function mercatorY(lat) {
    var phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
    return 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
  }

  // -- the rules shared with the library ----------------------------------------------------

  /** The change class of a window's count against the previous one (aggregation/change.py). */
  GE.changeClass = function (current, previous, rule) {
    if (Math.max(current, previous) < rule.minCount) return "too few";
    var ratio = previous > 0 ? current / previous : Infinity;
    if (ratio >= rule.sharpRise) return "sharp rise";
    if (ratio >= rule.rise) return "rise";
    if (ratio > 1 / rule.rise) return "stable";
    if (ratio > 1 / rule.sharpRise) return "fall";
    return "sharp fall";
  };

  function dayOf(year, month0, day) {
    var date = new Date(0);
    date.setUTCFullYear(year, month0, day);
    return Math.round(date.getTime() / DAY_MS);
  }

  function monthIndex(day) {
    var date = new Date(day * DAY_MS);
    return date.getUTCFullYear() * 12 + date.getUTCMonth();
  }

  /**
   * The window before [lo, hi] (day numbers) of the same length (aggregation/windows.py):
   * whole calendar months against as many whole months before, any other range against the
   * same number of days before it.
   */
  GE.previousWindow = function (lo, hi) {
    var whole = new Date(lo * DAY_MS).getUTCDate() === 1 && new Date((hi + 1) * DAY_MS).getUTCDate() === 1;
    if (whole) {
      var months = monthIndex(hi) - monthIndex(lo) + 1;
      var first = monthIndex(lo) - months;
      var last = first + months - 1;
      return [dayOf(Math.floor(first / 12), first % 12, 1), dayOf(Math.floor(last / 12), (last % 12) + 1, 0)];
    }
    var days = hi - lo + 1;
    return [lo - days, lo - 1];
  };

  // -- the cells of one resolution ------------------------------------------------------------

  /** One resolution's cells from its buffers: ids, Mercator vertices, boxes, counts. */
  GE.hexLevel = function (desc, arrays) {
    var count = desc.count;
    var bytes = arrays[1];
    var sizes = arrays[2];
    var verts = arrays[3];
    var starts = new Int32Array(count + 1);
    for (var k = 0; k < count; k++) starts[k + 1] = starts[k] + sizes[k];
    var vx = new Float64Array(starts[count]);
    var vy = new Float64Array(starts[count]);
    var box = new Float64Array(4 * count);
    var widths = new Float64Array(count);
    for (k = 0; k < count; k++) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var v = starts[k]; v < starts[k + 1]; v++) {
        var x = (vx[v] = verts[2 * v + 1] / 360 + 0.5);
        var y = (vy[v] = mercatorY(verts[2 * v]));
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      box[4 * k] = x0;
      box[4 * k + 1] = y0;
      box[4 * k + 2] = x1;
      box[4 * k + 3] = y1;
      widths[k] = x1 - x0;
    }
    var sorted = Array.prototype.slice.call(widths).sort(function (a, b) {
      return a - b;
    });
    var ids = null;
    var byId = null;
    var level = {
      resolution: desc.resolution,
      count: count,
      codes: arrays[0],
      starts: starts,
      vx: vx,
      vy: vy,
      box: box,
      width: count ? sorted[Math.floor(count / 2)] : 0,
      counts: new Int32Array(count + 1),
      deaths: new Float64Array(count + 1),
      previous: new Int32Array(count + 1),
      counted: false,
      /** The id (H3's hex string) of cell k. */
      id: function (k) {
        if (!ids) {
          ids = new Array(count);
          var text = new TextDecoder("ascii").decode(bytes);
          for (var j = 0; j < count; j++) ids[j] = text.substring(15 * j, 15 * j + 15);
        }
        return ids[k];
      },
      /** The index of a cell id, or -1. */
      indexOf: function (id) {
        if (!byId) {
          byId = new Map();
          for (var j = 0; j < count; j++) byId.set(level.id(j), j);
        }
        var k = byId.get(String(id));
        return k === undefined ? -1 : k;
      }
    };
    return level;
  }

  /** Upper bounds of the colour classes of values up to max: geometric steps, whole numbers. */
  GE.hexClassBounds = function (max, classes) {
    var out = [];
    if (max <= 0) return out;
    for (var j = 1; j <= classes; j++) {
      var bound = Math.ceil(Math.pow(max, j / classes));
      if (!out.length || bound > out[out.length - 1]) out.push(bound);
    }
    out[out.length - 1] = Math.max(out[out.length - 1], Math.ceil(max));
    return out;
  }

  // -- the canvas -------------------------------------------------------------------------------

  /** The canvas the cells are drawn on (hooks: shown(on), draw(canvas)). */
  GE.HexCanvas = L.Layer.extend({
    initialize: function (hooks) {
      this._hooks = hooks;
      this._redraw = this._redraw.bind(this);
    },
    onAdd: function (map) {
      var pane = map.getPane("geoeventsHex") || map.createPane("geoeventsHex");
      pane.style.zIndex = 350; // above the borders and tiles, below every incident pane (380+)
      pane.style.pointerEvents = "none";
      this._canvas = L.DomUtil.create("canvas", "ge-hex leaflet-zoom-hide", pane);
      map.on("moveend resize viewreset", this._redraw);
      this._hooks.shown(true);
      this._redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
      map.off("moveend resize viewreset", this._redraw);
      this._hooks.shown(false);
    },
    _redraw: function () {
      if (this._map && this._canvas) this._hooks.draw(this._canvas);
    }
  });

  /** Per country (iso3): shown incidents, those of the previous window (win), the class. */
  GE.hexCountryChange = function (store, win, rule) {
    var iso = store.distinct("iso3");
    var names = store.distinct("country");
    if (!iso) return [];
    var size = iso.values.length + 1;
    var now = new Int32Array(size);
    var before = new Int32Array(size);
    var nameCode = new Int32Array(size).fill(-1);
    var mask = store.mask;
    var base = store.base;
    var starts = store.starts;
    var ends = store.ends;
    var lo = win ? win.previous[0] : 0;
    var hi = win ? win.previous[1] : -1;
    var NO_DAY = GE.NO_DAY;
    for (var i = 0; i < store.n; i++) {
      if (!base[i]) continue; // mask[i] implies base[i]
      var code = iso.codes[i];
      if (mask[i]) now[code]++;
      if (nameCode[code] < 0 && names) nameCode[code] = names.codes[i];
      if (win === null) continue;
      var first = starts[i];
      var last = ends !== null ? ends[i] : NO_DAY;
      if (first === NO_DAY || (first <= hi && (last === NO_DAY ? first : last) >= lo)) before[code]++;
    }
    var out = [];
    for (var c = 0; c < size; c++) {
      if (!now[c] && !before[c]) continue;
      out.push({
        iso3: c ? iso.values[c - 1] : "(unknown)",
        country: names && nameCode[c] > 0 ? names.values[nameCode[c] - 1] : null,
        count: now[c],
        previous: win ? before[c] : null,
        change: win ? GE.changeClass(now[c], before[c], rule) : null
      });
    }
    out.sort(function (a, b) {
      return b.count - a.count || (a.iso3 < b.iso3 ? -1 : a.iso3 > b.iso3 ? 1 : 0);
    });
    return out;
  };

  /** The box of the hexagon view (bottom left): colouring, points, scale, per country. */
  GE.hexBox = function (page, handlers) {
    var map = page.map;
    var root = el("details", "ge-box ge-hexbox");
    root.open = true;
    root.appendChild(el("summary", "ge-box-title", "Hexagons"));
    var about = el("div", "ge-hex-about", "");
    root.appendChild(about);
    var modes = el("div", "ge-hex-modes");
    modes.setAttribute("role", "radiogroup");
    modes.setAttribute("aria-label", "Colour the hexagons by");
    var radios = {};
    Object.keys(MODES).forEach(function (mode) {
      var label = el("label", "ge-hex-mode");
      var input = el("input");
      input.type = "radio";
      input.name = "ge-hex-mode-" + page.id;
      input.value = mode;
      input.checked = mode === "count";
      input.addEventListener("change", function () {
        if (input.checked) handlers.setMode(mode);
      });
      radios[mode] = input;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + MODES[mode]));
      modes.appendChild(label);
    });
    root.appendChild(modes);
    var pointsLabel = el("label", "ge-hex-points");
    var points = el("input");
    points.type = "checkbox";
    points.checked = true;
    points.addEventListener("change", function () {
      handlers.setPoints(points.checked);
    });
    pointsLabel.appendChild(points);
    pointsLabel.appendChild(document.createTextNode(" Incidents too"));
    root.appendChild(pointsLabel);
    var scale = el("ul", "ge-legend-list ge-hex-scale");
    root.appendChild(scale);
    var windowText = el("div", "ge-hex-window", "");
    root.appendChild(windowText);
    var countries = el("table", "ge-hex-countries");
    root.appendChild(countries);
    root.style.display = "none";
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () {
      GE.isolate(root);
      return root;
    };
    ctl.addTo(map);
    return {
      root: root,
      about: about,
      radios: radios,
      points: points,
      scale: scale,
      windowText: windowText,
      countries: countries
    };
  };
})();
