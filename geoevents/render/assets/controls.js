/* geoevents map runtime, part 4: the legend, the provenance panel and the timeline control. */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  function control(map, position, build) {
    var ctl = L.control({ position: position });
    ctl.onAdd = function () {
      var node = build();
      GE.isolate(node);
      return node;
    };
    ctl.addTo(map);
    return ctl;
  }

  /** A collapsible box: <details open><summary>title</summary>...</details>. */
  function box(className, title) {
    var details = el("details", "ge-box " + className);
    details.open = true;
    details.appendChild(el("summary", "ge-box-title", title));
    return details;
  }

  var NEUTRAL = "#4d5660";

  /** A small picture of the symbol used for each geo_precision code. */
  function precisionSymbol(code) {
    var svg = GE.svg("svg", { width: 30, height: 30, viewBox: "0 0 30 30", "aria-hidden": "true" });
    var center = { cx: 15, cy: 15 };
    function circle(attrs) {
      svg.appendChild(GE.svg("circle", Object.assign({}, center, attrs)));
    }
    if (code === 1) {
      circle({ r: 6, fill: NEUTRAL, stroke: "#ffffff", "stroke-width": 1.5 });
    } else {
      var dash = { fill: NEUTRAL, "fill-opacity": 0.12, stroke: NEUTRAL, "stroke-dasharray": "4 3" };
      circle(Object.assign({ r: code === 2 ? 10 : 14 }, dash));
      if (code === 2) circle({ r: 5, fill: "#ffffff", stroke: NEUTRAL, "stroke-width": 3 });
      else circle({ r: 4, fill: "#ffffff", stroke: NEUTRAL, "stroke-width": 2, "stroke-dasharray": "2 2" });
    }
    return svg;
  }

  /** The legend: categories with colour and count, then what the precision symbols mean. */
  GE.addLegend = function (map, cfg) {
    return control(map, "bottomright", function () {
      var legend = box("ge-legend", cfg.title);
      var list = el("ul", "ge-legend-list");
      cfg.categories.forEach(function (category) {
        var item = el("li", "ge-legend-item");
        var swatch = el("span", "ge-swatch");
        swatch.style.backgroundColor = category.color;
        item.appendChild(swatch);
        item.appendChild(el("span", "ge-legend-name", category.name));
        item.appendChild(el("span", "ge-legend-count", String(category.count)));
        list.appendChild(item);
      });
      if (!cfg.categories.length) list.appendChild(el("li", "ge-legend-item", "No incidents"));
      legend.appendChild(list);
      legend.appendChild(el("div", "ge-legend-heading", "Location precision"));
      var symbols = el("ul", "ge-legend-list ge-precision-list");
      cfg.precision.forEach(function (entry) {
        var item = el("li", "ge-legend-item ge-precision-" + entry.code);
        item.appendChild(precisionSymbol(entry.code));
        item.appendChild(el("span", "ge-legend-name", entry.label));
        item.appendChild(el("span", "ge-legend-count", String(entry.count)));
        symbols.appendChild(item);
      });
      legend.appendChild(symbols);
      return legend;
    });
  };

  /** The panel that says what the map shows (title, count, dates, filters, source, version). */
  GE.addPanel = function (map, cfg) {
    return control(map, "topleft", function () {
      var panel = box("ge-panel", cfg.title);
      var fields = el("dl", "ge-panel-fields");
      cfg.lines.forEach(function (line) {
        if (line.label) {
          fields.appendChild(el("dt", null, line.label));
          fields.appendChild(el("dd", null, line.text));
        } else {
          fields.appendChild(el("dd", "ge-panel-line", line.text));
        }
      });
      panel.appendChild(fields);
      return panel;
    });
  };

  /**
   * The timeline: two handles between the data's first and last day. Moving them hides the
   * incidents outside the range (same overlap rule as --start/--end) and updates the count.
   */
  GE.addTimeline = function (state, cfg) {
    var first = GE.isoDay(cfg.start);
    var days = GE.isoDay(cfg.end) - first;
    var startInput, endInput, startLabel, endLabel, counter;

    function handle(value, label) {
      var input = el("input", "ge-range-input");
      input.type = "range";
      input.min = "0";
      input.max = String(days);
      input.step = "1";
      input.value = String(value);
      input.setAttribute("aria-label", label);
      return input;
    }

    function update(event) {
      var lo = +startInput.value;
      var hi = +endInput.value;
      if (lo > hi) {
        // The handle being dragged stops at the other one.
        if (event && event.target === startInput) startInput.value = String((lo = hi));
        else endInput.value = String((hi = lo));
      }
      var range = [GE.dayIso(first + lo), GE.dayIso(first + hi)];
      startLabel.textContent = range[0];
      endLabel.textContent = range[1];
      state.setRange(range);
    }

    function count() {
      counter.textContent = state.visibleCount() + " of " + state.drawnCount() + " incidents shown";
    }

    control(state.map, "bottomleft", function () {
      var timeline = box("ge-timeline", "Dates");
      var track = el("div", "ge-range");
      startInput = handle(0, "First date shown");
      endInput = handle(days, "Last date shown");
      track.appendChild(startInput);
      track.appendChild(endInput);
      timeline.appendChild(track);
      var labels = el("div", "ge-range-labels");
      startLabel = el("span", "ge-range-start", cfg.start);
      endLabel = el("span", "ge-range-end", cfg.end);
      labels.appendChild(startLabel);
      labels.appendChild(el("span", null, " to "));
      labels.appendChild(endLabel);
      timeline.appendChild(labels);
      counter = el("div", "ge-visible-count");
      timeline.appendChild(counter);
      startInput.addEventListener("input", update);
      endInput.addEventListener("input", update);
      return timeline;
    });
    state.onChange(count);
    count();
    /** For scripts and tests: show only [start, end] (ISO dates), as if the handles moved. */
    state.timeline = {
      setDates: function (start, end) {
        startInput.value = String(Math.max(0, Math.min(days, GE.isoDay(start) - first)));
        endInput.value = String(Math.max(0, Math.min(days, GE.isoDay(end) - first)));
        update(null);
      }
    };
    return state.timeline;
  };
})();
