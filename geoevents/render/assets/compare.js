/* geoevents map runtime: compare the time window with the one before it (per category).
 *
 * The previous window has the same length and ends the day before the current one starts; a
 * window of whole calendar months (or years) is compared with as many months (years) before
 * it, so March is compared with February. Both are counted with the same inputs: the category
 * toggles, the filters and the overlap rule of dates.js (the current window's counts are the
 * mask's own). The option is a checkbox in the Dates box; page.compare() answers
 * {category: [current, previous]} whether it is shown or not.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  /** The window before [lo, hi] (day numbers), of the same length. */
  GE.previousWindow = function (lo, hi) {
    var units = ["year", "month"];
    for (var u = 0; u < units.length; u++) {
      var unit = units[u];
      var p = GE.periodOf(unit, lo);
      var q = GE.periodOf(unit, hi + 1);
      if (GE.periodStart(unit, p) === lo && GE.periodStart(unit, q) === hi + 1 && q > p) {
        return [GE.periodStart(unit, 2 * p - q), lo - 1];
      }
    }
    return [lo - (hi - lo + 1), lo - 1];
  };

  /** "▲ +3 (+33%)", "▼ -2 (-50%)", "= 0", or "▲ +4 (none before)". */
  GE.changeText = function (current, previous) {
    var diff = current - previous;
    if (!diff) return "= 0";
    var arrow = diff > 0 ? "\u25B2 +" : "\u25BC \u2212";
    var amount = arrow + Math.abs(diff);
    if (!previous) return amount + " (none before)";
    var percent = Math.round((Math.abs(diff) / previous) * 100);
    return amount + " (" + (diff > 0 ? "+" : "\u2212") + percent + "%)";
  };

  GE.addCompare = function (page, tl) {
    var names = page.meta.categories.map(function (c) {
      return c.name;
    });
    var previous = new Float64Array(names.length);
    var holder = el("div", "ge-compare");
    var label = el("label", "ge-time-check ge-compare-option");
    var box = el("input", "ge-compare-on");
    box.type = "checkbox";
    label.appendChild(box);
    label.appendChild(el("span", null, "Compare with the previous window"));
    holder.appendChild(label);
    var caption = el("div", "ge-compare-caption");
    var list = el("ul", "ge-legend-list ge-compare-list");
    holder.appendChild(caption);
    holder.appendChild(list);
    tl.parts.extra.appendChild(holder);
    var rows = page.meta.categories.map(function (category) {
      var item = el("li", "ge-legend-item ge-compare-item");
      var swatch = el("span", "ge-swatch");
      swatch.style.backgroundColor = category.color;
      item.appendChild(swatch);
      item.appendChild(el("span", "ge-legend-name", category.name));
      var counts = el("span", "ge-compare-counts");
      var change = el("span", "ge-compare-change");
      item.appendChild(counts);
      item.appendChild(change);
      list.appendChild(item);
      return { counts: counts, change: change, item: item };
    });

    /** {category: [current, previous]} for the window now shown. */
    function compute() {
      var out = {};
      var window = GE.previousWindow(tl.lo, tl.hi);
      if (tl.ready) GE.countOverlapping(page.store, tl.base, window[0], window[1], previous);
      var counts = page.counts();
      names.forEach(function (name, k) {
        out[name] = [counts[name][0], tl.ready ? previous[k] : 0];
      });
      return { counts: out, window: window };
    }

    function show() {
      holder.classList.toggle("ge-compare-shown", box.checked);
      caption.hidden = list.hidden = !box.checked;
      if (!box.checked) return;
      var result = compute();
      caption.textContent =
        GE.dayIso(tl.lo) + " to " + GE.dayIso(tl.hi) + " against " + GE.dayIso(result.window[0]) + " to " + GE.dayIso(result.window[1]);
      names.forEach(function (name, k) {
        var pair = result.counts[name];
        rows[k].counts.textContent = GE.countText(pair[0]) + " vs " + GE.countText(pair[1]);
        rows[k].change.textContent = GE.changeText(pair[0], pair[1]);
        rows[k].item.dataset.change = pair[0] > pair[1] ? "up" : pair[0] < pair[1] ? "down" : "same";
      });
    }

    box.addEventListener("change", show);
    tl.listeners.push(show);
    show();

    /** Show (true) or hide (false) the comparison; returns {category: [current, previous]}. */
    page.compare = function (on) {
      if (on !== undefined) {
        box.checked = !!on;
        show();
      }
      return compute().counts;
    };
  };
})();
