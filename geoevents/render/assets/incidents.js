/* geoevents map runtime, part 3: draw the incidents into their category groups, and keep track
 * of which are visible (category switched on in the layer control, dates inside the timeline).
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  // Radius in metres of the area of uncertainty drawn around an incident known only near a
  // place (geo_precision 2) or only to its region (3). A visual convention, not a measured error.
  var AREA_RADIUS = { 2: 15000, 3: 75000 };

  function ensurePanes(map) {
    if (map.getPane("geoeventsAreas")) return;
    // Areas lie under the markers and never catch clicks: the marker in the middle does.
    var areas = map.createPane("geoeventsAreas");
    areas.style.zIndex = 380;
    areas.style.pointerEvents = "none";
    map.createPane("geoeventsShapes").style.zIndex = 390;
  }

  function markerOptions(color, code, category) {
    var options = {
      className: "ge-incident ge-cat-" + category + " ge-p" + code,
      radius: 6,
      color: "#ffffff",
      weight: 1.5,
      opacity: 1,
      fillColor: color,
      fillOpacity: 0.9
    };
    if (code === 2) {
      // A ring: "near here", not "exactly here".
      options.color = color;
      options.weight = 3;
      options.fillColor = "#ffffff";
    } else if (code === 3) {
      // A small dashed ring: only the region is known.
      options.color = color;
      options.weight = 2;
      options.radius = 5;
      options.dashArray = "2 2";
      options.fillColor = "#ffffff";
    }
    return options;
  }

  function areaOptions(color, code, category) {
    return {
      pane: "geoeventsAreas",
      className: "ge-area ge-cat-" + category + " ge-p" + code,
      interactive: false,
      radius: AREA_RADIUS[code],
      color: color,
      weight: 1.5,
      opacity: 0.8,
      dashArray: "6 4",
      fillColor: color,
      fillOpacity: 0.12
    };
  }

  function shapeLayer(rec, color, code) {
    return L.geoJSON(rec.shape, {
      pane: "geoeventsShapes",
      style: {
        className: "ge-shape ge-cat-" + rec.c + " ge-p" + code,
        color: color,
        weight: 3,
        opacity: 0.9,
        fillColor: color,
        fillOpacity: 0.2,
        dashArray: code === 1 ? null : "6 4"
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, markerOptions(color, code, rec.c));
      }
    });
  }

  function clusterIcon(color) {
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? 30 : count < 100 ? 36 : 44;
      var bubble = GE.el("div", "ge-cluster", String(count));
      bubble.style.backgroundColor = color;
      return L.divIcon({ html: bubble, className: "ge-cluster-icon", iconSize: L.point(size, size) });
    };
  }

  /** Where an incident's layers go: its category group, or that group's cluster. */
  function makeHolder(group, category, cluster) {
    var holder = { group: group, points: group, others: group };
    if (cluster) {
      holder.points = L.markerClusterGroup({
        iconCreateFunction: clusterIcon(category.color),
        showCoverageOnHover: false,
        spiderfyOnMaxZoom: true
      });
      group.addLayer(holder.points);
    }
    return holder;
  }

  function makeItem(rec, index, holder, category, meta) {
    var item = { rec: rec, index: index, shown: true, parts: [], marker: null, area: null, shape: null };
    if (!rec.point) return item; // counted, but there is nothing to draw
    var code = GE.precisionOf(rec);
    var color = category.color;
    var clickable;
    if (rec.shape) {
      item.shape = clickable = shapeLayer(rec, color, code);
      item.parts.push([holder.others, item.shape]);
    } else {
      if (code > 1) {
        item.area = L.circle(rec.point, areaOptions(color, code, rec.c));
        item.parts.push([holder.others, item.area]);
      }
      item.marker = clickable = L.circleMarker(rec.point, markerOptions(color, code, rec.c));
      item.parts.push([holder.points, item.marker]);
    }
    clickable.bindPopup(
      function () {
        return GE.popupContent(rec, meta);
      },
      { maxWidth: 360, minWidth: 240, maxHeight: 360 }
    );
    clickable.bindTooltip(
      function () {
        return GE.tooltipContent(rec);
      },
      { direction: "top", offset: [0, -6] }
    );
    return item;
  }

  /** Add (or remove) many layers, grouped by container; clusters take them in one batch. */
  function apply(parts, adding) {
    var batches = [];
    parts.forEach(function (part) {
      var batch = batches.filter(function (b) {
        return b.container === part[0];
      })[0];
      if (!batch) batches.push((batch = { container: part[0], layers: [] }));
      batch.layers.push(part[1]);
    });
    batches.forEach(function (batch) {
      var container = batch.container;
      if (container.addLayers) {
        if (adding) container.addLayers(batch.layers);
        else container.removeLayers(batch.layers);
      } else {
        batch.layers.forEach(function (layer) {
          if (adding) container.addLayer(layer);
          else container.removeLayer(layer);
        });
      }
    });
  }

  /** The overlap rule of --start/--end: date_start <= end and date_end >= start, inclusive. */
  GE.inRange = function (rec, range) {
    if (!range || !rec.date_start) return true;
    var end = rec.date_end || rec.date_start;
    return rec.date_start <= range[1] && end >= range[0];
  };

  /**
   * Draw the incidents of the JSON block opts.dataId into opts.groups (one per category) and
   * return the map's state: items, visibleCount(), setRange([start, end] | null), onChange(fn).
   */
  GE.drawIncidents = function (opts) {
    var map = opts.map;
    var meta = GE.readJson(opts.dataId);
    ensurePanes(map);
    var holders = meta.categories.map(function (category, index) {
      return makeHolder(opts.groups[index], category, opts.cluster);
    });
    var state = { map: map, meta: meta, groups: opts.groups, items: [], range: null, listeners: [] };
    var initial = [];
    meta.incidents.forEach(function (rec, index) {
      var item = makeItem(rec, index, holders[rec.c], meta.categories[rec.c], meta);
      state.items.push(item);
      Array.prototype.push.apply(initial, item.parts);
    });
    apply(initial, true);

    /** Whether an incident is on the map: drawable, its category on, inside the date range. */
    state.isVisible = function (item) {
      return item.parts.length > 0 && item.shown && map.hasLayer(state.groups[item.rec.c]);
    };
    state.visibleCount = function () {
      return state.items.filter(state.isVisible).length;
    };
    state.drawnCount = function () {
      return state.items.filter(function (item) {
        return item.parts.length > 0;
      }).length;
    };
    state.onChange = function (listener) {
      state.listeners.push(listener);
    };
    state.changed = function () {
      state.listeners.forEach(function (listener) {
        listener(state);
      });
    };
    /** Container points of the visible incidents (for the heat layer). */
    state.viewPoints = function () {
      var xs = [];
      var ys = [];
      state.items.forEach(function (item) {
        if (!state.isVisible(item)) return;
        var p = map.latLngToContainerPoint(item.rec.point);
        xs.push(p.x);
        ys.push(p.y);
      });
      return { xs: xs, ys: ys, count: xs.length };
    };
    state.setRange = function (range) {
      state.range = range;
      var toAdd = [];
      var toRemove = [];
      state.items.forEach(function (item) {
        var keep = GE.inRange(item.rec, range);
        if (keep === item.shown) return;
        item.shown = keep;
        Array.prototype.push.apply(keep ? toAdd : toRemove, item.parts);
      });
      apply(toRemove, false);
      apply(toAdd, true);
      state.changed();
    };
    map.on("overlayadd overlayremove", state.changed);
    GE.maps[opts.mapName] = state;
    return state;
  };
})();
