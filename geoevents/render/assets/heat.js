/* geoevents map runtime, part 5: a small canvas heat layer of the visible incidents.
 *
 * Each incident stamps a soft disc into the alpha channel of a canvas; the summed alpha is then
 * coloured through a blue-to-red ramp. It redraws after every move and whenever the set of
 * visible incidents changes (category toggles, timeline).
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  var RADIUS = 18; // pixels
  var BLUR = 12; // pixels of shadow blur that soften each disc
  var STAMP_ALPHA = 0.35;
  var CELL = 3; // pixels: stamps closer than this are merged
  var RAMP = [
    [0.2, "#2c7bb6"],
    [0.45, "#00a6ca"],
    [0.6, "#90eb9d"],
    [0.8, "#f9d057"],
    [1.0, "#d7191c"]
  ];

  // What the legend's scale shows (sizes.js): the colour ramp and the radius.
  GE.heatScale = { ramp: RAMP, radius: RADIUS };

  function makeStamp() {
    var stamp = document.createElement("canvas");
    var r = RADIUS + BLUR;
    stamp.width = stamp.height = 2 * r;
    var ctx = stamp.getContext("2d");
    // Draw the disc off-canvas and keep only its blurred shadow: a soft-edged spot.
    ctx.shadowOffsetX = ctx.shadowOffsetY = 2 * r;
    ctx.shadowBlur = BLUR;
    ctx.shadowColor = "black";
    ctx.beginPath();
    ctx.arc(-r, -r, RADIUS, 0, Math.PI * 2, true);
    ctx.closePath();
    ctx.fill();
    return stamp;
  }

  function makeRamp() {
    var canvas = document.createElement("canvas");
    canvas.width = 256;
    canvas.height = 1;
    var ctx = canvas.getContext("2d");
    var gradient = ctx.createLinearGradient(0, 0, 256, 0);
    RAMP.forEach(function (stop) {
      gradient.addColorStop(stop[0], stop[1]);
    });
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 256, 1);
    return ctx.getImageData(0, 0, 256, 1).data;
  }

  var HeatLayer = L.Layer.extend({
    initialize: function (state) {
      this._state = state;
      this._redraw = this._redraw.bind(this);
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "ge-heat leaflet-zoom-hide");
      this._canvas.style.pointerEvents = "none";
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on("moveend resize", this._redraw);
      this._listening = true;
      this._redraw();
    },

    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize", this._redraw);
      this._listening = false;
    },

    _redraw: function () {
      if (!this._listening || !this._map) return;
      var map = this._map;
      var size = map.getSize();
      var canvas = this._canvas;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x;
      canvas.height = size.y;
      // The colouring step reads the pixels back after every redraw.
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.clearRect(0, 0, size.x, size.y);
      var stamp = (this._stamp = this._stamp || makeStamp());
      var offset = RADIUS + BLUR;
      var points = this._state.viewPoints();
      // Stamps that fall in the same small cell are drawn once, with the alpha that k
      // stamps of STAMP_ALPHA would add up to: a million incidents cost as much as the cells.
      var cols = Math.ceil(size.x / CELL) + 1;
      var rows = Math.ceil(size.y / CELL) + 1;
      var counts = new Uint32Array(cols * rows);
      var sumX = new Float64Array(cols * rows);
      var sumY = new Float64Array(cols * rows);
      for (var k = 0; k < points.count; k++) {
        var x = points.xs[k];
        var y = points.ys[k];
        if (x < -offset || y < -offset || x > size.x + offset || y > size.y + offset) continue;
        var cell = Math.max(0, Math.min(rows - 1, Math.floor(y / CELL))) * cols +
          Math.max(0, Math.min(cols - 1, Math.floor(x / CELL)));
        counts[cell]++;
        sumX[cell] += x;
        sumY[cell] += y;
      }
      for (var c = 0; c < counts.length; c++) {
        var count = counts[c];
        if (!count) continue;
        ctx.globalAlpha = 1 - Math.pow(1 - STAMP_ALPHA, count);
        ctx.drawImage(stamp, sumX[c] / count - offset, sumY[c] / count - offset);
      }
      if (!size.x || !size.y) return;
      var ramp = (this._ramp = this._ramp || makeRamp());
      var image = ctx.getImageData(0, 0, size.x, size.y);
      var pixels = image.data;
      for (var i = 3; i < pixels.length; i += 4) {
        var alpha = pixels[i];
        if (!alpha) continue;
        var j = alpha * 4;
        pixels[i - 3] = ramp[j];
        pixels[i - 2] = ramp[j + 1];
        pixels[i - 1] = ramp[j + 2];
        pixels[i] = Math.min(255, 60 + alpha);
      }
      ctx.putImageData(image, 0, 0);
    }
  });

  /** The heat layer of a map's incidents; it follows the category toggles and the timeline. */
  GE.heatLayer = function (state) {
    var layer = new HeatLayer(state);
    state.onChange(function () {
      layer._redraw();
    });
    return layer;
  };
})();
