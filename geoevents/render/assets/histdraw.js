/* geoevents map runtime: drawing the time control — its bars, its date ticks, its buttons.
 *
 * Pure drawing from the control's state (histogram.js): the bars of the periods in view,
 * stacked by category colour (periods the window overlaps in full colour, the others faint),
 * and about one tick per 90 pixels at whole years, months or days.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  var TICK_SPACING = 90;
  /** Tick steps, coarsest first: the finest one that leaves TICK_SPACING pixels is used. */
  var TICKS = [
    ["year", 50],
    ["year", 20],
    ["year", 10],
    ["year", 5],
    ["year", 2],
    ["year", 1],
    ["month", 6],
    ["month", 3],
    ["month", 1],
    ["day", 14],
    ["day", 7],
    ["day", 2],
    ["day", 1]
  ];

  /** A button of the time control: text shown, label for screen readers and as its tip. */
  GE.timeButton = function (text, label, className) {
    var node = GE.el("button", "ge-time-button " + className, text);
    node.type = "button";
    node.setAttribute("aria-label", label);
    node.title = label;
    return node;
  };

  /** The ticks of the view [v0, v1) (day numbers) over width pixels: [{day, text}]. */
  GE.histogramTicks = function (v0, v1, width) {
    var most = Math.max(2, Math.floor(width / TICK_SPACING));
    var chosen = TICKS[0];
    for (var t = 0; t < TICKS.length; t++) {
      var days = TICKS[t][1] * GE.UNIT_DAYS[TICKS[t][0]];
      if ((v1 - v0) / days > most) break;
      chosen = TICKS[t];
    }
    var unit = chosen[0];
    var step = chosen[1];
    var out = [];
    var p = GE.periodOf(unit, v0);
    p = Math.ceil(p / step) * step;
    for (var guard = 0; guard < 200; guard++, p += step) {
      var day = unit === "day" ? p : GE.periodStart(unit, p);
      if (day < v0) continue;
      if (day >= v1) break;
      out.push({ day: day, text: GE.tickLabel(day, unit) });
    }
    return out;
  };

  /**
   * Draw the bars of tl (the time control's state: v0, v1, unit, bins, counts, lo, hi) on
   * canvas, width x height CSS pixels; returns the tallest bar's count (0: nothing drawn).
   */
  GE.drawHistogramBars = function (canvas, page, tl, width, height) {
    var ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (!tl.ready) return 0;
    var xOf = function (day) {
      return ((day - tl.v0) / (tl.v1 - tl.v0)) * width;
    };
    var k = page.meta.categories.length;
    var unit = tl.unit;
    var p0 = GE.periodOf(unit, tl.v0);
    var p1 = GE.periodOf(unit, tl.v1 - 1);
    var top = 0;
    var p, b, c, total;
    for (p = p0; p <= p1; p++) {
      b = p - tl.bins.base;
      if (b < 0 || b >= tl.bins.size) continue;
      total = 0;
      for (c = 0; c < k; c++) total += tl.counts[b * k + c];
      if (total > top) top = total;
    }
    if (!top) return 0;
    var scale = (height - 4) / top;
    var colors = page.meta.categories.map(function (category) {
      return category.color;
    });
    for (p = p0; p <= p1; p++) {
      b = p - tl.bins.base;
      if (b < 0 || b >= tl.bins.size) continue;
      var day0 = GE.periodStart(unit, p);
      var day1 = GE.periodStart(unit, p + 1);
      var x0 = xOf(day0);
      var span = xOf(day1) - x0;
      var w = Math.max(1, span - (span > 4 ? 1 : 0));
      ctx.globalAlpha = day0 <= tl.hi && day1 - 1 >= tl.lo ? 1 : 0.3;
      var y = height;
      for (c = 0; c < k; c++) {
        var v = tl.counts[b * k + c];
        if (!v) continue;
        var h = v * scale;
        ctx.fillStyle = colors[c];
        ctx.fillRect(x0, y - h, w, h);
        y -= h;
      }
    }
    ctx.globalAlpha = 1;
    return top;
  };
})();
