/* geoevents map runtime: where the controls go, so that none covers another, down to a phone.
 *
 * The stylesheet does the layout (geoevents.css, "Layout" block): each corner of the map is a
 * column of controls that never grows into the corner below it, and on a narrow screen (at most
 * NARROW wide) the incident list becomes a bottom sheet and every control is at most half the
 * width. This script only measures what CSS cannot know — how tall the bottom corners and the
 * sheet are — into CSS variables on the map, and on a narrow screen starts the boxes (legend,
 * panel, timeline, filters...) and the layer control collapsed.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  GE.NARROW = "(max-width: 640px)";

  /** Whether the screen is narrow (a phone held upright). */
  GE.isNarrow = function () {
    return !!(window.matchMedia && window.matchMedia(GE.NARROW).matches);
  };

  function collapseForNarrow(container) {
    Array.prototype.forEach.call(container.querySelectorAll("details.ge-box"), function (box) {
      box.open = false;
    });
    Array.prototype.forEach.call(container.querySelectorAll(".leaflet-control-layers"), function (box) {
      box.classList.remove("leaflet-control-layers-expanded");
    });
  }

  /**
   * Keep the layout variables of a page's map up to date: --ge-bottom-left, --ge-bottom-right
   * (heights of the bottom corners) and --ge-sheet (the bottom sheet's height on a narrow
   * screen, else 0). Called once per page, after its controls are added.
   */
  GE.arrangeControls = function (page) {
    var container = page.map.getContainer();
    if (container.dataset.geArranged) return;
    container.dataset.geArranged = "true";
    container.classList.add("ge-layout");
    var corner = function (name) {
      return container.querySelector(".leaflet-control-container .leaflet-" + name);
    };
    var bottomLeft = corner("bottom.leaflet-left");
    var bottomRight = corner("bottom.leaflet-right");
    var sheet = container.querySelector(".ge-list");

    function measure() {
      var narrow = GE.isNarrow();
      // Whole pixels, rounded up: a fraction left out would let two controls touch.
      var height = function (node) {
        return node ? Math.ceil(node.getBoundingClientRect().height) : 0;
      };
      container.style.setProperty("--ge-sheet", (narrow ? height(sheet) : 0) + "px");
      container.style.setProperty("--ge-bottom-left", height(bottomLeft) + "px");
      container.style.setProperty("--ge-bottom-right", height(bottomRight) + "px");
    }

    if (GE.isNarrow()) collapseForNarrow(container);
    // On a narrow screen a click on the map folds the layer control away again.
    page.map.on("click", function () {
      if (!GE.isNarrow()) return;
      Array.prototype.forEach.call(container.querySelectorAll(".leaflet-control-layers"), function (box) {
        box.classList.remove("leaflet-control-layers-expanded");
      });
    });
    measure();
    if (typeof ResizeObserver === "function") {
      var observer = new ResizeObserver(measure);
      [bottomLeft, bottomRight, sheet, container].forEach(function (node) {
        if (node) observer.observe(node);
      });
    } else {
      window.addEventListener("resize", measure);
    }
    page.map.on("resize", measure);
  };

  // -- the first view: the incidents in the part of the map the controls leave free ---------

  /** Pixels kept between the incidents' bounds and the free area's edges. */
  var FIT_MARGIN = 20;
  /** A free area narrower or lower than this is no use: the fit ignores the controls then. */
  var FIT_MIN = 120;

  /**
   * Open the map on bounds (the build's FitIncidents): at once, as Leaflet would, and again
   * by GE.fitFree once the page's controls are laid out.
   */
  GE.fitIncidents = function (map, bounds, options) {
    map.fitBounds(bounds, options);
    var page = GE.pageOf(map);
    if (page) page.fit = { bounds: bounds, options: options };
  };

  /** The rectangles (container pixels) the map's controls cover. */
  function coveredRects(container) {
    var box = container.getBoundingClientRect();
    var width = box.width;
    var height = box.height;
    var bottomRight = container.querySelector(".leaflet-control-container .leaflet-bottom.leaflet-right");
    var reserved = bottomRight ? bottomRight.getBoundingClientRect().height : 0;
    var out = [];
    Array.prototype.forEach.call(container.querySelectorAll(".leaflet-control-container .leaflet-control"), function (node) {
      var r = node.getBoundingClientRect();
      if (!r.width || !r.height) return;
      var rect = { left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top };
      // The open list grows down its column once its rows come: reserve the whole column.
      if (node.classList.contains("ge-list") && !node.classList.contains("ge-collapsed") && !GE.isNarrow()) {
        rect.bottom = Math.max(rect.bottom, height - reserved);
      }
      out.push(rect);
    });
    return { rects: out, width: width, height: height };
  }

  /**
   * The largest rectangle of the map no control covers, as padding from each edge
   * ({left, top, right, bottom}), or null when what is left is too small. The controls sit in
   * the corners, so the candidate edges are the controls' own edges.
   */
  GE.freeArea = function (container) {
    var covered = coveredRects(container);
    var rects = covered.rects;
    var W = covered.width;
    var H = covered.height;
    var lefts = [0];
    var tops = [0];
    var rights = [0];
    var bottoms = [0];
    rects.forEach(function (r) {
      lefts.push(Math.ceil(r.right));
      rights.push(Math.ceil(W - r.left));
      tops.push(Math.ceil(r.bottom));
      bottoms.push(Math.ceil(H - r.top));
    });
    var best = null;
    var bestArea = 0;
    lefts.forEach(function (l) {
      rights.forEach(function (r) {
        if (W - r - l < FIT_MIN) return;
        tops.forEach(function (t) {
          bottoms.forEach(function (b) {
            var area = (W - r - l) * (H - b - t);
            if (H - b - t < FIT_MIN || area <= bestArea) return;
            for (var k = 0; k < rects.length; k++) {
              var c = rects[k];
              if (c.left < W - r && c.right > l && c.top < H - b && c.bottom > t) return;
            }
            bestArea = area;
            best = { left: l, top: t, right: r, bottom: b };
          });
        });
      });
    });
    return best;
  };

  /**
   * Fit the page's incidents (page.fit) into the free area, the controls laid out first (on a
   * phone they start folded). Called before a permalink's view is restored, which then wins.
   */
  GE.fitFree = function (page) {
    if (!page.fit) return;
    GE.arrangeControls(page);
    var free = GE.freeArea(page.map.getContainer());
    if (!free) return;
    var options = Object.assign({}, page.fit.options);
    delete options.padding;
    options.paddingTopLeft = [free.left + FIT_MARGIN, free.top + FIT_MARGIN];
    options.paddingBottomRight = [free.right + FIT_MARGIN, free.bottom + FIT_MARGIN];
    page.map.fitBounds(page.fit.bounds, options);
  };
})();
