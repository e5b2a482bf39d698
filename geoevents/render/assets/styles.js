/* geoevents map runtime: how incidents look, in one place for both drawers and the legend.
 *
 * Colours come with the categories; the shape of an incident's symbol says how precisely it is
 * located (geo_precision), so the three stay apart at marker size and in the legend:
 * 1 a solid disc with a white edge ("exact place"), 2 a white disc in a thick ring of the
 * colour ("near here"), 3 a see-through diamond ("only the region"); 2 and 3 also get an area
 * of uncertainty around them. A size (sizes.js) scales the symbol; the diamond is drawn 1.25
 * times wider so that the three shapes of one size cover the same area.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var S = (GE.styles = {});

  // Radius in metres of the area of uncertainty drawn around an incident known only near a
  // place (geo_precision 2) or only to its region (3). A visual convention, not a measured error.
  S.AREA_RADIUS = { 2: 15000, 3: 75000 };

  /** The symbol of each precision code: radius, stroke (null: the colour), fill, shape. */
  S.MARKER = {
    1: { radius: 6, stroke: "#ffffff", width: 1.5, fill: null, dash: null, alpha: 0.95, shape: "circle" },
    2: { radius: 6, stroke: null, width: 3, fill: "#ffffff", dash: null, alpha: 1, shape: "circle" },
    3: { radius: 7.5, stroke: null, width: 2, fill: null, dash: null, alpha: 0.3, shape: "diamond" }
  };

  /** A symbol's radius for a size radius r: the diamond's half-diagonal is sqrt(pi / 2) r. */
  S.SHAPE_SCALE = { 1: 1, 2: 1, 3: 1.25 };

  /** The radius a symbol is drawn with: its own, or its shape's for a size (sizes.js). */
  S.radiusOf = function (code, size) {
    return size ? size * S.SHAPE_SCALE[code] : S.MARKER[code].radius;
  };

  /** Trace a symbol's outline on a canvas context (the caller fills and strokes it). */
  S.trace = function (ctx, shape, x, y, r) {
    ctx.beginPath();
    if (shape === "diamond") {
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
    } else {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
  };

  /** A Leaflet circle marker that can also be a diamond (options.shape), for the SVG renderer. */
  S.Symbol = L.CircleMarker.extend({
    _updatePath: function () {
      var renderer = this._renderer;
      if (this.options.shape !== "diamond" || !renderer._setPath || this._empty()) {
        L.CircleMarker.prototype._updatePath.call(this);
        return;
      }
      var p = this._point;
      var r = this._radius;
      var d = "M" + p.x + "," + (p.y - r) + "L" + (p.x + r) + "," + p.y + "L" + p.x + "," + (p.y + r) + "L" + (p.x - r) + "," + p.y + "Z";
      renderer._setPath(this, d);
    }
  });

  S.AREA = { width: 1.5, opacity: 0.8, dash: [6, 4], fillOpacity: 0.12 };

  /** geo_precision 1 (the default), 2 or 3; anything larger is treated as the least precise. */
  GE.precisionOf = function (value) {
    var code = Number(value === undefined || value === null ? 1 : value);
    if (code === 2 || code === 3) return code;
    return code > 3 ? 3 : 1;
  };

  /** Leaflet path options of an incident's marker (size: its radius from sizes.js, if any). */
  S.markerOptions = function (color, code, category, size) {
    var m = S.MARKER[code];
    return {
      className: "ge-incident ge-cat-" + category + " ge-p" + code,
      interactive: false,
      shape: m.shape,
      radius: S.radiusOf(code, size),
      color: m.stroke || color,
      weight: m.width,
      opacity: 1,
      dashArray: m.dash ? m.dash.join(" ") : null,
      fillColor: m.fill || color,
      fillOpacity: m.alpha
    };
  };

  /** Leaflet path options of an incident's area of uncertainty. */
  S.areaOptions = function (color, code, category) {
    return {
      pane: "geoeventsAreas",
      className: "ge-area ge-cat-" + category + " ge-p" + code,
      interactive: false,
      radius: S.AREA_RADIUS[code],
      color: color,
      weight: S.AREA.width,
      opacity: S.AREA.opacity,
      dashArray: S.AREA.dash.join(" "),
      fillColor: color,
      fillOpacity: S.AREA.fillOpacity
    };
  };

  /** Leaflet style of a line or polygon incident. */
  S.shapeStyle = function (color, code, category) {
    return {
      className: "ge-shape ge-cat-" + category + " ge-p" + code,
      color: color,
      weight: 3,
      opacity: 0.9,
      fillColor: color,
      fillOpacity: 0.2,
      dashArray: code === 1 ? null : "6 4"
    };
  };

  /** "#rrggbb" as [r, g, b]. */
  S.rgb = function (hex) {
    var v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  };

  /** A colour as one little-endian RGBA pixel of ImageData read as a Uint32Array. */
  S.pixel = function (color) {
    return ((255 << 24) | (color[2] << 16) | (color[1] << 8) | color[0]) >>> 0;
  };

  /**
   * The pixel stamp of a precision symbol: [dx, dy, value] triples, value 1 the colour, 2 white,
   * 3 the "not reported" halo. Radius 2 (5 x 5; 1 when small: 3 x 3) unless a size gives one.
   */
  S.stampShape = function (code, small, radius, halo) {
    var cells = [];
    var r = radius || (small ? 1 : 2);
    var reach = halo ? r + 2 : r;
    for (var dy = -reach; dy <= reach; dy++) {
      for (var dx = -reach; dx <= reach; dx++) {
        var d2 = dx * dx + dy * dy;
        if (halo && d2 > (r + 1) * (r + 1) && d2 <= (r + 2) * (r + 2) && (dx + dy) % 2 === 0) {
          cells.push(dx, dy, 3);
          continue;
        }
        if (code === 3) {
          // A diamond's outline, see-through inside.
          var m = Math.abs(dx) + Math.abs(dy);
          if (m === r || (r > 3 && m === r - 1)) cells.push(dx, dy, 1);
          continue;
        }
        if (d2 > r * r + r) continue; // round off the corners
        var rim = d2 > (r - 1) * (r - 1) + (r - 1);
        if (code === 1) cells.push(dx, dy, rim && r > 2 ? 2 : 1);
        else cells.push(dx, dy, rim || (r > 3 && d2 > (r - 2) * (r - 2) + (r - 2)) ? 1 : 2);
      }
    }
    return cells;
  };

  var NEUTRAL = "#4d5660";

  /** A small SVG picture of the symbol of a precision code (for the legend), at map size. */
  S.precisionSymbol = function (code) {
    var svg = GE.svg("svg", { width: 30, height: 30, viewBox: "0 0 30 30", "aria-hidden": "true" });
    if (code > 1) {
      // The area of uncertainty, faint behind the symbol.
      svg.appendChild(
        GE.svg("circle", {
          cx: 15,
          cy: 15,
          r: code === 2 ? 11 : 14,
          fill: NEUTRAL,
          "fill-opacity": S.AREA.fillOpacity,
          stroke: NEUTRAL,
          "stroke-opacity": 0.6,
          "stroke-dasharray": "4 3"
        })
      );
    }
    var m = S.MARKER[code];
    var attrs = {
      fill: m.fill || NEUTRAL,
      "fill-opacity": m.alpha,
      stroke: m.stroke || NEUTRAL,
      "stroke-width": m.width
    };
    if (m.shape === "diamond") {
      var r = m.radius;
      attrs.points = [15, 15 - r, 15 + r, 15, 15, 15 + r, 15 - r, 15].join(" ");
      svg.appendChild(GE.svg("polygon", attrs));
    } else {
      svg.appendChild(GE.svg("circle", Object.assign({ cx: 15, cy: 15, r: m.radius }, attrs)));
    }
    return svg;
  };
})();
