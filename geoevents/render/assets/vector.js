/* geoevents map runtime: the vector drawer — one Leaflet marker (and area of uncertainty)
 * per shown incident, in its category's group, optionally clustered per category.
 *
 * Right for the thousands of incidents of a small map: every marker is an SVG path, styled
 * like the legend says. The markers catch no pointer events themselves: clicks and hovers go
 * through the page's hit index, so stacked incidents are all reachable.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  function clusterIcon(color, halos) {
    return function (cluster) {
      // Halos of "not reported" deaths are layers of the cluster too: count incidents only.
      var count = halos
        ? cluster.getAllChildMarkers().filter(function (marker) {
            return !marker.geoeventsHalo;
          }).length
        : cluster.getChildCount();
      var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 44 : 52;
      var bubble = GE.el("div", "ge-cluster", GE.countText(count));
      bubble.style.backgroundColor = color;
      return L.divIcon({ html: bubble, className: "ge-cluster-icon", iconSize: L.point(size, size) });
    };
  }

  /** Add (or remove) many layers, grouped by container; clusters take them in one batch. */
  function apply(parts, adding) {
    var batches = new Map();
    parts.forEach(function (part) {
      if (!batches.has(part[0])) batches.set(part[0], []);
      batches.get(part[0]).push(part[1]);
    });
    batches.forEach(function (layers, container) {
      if (container.addLayers) {
        if (adding) container.addLayers(layers);
        else container.removeLayers(layers);
      } else {
        layers.forEach(function (layer) {
          if (adding) container.addLayer(layer);
          else container.removeLayer(layer);
        });
      }
    });
  }

  GE.vectorDrawer = function (page) {
    var store = page.store;
    var map = page.map;
    var n = store.n;
    var holders = page.meta.categories.map(function (category, k) {
      var group = page.groups[k];
      var holder = { points: group, others: group };
      if (page.cluster) {
        holder.points = L.markerClusterGroup({
          iconCreateFunction: clusterIcon(category.color, !!store.unreported),
          showCoverageOnHover: false,
          spiderfyOnMaxZoom: false
        });
        holder.points.on("animationend", page.moved);
        holder.points.on("clusterclick", function (event) {
          // A cluster that zooming cannot split any more: list its incidents.
          var cluster = event.layer;
          var bounds = cluster.getBounds();
          if (map.getZoom() < map.getMaxZoom() && !bounds.getNorthEast().equals(bounds.getSouthWest())) return;
          var rows = cluster
            .getAllChildMarkers()
            .filter(function (marker) {
              return !marker.geoeventsHalo;
            })
            .map(function (marker) {
              return marker.geoeventsRow;
            });
          page.rowsAt(map.latLngToContainerPoint(cluster.getLatLng())).forEach(function (row) {
            if (rows.indexOf(row) < 0) rows.push(row);
          });
          page.openRows(rows.sort(function (a, b) { return a - b; }), cluster.getLatLng());
        });
        group.addLayer(holder.points);
      }
      return holder;
    });
    var parts = new Array(n);
    var markers = new Array(n);
    var shown = new Uint8Array(n);
    for (var i = 0; i < n; i++) {
      if (!store.prec[i] || store.isShape[i]) continue;
      var k = store.cat[i];
      var code = store.prec[i];
      var color = page.meta.categories[k].color;
      var point = [store.lat[i], store.lon[i]];
      var size = store.sizes ? store.sizes[i] : 0;
      var marker = new GE.styles.Symbol(point, GE.styles.markerOptions(color, code, k, size));
      marker.geoeventsRow = i;
      markers[i] = marker;
      var mine = [];
      if (code > 1) mine.push([holders[k].others, L.circle(point, GE.styles.areaOptions(color, code, k))]);
      if (store.unreported && store.unreported[i]) {
        // "Not reported" deaths (sizes.js): a dashed halo, in the same holder as its marker.
        var halo = L.circleMarker(point, GE.sizes.haloOptions(map, GE.styles.radiusOf(code, size), k));
        halo.geoeventsHalo = true;
        mine.push([holders[k].points, halo]);
      }
      mine.push([holders[k].points, marker]);
      parts[i] = mine;
    }

    return {
      name: "vector",
      shapeRenderer: undefined,
      /** Bring the layers in line with the store's mask. */
      sync: function () {
        var toAdd = [];
        var toRemove = [];
        for (var i = 0; i < n; i++) {
          if (!parts[i]) continue;
          var want = store.mask[i];
          if (want === shown[i]) continue;
          shown[i] = want;
          Array.prototype.push.apply(want ? toAdd : toRemove, parts[i]);
        }
        apply(toRemove, false);
        apply(toAdd, true);
      },
      /** With clusters, a marker inside a cluster is not where a click lands. */
      hidden: page.cluster
        ? function (i) {
            var marker = markers[i];
            var k = store.cat[i];
            return !!marker && holders[k].points.getVisibleParent(marker) !== marker;
          }
        : null
    };
  };
})();
