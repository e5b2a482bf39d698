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
})();
