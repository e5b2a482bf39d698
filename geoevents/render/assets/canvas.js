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
    var distinct = { at: "", versions: null, lists: [] };

    /**
     * The distinct stamps of rows view.rows[start .. end), from the last row back: a stamp
     * centred where one of the same symbol already was is left out (that later one covers it).
     */
    function distinctStamps(view, start, end) {
      var width = view.width;
      var height = view.height;
      var out = [];
      pass++;
      for (var j = end - 1; j >= start; j--) {
        var i = sorted[j];
        var x = Math.round(view.xs[i]);
        var y = Math.round(view.ys[i]);
        var code = store.prec[i];
        if (x >= 0 && y >= 0 && x < width && y < height) {
          var centre = y * width + x;
          var mark = pass * 4 + code;
          if (seen[centre] === mark) continue;
          seen[centre] = mark;
        }
        out.push(x, y, code);
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
        distinct = { at: view.at, versions: new Int32Array(k).fill(-1), lists: [] };
      }
      pixels.fill(0);
      var small = view.count > DENSE_MIN;
      var r = small ? 1 : 2;
      var byCode = [null];
      [1, 2, 3].forEach(function (code) {
        var cells = S.stampShape(code, small);
        // As offsets into the pixel array, with the colour (1) or white (2) to write.
        var flat = [];
        for (var s = 0; s < cells.length; s += 3) flat.push(cells[s + 1] * width + cells[s], cells[s + 2]);
        byCode.push({ cells: cells, flat: flat });
      });
      for (var c = k - 1; c >= 0; c--) {
        if (distinct.versions[c] !== store.catVersion[c]) {
          distinct.lists[c] = distinctStamps(view, c ? view.catEnds[c - 1] : 0, view.catEnds[c]);
          distinct.versions[c] = store.catVersion[c];
        }
        var list = distinct.lists[c];
        var color = S.pixel(S.rgb(categories[c].color));
        for (var t = 0; t < list.length; t += 3) {
          var x = list[t];
          var y = list[t + 1];
          var stamp = byCode[list[t + 2]];
          if (x >= r && y >= r && x < width - r && y < height - r) {
            // Wholly inside: no bounds checks.
            var centre = y * width + x;
            var flat = stamp.flat;
            for (var f = 0; f < flat.length; f += 2) {
              var p = centre + flat[f];
              if (pixels[p] === 0) pixels[p] = flat[f + 1] === 1 ? color : WHITE;
            }
            continue;
          }
          var cells = stamp.cells;
          for (var s = 0; s < cells.length; s += 3) {
            var px = x + cells[s];
            var py = y + cells[s + 1];
            if (px < 0 || py < 0 || px >= width || py >= height) continue;
            var q = py * width + px;
            if (pixels[q] === 0) pixels[q] = cells[s + 2] === 1 ? color : WHITE;
          }
        }
      }
      ctx.putImageData(image, 0, 0);
    }

    function drawSymbols(ctx, view) {
      var metresPerPixel = EARTH_CIRCUMFERENCE / view.scale;
      var j, i, code, color;
      // Areas of uncertainty first, under every marker.
      ctx.setLineDash(S.AREA.dash);
      ctx.lineWidth = S.AREA.width;
      for (j = 0; j < view.count; j++) {
        i = sorted[j];
        code = store.prec[i];
        if (code < 2) continue;
        color = categories[store.cat[i]].color;
        var radius = S.AREA_RADIUS[code] / (metresPerPixel * Math.cos((store.lat[i] * Math.PI) / 180));
        ctx.beginPath();
        ctx.arc(view.xs[i], view.ys[i], radius, 0, 2 * Math.PI);
        ctx.globalAlpha = S.AREA.fillOpacity;
        ctx.fillStyle = color;
        ctx.fill();
        ctx.globalAlpha = S.AREA.opacity;
        ctx.strokeStyle = color;
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      for (j = 0; j < view.count; j++) {
        i = sorted[j];
        code = store.prec[i];
        color = categories[store.cat[i]].color;
        var style = S.MARKER[code];
        ctx.beginPath();
        ctx.arc(view.xs[i], view.ys[i], style.radius, 0, 2 * Math.PI);
        ctx.globalAlpha = style.alpha;
        ctx.fillStyle = style.fill || color;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.setLineDash(style.dash || []);
        ctx.lineWidth = style.width;
        ctx.strokeStyle = style.stroke || color;
        ctx.stroke();
      }
      ctx.setLineDash([]);
    }

    /** Draw the shown incidents on the canvas (after every move and mask change). */
    function render(canvas) {
      var size = map.getSize();
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x;
      canvas.height = size.y;
      page.moved();
      if (!size.x || !size.y) return;
      var view = page.project(GE.styles.MARKER[1].radius + 2, false, null);
      sorted = view.rows;
      drawer.mode = page.mode = view.count > DETAIL_MAX ? "stamps" : "symbols";
      page.drawnInView = view.count;
      var ctx = canvas.getContext("2d");
      if (page.mode === "stamps") drawStamps(ctx, view);
      else drawSymbols(ctx, view);
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
