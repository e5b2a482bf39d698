/* geoevents map runtime: which incidents lie under a pixel.
 *
 * A grid over the container pixels of the incidents in view, rebuilt after every draw (lazily,
 * at the first question): a click or a hover looks at the few cells around the pointer, not at
 * every incident, so it answers at once with a million in the store.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  /** Pixels around the pointer within which an incident counts as "here". */
  GE.HIT_RADIUS = 6;

  /**
   * Build the index of count rows (rows[j]) at container points (xs[row], ys[row]), inside a
   * width x height view. query(x, y) returns the rows within HIT_RADIUS, in store order.
   */
  GE.hitIndex = function (rows, xs, ys, count, width, height) {
    var cell = GE.HIT_RADIUS;
    var margin = 2 * cell;
    var cols = Math.ceil((width + 2 * margin) / cell) + 1;
    var lines = Math.ceil((height + 2 * margin) / cell) + 1;
    var cells = cols * lines;
    var starts = new Int32Array(cells + 1);
    var where = new Int32Array(count);

    function cellOf(x, y) {
      var cx = Math.floor((x + margin) / cell);
      var cy = Math.floor((y + margin) / cell);
      if (cx < 0 || cy < 0 || cx >= cols || cy >= lines) return -1;
      return cy * cols + cx;
    }

    var j, c;
    for (j = 0; j < count; j++) {
      c = cellOf(xs[rows[j]], ys[rows[j]]);
      where[j] = c;
      if (c >= 0) starts[c + 1]++;
    }
    for (c = 0; c < cells; c++) starts[c + 1] += starts[c];
    var fill = starts.slice(0, cells);
    // Each entry keeps its own point: the caller's arrays are reused by the next draw.
    var items = new Int32Array(starts[cells]);
    var itemX = new Float32Array(starts[cells]);
    var itemY = new Float32Array(starts[cells]);
    for (j = 0; j < count; j++) {
      if (where[j] < 0) continue;
      var at = fill[where[j]]++;
      items[at] = rows[j];
      itemX[at] = xs[rows[j]];
      itemY[at] = ys[rows[j]];
    }

    return {
      query: function (x, y) {
        var r2 = GE.HIT_RADIUS * GE.HIT_RADIUS;
        var cx = Math.floor((x + margin) / cell);
        var cy = Math.floor((y + margin) / cell);
        var found = [];
        for (var gy = cy - 1; gy <= cy + 1; gy++) {
          if (gy < 0 || gy >= lines) continue;
          for (var gx = cx - 1; gx <= cx + 1; gx++) {
            if (gx < 0 || gx >= cols) continue;
            var g = gy * cols + gx;
            for (var k = starts[g]; k < starts[g + 1]; k++) {
              var dx = itemX[k] - x;
              var dy = itemY[k] - y;
              if (dx * dx + dy * dy <= r2) found.push(items[k]);
            }
          }
        }
        // In store order (a typed array sorts numbers natively: a stack may hold thousands).
        return Array.from(Int32Array.from(found).sort());
      }
    };
  };
})();
