/* geoevents map runtime: the page of one map — its store, its drawer and its API.
 *
 * GE.drawIncidents (vector drawer: Leaflet markers, optionally clustered) and GE.drawLarge
 * (canvas drawer: one canvas of stamps) differ only in how they draw. Both open the same
 * store, write its one visibility mask through page.update (category toggles, timeline),
 * answer clicks and hovers from the same hit index, open the same popups and stack lists,
 * and offer the same API (docs/map.md): visible(), at(lat, lon), open(id),
 * timeRange([start, end]), toggle(category, on), counts(), onChange(fn).
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var POPUP = { maxWidth: 360, minWidth: 240, maxHeight: 360 };
  var MAX_LAT = 85.0511287798;

  function ensurePanes(map) {
    if (map.getPane("geoeventsAreas")) return;
    // Areas lie under the markers and never catch clicks.
    var areas = map.createPane("geoeventsAreas");
    areas.style.zIndex = 380;
    areas.style.pointerEvents = "none";
    map.createPane("geoeventsShapes").style.zIndex = 390;
  }

  /** The page of a Leaflet map (the first one made for it), or null. */
  GE.pageOf = function (map) {
    var found = null;
    Object.keys(GE.maps).forEach(function (id) {
      if (!found && GE.maps[id].map === map) found = GE.maps[id];
    });
    return found;
  };

  GE.drawIncidents = function (opts) {
    return makePage(opts, GE.vectorDrawer);
  };

  GE.drawLarge = function (opts) {
    return makePage(opts, GE.canvasDrawer);
  };

  function makePage(opts, makeDrawer) {
    var map = opts.map;
    var meta = GE.readJson(opts.metaId);
    var page = {
      id: opts.mapName,
      map: map,
      meta: meta,
      groups: opts.groups,
      cluster: !!opts.cluster,
      count: meta.count,
      listeners: [],
      store: null
    };
    var store = null;
    var drawer = null;
    var shapes = [];
    var hits = null;
    var n = meta.count;
    var view = { rows: new Int32Array(n), xs: new Float32Array(n), ys: new Float32Array(n), count: 0 };
    ensurePanes(map);
    GE.maps[opts.mapName] = page;

    // -- projection and hits ---------------------------------------------------------------

    /** Pixel scale and container origin of the current view, in normalised Web Mercator. */
    function frame() {
      var scale = 256 * Math.pow(2, map.getZoom());
      var origin = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());
      return { scale: scale, x: origin.x, y: origin.y };
    }

    /**
     * The shown incidents in view (with margin pixels around it) as container points:
     * view.rows[0 .. view.count) and view.xs/ys[row]. Shapes are left out unless withShapes;
     * skip(row) (the vector drawer's clusters) leaves out more. The rows come by category,
     * in row order within each (store.catRows): the order the canvas draws them in.
     *
     * Without skip, each category's rows in view are kept until the view moves or that
     * category's mask changes (store.catVersion): a toggle projects its own category only.
     * The rows of a category showing all its rows (store.catAll) are kept apart too, so that
     * clearing the filters re-reads them. view.catEnds[c] is where category c's rows end in
     * view.rows; view.at names the view and the margin (the same at and versions: the same
     * rows).
     */
    var segments = {}; // "margin|shapes" -> {versions, rows: per category, the rows in view}
    var projectedAt = ""; // the view view.xs/ys were last written for
    page.project = function (margin, withShapes, skip) {
      var size = map.getSize();
      var f = frame();
      var at = [f.scale, f.x, f.y, size.x, size.y].join(",");
      if (at !== projectedAt) {
        segments = {};
        projectedAt = at;
      }
      var k = store.catStart.length - 1;
      var key = margin + "|" + (withShapes ? 1 : 0);
      var kept = skip ? null : segments[key] || (segments[key] = { versions: new Int32Array(k).fill(-1), rows: [], all: [] });
      var count = 0;
      if (!view.catEnds || view.catEnds.length !== k) view.catEnds = new Int32Array(k);
      for (var c = 0; c < k; c++) {
        if (kept && kept.versions[c] !== store.catVersion[c] && store.catAll[c] && kept.all[c]) {
          // Every row of c shown again (filters cleared): its rows in view as last time.
          kept.rows[c] = kept.all[c];
          kept.versions[c] = store.catVersion[c];
        }
        if (kept && kept.versions[c] === store.catVersion[c]) {
          view.rows.set(kept.rows[c], count);
          count += kept.rows[c].length;
          view.catEnds[c] = count;
          continue;
        }
        var found = projectCategory(c, margin, withShapes, skip, f, size, count);
        if (kept) {
          kept.rows[c] = view.rows.slice(count, count + found);
          kept.versions[c] = store.catVersion[c];
          kept.all[c] = store.catAll[c] ? kept.rows[c] : kept.all[c];
        }
        count += found;
        view.catEnds[c] = count;
      }
      view.count = count;
      view.at = skip ? "" : at + "|" + key; // what the rows are of: a drawer may keep work by it
      view.scale = f.scale;
      view.width = size.x;
      view.height = size.y;
      return view;
    };

    /**
     * The rows of category c in view (margin pixels around it, shapes left out) as they would
     * be with all its rows shown: what page.project keeps for "clear all" (kept.all[c]). Made
     * ahead, while the page is idle, after the view moved while c was filtered, so that
     * clearing the filters then re-reads them. Returns them (an Int32Array), or null when the
     * view has moved since (or was never projected with that margin).
     */
    page.projectAll = function (c, margin) {
      var f = frame();
      var size = map.getSize();
      if ([f.scale, f.x, f.y, size.x, size.y].join(",") !== projectedAt) return null;
      var kept = segments[margin + "|0"];
      if (!kept) return null;
      if (kept.all[c]) return kept.all[c];
      var mx = store.mx;
      var my = store.my;
      var prec = store.prec;
      var isShape = store.isShape;
      var grouped = store.catRows;
      var end = store.catStart[c + 1];
      var found = new Int32Array(end - store.catStart[c]);
      var count = 0;
      for (var j = store.catStart[c]; j < end; j++) {
        var i = grouped[j];
        if (!prec[i] || isShape[i]) continue;
        var x = mx[i] * f.scale - f.x;
        if (x < -margin || x > size.x + margin) continue;
        var y = my[i] * f.scale - f.y;
        if (y < -margin || y > size.y + margin) continue;
        // The same points projectCategory writes for this view (xs/ys are per row).
        view.xs[i] = x;
        view.ys[i] = y;
        found[count++] = i;
      }
      kept.all[c] = found.slice(0, count);
      return kept.all[c];
    };

    /** Project category c's shown rows in view into view.rows from position start. */
    function projectCategory(c, margin, withShapes, skip, f, size, start) {
      var count = start;
      if (store.perCategory[c][0] === 0) return 0; // switched off or filtered out
      var mask = store.mask;
      var mx = store.mx;
      var my = store.my;
      var isShape = store.isShape;
      var grouped = store.catRows;
      var end = store.catStart[c + 1];
      for (var j = store.catStart[c]; j < end; j++) {
        var i = grouped[j];
        if (!mask[i] || (!withShapes && isShape[i])) continue;
        var x = mx[i] * f.scale - f.x;
        if (x < -margin || x > size.x + margin) continue;
        var y = my[i] * f.scale - f.y;
        if (y < -margin || y > size.y + margin) continue;
        if (skip && skip(i)) continue;
        view.rows[count] = i;
        view.xs[i] = x;
        view.ys[i] = y;
        count++;
      }
      return count - start;
    }

    /** Container points of the shown incidents in view, shapes' anchors too (heat layer). */
    page.viewPoints = function () {
      if (!store) return { xs: [], ys: [], count: 0 };
      page.project(0, true, null);
      var xs = new Float32Array(view.count);
      var ys = new Float32Array(view.count);
      for (var j = 0; j < view.count; j++) {
        xs[j] = view.xs[view.rows[j]];
        ys[j] = view.ys[view.rows[j]];
      }
      return { xs: xs, ys: ys, count: view.count };
    };

    var idle = window.requestIdleCallback || function (fn) {
      return setTimeout(fn, 50);
    };
    var rebuilding = false;
    /**
     * Forget the hit index: the view or the mask changed. It is built again when the page is
     * idle (after the frame), so that a click or at() finds it ready; a question asked before
     * that builds it at once.
     */
    page.moved = function () {
      hits = null;
      if (rebuilding) return;
      rebuilding = true;
      idle(function () {
        rebuilding = false;
        if (!hits && store && drawer) hitIndex();
      });
    };

    function hitIndex() {
      if (!hits) {
        var reach = GE.hitReach(store);
        page.project(Math.ceil(reach.max) + 1, false, drawer.hidden);
        hits = GE.hitIndex(view.rows, view.xs, view.ys, view.count, view.width, view.height, n, reach);
      }
      return hits;
    }

    /** The rows under a container point (same rule for clicks, hovers and at()). */
    page.rowsAt = function (point) {
      return hitIndex().query(point.x, point.y);
    };

    /** Whether anything shown is under a container point (nothing copied: hovers ask often). */
    page.anyAt = function (point) {
      return hitIndex().view(point.x, point.y).length > 0;
    };

    // -- the mask --------------------------------------------------------------------------

    function categoriesOn() {
      return page.groups.map(function (group) {
        return map.hasLayer(group);
      });
    }

    function syncShapes() {
      shapes.forEach(function (item) {
        var keep = store.mask[item.row] === 1;
        if (keep === item.shown) return;
        item.shown = keep;
        var group = page.groups[store.cat[item.row]];
        if (keep) group.addLayer(item.layer);
        else group.removeLayer(item.layer);
      });
    }

    /** Write mask inputs ({range} etc.; the categories are read from the map), then redraw. */
    page.update = function (changes) {
      if (!store) return;
      var inputs = Object.assign({}, changes || {}, { categories: categoriesOn() });
      store.setInputs(inputs);
      page.range = store.inputs.range;
      syncShapes();
      // The hexagons alone (hexview.js): the points are drawn again when they are switched on.
      if (!page.pointsOff) drawer.sync();
      page.moved();
      page.listeners.slice().forEach(function (listener) {
        listener(page);
      });
    };

    page.redrawPoints = function () {
      if (drawer) drawer.sync();
    };

    page.setRange = function (range) {
      page.update({ range: range });
    };

    page.onChange = function (listener) {
      page.listeners.push(listener);
    };

    page.visibleCount = function () {
      return store ? store.shown : 0;
    };
    page.drawnCount = function () {
      return store ? store.drawable : 0;
    };
    page.isVisible = function (i) {
      return store.mask[i] === 1;
    };

    // -- popups and tooltips ---------------------------------------------------------------

    function latLngOf(row) {
      return L.latLng(store.lat[row], store.lon[row]);
    }

    function popupAt(latlng, build) {
      var holder = GE.el("div", "ge-popup-holder");
      holder.appendChild(GE.el("div", "ge-loading", "Loading\u2026"));
      page.popup = L.popup(POPUP).setLatLng(latlng).setContent(holder).openOn(map);
      return store.text.then(function () {
        holder.textContent = "";
        holder.appendChild(build());
        if (page.popup.isOpen()) page.popup.update();
        return page.popup;
      });
    }

    /** Open row's popup (at latlng, default its point). */
    page.openRow = function (row, latlng) {
      page.openedRow = row;
      return popupAt(latlng || latLngOf(row), function () {
        return GE.popupContent(store.record(row), meta);
      });
    };

    /** Open the list of several rows under one point; each opens its popup, with a way back. */
    page.openStack = function (rows, latlng) {
      var holder = null;
      function list() {
        var records = rows.map(store.record);
        return GE.stackContent(records, function (k) {
          page.openedRow = rows[k];
          swap(
            GE.stackedPopupContent(records[k], meta, rows.length, function () {
              swap(list());
            })
          );
        });
      }
      function swap(node) {
        holder.textContent = "";
        holder.appendChild(node);
        page.popup.update();
      }
      return popupAt(latlng, function () {
        holder = GE.el("div", "ge-stack-holder");
        GE.isolate(holder);
        holder.appendChild(list());
        return holder;
      });
    };

    /** What a click on rows does: one opens its popup, several open the list. */
    page.openRows = function (rows, latlng) {
      if (rows.length === 1) return page.openRow(rows[0]);
      return page.openStack(rows, latlng || latLngOf(rows[0]));
    };

    var tooltip = null;
    var pending = false;
    var hovered = "";
    function hover(event) {
      if (pending || page.pointsOff) return; // pointsOff: the hexagons alone (hexview.js)
      pending = true;
      L.Util.requestAnimFrame(function () {
        pending = false;
        var rows = page.rowsAt(event.containerPoint);
        map.getContainer().style.cursor = rows.length ? "pointer" : "";
        var key = rows.join(",");
        if (key === hovered && (!rows.length || (tooltip && map.hasLayer(tooltip)))) return;
        hovered = key;
        if (!rows.length) {
          if (tooltip) map.closeTooltip(tooltip);
          return;
        }
        store.text.then(function () {
          if (hovered !== key) return;
          var records = rows.map(store.record);
          var content = rows.length === 1 ? GE.tooltipContent(records[0]) : GE.stackTooltipContent(records);
          tooltip = tooltip || L.tooltip({ direction: "top", offset: [0, -6] });
          tooltip.setLatLng(latLngOf(rows[0])).setContent(content);
          if (!map.hasLayer(tooltip)) map.openTooltip(tooltip);
        });
      });
    }

    function click(event) {
      if (page.pointsOff) return;
      var rows = page.rowsAt(event.containerPoint);
      if (rows.length) page.openRows(rows, latLngOf(rows[0]));
    }

    function addShapes(renderer) {
      var entries = GE.readJson(opts.shapesId);
      page.shapeEntries = entries;
      entries.forEach(function (entry) {
        var row = entry[0];
        var k = store.cat[row];
        var color = meta.categories[k].color;
        var code = store.prec[row] || 1;
        var layer = L.geoJSON(entry[1], {
          pane: "geoeventsShapes",
          renderer: renderer,
          style: GE.styles.shapeStyle(color, code, k),
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, Object.assign(GE.styles.markerOptions(color, code, k), { interactive: true }));
          }
        });
        layer.on("click", function (event) {
          L.DomEvent.stop(event);
          page.openRow(row, event.latlng);
        });
        shapes.push({ row: row, layer: layer, shown: false });
      });
    }

    // -- the API ---------------------------------------------------------------------------

    /** The ids of the shown incidents, in store order. */
    page.visible = function () {
      var out = [];
      var ids = store.ids();
      for (var i = 0; i < n; i++) if (store.mask[i]) out.push(ids[i]);
      return out;
    };

    /** The ids under (lat, lon) at the current zoom: what a click there lists. */
    page.at = function (lat, lon) {
      // The point in the rows' own (unrounded) pixels: Leaflet's latLngToContainerPoint rounds.
      var f = frame();
      var phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
      var x = (lon / 360 + 0.5) * f.scale - f.x;
      var y = (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) * f.scale - f.y;
      var size = map.getSize();
      var rows;
      if (x >= 0 && y >= 0 && x <= size.x && y <= size.y) {
        rows = hitIndex().view(x, y); // read at once below: no copy of tens of thousands of rows
      } else {
        // Out of view the index has nothing: look at every shown incident once.
        var reach = GE.hitReach(store);
        var r2 = GE.HIT_RADIUS * GE.HIT_RADIUS;
        rows = [];
        for (var i = 0; i < n; i++) {
          if (!store.mask[i] || store.isShape[i] || (drawer.hidden && drawer.hidden(i))) continue;
          var dx = store.mx[i] * f.scale - f.x - x;
          var dy = store.my[i] * f.scale - f.y - y;
          var d2 = dx * dx + dy * dy;
          if (d2 <= r2 || (reach.of !== null && d2 <= reach.of[i] * reach.of[i])) rows.push(i);
        }
      }
      // One array, filled by a plain loop: Array.map costs three times as much for the
      // tens of thousands of ids under a point at the fit zoom of a million incidents.
      var ids = store.ids();
      var out = new Array(rows.length);
      for (var k = 0; k < rows.length; k++) out[k] = ids[rows[k]];
      return out;
    };

    /** Pan to an incident and open its popup; resolves once it shows (false if unknown). */
    page.open = function (id) {
      var row = store.rowOf(id);
      if (row < 0 || !store.prec[row]) return Promise.resolve(false);
      map.setView(latLngOf(row), map.getZoom(), { animate: false });
      return page.openRow(row).then(function () {
        return true;
      });
    };

    /** Show only incidents overlapping [start, end] (ISO dates); null shows every date. */
    page.timeRange = function (range) {
      if (range === undefined) return page.range; // no argument: only read it
      if (page.timeline && range) page.timeline.setDates(range[0], range[1]);
      else page.setRange(range ? [range[0], range[1]] : null);
      return page.range;
    };

    /** Switch a category (its name or index) on or off, as its layer-control box does. */
    page.toggle = function (category, on) {
      var k = typeof category === "number" ? category : -1;
      meta.categories.forEach(function (c, index) {
        if (c.name === category) k = index;
      });
      var group = page.groups[k];
      if (!group) throw new Error("geoevents: no category " + category);
      var want = on === undefined ? !map.hasLayer(group) : !!on;
      if (want && !map.hasLayer(group)) map.addLayer(group);
      else if (!want && map.hasLayer(group)) map.removeLayer(group);
      page.update();
      return want;
    };

    /** {category name: [shown, total]}. */
    page.counts = function () {
      var out = {};
      meta.categories.forEach(function (c, index) {
        out[c.name] = store ? store.perCategory[index].slice() : [0, c.count];
      });
      return out;
    };

    // -- opening ---------------------------------------------------------------------------

    page.drawn = GE.openStore(meta)
      .then(function (opened) {
        store = page.store = opened;
        drawer = makeDrawer(page);
        addShapes(drawer.shapeRenderer);
        page.update();
        GE.liveLayerLabels(page);
        map.on("overlayadd overlayremove", function () {
          page.update();
        });
        map.on("moveend zoomend resize viewreset", page.moved);
        map.on("click", click);
        map.on("mousemove", hover);
        // The first view, in the part of the map the controls leave free (a permalink's
        // view, restored by a page part below, replaces it).
        GE.fitFree(page);
        // The parts added by later scripts (filters, export, permalink), before "ready".
        return Promise.all(
          GE.pageParts.map(function (part) {
            return part(page);
          })
        );
      })
      .catch(function (error) {
        // Say so on the map and on <html> (for scripts), and never report the page as drawn.
        page.error = error && error.message ? error.message : String(error);
        GE.addNotice(map, "The incidents could not be drawn: " + page.error);
        document.documentElement.dataset.geoeventsError = page.error;
        return new Promise(function () {});
      });
    return page;
  }

  /** Functions of a page run once its store is open; "ready" waits for their promises. */
  GE.pageParts = GE.pageParts || [];

  // The first (or only) map's API, on window.geoevents itself.
  var API = ["visible", "at", "open", "timeRange", "toggle", "counts", "onChange"];
  // The incident list and the search box (list.js, search.js) add these to each page;
  // filters, export and permalink (filters.js, export.js, permalink.js) add the rest.
  API.push("list", "sortBy", "search");
  API.push("filter", "clearFilters", "exportSelection", "state", "setState");
  // The hexagon view (hexview.js).
  API.push("view", "hexes", "selectCell", "hexResolution", "hexColour", "changeByCountry");
  // The time control (histogram.js, playback.js, compare.js), on maps with a timeline.
  var TIME_API = ["histogram", "play", "pause", "step", "playback", "compare"];
  API.push.apply(API, TIME_API);
  // The basemap's names and the drawn symbols (labels.js, sizes.js).
  API.push("labels", "symbols");
  API.forEach(function (name) {
    GE[name] = function () {
      var ids = Object.keys(GE.maps);
      if (!ids.length) throw new Error("geoevents: no map on this page");
      var page = GE.maps[ids[0]];
      if (typeof page[name] !== "function" && TIME_API.indexOf(name) >= 0) {
        throw new Error("geoevents: this map has no " + name + "(): the time control needs --timeline");
      }
      return page[name].apply(page, arguments);
    };
  });
})();
