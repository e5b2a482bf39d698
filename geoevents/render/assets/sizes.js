/* geoevents map runtime: symbols that carry weight — sizes by fatalities, and the legend's
 * size and heat-map scales.
 *
 * With size_by="fatalities" (--size-by fatalities) a point's symbol has the area of a disc of
 * BASE pixels' radius plus PER_DEATH square pixels (times pi) per reported death, so the area
 * that a death adds is the same at every count: radius = sqrt(BASE^2 + PER_DEATH * deaths),
 * capped at MAX pixels (reached at 245 deaths). "Not reported" (a missing count, which is not
 * 0) is drawn at the base size with a dashed halo around it. The radii are computed once, into
 * the page's store (store.sizes, store.unreported), and both drawers read them from there.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  var SIZES = (GE.sizes = {
    BASE: 5,
    PER_DEATH: 2.25,
    MAX: 24,
    /** Pixels between a symbol's edge and its "not reported" halo. */
    HALO_GAP: 3,
    /** Deaths shown in the size legend, before the cap. */
    LEGEND: [0, 10, 50]
  });

  /** The radius in pixels of a symbol for a count of deaths (undefined: not reported). */
  SIZES.radius = function (deaths) {
    if (deaths === undefined || deaths === null || !(deaths >= 0)) return SIZES.BASE;
    return Math.min(SIZES.MAX, Math.sqrt(SIZES.BASE * SIZES.BASE + SIZES.PER_DEATH * deaths));
  };

  /** The deaths at which symbols stop growing. */
  SIZES.capAt = function () {
    return Math.ceil((SIZES.MAX * SIZES.MAX - SIZES.BASE * SIZES.BASE) / SIZES.PER_DEATH);
  };

  /**
   * Fill store.sizes (radius per row, Float32Array) and store.unreported (1 where the count is
   * missing) from a column reader (get(i): the value or undefined); a missing column is all
   * "not reported".
   */
  SIZES.attach = function (store, column) {
    var n = store.n;
    var sizes = (store.sizes = new Float32Array(n));
    var unreported = (store.unreported = new Uint8Array(n));
    for (var i = 0; i < n; i++) {
      var value = column ? column.get(i) : undefined;
      var deaths = value === undefined ? NaN : Number(value);
      if (deaths !== deaths || deaths < 0) {
        unreported[i] = 1;
        sizes[i] = SIZES.BASE;
      } else {
        sizes[i] = SIZES.radius(deaths);
      }
    }
  };

  /** The halo's colour: dark on the light basemap, light on the dark one. */
  SIZES.haloColor = function (map) {
    return map.getContainer().classList.contains("ge-style-dark") ? "#e8ecef" : "#2b3138";
  };

  /** Leaflet path options of a "not reported" halo around a symbol of radius r. */
  SIZES.haloOptions = function (map, radius, category) {
    return {
      className: "ge-unreported ge-cat-" + category,
      interactive: false,
      radius: radius + SIZES.HALO_GAP,
      color: SIZES.haloColor(map),
      weight: 1.5,
      opacity: 0.9,
      dashArray: "2 2",
      fill: false
    };
  };

  // -- the legend's scales -----------------------------------------------------------------

  var NEUTRAL = "#4d5660";

  function sizeScale(cfg) {
    var root = GE.el("div", "ge-size-scale");
    root.appendChild(GE.el("div", "ge-legend-heading", "Size: " + cfg.sizeBy.replace("_", " ")));
    var list = GE.el("ul", "ge-legend-list ge-size-list");
    var cap = SIZES.capAt();
    var entries = SIZES.LEGEND.map(function (deaths) {
      return { deaths: deaths, label: String(deaths) };
    });
    entries.push({ deaths: cap, label: cap + " or more" });
    entries.push({ deaths: null, label: "not reported" });
    entries.forEach(function (entry) {
      var r = SIZES.radius(entry.deaths);
      var side = 2 * (SIZES.MAX + SIZES.HALO_GAP + 2);
      var svg = GE.svg("svg", {
        width: side,
        height: 2 * r + 2 * SIZES.HALO_GAP + 6,
        viewBox: "0 0 " + side + " " + (2 * r + 2 * SIZES.HALO_GAP + 6),
        "aria-hidden": "true"
      });
      var cy = r + SIZES.HALO_GAP + 3;
      svg.appendChild(GE.svg("circle", { cx: side / 2, cy: cy, r: r, fill: NEUTRAL, stroke: "#ffffff", "stroke-width": 1.5 }));
      if (entry.deaths === null) {
        svg.appendChild(
          GE.svg("circle", {
            cx: side / 2,
            cy: cy,
            r: r + SIZES.HALO_GAP,
            fill: "none",
            stroke: "#2b3138",
            "stroke-width": 1.5,
            "stroke-dasharray": "2 2"
          })
        );
      }
      var item = GE.el("li", "ge-legend-item ge-size-item");
      item.dataset.deaths = entry.deaths === null ? "" : String(entry.deaths);
      item.appendChild(svg);
      item.appendChild(GE.el("span", "ge-legend-name", entry.label));
      list.appendChild(item);
    });
    root.appendChild(list);
    root.appendChild(
      GE.el("div", "ge-legend-note", "Area grows with the deaths reported; not reported is not 0.")
    );
    return root;
  }

  function heatScale() {
    var scale = GE.heatScale;
    var root = GE.el("div", "ge-heat-scale");
    root.appendChild(GE.el("div", "ge-legend-heading", "Heat map"));
    var bar = GE.el("div", "ge-heat-bar");
    bar.style.background =
      "linear-gradient(to right, " +
      scale.ramp
        .map(function (stop) {
          return stop[1] + " " + Math.round(stop[0] * 100) + "%";
        })
        .join(", ") +
      ")";
    root.appendChild(bar);
    var ends = GE.el("div", "ge-heat-ends");
    ends.appendChild(GE.el("span", null, "low"));
    ends.appendChild(GE.el("span", null, "high"));
    root.appendChild(ends);
    root.appendChild(
      GE.el(
        "div",
        "ge-legend-note",
        "Relative density of the shown incidents in view, each spread over " + scale.radius + " px; it rescales as you zoom."
      )
    );
    return root;
  }

  /** Parts controls.js adds at the end of the legend, given the legend's config. */
  GE.legendParts = GE.legendParts || [];
  GE.legendParts.push(function (cfg) {
    var parts = [];
    if (cfg.sizeBy) parts.push(sizeScale(cfg));
    if (cfg.heatmap && GE.heatScale) parts.push(heatScale());
    return parts;
  });

  // The page API: symbols() says how each shown point in view is drawn, for scripts and tests.
  GE.pageParts = GE.pageParts || [];
  GE.pageParts.push(function (page) {
    page.symbols = function () {
      var store = page.store;
      var view = page.project(0, false, null);
      var out = [];
      for (var j = 0; j < view.count; j++) {
        var i = view.rows[j];
        out.push({
          id: store.id(i),
          precision: store.prec[i],
          radius: store.sizes ? store.sizes[i] : GE.styles.MARKER[store.prec[i]].radius,
          unreported: store.unreported ? store.unreported[i] === 1 : false,
          x: view.xs[i],
          y: view.ys[i]
        });
      }
      return out;
    };
  });
})();
