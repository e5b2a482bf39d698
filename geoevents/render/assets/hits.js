/* geoevents map runtime: which incidents lie under a pixel.
 *
 * A grid over the container pixels of the incidents in view, rebuilt after every draw (when
 * the page is idle, or at the first question): a click or a hover looks at the few cells
 * around the pointer, not at every incident, so it answers at once with a million in the
 * store. Each cell keeps its rows in store order, so an answer of tens of thousands of rows
 * (a dense place at the fit zoom) is a merge of a few sorted runs, not a sort.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  /** Pixels around the pointer within which an incident counts as "here". */
  GE.HIT_RADIUS = 6;

  /**
   * How far from its centre each incident can be hit: HIT_RADIUS, or the drawn symbol's
   * radius (and a pixel of its outline) where that is larger (symbols sized by fatalities,
   * sizes.js): a click anywhere on a large symbol hits it. {max, of} with of[row] the reach
   * of each row, or null when every row's is HIT_RADIUS. Made once per store.
   */
  GE.hitReach = function (store) {
    if (store.hitReach) return store.hitReach;
    var reach = { max: GE.HIT_RADIUS, of: null };
    if (store.sizes) {
      var of = (reach.of = new Float32Array(store.n));
      for (var i = 0; i < store.n; i++) {
        var code = store.prec[i];
        var r = code ? GE.styles.radiusOf(code, store.sizes[i]) + 1 : 0;
        of[i] = r > GE.HIT_RADIUS ? r : GE.HIT_RADIUS;
        if (of[i] > reach.max) reach.max = of[i];
      }
    }
    store.hitReach = reach;
    return reach;
  };

  /**
   * Build the index of count rows (rows[j], of a store of n rows) at container points
   * (xs[row], ys[row]), inside a width x height view; reach from GE.hitReach. query(x, y)
   * returns the rows within their reach of (x, y), in store order.
   */
  GE.hitIndex = function (rows, xs, ys, count, width, height, n, reach) {
    var cell = GE.HIT_RADIUS;
    var span = Math.ceil(reach.max / cell); // cells either side a query looks at
    var margin = (span + 1) * cell;
    var cols = Math.ceil((width + 2 * margin) / cell) + 1;
    var lines = Math.ceil((height + 2 * margin) / cell) + 1;
    var cells = cols * lines;
    var starts = new Int32Array(cells + 1);
    // Each row's cell, by row: the fill below walks the rows in store order, so that every
    // cell holds its rows sorted (one pass over the store: cheaper than sorting the rows).
    var cellOf = new Int32Array(n).fill(-1);

    var j, c, row;
    for (j = 0; j < count; j++) {
      row = rows[j];
      var cx = Math.floor((xs[row] + margin) / cell);
      var cy = Math.floor((ys[row] + margin) / cell);
      if (cx < 0 || cy < 0 || cx >= cols || cy >= lines) continue;
      c = cy * cols + cx;
      cellOf[row] = c;
      starts[c + 1]++;
    }
    for (c = 0; c < cells; c++) starts[c + 1] += starts[c];
    var fill = starts.slice(0, cells);
    // Each entry keeps its own point: the caller's arrays are reused by the next draw.
    var total = starts[cells];
    var items = new Int32Array(total);
    var itemX = new Float32Array(total);
    var itemY = new Float32Array(total);
    var itemR = reach.of ? new Float32Array(total) : null;
    for (row = 0; row < n; row++) {
      c = cellOf[row];
      if (c < 0) continue;
      var at = fill[c]++;
      items[at] = row;
      itemX[at] = xs[row];
      itemY[at] = ys[row];
      if (itemR) itemR[at] = reach.of[row];
    }
    cellOf = null;

    var found = new Int32Array(1024);
    var merged = new Int32Array(1024);

    /** The rows of found's runs [ends[k - 1], ends[k]) merged into one sorted list. */
    function merge(ends, runs) {
      var size = ends[runs - 1];
      if (merged.length < size) merged = new Int32Array(found.length);
      var heads = ends.slice(0, runs);
      var k;
      for (k = runs - 1; k > 0; k--) heads[k] = ends[k - 1];
      heads[0] = 0;
      for (var out = 0; out < size; out++) {
        var best = -1;
        var least = 0;
        for (k = 0; k < runs; k++) {
          if (heads[k] < ends[k] && (best < 0 || found[heads[k]] < least)) {
            best = k;
            least = found[heads[k]];
          }
        }
        merged[out] = least;
        heads[best]++;
      }
      return merged;
    }

    /** The rows hit at (x, y), in store order: a view of a buffer the next query reuses. */
    function hit(x, y) {
      var r2 = GE.HIT_RADIUS * GE.HIT_RADIUS;
      var cx = Math.floor((x + margin) / cell);
      var cy = Math.floor((y + margin) / cell);
      var size = 0;
      var ends = [];
      for (var gy = cy - span; gy <= cy + span; gy++) {
        if (gy < 0 || gy >= lines) continue;
        for (var gx = cx - span; gx <= cx + span; gx++) {
          if (gx < 0 || gx >= cols) continue;
          var g = gy * cols + gx;
          var from = size;
          if (found.length < size + starts[g + 1] - starts[g]) {
            var bigger = new Int32Array(2 * (size + starts[g + 1] - starts[g]));
            bigger.set(found.subarray(0, size));
            found = bigger;
          }
          for (var k = starts[g]; k < starts[g + 1]; k++) {
            var dx = itemX[k] - x;
            var dy = itemY[k] - y;
            var d2 = dx * dx + dy * dy;
            if (d2 <= r2 || (itemR !== null && d2 <= itemR[k] * itemR[k])) found[size++] = items[k];
          }
          if (size > from) ends.push(size);
        }
      }
      // Each cell's run is in store order: one run is the answer, more are merged.
      // (Past a dozen runs, as around large sized symbols, a native sort is quicker.)
      var sorted = found;
      if (ends.length > 12) sorted = found.slice(0, size).sort();
      else if (ends.length > 1) sorted = merge(ends, ends.length);
      return sorted.subarray(0, size);
    }

    return {
      /** The rows hit at (x, y), as a plain array the caller keeps. */
      query: function (x, y) {
        var rows = hit(x, y);
        var out = new Array(rows.length);
        for (var m = 0; m < rows.length; m++) out[m] = rows[m];
        return out;
      },
      /** The same rows as a typed view, valid until the next query (nothing copied). */
      view: hit
    };
  };
})();
