/* geoevents map runtime: dates as day numbers, and the one date-overlap rule of every map.
 *
 * The rule is the CLI's --start/--end: an incident is kept when date_start <= end and
 * date_end >= start, both ends inclusive (a missing date_end is date_start). An incident
 * without a date is never hidden by a date range.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var DAY_MS = 86400000;

  /** The day number that stands for "no date" in the store's day columns. */
  GE.NO_DAY = -2147483648;

  /** Day number (days since 1970-01-01, UTC) of an ISO YYYY-MM-DD date. */
  GE.isoDay = function (iso) {
    var date = new Date(0);
    // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
    date.setUTCFullYear(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
    return Math.round(date.getTime() / DAY_MS);
  };

  /** ISO YYYY-MM-DD date of a day number. */
  GE.dayIso = function (day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  };

  /** The overlap rule on day numbers: [first, last] overlaps the range [lo, hi]. */
  GE.overlaps = function (first, last, lo, hi) {
    if (first === GE.NO_DAY) return true;
    return first <= hi && (last === GE.NO_DAY ? first : last) >= lo;
  };

  /** "2017-10-03" or "2017-10-03 to 2017-10-05" (date_end defaults to date_start). */
  GE.dateText = function (rec) {
    if (!rec.date_start) return null;
    var end = rec.date_end || rec.date_start;
    return end === rec.date_start ? rec.date_start : rec.date_start + " to " + end;
  };
})();
