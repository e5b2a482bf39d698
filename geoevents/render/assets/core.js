/* geoevents map runtime, part 1: the namespace, DOM helpers, borders, notices, readiness.
 *
 * Rule for all geoevents scripts: data reaches the page only through textContent,
 * setAttribute and DOM properties, never as HTML (no innerHTML, no string templates of markup).
 */
(function () {
  "use strict";
  var GE = (window.geoevents = window.geoevents || {});
  GE.maps = GE.maps || {};

  var SVG_NS = "http://www.w3.org/2000/svg";

  /** Create an element with an optional class and text (inserted as text, never as HTML). */
  GE.el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };

  /** Create an SVG element with attributes. */
  GE.svg = function (tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, String(attrs[key]));
    });
    return node;
  };

  /** Parse the JSON data block (a script element of type application/json) with this id. */
  GE.readJson = function (id) {
    return JSON.parse(document.getElementById(id).textContent);
  };

  /** Keep clicks, drags and wheel turns on a control from reaching the map. */
  GE.isolate = function (node) {
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
  };

  /** Draw the offline country borders in a pane under the tiles (they are the basemap offline). */
  GE.drawBorders = function (map, dataId) {
    var pane = map.createPane("geoeventsBorders");
    pane.style.zIndex = 150;
    pane.style.pointerEvents = "none";
    L.geoJSON(GE.readJson(dataId), {
      pane: "geoeventsBorders",
      interactive: false,
      style: {
        color: "#8c939c",
        weight: 0.8,
        opacity: 1,
        fillColor: "#f4f2ed",
        fillOpacity: 1,
        className: "ge-border"
      }
    }).addTo(map);
  };

  /** A message box at the top of the map (text only). */
  GE.addNotice = function (map, text) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var node = GE.el("div", "ge-box ge-notice", text);
      GE.isolate(node);
      return node;
    };
    ctl.addTo(map);
    return ctl;
  };

  /** Mark the page as drawn: <html data-geoevents-ready="true"> (after an asynchronous draw). */
  GE.ready = function (state) {
    function done() {
      state.ready = true;
      document.documentElement.dataset.geoeventsReady = "true";
    }
    if (state.drawn) state.drawn.then(done);
    else done();
  };
})();
