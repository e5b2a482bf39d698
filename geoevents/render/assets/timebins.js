/* geoevents map runtime: calendar periods on day numbers, and the histogram's counts.
 *
 * Periods (day, ISO week, month, year) follow geoevents/stats.py's rule, "assign or set apart":
 * an incident's extent is [date_start, date_end] widened to its date_precision (a month-precision
 * incident spans its month); it counts in a period only when its whole extent lies in that one
 * period, otherwise it is "imprecise". So the histogram's bars are `geoevents stats --by month`
 * (week, year) of the shown incidents.
 *
 * Everything here runs on typed arrays: each incident's widened extent is computed once, each
 * unit's period index of every incident once (on first use), and a recount is one pass over the
 * rows into a counts array that is reused, so a change allocates nothing large.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  GE.UNITS = ["day", "week", "month", "year"];
  /** Typical length of each unit in days (to choose a unit for a width). */
  GE.UNIT_DAYS = { day: 1, week: 7, month: 30.44, year: 365.25 };

  // -- calendar arithmetic (proleptic Gregorian, days since 1970-01-01) -----------------------

  var civilY = 0;
  var civilM = 0;
  var civilD = 0;

  /** Split a day number into civilY, civilM (1-12), civilD without allocating. */
  function civil(day) {
    var z = day + 719468;
    var era = Math.floor(z / 146097);
    var doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153);
    civilD = doy - Math.floor((153 * mp + 2) / 5) + 1;
    civilM = mp < 10 ? mp + 3 : mp - 9;
    civilY = yoe + era * 400 + (civilM <= 2 ? 1 : 0);
  }

  /** The day number of year y, month m (1-12), day d. */
  function dayOf(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400);
    var yoe = y - era * 400;
    var doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }
  GE.civilDay = dayOf;

  /** The index of the period of unit holding day (weeks from Monday, as ISO 8601). */
  function periodOf(unit, day) {
    if (unit === "day") return day;
    // 1970-01-01 was a Thursday: day + 3 counts from Monday 1969-12-29.
    if (unit === "week") return Math.floor((day + 3) / 7);
    civil(day);
    return unit === "month" ? civilY * 12 + civilM - 1 : civilY;
  }
  GE.periodOf = periodOf;

  /** The first day of period p of unit. */
  function periodStart(unit, p) {
    if (unit === "day") return p;
    if (unit === "week") return p * 7 - 3;
    if (unit === "month") {
      var y = Math.floor(p / 12);
      return dayOf(y, p - y * 12 + 1, 1);
    }
    return dayOf(p, 1, 1);
  }
  GE.periodStart = periodStart;

  function pad(value, width) {
    var text = String(Math.abs(value));
    while (text.length < width) text = "0" + text;
    return (value < 0 ? "-" : "") + text;
  }

  /** The label geoevents stats gives period p: 2017-10-03, 2017-W42, 2017-10, 2017. */
  GE.periodLabel = function (unit, p) {
    if (unit === "day") return GE.dayIso(p);
    if (unit === "week") {
      // The ISO week-year is the year of the week's Thursday.
      var thursday = periodStart("week", p) + 3;
      civil(thursday);
      var year = civilY;
      return pad(year, 4) + "-W" + pad(Math.floor((thursday - dayOf(year, 1, 1)) / 7) + 1, 2);
    }
    if (unit === "month") {
      var y = Math.floor(p / 12);
      return pad(y, 4) + "-" + pad(p - y * 12 + 1, 2);
    }
    return pad(p, 4);
  };

  /** The day n units (or n days, for a number) after the first day of day's period. */
  GE.addUnits = function (unit, day, n) {
    if (typeof unit === "number") return day + n * unit;
    return periodStart(unit, periodOf(unit, day) + n);
  };

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /** A short, fixed-language tick label: "2017", "Oct 2017" or "3 Oct 2017". */
  GE.tickLabel = function (day, unit) {
    civil(day);
    if (unit === "year") return String(civilY);
    if (unit === "month") return MONTHS[civilM - 1] + " " + civilY;
    return civilD + " " + MONTHS[civilM - 1] + " " + civilY;
  };

  // -- the store's periods ---------------------------------------------------------------------

  /**
   * The periods of a store's incidents: each row's extent widened to its date precision
   * (computed once), and per unit each row's bin (period index from the first, -1 when the
   * extent is not inside one period; computed on first use).
   */
  GE.timeBins = function (store) {
    var n = store.n;
    var lo = new Int32Array(n);
    var hi = new Int32Array(n);
    var dated = new Uint8Array(n);
    var precision = store.distinct("date_precision");
    var widen = [];
    if (precision) {
      precision.values.forEach(function (value, k) {
        widen[k + 1] = value === "week" || value === "month" || value === "year" ? value : null;
      });
    }
    var starts = store.starts;
    var ends = store.ends;
    var min = Infinity;
    var max = -Infinity;
    for (var i = 0; i < n; i++) {
      var first = starts ? starts[i] : GE.NO_DAY;
      if (first === GE.NO_DAY) continue;
      var last = ends !== null && ends[i] !== GE.NO_DAY ? ends[i] : first;
      var unit = precision ? widen[precision.codes[i]] : null;
      if (unit) {
        first = periodStart(unit, periodOf(unit, first));
        last = periodStart(unit, periodOf(unit, last) + 1) - 1;
      }
      lo[i] = first;
      hi[i] = last;
      dated[i] = 1;
      if (first < min) min = first;
      if (last > max) max = last;
    }
    var cache = {};
    return {
      lo: lo,
      hi: hi,
      dated: dated,
      first: min,
      last: max,
      /** {base, size, bin}: bin[i] the row's period minus base, or -1 (imprecise). */
      unit: function (name) {
        if (cache[name]) return cache[name];
        var bin = new Int32Array(n);
        var base = min === Infinity ? 0 : periodOf(name, min);
        var size = min === Infinity ? 0 : periodOf(name, max) - base + 1;
        for (var j = 0; j < n; j++) {
          if (!dated[j]) {
            bin[j] = -1;
            continue;
          }
          var p = periodOf(name, lo[j]);
          bin[j] = p === periodOf(name, hi[j]) ? p - base : -1;
        }
        cache[name] = { name: name, base: base, size: size, bin: bin };
        return cache[name];
      }
    };
  };

  /**
   * In one pass (what a toggle or a filter change costs the histogram): base[i] = whether row
   * i is shown if the date range is left out (drawable, category on, passing the filter), and
   * those rows counted by bin and category as countBins does. counts is returned.
   */
  GE.countShown = function (store, bins, base, counts, imprecise) {
    var n = store.n;
    var k = store.categories.length;
    var size = bins.size * k;
    if (!counts || counts.length < size) counts = new Float64Array(size);
    else counts.fill(0, 0, size);
    imprecise.fill(0);
    var on = new Uint8Array(k);
    store.inputs.categories.forEach(function (value, index) {
      on[index] = value ? 1 : 0;
    });
    var filter = store.inputs.filter;
    var prec = store.prec;
    var cat = store.cat;
    var bin = bins.bin;
    for (var i = 0; i < n; i++) {
      var c = cat[i];
      if (prec[i] === 0 || on[c] === 0 || (filter !== null && !filter(i))) {
        base[i] = 0;
        continue;
      }
      base[i] = 1;
      var b = bin[i];
      if (b < 0) imprecise[c]++;
      else counts[b * k + c]++;
    }
    return counts;
  };

  /**
   * Count rows by bin and category: counts[bin * k + category] and imprecise[category], for
   * the rows with base[i] set. counts is reused when big enough (it is returned).
   */
  GE.countBins = function (store, bins, base, counts, imprecise) {
    var k = store.categories.length;
    var size = bins.size * k;
    if (!counts || counts.length < size) counts = new Float64Array(size);
    else counts.fill(0, 0, size);
    imprecise.fill(0);
    var bin = bins.bin;
    var cat = store.cat;
    for (var i = 0; i < store.n; i++) {
      if (!base[i]) continue;
      var b = bin[i];
      if (b < 0) imprecise[cat[i]]++;
      else counts[b * k + cat[i]]++;
    }
    return counts;
  };

  /** Per category, the rows with base[i] set overlapping [lo, hi] (the timeline's rule). */
  GE.countOverlapping = function (store, base, lo, hi, into) {
    into.fill(0);
    var starts = store.starts;
    var ends = store.ends;
    var cat = store.cat;
    for (var i = 0; i < store.n; i++) {
      if (!base[i]) continue;
      if (starts === null || GE.overlaps(starts[i], ends !== null ? ends[i] : GE.NO_DAY, lo, hi)) into[cat[i]]++;
    }
    return into;
  };
})();
