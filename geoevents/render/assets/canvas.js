/* geoevents map runtime: the canvas drawer — every shown incident on one canvas.
 *
 * For the large maps, where one Leaflet layer per incident is too slow to build and to draw:
 * - with many incidents in view, each is a small stamp of pixels written straight into the
 *   canvas image (level of detail: the precision symbol shrinks to a few pixels);
 * - with few in view, each gets the same symbol and area of uncertainty as the vector drawer.
 * Lines and polygons stay Leaflet layers (on a canvas renderer), managed by the page.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var S = GE.styles;

  // With at most this many incidents in view, draw full symbols instead of pixel stamps.
  var DETAIL_MAX = 15000;
  // With more than this many in view, pixel stamps shrink from 5x5 to 3x3.
  var DENSE_MIN = 200000;
  var EARTH_CIRCUMFERENCE = 40075016.686;
  var WHITE = S.pixel([255, 255, 255]);

  var CanvasLayer = L.Layer.extend({
    initialize: function (render) {
      this._render = render;
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
      if (this._map) this._render(this._canvas);
    }
  });

  GE.canvasDrawer = function (page) {
    var store = page.store;
    var map = page.map;
    var categories = page.meta.categories;
    // page.project gives the rows by category, in row order within each: later categories
    // (and later rows) are drawn on top.
    var sorted = null;
    var image = null;
    var pixels = null;
    var seen = null; // per pixel: which (category pass, symbol) last had a stamp centred there
    var pass = 0;
    // Per category, its distinct stamps in view (x, y, symbol), kept until the view moves or
    // the category's mask changes: a toggle re-reads its own category's rows only.
    var distinct = { at: "", versions: null, lists: [], all: [] };

    // With sizes, larger symbols first (underneath), so a small one is never hidden by a large
    // one: a stable counting sort of the projected rows by whole pixels of radius, largest first.
    var resorted = store.sizes ? new Int32Array(store.n) : null;
    function bySize(rows, count) {
      var top = Math.ceil(GE.sizes.MAX) + 1;
      var starts = new Int32Array(top + 1);
      var j;
      for (j = 0; j < count; j++) starts[top - Math.round(store.sizes[rows[j]]) + 1]++;
      for (var b = 0; b < top; b++) starts[b + 1] += starts[b];
      for (j = 0; j < count; j++) resorted[starts[top - Math.round(store.sizes[rows[j]])]++] = rows[j];
      return resorted;
    }

    /** The stamp of row i: its symbol, and with sizes its size and "not reported" halo. */
    function stampKey(i, r) {
      var code = store.prec[i];
      if (!store.sizes) return code;
      var sized = Math.max(r, Math.round(S.radiusOf(code, store.sizes[i]) / 2));
      return code * 1000 + sized * 2 + (store.unreported ? store.unreported[i] : 0);
    }

    /**
     * The distinct stamps of rows sorted[start .. end), from the last row back, as (x, y, stamp,
     * category): a stamp centred where the same stamp already was is left out (that later one
     * covers it).
     */
    function distinctStamps(view, start, end, r, rows) {
      var width = view.width;
      var height = view.height;
      var out = [];
      var from = rows || sorted;
      pass++;
      for (var j = end - 1; j >= start; j--) {
        var i = from[j];
        var x = Math.round(view.xs[i]);
        var y = Math.round(view.ys[i]);
        var key = stampKey(i, r);
        if (x >= 0 && y >= 0 && x < width && y < height) {
          var centre = y * width + x;
          var mark = pass * 4096 + key;
          if (seen[centre] === mark) continue;
          seen[centre] = mark;
        }
        out.push(x, y, key, store.cat[i]);
      }
      return Int32Array.from(out);
    }

    /**
     * Pixel stamps, drawn from the top one down: a pixel takes the first colour written to it,
     * which is what the last stamp drawn bottom-up would leave, and each category draws only
     * its distinct stamps (distinctStamps). The result is the bottom-up drawing's, pixel for
     * pixel, but a million incidents around a few thousand places cost a few thousand stamps,
     * and a toggle re-reads one category.
     */
    function drawStamps(ctx, view) {
      var width = view.width;
      var height = view.height;
      var k = categories.length;
      if (!image || image.width !== width || image.height !== height) {
        image = ctx.createImageData(width, height);
        pixels = new Uint32Array(image.data.buffer);
        seen = new Int32Array(width * height);
      }
      if (!view.at || distinct.at !== view.at) {
        distinct = { at: view.at, versions: new Int32Array(k).fill(-1), lists: [], all: [] };
      }
      pixels.fill(0);
      var small = view.count > DENSE_MIN;
      var r = small ? 1 : 2;
      var halo = S.pixel(S.rgb(GE.sizes.haloColor(map)));
      var stamps = {};
      // One stamp per key (stampKey), made when first needed, as offsets into the pixel array
      // with the colour (1), white (2) or halo (3) to write.
      function stampOf(key) {
        if (!stamps[key]) {
          // stampKey's number back into its parts: a symbol code alone, or code, size and halo.
          var sizedKey = key >= 1000;
          var code = sizedKey ? Math.floor(key / 1000) : key;
          var sized = sizedKey ? Math.floor((key % 1000) / 2) : 0;
          var cells = S.stampShape(code, small, sized, sizedKey && key % 2 === 1);
          var flat = [];
          var reach = 0;
          for (var s = 0; s < cells.length; s += 3) {
            flat.push(cells[s + 1] * width + cells[s], cells[s + 2]);
            reach = Math.max(reach, Math.abs(cells[s]), Math.abs(cells[s + 1]));
          }
          stamps[key] = { cells: cells, flat: flat, reach: reach };
        }
        return stamps[key];
      }
      var colors = categories.map(function (category) {
        return S.pixel(S.rgb(category.color));
      });
      var values = [0, 0, WHITE, halo];
      function drawList(list) {
        for (var t = 0; t < list.length; t += 4) {
          var x = list[t];
          var y = list[t + 1];
          var stamp = stampOf(list[t + 2]);
          values[1] = colors[list[t + 3]];
          var reach = stamp.reach;
          if (x >= reach && y >= reach && x < width - reach && y < height - reach) {
            // Wholly inside: no bounds checks.
            var centre = y * width + x;
            var flat = stamp.flat;
            for (var f = 0; f < flat.length; f += 2) {
              var p = centre + flat[f];
              if (pixels[p] === 0) pixels[p] = values[flat[f + 1]];
            }
            continue;
          }
          var cells = stamp.cells;
          for (var s = 0; s < cells.length; s += 3) {
            var px = x + cells[s];
            var py = y + cells[s + 1];
            if (px < 0 || py < 0 || px >= width || py >= height) continue;
            var q = py * width + px;
            if (pixels[q] === 0) pixels[q] = values[cells[s + 2]];
          }
        }
      }
      if (store.sizes) {
        // Sizes order the rows across categories (bySize): one list, made again each draw.
        drawList(distinctStamps(view, 0, view.count, r));
      } else {
        for (var c = k - 1; c >= 0; c--) {
          if (distinct.versions[c] !== store.catVersion[c]) {
            // All of c's rows shown (filters cleared): its stamps as when last all shown here.
            var all = store.catAll[c] ? distinct.all[c] : null;
            distinct.lists[c] = all || distinctStamps(view, c ? view.catEnds[c - 1] : 0, view.catEnds[c], r);
            distinct.versions[c] = store.catVersion[c];
            if (store.catAll[c]) distinct.all[c] = distinct.lists[c];
          }
          drawList(distinct.lists[c]);
        }
      }
      ctx.putImageData(image, 0, 0);
    }

    // Full symbols are drawn from sprites: each distinct look (symbol, colour, radius, halo;
    // area of uncertainty by colour and radius in half pixels) is drawn once on a small
    // offscreen canvas and then copied with drawImage, at the whole pixel nearest the incident
    // (arc, fill and a dashed stroke per incident cost over 300 ms for 10,000 of them).
    // Compositing a sprite is the same as drawing its layers in place (source-over).
    var sprites = new Map();
    // Areas wider than this (in pixels of radius) are traced directly: a sprite that large
    // costs more to make than it saves, and few of them fit a view.
    var SPRITE_AREA_MAX = 96;

    var spritesHalo = null;

    /** A canvas of side 2 * half with draw(ctx, half) centred on it (a pixel corner, where an
     * incident at a whole pixel is drawn). */
    function sprite(key, reach, draw) {
      var made = sprites.get(key);
      if (made) return made;
      var half = Math.ceil(reach) + 1;
      var canvas = document.createElement("canvas");
      canvas.width = canvas.height = 2 * half;
      draw(canvas.getContext("2d"), half);
      made = { canvas: canvas, half: half, key: key };
      sprites.set(key, made);
      return made;
    }

    function traceArea(ctx, x, y, radius, color) {
      ctx.setLineDash(S.AREA.dash);
      ctx.lineWidth = S.AREA.width;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.globalAlpha = S.AREA.fillOpacity;
      ctx.fillStyle = color;
      ctx.fill();
      ctx.globalAlpha = S.AREA.opacity;
      ctx.strokeStyle = color;
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
    }

    function traceMarker(ctx, x, y, code, r, color, haloColor) {
      var style = S.MARKER[code];
      if (haloColor) {
        ctx.beginPath();
        ctx.arc(x, y, r + GE.sizes.HALO_GAP, 0, 2 * Math.PI);
        ctx.setLineDash([2, 2]);
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = haloColor;
        ctx.stroke();
      }
      S.trace(ctx, style.shape, x, y, r);
      ctx.globalAlpha = style.alpha;
      ctx.fillStyle = style.fill || color;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.setLineDash(style.dash || []);
      ctx.lineWidth = style.width;
      ctx.strokeStyle = style.stroke || color;
      ctx.stroke();
      ctx.setLineDash([]);
    }

    // Identical sprites at one pixel are drawn once, from a sprite of that many copies (up to
    // STACK_MAX: past it the copies change no pixel visibly): many incidents share a place.
    var STACK_MAX = 24;

    /** Sprite `made` drawn n times over itself, made once per (key, n). */
    function stacked(made, n) {
      if (n === 1) return made;
      var stackKey = made.key * 32 + (made.key < 0 ? -n : n);
      var stack = sprites.get(stackKey);
      if (stack) return stack;
      var canvas = document.createElement("canvas");
      canvas.width = canvas.height = made.canvas.width;
      var c = canvas.getContext("2d");
      for (var t = 0; t < n; t++) c.drawImage(made.canvas, 0, 0);
      stack = { canvas: canvas, half: made.half };
      sprites.set(stackKey, stack);
      return stack;
    }

    /**
     * Draw the sprites listed as (x, y, key) triples in order, each distinct (x, y, key) once
     * where it last comes, as the stack of its copies (made: key -> its sprite).
     */
    function drawSprites(ctx, list, made) {
      var at = new Map();
      var counts = [];
      var order = [];
      // From the last back: a stack is drawn where its top copy was (what is drawn on top of a
      // place stays on top).
      for (var t = list.length - 3; t >= 0; t -= 3) {
        var id = (list[t + 1] * 65536 + list[t]) * 65536 + list[t + 2];
        var slot = at.get(id);
        if (slot === undefined) {
          at.set(id, order.length);
          order.push(t);
          counts.push(1);
        } else counts[slot]++;
      }
      for (var o = order.length - 1; o >= 0; o--) {
        var u = order[o];
        var one = stacked(made[list[u + 2]], Math.min(counts[o], STACK_MAX));
        ctx.drawImage(one.canvas, list[u] - 16384 - one.half, list[u + 1] - 16384 - one.half);
      }
    }

    function drawSymbols(ctx, view) {
      var metresPerPixel = EARTH_CIRCUMFERENCE / view.scale;
      var k = categories.length;
      var j, i, code, cat;
      var colors = categories.map(function (category) {
        return category.color;
      });
      var haloColor = store.unreported ? GE.sizes.haloColor(map) : null;
      // The halo's colour follows the map's style (dark or light): other sprites then.
      if (haloColor !== spritesHalo) {
        sprites.clear();
        spritesHalo = haloColor;
      }
      // Sprites are placed at whole pixels (x, y offset so that the list's keys stay >= 0).
      var list = [];
      var made = {};
      // Areas of uncertainty first, under every marker.
      for (j = 0; j < view.count; j++) {
        i = sorted[j];
        code = store.prec[i];
        if (code < 2) continue;
        cat = store.cat[i];
        var radius = S.AREA_RADIUS[code] / (metresPerPixel * Math.cos((store.lat[i] * Math.PI) / 180));
        if (!(radius <= SPRITE_AREA_MAX)) {
          drawSprites(ctx, list, made);
          list = [];
          traceArea(ctx, view.xs[i], view.ys[i], radius, colors[cat]);
          continue;
        }
        var halves = Math.round(radius * 2);
        var areaKey = (halves * k + cat) * 4 + code;
        if (!made[areaKey]) {
          made[areaKey] = sprite(-1 - areaKey, halves / 2 + S.AREA.width, function (c, mid) {
            traceArea(c, mid, mid, halves / 2, colors[cat]);
          });
        }
        list.push(Math.round(view.xs[i]) + 16384, Math.round(view.ys[i]) + 16384, areaKey);
      }
      drawSprites(ctx, list, made);
      list = [];
      made = {};
      for (j = 0; j < view.count; j++) {
        i = sorted[j];
        code = store.prec[i];
        cat = store.cat[i];
        var r = S.radiusOf(code, store.sizes ? store.sizes[i] : 0);
        var halo = haloColor && store.unreported[i] ? haloColor : null;
        var quarters = Math.round(r * 4);
        var key = ((quarters * k + cat) * 4 + code) * 2 + (halo ? 1 : 0);
        if (!made[key]) {
          made[key] = sprite(key, r + (halo ? GE.sizes.HALO_GAP + 1 : 0) + S.MARKER[code].width, function (c, mid) {
            traceMarker(c, mid, mid, code, quarters / 4, colors[cat], halo);
          });
        }
        list.push(Math.round(view.xs[i]) + 16384, Math.round(view.ys[i]) + 16384, key);
      }
      drawSprites(ctx, list, made);
    }

    // "Clear all" after the view moved while filtered: what each filtered category would
    // draw with all its rows shown is made ahead, one category per idle slice (its rows in
    // view, page.projectAll, then its stamps), so that clearing re-reads it as it does
    // without the move. Only after a move: in the same view these are kept from before.
    var idle = window.requestIdleCallback || function (fn) {
      return setTimeout(fn, 50);
    };
    var ahead = null; // {at, margin, view, todo: categories left}
    var drawnAt = ""; // the view (and margin) last drawn

    function aheadSlice() {
      if (!ahead || ahead.at !== distinct.at) return (ahead = null);
      var on = store.inputs.categories;
      var c = ahead.todo.pop();
      if (c !== undefined) {
        if (on[c] && !store.catAll[c] && !page.projectAll(c, ahead.margin)) return (ahead = null);
        idle(aheadSlice);
        return;
      }
      // Every category's rows as if all shown: stamps only if that many are drawn as stamps.
      var total = 0;
      var k = categories.length;
      var lists = [];
      for (c = 0; c < k; c++) {
        lists[c] = on[c] ? page.projectAll(c, ahead.margin) : null;
        if (on[c] && !lists[c]) return (ahead = null);
        total += lists[c] ? lists[c].length : 0;
      }
      if (total > DETAIL_MAX && !store.sizes && seen) {
        var r = total > DENSE_MIN ? 1 : 2;
        for (c = 0; c < k; c++) {
          if (!lists[c] || store.catAll[c] || distinct.all[c]) continue;
          distinct.all[c] = distinctStamps(ahead.view, 0, lists[c].length, r, lists[c]);
        }
      }
      ahead = null;
    }

    function prepareClear(view, margin) {
      var todo = [];
      for (var c = categories.length - 1; c >= 0; c--) {
        if (store.inputs.categories[c] && !store.catAll[c]) todo.push(c);
      }
      if (!todo.length || !view.at) return;
      var first = ahead === null;
      ahead = { at: view.at, margin: margin, view: view, todo: todo };
      if (first) idle(aheadSlice);
    }

    /** Draw the shown incidents on the canvas (after every move and mask change). */
    function render(canvas) {
      var size = map.getSize();
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x;
      canvas.height = size.y;
      page.moved();
      if (!size.x || !size.y) return;
      // The margin takes in symbols whose centre is just out of view.
      var margin = (store.sizes ? S.radiusOf(3, GE.sizes.MAX) + GE.sizes.HALO_GAP : S.MARKER[3].radius) + 2;
      var view = page.project(margin, false, null);
      sorted = store.sizes ? bySize(view.rows, view.count) : view.rows;
      drawer.mode = page.mode = view.count > DETAIL_MAX ? "stamps" : "symbols";
      page.drawnInView = view.count;
      var ctx = canvas.getContext("2d");
      // Only a move loses what "clear all" re-reads: a change in the same view keeps it.
      var moved = view.at !== drawnAt;
      drawnAt = view.at;
      if (page.mode === "stamps") drawStamps(ctx, view);
      else drawSymbols(ctx, view);
      if (page.mode === "stamps" && moved) prepareClear(view, margin);
    }

    var layer = new CanvasLayer(render);
    var drawer = {
      name: "canvas",
      shapeRenderer: L.canvas({ padding: 0.2 }),
      hidden: null,
      sync: function () {
        if (!map.hasLayer(layer)) layer.addTo(map);
        else layer._redraw();
      }
    };
    return drawer;
  };
})();
