/* geoevents map runtime: the offline basemap's place names, its style, and the tiles line.
 *
 * Labels (render/labels.py: countries, capitals, first-level divisions, populated places) come
 * in priority order. After each move the page places those due at the zoom and in view, each
 * only where it overlaps no label placed before it (a grid of placed boxes), so labels never
 * pile up. They are text nodes in their own pane, above the incidents and below the markers,
 * tooltips and popups (Leaflet's panes 600, 650, 700), and catch no pointer events: a click
 * on a label reaches the incident under it, and no label is drawn over a popup.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  var PANE_Z = 450;
  var MAX_LABELS = 400; // in view at once: beyond this a map is text, not a map
  var CELL = 64; // pixels of the collision grid
  var PAD = 3; // pixels kept free around each label
  var FONTS = {
    country: "600 13px system-ui, sans-serif",
    capital: "600 12px system-ui, sans-serif",
    admin1: "italic 11px system-ui, sans-serif",
    city: "11px system-ui, sans-serif"
  };
  var HEIGHT = { country: 16, capital: 15, admin1: 14, city: 14 };
  var DOT = 6; // pixels taken by a place's dot, left of its name

  /** Every label layer made, [{map, layer}], so each page finds its map's one. */
  GE.labelLayers = GE.labelLayers || [];

  var measure = null;
  function textWidth(text, font) {
    measure = measure || document.createElement("canvas").getContext("2d");
    measure.font = font;
    return measure.measureText(text).width;
  }

  /** Boxes placed so far, by grid cell: does a new box overlap one of them? */
  function Grid() {
    this.cells = new Map();
  }
  Grid.prototype.keys = function (box) {
    var out = [];
    for (var gx = Math.floor(box[0] / CELL); gx <= Math.floor(box[2] / CELL); gx++) {
      for (var gy = Math.floor(box[1] / CELL); gy <= Math.floor(box[3] / CELL); gy++) out.push(gx + "," + gy);
    }
    return out;
  };
  Grid.prototype.free = function (box) {
    var cells = this.cells;
    return this.keys(box).every(function (key) {
      var list = cells.get(key);
      return (
        !list ||
        list.every(function (other) {
          return box[2] < other[0] || box[0] > other[2] || box[3] < other[1] || box[1] > other[3];
        })
      );
    });
  };
  Grid.prototype.add = function (box) {
    var cells = this.cells;
    this.keys(box).forEach(function (key) {
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(box);
    });
  };

  var LabelLayer = L.Layer.extend({
    initialize: function (data) {
      this._places = data.places;
      this._kinds = data.kinds;
      this._widths = new Float32Array(data.places.length).fill(-1);
      // Normalised Web Mercator, once: a layout projects every place with two multiplications.
      var n = data.places.length;
      this._mx = new Float64Array(n);
      this._my = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var phi = (Math.max(-85.05, Math.min(85.05, data.places[i][1])) * Math.PI) / 180;
        this._mx[i] = data.places[i][2] / 360 + 0.5;
        this._my[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
      }
      this._nodes = [];
      this.shown = [];
      this._layout = this._layout.bind(this);
      this._hide = this._hide.bind(this);
    },

    onAdd: function (map) {
      var pane = map.getPane("geoeventsLabels");
      if (!pane) {
        pane = map.createPane("geoeventsLabels");
        pane.style.zIndex = PANE_Z;
        pane.style.pointerEvents = "none";
      }
      this._pane = pane;
      this._root = L.DomUtil.create("div", "ge-labels", pane);
      map.on("zoomstart", this._hide);
      map.on("moveend zoomend resize viewreset", this._layout);
      this._layout();
    },

    onRemove: function (map) {
      L.DomUtil.remove(this._root);
      this._nodes = [];
      this.shown = [];
      map.off("zoomstart", this._hide);
      map.off("moveend zoomend resize viewreset", this._layout);
    },

    _hide: function () {
      this._root.style.display = "none";
    },

    _node: function (k) {
      if (!this._nodes[k]) this._nodes[k] = L.DomUtil.create("div", "ge-label", this._root);
      return this._nodes[k];
    },

    /** Place the labels due at this zoom and in view, highest priority first, without overlap. */
    _layout: function () {
      var map = this._map;
      if (!map) return;
      this._root.style.display = "";
      var zoom = map.getZoom();
      var size = map.getSize();
      var grid = new Grid();
      var places = this._places;
      var shown = [];
      var scale = 256 * Math.pow(2, zoom);
      var origin = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      for (var i = 0; i < places.length && shown.length < MAX_LABELS; i++) {
        var place = places[i];
        if (zoom < place[3] || zoom > place[4]) continue;
        var point = { x: this._mx[i] * scale - origin.x, y: this._my[i] * scale - origin.y };
        if (point.x < -200 || point.y < -20 || point.x > size.x + 20 || point.y > size.y + 20) continue;
        var kind = this._kinds[place[5]];
        if (this._widths[i] < 0) this._widths[i] = textWidth(place[0], FONTS[kind]);
        var width = this._widths[i];
        var height = HEIGHT[kind];
        var centred = kind === "country" || kind === "admin1";
        // A country or division is named across its point; a place to the right of its dot.
        var left = centred ? point.x - width / 2 : point.x - DOT / 2;
        var box = [left - PAD, point.y - height / 2 - PAD, left + width + (centred ? 0 : DOT) + PAD, point.y + height / 2 + PAD];
        if (box[2] < 0 || box[0] > size.x || !grid.free(box)) continue;
        grid.add(box);
        shown.push({ index: i, name: place[0], kind: kind, x: point.x, y: point.y, box: box });
      }
      var layerOrigin = map.containerPointToLayerPoint([0, 0]);
      for (var k = 0; k < shown.length; k++) {
        var label = shown[k];
        var node = this._node(k);
        node.className = "ge-label ge-label-" + label.kind;
        node.textContent = label.name;
        node.style.display = "";
        var at = L.point(label.box[0] + PAD, label.box[1] + PAD).add(layerOrigin);
        L.DomUtil.setPosition(node, at);
      }
      for (var j = shown.length; j < this._nodes.length; j++) this._nodes[j].style.display = "none";
      this.shown = shown;
    }
  });

  /** The tiles line of the panel: "none ...", or the layer that is on and the host it contacts. */
  function trackTiles(map, tiles) {
    function line() {
      var terms = map.getContainer().querySelectorAll(".ge-panel-fields dt");
      for (var i = 0; i < terms.length; i++) if (terms[i].textContent === "Tiles") return terms[i].nextElementSibling;
      return null;
    }
    function update() {
      var on = false;
      map.eachLayer(function (layer) {
        if (layer instanceof L.TileLayer) on = true;
      });
      var node = line();
      if (node) node.textContent = on ? tiles.name + ": on, contacts " + tiles.host : tiles.name + ": off (no host contacted now)";
      map.getContainer().classList.toggle("ge-tiles-on", on);
    }
    // Not on every layeradd: each incident marker fires one.
    map.on("baselayerchange", update);
    return update;
  }

  /** Draw the place names and set the offline basemap's style (light or dark). */
  GE.addLabels = function (map, dataId) {
    var data = GE.readJson(dataId);
    var container = map.getContainer();
    container.classList.add("ge-style-" + data.style);
    var layer = new LabelLayer(data);
    layer.addTo(map);
    var entry = { map: map, layer: layer, style: data.style, tiles: data.tiles };
    GE.labelLayers.push(entry);
    if (data.tiles) {
      // The panel is added after this script: follow it once the map's scripts have run.
      var update = trackTiles(map, data.tiles);
      setTimeout(update, 0);
    }
    return layer;
  };

  function entryOf(map) {
    for (var i = 0; i < GE.labelLayers.length; i++) if (GE.labelLayers[i].map === map) return GE.labelLayers[i];
    return null;
  }

  // The page API: labels() lists the place names drawn now (in view, after collisions).
  GE.pageParts = GE.pageParts || [];
  GE.pageParts.push(function (page) {
    var entry = entryOf(page.map);
    page.labels = function () {
      if (!entry || !page.map.hasLayer(entry.layer)) return [];
      return entry.layer.shown.map(function (label) {
        return { name: label.name, kind: label.kind, x: label.x, y: label.y };
      });
    };
    page.basemapStyle = entry ? entry.style : null;
  });
})();
