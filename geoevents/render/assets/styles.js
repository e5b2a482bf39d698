/* geoevents map runtime: how incidents look, in one place for both drawers and the legend.
 *
 * Colours come with the categories; the symbol of an incident says how precisely it is
 * located (geo_precision): 1 a filled dot, 2 a ring ("near here"), 3 a small dashed ring
 * ("only the region"), 2 and 3 with an area of uncertainty around them.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var S = (GE.styles = {});

  // Radius in metres of the area of uncertainty drawn around an incident known only near a
  // place (geo_precision 2) or only to its region (3). A visual convention, not a measured error.
  S.AREA_RADIUS = { 2: 15000, 3: 75000 };

  /** The marker of each precision code: radius, stroke (null: the colour), fill, dash. */
  S.MARKER = {
    1: { radius: 6, stroke: "#ffffff", width: 1.5, fill: null, dash: null, alpha: 0.9 },
    2: { radius: 6, stroke: null, width: 3, fill: "#ffffff", dash: null, alpha: 1 },
    3: { radius: 5, stroke: null, width: 2, fill: "#ffffff", dash: [2, 2], alpha: 1 }
  };

  S.AREA = { width: 1.5, opacity: 0.8, dash: [6, 4], fillOpacity: 0.12 };

  /** geo_precision 1 (the default), 2 or 3; anything larger is treated as the least precise. */
  GE.precisionOf = function (value) {
    var code = Number(value === undefined || value === null ? 1 : value);
    if (code === 2 || code === 3) return code;
    return code > 3 ? 3 : 1;
  };

  /** Leaflet path options of an incident's marker. */
  S.markerOptions = function (color, code, category) {
    var m = S.MARKER[code];
    return {
      className: "ge-incident ge-cat-" + category + " ge-p" + code,
      interactive: false,
      radius: m.radius,
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

  /** The pixel stamp of a precision symbol: [dx, dy, value] triples, value 1 colour, 2 white. */
  S.stampShape = function (code, small) {
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
  };

  var NEUTRAL = "#4d5660";

  /** A small SVG picture of the symbol of a precision code (for the legend). */
  S.precisionSymbol = function (code) {
    var svg = GE.svg("svg", { width: 30, height: 30, viewBox: "0 0 30 30", "aria-hidden": "true" });
    var center = { cx: 15, cy: 15 };
    function circle(attrs) {
      svg.appendChild(GE.svg("circle", Object.assign({}, center, attrs)));
    }
    var m = S.MARKER[code];
    if (code > 1) {
      circle({
        r: code === 2 ? 10 : 14,
        fill: NEUTRAL,
        "fill-opacity": S.AREA.fillOpacity,
        stroke: NEUTRAL,
        "stroke-dasharray": "4 3"
      });
    }
    var marker = { r: code === 1 ? m.radius : m.radius - 1, fill: m.fill || NEUTRAL };
    marker.stroke = m.stroke || NEUTRAL;
    marker["stroke-width"] = m.width;
    if (m.dash) marker["stroke-dasharray"] = m.dash.join(" ");
    circle(marker);
    return svg;
  };
})();
