/* geoevents map runtime: the permalink. The URL fragment (#geoevents=...) holds what the page
 * shows: the view (center, zoom), the date range, the filters, the categories switched off,
 * the open incident, the time control's axis, unit and playback settings, and the hexagon
 * view (points / hexagons / both, the colouring, a fixed resolution, the listed cell, whether
 * its box is open). Opening the file with that fragment (from file:// too) restores it. The
 * fragment is only read and written here, in the page: nothing is sent anywhere.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;
  var KEY = "geoevents=";

  /** The state in a fragment, or null (no state, or not ours, or unreadable). */
  GE.stateFromHash = function (hash) {
    var text = (hash || "").replace(/^#/, "");
    if (text.indexOf(KEY) !== 0) return null;
    try {
      var state = JSON.parse(decodeURIComponent(text.slice(KEY.length)));
      return state && typeof state === "object" && !Array.isArray(state) ? state : null;
    } catch (error) {
      return null;
    }
  };

  GE.hashOf = function (state) {
    return "#" + KEY + encodeURIComponent(JSON.stringify(state));
  };

  function round(value, digits) {
    var f = Math.pow(10, digits);
    return Math.round(value * f) / f;
  }

  GE.pageParts.push(function (page) {
    var map = page.map;
    var store = page.store;
    var restoring = false;
    page.openedRow = page.openedRow === undefined ? -1 : page.openedRow;
    // A stack list is open until one of its incidents is chosen (page.js sets openedRow).
    var openStack = page.openStack;
    page.openStack = function () {
      page.openedRow = -1;
      return openStack.apply(page, arguments);
    };
    map.on("popupopen popupclose", write);

    /** What the permalink holds. */
    page.state = function () {
      var center = map.getCenter();
      var state = {
        view: { center: [round(center.lat, 5), round(center.lng, 5)], zoom: map.getZoom() },
        range: page.range ? [page.range[0], page.range[1]] : null,
        filters: Object.assign({}, page.criteria || {}),
        hidden: page.meta.categories
          .filter(function (c, k) {
            return !map.hasLayer(page.groups[k]);
          })
          .map(function (c) {
            return c.name;
          }),
        open: page.openedRow >= 0 && page.popup && page.popup.isOpen() ? store.id(page.openedRow) : null,
        time: timeState(),
        hex: page.hexState ? page.hexState() : null
      };
      return state;
    };

    /** The time control's axis (first and last day in view), unit and playback settings. */
    function timeState() {
      var tl = page.timeline;
      if (!tl || !tl.ready) return null;
      var out = { axis: [GE.dayIso(tl.v0), GE.dayIso(tl.v1 - 1)], unit: tl.unitChoice };
      if (tl.playbackState) {
        var p = tl.playbackState();
        out.playback = { window: p.window, accumulate: p.accumulate, speed: p.speed };
      }
      return out;
    }

    /** Playback's settings first: a new window length moves the range, set after them. */
    function restorePlayback(time) {
      if (!time || !page.timeline || !page.playback || !time.playback) return;
      var p = time.playback;
      var options = {};
      if (typeof p.window === "number" || typeof p.window === "string") options.window = p.window;
      if (typeof p.accumulate === "boolean") options.accumulate = p.accumulate;
      if (typeof p.speed === "number") options.speed = p.speed;
      page.playback(options);
    }

    /** The axis and unit after the range (moving the brush may move the axis). */
    function restoreAxis(time) {
      if (!time || !page.histogram) return;
      var options = {};
      if (Array.isArray(time.axis) && time.axis.length === 2) options.view = [String(time.axis[0]), String(time.axis[1])];
      if (typeof time.unit === "string") options.unit = time.unit;
      page.histogram(options);
    }

    /** Restore a state (as state() returns it); a promise, resolved once it is shown. */
    page.setState = function (s) {
      s = s || {};
      restoring = true;
      var hidden = Array.isArray(s.hidden) ? s.hidden.map(String) : [];
      page.meta.categories.forEach(function (c, k) {
        var want = hidden.indexOf(c.name) < 0;
        var group = page.groups[k];
        if (want && !map.hasLayer(group)) map.addLayer(group);
        else if (!want && map.hasLayer(group)) map.removeLayer(group);
      });
      var range = Array.isArray(s.range) && s.range.length === 2 ? [String(s.range[0]), String(s.range[1])] : null;
      var filters = s.filters && typeof s.filters === "object" ? s.filters : {};
      var time = s.time && typeof s.time === "object" ? s.time : null;
      try {
        restorePlayback(time);
      } catch (error) {
        // Settings this page refuses (a link edited by hand): keep its own.
      }
      return page
        .filter(filters)
        .then(function () {
          page.timeRange(range);
          if (!range && page.timeline) page.timeline.setDates("0001-01-01", "9999-12-31");
          try {
            restoreAxis(time);
          } catch (error) {
            // An unknown unit: the page keeps its own.
          }
          var view = s.view || {};
          if (Array.isArray(view.center) && isFinite(view.center[0]) && isFinite(view.center[1]) && isFinite(view.zoom)) {
            map.setView([+view.center[0], +view.center[1]], +view.zoom, { animate: false });
          }
          return s.hex && typeof s.hex === "object" && page.setHexState ? page.setHexState(s.hex) : null;
        })
        .then(function () {
          if (typeof s.open === "string" && s.open) {
            var row = store.rowOf(s.open);
            if (row >= 0 && store.mask[row]) return page.openRow(row);
          }
          return null;
        })
        .then(function () {
          restoring = false;
          write();
          return page.state();
        }, function (error) {
          restoring = false;
          throw error;
        });
    };

    var timer = null;
    /** Keep the fragment in step (replaceState: no new history entry, no reload). */
    function write() {
      if (restoring || timer !== null) return;
      timer = setTimeout(function () {
        timer = null;
        var hash = GE.hashOf(page.state());
        if (location.hash === hash) return;
        try {
          history.replaceState(history.state, "", hash);
        } catch (error) {
          location.replace(hash);
        }
      }, 150);
    }
    page.onChange(write);
    map.on("moveend", write);
    /** For the page's other parts: their state changed (hexview.js, histogram.js, playback.js). */
    page.saveState = write;

    function addCopyButton() {
      var form = page.filterForm;
      if (!form) return;
      var button = el("button", "ge-copy-link", "Copy link");
      button.type = "button";
      var field = el("input", "ge-link-field");
      field.type = "text";
      field.readOnly = true;
      field.hidden = true;
      field.setAttribute("aria-label", "Link to this view");
      button.addEventListener("click", function () {
        var link = location.href.split("#")[0] + GE.hashOf(page.state());
        function fallback() {
          field.value = link;
          field.hidden = false;
          field.focus();
          field.select();
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(link).then(function () {
            button.textContent = "Link copied";
            setTimeout(function () {
              button.textContent = "Copy link";
            }, 1500);
          }, fallback);
        } else {
          fallback();
        }
      });
      form.buttons.appendChild(button);
      form.form.appendChild(field);
    }

    var initial = GE.stateFromHash(location.hash);
    return store.text.then(function () {
      addCopyButton();
      if (initial) return page.setState(initial).catch(function (error) {
        GE.addNotice(map, "The link's view could not be restored: " + error.message);
      });
      return null;
    });
  });
})();
