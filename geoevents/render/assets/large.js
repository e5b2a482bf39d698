/* geoevents map runtime, part 6: the large-data layer.
 *
 * Above a few thousand incidents, one Leaflet layer per incident is too slow to build and to
 * draw. Here the incidents arrive as gzip-compressed binary columns (see render/columnar.py),
 * are decoded with the browser's DecompressionStream, and are drawn on one canvas:
 * - with many incidents in view, each is a small stamp of pixels written straight into the
 *   canvas image (level of detail: the precision symbol shrinks to a few pixels);
 * - with few in view, each gets the same symbol and area of uncertainty as on a small map.
 * Category toggles and the timeline recompute one visibility mask; text is decoded only when
 * a popup or tooltip shows it, and is inserted with textContent like everywhere else.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  var TYPES = {
    f32: Float32Array,
    f64: Float64Array,
    i32: Int32Array,
    u8: Uint8Array,
    u16: Uint16Array,
    bytes: Uint8Array
  };
  var NO_DAY = -2147483648;
  // With at most this many incidents in view, draw full symbols instead of pixel stamps.
  var DETAIL_MAX = 15000;
  // With more than this many in view, pixel stamps shrink from 5x5 to 3x3.
  var DENSE_MIN = 200000;
  var AREA_RADIUS = { 2: 15000, 3: 75000 };
  var EARTH_CIRCUMFERENCE = 40075016.686;
  var HIT_RADIUS = 7;
  var MAX_LAT = 85.0511287798;

  // -- decoding ----------------------------------------------------------------------------

  function base64Bytes(text) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }

  /** Decode one buffer (its parts are separate gzip members in separate script elements). */
  function readBuffer(spec) {
    var parts = spec.parts.map(function (id) {
      var node = document.getElementById(id);
      var bytes = base64Bytes(node.textContent.trim());
      return gunzip(bytes);
    });
    return Promise.all(parts).then(function (chunks) {
      var whole = new Uint8Array(spec.size);
      var at = 0;
      chunks.forEach(function (chunk) {
        whole.set(new Uint8Array(chunk), at);
        at += chunk.byteLength;
      });
      var Type = TYPES[spec.dtype];
      return new Type(whole.buffer, 0, spec.size / Type.BYTES_PER_ELEMENT);
    });
  }

  // -- columns -----------------------------------------------------------------------------

  var utf8 = new TextDecoder("utf-8");

  /** Running offsets (n + 1 of them) from lengths: where each text or list starts. */
  function offsetsOf(lengths) {
    var offsets = new Float64Array(lengths.length + 1);
    for (var i = 0; i < lengths.length; i++) offsets[i + 1] = offsets[i] + lengths[i];
    return offsets;
  }

  /** Day numbers (NO_DAY where missing) of a "day" column; an end is stored from its start. */
  function dayNumbers(desc, buffers, columns) {
    var raw = buffers[desc.data];
    var days = new Int32Array(raw.length);
    var base = desc.base;
    var starts = typeof base === "string" ? dayNumbers(columns[base], buffers, columns) : null;
    for (var i = 0; i < raw.length; i++) {
      if (raw[i] === desc.missing) days[i] = NO_DAY;
      else days[i] = (starts ? starts[i] : base) + raw[i];
    }
    return days;
  }

  /** Column readers: get(i) returns the value of row i, or undefined when it is missing. */
  function makeColumn(desc, buffers, columns) {
    switch (desc.kind) {
      case "num":
        var numbers = buffers[desc.data];
        var missing = desc.missing;
        return {
          get: function (i) {
            var v = numbers[i];
            return v !== v || v === missing ? undefined : v; // NaN or the sentinel: missing
          }
        };
      case "day":
        var days = dayNumbers(desc, buffers, columns);
        return {
          get: function (i) {
            return days[i] === NO_DAY ? undefined : GE.dayIso(days[i]);
          }
        };
      case "str":
        return stringColumn(desc, buffers);
      case "dict":
        var codes = buffers[desc.codes];
        var dictionary = stringColumn(desc.values, buffers);
        return {
          get: function (i) {
            var code = codes[i];
            return code ? dictionary.get(code - 1) : undefined;
          }
        };
      case "list":
        var listOffsets = offsetsOf(buffers[desc.lengths]);
        var items = makeColumn(desc.items, buffers, columns);
        return {
          get: function (i) {
            var out = [];
            for (var j = listOffsets[i]; j < listOffsets[i + 1]; j++) {
              var item = items.get(j);
              if (item !== undefined) out.push(item);
            }
            return out.length ? out : undefined;
          }
        };
      case "sources":
        var sourceOffsets = offsetsOf(buffers[desc.lengths]);
        var keys = Object.keys(desc.keys).map(function (key) {
          return [key, makeColumn(desc.keys[key], buffers, columns)];
        });
        return {
          get: function (i) {
            var out = [];
            for (var j = sourceOffsets[i]; j < sourceOffsets[i + 1]; j++) {
              var source = {};
              var any = false;
              keys.forEach(function (pair) {
                var value = pair[1].get(j);
                if (value !== undefined) {
                  source[pair[0]] = value;
                  any = true;
                }
              });
              if (any) out.push(source);
            }
            return out.length ? out : undefined;
          }
        };
    }
    throw new Error("geoevents: unknown column kind " + desc.kind);
  }

  function stringColumn(desc, buffers) {
    var offsets = null;
    var data = buffers[desc.data];
    var cache = {};
    return {
      get: function (i) {
        offsets = offsets || offsetsOf(buffers[desc.lengths]);
        var start = offsets[i];
        var end = offsets[i + 1];
        if (end === start) return undefined;
        if (cache[i] === undefined) cache[i] = utf8.decode(data.subarray(start, end));
        return cache[i];
      }
    };
  }

  var BUFFER_KEYS = ["data", "codes", "lengths"];

  /** Which buffers a column description refers to (nested ones included). */
  function bufferIndexes(desc, into) {
    Object.keys(desc).forEach(function (key) {
      var value = desc[key];
      if (BUFFER_KEYS.indexOf(key) >= 0) into.push(value);
      else if (value && typeof value === "object") bufferIndexes(value, into);
    });
    return into;
  }

  // -- symbols -----------------------------------------------------------------------------

  function rgb(hex) {
    var v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }

  function pixel(color) {
    // ImageData is RGBA in memory, read little-endian as one 32-bit number.
    return ((255 << 24) | (color[2] << 16) | (color[1] << 8) | color[0]) >>> 0;
  }

  var WHITE = pixel([255, 255, 255]);

  /** The pixel stamp of a precision symbol: [dx, dy, value] triples, value 1 colour, 2 white. */
  function stampShape(code, small) {
    var cells = [];
    var r = small ? 1 : 2;
    for (var dy = -r; dy <= r; dy++) {
      for (var dx = -r; dx <= r; dx++) {
        var d2 = dx * dx + dy * dy;
        if (!small && d2 > 5) continue; // round off the 5x5 corners
        var edge = small ? d2 > 0 : d2 > 1;
        if (code === 1) cells.push(dx, dy, 1);
        else if (code === 2) cells.push(dx, dy, edge ? 1 : 2);
        // Dashed ring: every other edge pixel, white inside.
        else if (!edge) cells.push(dx, dy, 2);
        else if ((dx + dy + 2 * r) % 2 === 0) cells.push(dx, dy, 1);
      }
    }
    return cells;
  }

  var MARKER = {
    1: { radius: 6, stroke: "#ffffff", width: 1.5, fill: null, dash: null },
    2: { radius: 6, stroke: null, width: 3, fill: "#ffffff", dash: null },
    3: { radius: 5, stroke: null, width: 2, fill: "#ffffff", dash: [2, 2] }
  };

  // -- the layer ---------------------------------------------------------------------------

  var CanvasLayer = L.Layer.extend({
    initialize: function (state) {
      this._state = state;
      this._redraw = this._redraw.bind(this);
    },

    onAdd: function (map) {
      var pane = map.getPane("geoeventsLarge") || map.createPane("geoeventsLarge");
      pane.style.zIndex = 420;
      pane.style.pointerEvents = "none";
      this._canvas = L.DomUtil.create("canvas", "ge-large leaflet-zoom-hide", pane);
      map.on("moveend resize viewreset", this._redraw);
      this._redraw();
    },

    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize viewreset", this._redraw);
    },

    _redraw: function () {
      if (!this._map) return;
      this._state.render(this._canvas);
    }
  });

  /**
   * Draw the large-data incidents described by the JSON block opts.metaId into opts.groups
   * (one per category). Returns the map's state, with the same interface as drawIncidents:
   * visibleCount(), drawnCount(), setRange([start, end] | null), onChange(fn), plus
   * record(i) and openPopup(i) for scripts and tests.
   */
  GE.drawLarge = function (opts) {
    var map = opts.map;
    var meta = GE.readJson(opts.metaId);
    var n = meta.count;
    var state = {
      map: map,
      meta: meta,
      groups: opts.groups,
      count: n,
      range: null,
      listeners: [],
      large: true,
      textReady: false
    };
    var cols = {};
    var buffers = new Array(meta.buffers.length);
    var lat, lon, cat, prec, isShape, mx, my;
    var starts = null;
    var ends = null;
    var visible = new Uint8Array(n);
    var visibleTotal = 0;
    var drawable = 0;
    var shapeItems = [];
    var catOn = meta.categories.map(function () {
      return true;
    });
    // Scratch arrays reused by every redraw.
    var inView = new Int32Array(n);
    var viewX = new Float32Array(n);
    var viewY = new Float32Array(n);
    var sorted = new Int32Array(n);
    var viewCount = 0;
    var hit = null;
    var hitWidth = 0;
    var hitHeight = 0;

    function load(names) {
      var wanted = [];
      names.forEach(function (name) {
        if (meta.columns[name]) bufferIndexes(meta.columns[name], wanted);
      });
      return Promise.all(
        wanted.map(function (index) {
          if (buffers[index]) return buffers[index];
          return readBuffer(meta.buffers[index]).then(function (array) {
            buffers[index] = array;
          });
        })
      );
    }

    function inRange(i, lo, hi) {
      if (!starts) return true;
      var d0 = starts[i];
      if (d0 === NO_DAY) return true;
      var d1 = ends && ends[i] !== NO_DAY ? ends[i] : d0;
      return d0 <= hi && d1 >= lo;
    }

    /** Recompute which incidents are on: drawable, category on, inside the date range. */
    function recompute() {
      catOn = meta.categories.map(function (category, index) {
        return map.hasLayer(opts.groups[index]);
      });
      var lo = -Infinity;
      var hi = Infinity;
      if (state.range) {
        lo = GE.isoDay(state.range[0]);
        hi = GE.isoDay(state.range[1]);
      }
      var total = 0;
      var on = new Uint8Array(catOn.length);
      catOn.forEach(function (value, index) {
        on[index] = value ? 1 : 0;
      });
      var dated = starts && state.range;
      for (var i = 0; i < n; i++) {
        var show = prec[i] !== 0 && on[cat[i]] === 1;
        if (show && dated) {
          var d0 = starts[i];
          if (d0 !== NO_DAY) {
            var d1 = ends !== null && ends[i] !== NO_DAY ? ends[i] : d0;
            show = d0 <= hi && d1 >= lo;
          }
        }
        visible[i] = show ? 1 : 0;
        total += visible[i];
      }
      visibleTotal = total;
      // Shapes are Leaflet layers inside their category group: add or remove them by date.
      shapeItems.forEach(function (item) {
        var keep = inRange(item.row, lo, hi);
        if (keep === item.shown) return;
        item.shown = keep;
        if (keep) opts.groups[cat[item.row]].addLayer(item.layer);
        else opts.groups[cat[item.row]].removeLayer(item.layer);
      });
    }

    /** Project the visible, non-shape incidents in view; sort them by category (draw order). */
    function project(width, height, margin) {
      var scale = 256 * Math.pow(2, map.getZoom());
      var origin = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      var count = 0;
      for (var i = 0; i < n; i++) {
        if (!visible[i] || isShape[i]) continue;
        var x = mx[i] * scale - origin.x;
        if (x < -margin || x > width + margin) continue;
        var y = my[i] * scale - origin.y;
        if (y < -margin || y > height + margin) continue;
        inView[count] = i;
        viewX[i] = x;
        viewY[i] = y;
        count++;
      }
      // Counting sort by category keeps row order within a category, like the small map's
      // layer groups, where later categories lie on top.
      var k = meta.categories.length;
      var starts = new Int32Array(k + 1);
      for (var j = 0; j < count; j++) starts[cat[inView[j]] + 1]++;
      for (var c = 0; c < k; c++) starts[c + 1] += starts[c];
      for (j = 0; j < count; j++) sorted[starts[cat[inView[j]]]++] = inView[j];
      viewCount = count;
      return scale;
    }

    function ensureHit(width, height) {
      if (!hit || hitWidth !== width || hitHeight !== height) {
        hit = new Int32Array(width * height);
        hitWidth = width;
        hitHeight = height;
      } else {
        hit.fill(0);
      }
    }

    var image = null;

    function drawStamps(ctx, width, height) {
      if (!image || image.width !== width || image.height !== height) {
        image = ctx.createImageData(width, height);
      }
      var pixels = new Uint32Array(image.data.buffer);
      pixels.fill(0);
      var small = viewCount > DENSE_MIN;
      var r = small ? 1 : 2;
      var stamps = {};
      [1, 2, 3].forEach(function (code) {
        var cells = stampShape(code, small);
        // As offsets into the pixel array, with the colour (1) or white (2) to write.
        var flat = [];
        for (var s = 0; s < cells.length; s += 3) {
          flat.push(cells[s + 1] * width + cells[s], cells[s + 2]);
        }
        stamps[code] = { cells: cells, flat: flat };
      });
      var colors = meta.categories.map(function (category) {
        return pixel(rgb(category.color));
      });
      for (var j = 0; j < viewCount; j++) {
        var i = sorted[j];
        var x = Math.round(viewX[i]);
        var y = Math.round(viewY[i]);
        var color = colors[cat[i]];
        var stamp = stamps[prec[i]];
        if (x >= r && y >= r && x < width - r && y < height - r) {
          // Wholly inside: no bounds checks.
          var centre = y * width + x;
          var flat = stamp.flat;
          for (var f = 0; f < flat.length; f += 2) {
            pixels[centre + flat[f]] = flat[f + 1] === 1 ? color : WHITE;
          }
          hit[centre] = i + 1;
          continue;
        }
        var cells = stamp.cells;
        for (var s = 0; s < cells.length; s += 3) {
          var px = x + cells[s];
          var py = y + cells[s + 1];
          if (px < 0 || py < 0 || px >= width || py >= height) continue;
          pixels[py * width + px] = cells[s + 2] === 1 ? color : WHITE;
        }
        if (x >= 0 && y >= 0 && x < width && y < height) hit[y * width + x] = i + 1;
      }
      ctx.putImageData(image, 0, 0);
    }

    function markHit(x, y, i, width, height) {
      var r = HIT_RADIUS;
      var x0 = Math.max(0, Math.round(x) - r);
      var x1 = Math.min(width - 1, Math.round(x) + r);
      var y0 = Math.max(0, Math.round(y) - r);
      var y1 = Math.min(height - 1, Math.round(y) + r);
      for (var py = y0; py <= y1; py++) {
        for (var px = x0; px <= x1; px++) hit[py * width + px] = i + 1;
      }
    }

    function drawSymbols(ctx, width, height, scale) {
      var metresPerPixel = EARTH_CIRCUMFERENCE / scale;
      var j, i, code, category;
      // Areas of uncertainty first, under every marker.
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1.5;
      for (j = 0; j < viewCount; j++) {
        i = sorted[j];
        code = prec[i];
        if (code < 2) continue;
        category = meta.categories[cat[i]];
        var radius = AREA_RADIUS[code] / (metresPerPixel * Math.cos((lat[i] * Math.PI) / 180));
        ctx.beginPath();
        ctx.arc(viewX[i], viewY[i], radius, 0, 2 * Math.PI);
        ctx.globalAlpha = 0.12;
        ctx.fillStyle = category.color;
        ctx.fill();
        ctx.globalAlpha = 0.8;
        ctx.strokeStyle = category.color;
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      for (j = 0; j < viewCount; j++) {
        i = sorted[j];
        code = prec[i];
        category = meta.categories[cat[i]];
        var style = MARKER[code];
        ctx.beginPath();
        ctx.arc(viewX[i], viewY[i], style.radius, 0, 2 * Math.PI);
        ctx.globalAlpha = code === 1 ? 0.9 : 1;
        ctx.fillStyle = style.fill || category.color;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.setLineDash(style.dash || []);
        ctx.lineWidth = style.width;
        ctx.strokeStyle = style.stroke || category.color;
        ctx.stroke();
        markHit(viewX[i], viewY[i], i, width, height);
      }
      ctx.setLineDash([]);
    }

    /** Draw the visible incidents on the canvas (called by the layer after every move). */
    state.render = function (canvas) {
      var size = map.getSize();
      var width = size.x;
      var height = size.y;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = width;
      canvas.height = height;
      ensureHit(width, height);
      if (!width || !height) return;
      var ctx = canvas.getContext("2d");
      var scale = project(width, height, HIT_RADIUS);
      state.mode = viewCount > DETAIL_MAX ? "stamps" : "symbols";
      if (state.mode === "stamps") drawStamps(ctx, width, height);
      else drawSymbols(ctx, width, height, scale);
      state.drawnInView = viewCount;
    };

    /** The incident drawn at (or within a few pixels of) a container point, or -1. */
    state.hitTest = function (point) {
      if (!hit) return -1;
      var x = Math.round(point.x);
      var y = Math.round(point.y);
      for (var r = 0; r <= 3; r++) {
        for (var dy = -r; dy <= r; dy++) {
          for (var dx = -r; dx <= r; dx++) {
            var px = x + dx;
            var py = y + dy;
            if (px < 0 || py < 0 || px >= hitWidth || py >= hitHeight) continue;
            var found = hit[py * hitWidth + px];
            if (found) return found - 1;
          }
        }
      }
      return -1;
    };

    /** Incident i as a record like the small map's (fields present only when they have a value). */
    state.record = function (i) {
      var rec = { c: cat[i] };
      Object.keys(cols).forEach(function (name) {
        var value = cols[name].get(i);
        if (value !== undefined) rec[name] = value;
      });
      rec.point = [lat[i], lon[i]];
      return rec;
    };

    /** Run fn once the text columns are decoded. */
    state.withText = function (fn) {
      return state.text.then(fn);
    };

    function popupNode(i) {
      var holder = GE.el("div", "ge-popup-holder");
      holder.appendChild(GE.el("div", "ge-loading", "Loading…"));
      state.withText(function () {
        holder.textContent = "";
        holder.appendChild(GE.popupContent(state.record(i), meta));
        if (state.popup && state.popup.isOpen()) state.popup.update();
      });
      return holder;
    }

    /** Open incident i's popup (as a click on it does). */
    state.openPopup = function (i) {
      state.popup = L.popup({ maxWidth: 360, minWidth: 240, maxHeight: 360 })
        .setLatLng([lat[i], lon[i]])
        .setContent(popupNode(i))
        .openOn(map);
      return state.popup;
    };

    state.isVisible = function (i) {
      return visible[i] === 1;
    };
    state.visibleCount = function () {
      var shapes = shapeItems.filter(function (item) {
        return item.shown && catOn[cat[item.row]];
      }).length;
      return visibleTotal + shapes;
    };
    state.drawnCount = function () {
      return drawable;
    };
    state.onChange = function (listener) {
      state.listeners.push(listener);
    };
    state.changed = function () {
      if (!prec) return; // not decoded yet: the first draw applies the current range
      recompute();
      if (state.layer) state.layer._redraw();
      state.listeners.forEach(function (listener) {
        listener(state);
      });
    };
    state.setRange = function (range) {
      state.range = range;
      state.changed();
    };
    /** Container points of the visible incidents in view (for the heat layer). */
    state.viewPoints = function () {
      if (!prec) return { xs: [], ys: [], count: 0 };
      var size = map.getSize();
      project(size.x, size.y, 0);
      var xs = new Float32Array(viewCount);
      var ys = new Float32Array(viewCount);
      for (var j = 0; j < viewCount; j++) {
        xs[j] = viewX[sorted[j]];
        ys[j] = viewY[sorted[j]];
      }
      return { xs: xs, ys: ys, count: viewCount };
    };

    function addShapes() {
      var renderer = L.canvas({ padding: 0.2 });
      GE.readJson(opts.shapesId).forEach(function (entry) {
        var row = entry[0];
        var category = meta.categories[cat[row]];
        var code = prec[row] || 1;
        var layer = L.geoJSON(entry[1], {
          renderer: renderer,
          style: {
            color: category.color,
            weight: 3,
            opacity: 0.9,
            fillColor: category.color,
            fillOpacity: 0.2,
            dashArray: code === 1 ? null : "6 4"
          }
        });
        layer.on("click", function (event) {
          L.DomEvent.stop(event);
          state.openPopup(row);
          state.popup.setLatLng(event.latlng);
        });
        opts.groups[cat[row]].addLayer(layer);
        shapeItems.push({ row: row, layer: layer, shown: true });
      });
    }

    var tooltip = null;
    var pending = false;
    function hover(event) {
      if (pending) return;
      pending = true;
      L.Util.requestAnimFrame(function () {
        pending = false;
        var i = state.hitTest(event.containerPoint);
        map.getContainer().style.cursor = i >= 0 ? "pointer" : "";
        if (i < 0 || !state.textReady) {
          if (tooltip) map.closeTooltip(tooltip);
          return;
        }
        tooltip = tooltip || L.tooltip({ direction: "top", offset: [0, -6] });
        tooltip.setLatLng([lat[i], lon[i]]).setContent(GE.tooltipContent(state.record(i)));
        if (!map.hasLayer(tooltip)) map.openTooltip(tooltip);
      });
    }

    var DRAW_COLUMNS = ["_lat", "_lon", "_cat", "_prec", "_shape", "date_start", "date_end"];
    var decoded =
      typeof DecompressionStream === "function"
        ? load(DRAW_COLUMNS)
        : Promise.reject(
            new Error(
              "this browser cannot decode them (it lacks DecompressionStream): open the map in " +
                "a current Firefox, Chrome, Edge or Safari"
            )
          );
    state.drawn = decoded
      .then(function () {
        lat = buffers[meta.columns._lat.data];
        lon = buffers[meta.columns._lon.data];
        cat = buffers[meta.columns._cat.data];
        prec = buffers[meta.columns._prec.data];
        isShape = buffers[meta.columns._shape.data];
        if (meta.columns.date_start && meta.columns.date_start.kind === "day") {
          starts = dayNumbers(meta.columns.date_start, buffers, meta.columns);
          var end = meta.columns.date_end;
          ends = end && end.kind === "day" ? dayNumbers(end, buffers, meta.columns) : null;
        }
        // Web Mercator, normalised to [0, 1]: x = lon / 360 + 0.5, y grows southwards.
        mx = new Float64Array(n);
        my = new Float64Array(n);
        for (var i = 0; i < n; i++) {
          if (prec[i]) drawable++;
          var phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat[i])) * Math.PI) / 180;
          mx[i] = lon[i] / 360 + 0.5;
          my[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
        }
        addShapes();
        recompute();
        state.layer = new CanvasLayer(state).addTo(map);
        map.on("overlayadd overlayremove", state.changed);
        map.on("click", function (event) {
          var i = state.hitTest(event.containerPoint);
          if (i >= 0) state.openPopup(i);
        });
        map.on("mousemove", hover);
        state.listeners.forEach(function (listener) {
          listener(state);
        });
      })
      .catch(function (error) {
        // Say so on the map and on <html> (for scripts), and never report the page as drawn.
        state.error = error && error.message ? error.message : String(error);
        GE.addNotice(map, "The incidents could not be drawn: " + state.error);
        document.documentElement.dataset.geoeventsError = state.error;
        return new Promise(function () {});
      });
    // Text is decoded after the first draw, while the analyst looks at the map.
    state.text = state.drawn.then(function () {
      var names = Object.keys(meta.columns).filter(function (name) {
        return name.charAt(0) !== "_";
      });
      return load(names).then(function () {
        names.forEach(function (name) {
          cols[name] = makeColumn(meta.columns[name], buffers, meta.columns);
        });
        state.textReady = true;
      });
    });
    GE.maps[opts.mapName] = state;
    return state;
  };

  /** A message box at the top of the map (text only). */
  GE.addNotice = function (map, text) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var node = GE.el("div", "ge-box ge-notice", text);
      GE.isolate(node);
      return node;
    };
    ctl.addTo(map);
    return ctl;
  };
})();
