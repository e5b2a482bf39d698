/* geoevents map runtime: the incident list's sort orders (date, fatalities, title).
 *
 * An order is computed once per key over every row of the store (an Int32Array of rows), then
 * only filtered by the mask when the mask changes: a toggle or a timeline step costs one pass,
 * not a sort. Keys are numbers per row: dates as day numbers, fatalities as counts, titles as
 * their rank among the distinct titles (collated once per distinct value with Intl.Collator),
 * so the sort itself is a stable counting sort over small integers. Rows without a value sort
 * last in both directions; equal keys keep store order in both directions.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  /** A counting sort pays for its buckets: use it up to this many distinct integer keys. */
  var COUNTING_MAX = 1 << 22;

  /**
   * order, stably sorted by keys[row] (a Float64Array; NaN: no value, those go last).
   * Returns a new Int32Array.
   */
  function stableSort(order, keys) {
    var n = order.length;
    var min = Infinity;
    var max = -Infinity;
    var integral = true;
    for (var i = 0; i < n; i++) {
      var v = keys[order[i]];
      if (v !== v) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (integral && v !== Math.floor(v)) integral = false;
    }
    var out = new Int32Array(n);
    if (min === Infinity) {
      out.set(order);
      return out;
    }
    var range = max - min + 1;
    if (integral && range <= Math.max(COUNTING_MAX, 2 * n)) {
      // Bucket `range` holds the rows without a value.
      var starts = new Int32Array(range + 2);
      for (var a = 0; a < n; a++) {
        var key = keys[order[a]];
        starts[(key !== key ? range : key - min) + 1]++;
      }
      for (var b = 1; b < starts.length; b++) starts[b] += starts[b - 1];
      for (var c = 0; c < n; c++) {
        var row = order[c];
        var k = keys[row];
        out[starts[k !== k ? range : k - min]++] = row;
      }
      return out;
    }
    var position = new Int32Array(keys.length);
    for (var p = 0; p < n; p++) position[order[p]] = p;
    var rows = Array.prototype.slice.call(order);
    rows.sort(function (x, y) {
      var kx = keys[x];
      var ky = keys[y];
      if (kx !== kx || ky !== ky) {
        if (kx !== kx && ky !== ky) return position[x] - position[y];
        return kx !== kx ? 1 : -1;
      }
      return kx - ky || position[x] - position[y];
    });
    out.set(rows);
    return out;
  }

  /** Sort rows 0..n-1 by several keys (the first one decides first), stable, missing last. */
  function orderBy(n, keyList) {
    var order = new Int32Array(n);
    for (var i = 0; i < n; i++) order[i] = i;
    // Least significant key first: each stable pass keeps the order of the ones before.
    for (var k = keyList.length - 1; k >= 0; k--) order = stableSort(order, keyList[k]);
    return order;
  }

  /** Whether rows a and b have equal keys (NaN equal to NaN). */
  function sameKeys(keyList, a, b) {
    for (var k = 0; k < keyList.length; k++) {
      var x = keyList[k][a];
      var y = keyList[k][b];
      if (x !== y && (x === x || y === y)) return false;
    }
    return true;
  }

  /** The descending order from the ascending one: groups of equal keys reversed, missing last. */
  function reversed(ascending, keyList) {
    var n = ascending.length;
    var primary = keyList[0];
    var end = n;
    while (end > 0 && primary[ascending[end - 1]] !== primary[ascending[end - 1]]) end--;
    var out = new Int32Array(n);
    var at = 0;
    var hi = end;
    while (hi > 0) {
      var lo = hi - 1;
      while (lo > 0 && sameKeys(keyList, ascending[lo - 1], ascending[hi - 1])) lo--;
      for (var j = lo; j < hi; j++) out[at++] = ascending[j];
      hi = lo;
    }
    for (var m = end; m < n; m++) out[at++] = ascending[m];
    return out;
  }

  function numbers(n, get) {
    var keys = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var v = get(i);
      keys[i] = v === undefined || v === null ? NaN : Number(v);
    }
    return keys;
  }

  var collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

  /** Each row's rank among the distinct values of a text column (NaN: no value). */
  function textRanks(store, name) {
    var distinct = store.distinct(name);
    if (!distinct) return numbers(store.n, function () { return undefined; });
    var values = distinct.values;
    var sorted = values.map(function (value, k) {
      return k;
    });
    sorted.sort(function (a, b) {
      return collator.compare(values[a], values[b]) || (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0);
    });
    // codes are 1-based; rank 0 is the first value in collation order.
    var rankOfCode = new Float64Array(values.length + 1);
    rankOfCode[0] = NaN;
    sorted.forEach(function (k, rank) {
      rankOfCode[k + 1] = values[k] === "" ? NaN : rank;
    });
    var codes = distinct.codes;
    var keys = new Float64Array(store.n);
    for (var i = 0; i < store.n; i++) keys[i] = rankOfCode[codes[i]];
    return keys;
  }

  /** The keys of each sort, per row. */
  var KEYS = {
    date: function (store) {
      var starts = store.starts;
      var ends = store.ends;
      function days(source) {
        return numbers(store.n, function (i) {
          return source && source[i] !== GE.NO_DAY ? source[i] : undefined;
        });
      }
      var first = days(starts);
      return ends ? [first, days(ends)] : [first];
    },
    fatalities: function (store) {
      var column = store.column("fatalities");
      return [numbers(store.n, column ? column.get : function () { return undefined; })];
    },
    title: function (store) {
      return [textRanks(store, "title")];
    }
  };

  GE.SORT_KEYS = Object.keys(KEYS);

  /**
   * The sort orders of a store: orders.get(key, ascending) is an Int32Array of every row in
   * that order (computed on first use, then kept). Needs the store's text columns.
   */
  GE.sortOrders = function (store) {
    var cache = {};
    return {
      get: function (key, ascending) {
        if (!KEYS[key]) throw new Error("geoevents: no sort key " + key + " (" + GE.SORT_KEYS.join(", ") + ")");
        if (!cache[key]) {
          var keyList = KEYS[key](store);
          cache[key] = { keys: keyList, up: orderBy(store.n, keyList), down: null };
        }
        var entry = cache[key];
        if (ascending) return entry.up;
        if (!entry.down) entry.down = reversed(entry.up, entry.keys);
        return entry.down;
      }
    };
  };
})();
