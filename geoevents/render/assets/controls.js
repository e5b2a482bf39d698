/* geoevents map runtime: the legend, the provenance panel and the layer control's labels, all
 * with live counts: shown / total, updated whenever the mask changes. */
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

  /**
   * A count as a reader reads it: "1,234,567" (thousands by commas, whatever the browser's
   * locale, so every page and test reads the same). The page API keeps returning numbers.
   */
  GE.countText = function (n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  };

  function countText(pair) {
    return GE.countText(pair[0]) + " / " + GE.countText(pair[1]);
  }

  /** Each category's name with its live count, "Battles (3 / 8)": the layer-control label. */
  GE.categoryLabel = function (name, pair) {
    return name + " (" + countText(pair) + ")";
  };

  /** Keep the layer control's category labels in step with the mask (text only). */
  GE.liveLayerLabels = function (page) {
    function relabel() {
      var counts = page.counts();
      var byStamp = {};
      page.groups.forEach(function (group, k) {
        byStamp[L.stamp(group)] = k;
      });
      var inputs = page.map.getContainer().querySelectorAll(".leaflet-control-layers-overlays input");
      Array.prototype.forEach.call(inputs, function (input) {
        var k = byStamp[input.layerId];
        if (k === undefined || !input.nextElementSibling) return;
        var name = page.meta.categories[k].name;
        input.nextElementSibling.textContent = " " + GE.categoryLabel(name, counts[name]);
      });
    }
    page.onChange(relabel);
    page.map.on("baselayerchange", relabel);
    relabel();
  };

  /** The legend: categories with colour and live count, then what the precision symbols mean. */
  GE.addLegend = function (map, cfg) {
    var counters = [];
    var ctl = control(map, "bottomright", function () {
      var legend = box("ge-legend", cfg.title);
      var list = el("ul", "ge-legend-list");
      cfg.categories.forEach(function (category, k) {
        var item = el("li", "ge-legend-item");
        var swatch = el("span", "ge-swatch");
        swatch.style.backgroundColor = category.color;
        item.appendChild(swatch);
        item.appendChild(el("span", "ge-legend-name", category.name));
        var counter = el("span", "ge-legend-count", countText([cfg.shown[k], category.count]));
        counters.push(counter);
        item.appendChild(counter);
        list.appendChild(item);
      });
      if (!cfg.categories.length) list.appendChild(el("li", "ge-legend-item", "No incidents"));
      legend.appendChild(list);
      legend.appendChild(el("div", "ge-legend-heading", "Location precision"));
      var symbols = el("ul", "ge-legend-list ge-precision-list");
      cfg.precision.forEach(function (entry) {
        var item = el("li", "ge-legend-item ge-precision-" + entry.code);
        item.appendChild(GE.styles.precisionSymbol(entry.code));
        item.appendChild(el("span", "ge-legend-name", entry.label));
        item.appendChild(el("span", "ge-legend-count", GE.countText(entry.count)));
        symbols.appendChild(item);
      });
      legend.appendChild(symbols);
      // Scales added by other scripts (sizes.js: the size and heat-map scales).
      (GE.legendParts || []).forEach(function (part) {
        part(cfg).forEach(function (node) {
          legend.appendChild(node);
        });
      });
      return legend;
    });
    var page = GE.pageOf(map);
    if (page) {
      page.onChange(function () {
        var counts = page.counts();
        cfg.categories.forEach(function (category, k) {
          counters[k].textContent = countText(counts[category.name]);
        });
      });
    }
    return ctl;
  };

  /** The panel that says what the map shows (title, count, dates, filters, source, version). */
  GE.addPanel = function (map, cfg) {
    var page = GE.pageOf(map);
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
      if (page) panel.appendChild(shownList(page));
      return panel;
    });
  };

  /** The panel's live part: how many are shown, in all and per category. */
  function shownList(page) {
    var root = el("div", "ge-panel-shown");
    var total = el("div", "ge-panel-total");
    var list = el("ul", "ge-legend-list ge-panel-categories");
    root.appendChild(total);
    root.appendChild(list);
    var rows = page.meta.categories.map(function (category) {
      var item = el("li", "ge-legend-item");
      item.appendChild(el("span", "ge-legend-name", category.name));
      var counter = el("span", "ge-legend-count");
      item.appendChild(counter);
      list.appendChild(item);
      return counter;
    });
    function update() {
      total.textContent = "Shown: " + GE.countText(page.visibleCount()) + " of " + GE.countText(page.count) + " incidents";
      var counts = page.counts();
      page.meta.categories.forEach(function (category, k) {
        rows[k].textContent = countText(counts[category.name]);
      });
    }
    page.onChange(update);
    update();
    return root;
  }
  // The timeline (GE.addTimeline) is the time control of histogram.js.
})();
