/* geoevents map runtime: the incident list — every shown incident, sortable, virtualised.
 *
 * The list reads the store's one mask: its rows are the shown incidents in the chosen order
 * (order.js), kept as an Int32Array rebuilt when the mask changes. Rows have one fixed height;
 * a spacer gives the scroll area its full height and only the ~30 rows in view exist as DOM
 * nodes, recycled on scroll, so a million rows scroll like thirty. Past MAX_SPACER pixels
 * (browsers cap an element's height) the scroll position is scaled onto the rows.
 *
 * Each row (date, type colour, title, place, deaths) zooms to its incident and opens its
 * popup; the list is keyboard reachable (Tab to it, arrows, Page Up/Down, Home/End, Enter).
 * Text is data: every value is inserted with textContent.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  GE.LIST_ROW_HEIGHT = 44; // pixels; the stylesheet's .ge-list-row height
  var MAX_SPACER = 8000000; // pixels: well under Chromium's and Firefox's element height limits
  var SPARE_ROWS = 2;
  var OPEN_ZOOM = 9; // a row opens its incident at least this close
  // From this many incidents on, the list's rows follow a change once the map has drawn it
  // (when the page is idle, or at once when the list is read): a pass over every row's
  // order should not delay the map's frame.
  var DEFER_MIN = 100000;

  /** The direction each key sorts in when first chosen: newest, deadliest, A to Z. */
  var FIRST_DIRECTION = { date: false, fatalities: false, title: true };
  var LABELS = { date: "Date", fatalities: "Deaths", title: "Title" };

  function placeText(rec) {
    return [rec.location, rec.country].filter(function (part) {
      return part !== undefined && part !== null && part !== "";
    }).join(", ");
  }

  function deathsText(value) {
    return value === undefined || value === null ? "n/r" : String(value);
  }

  /**
   * Add the incident list to a page (GE.drawIncidents / GE.drawLarge). The control is there
   * at once; its rows come once the incidents' text is decoded (page.listed resolves then).
   */
  GE.addList = function (page) {
    var map = page.map;
    var h = GE.LIST_ROW_HEIGHT;
    var state = { key: "date", ascending: FIRST_DIRECTION.date };
    var store = null;
    var orders = null;
    var rows = new Int32Array(0); // the shown rows, in list order
    var active = -1; // position in rows of the keyboard's row
    var pool = [];
    var uid = "ge-list-" + page.id;

    var root = el("div", "ge-box ge-list");
    var head = el("div", "ge-list-head");
    var toggle = el("button", "ge-list-toggle");
    toggle.type = "button";
    toggle.appendChild(el("span", "ge-list-title", "Incidents"));
    var counter = el("span", "ge-list-count", "");
    toggle.appendChild(counter);
    head.appendChild(toggle);
    root.appendChild(head);
    var body = el("div", "ge-list-body");
    var sorter = el("div", "ge-list-sort");
    sorter.setAttribute("role", "toolbar");
    sorter.setAttribute("aria-label", "Sort the list");
    sorter.appendChild(el("span", "ge-list-sort-label", "Sort:"));
    var buttons = {};
    GE.SORT_KEYS.forEach(function (key) {
      var button = el("button", "ge-list-sort-button");
      button.type = "button";
      button.dataset.key = key;
      button.addEventListener("click", function () {
        sortBy(key, state.key === key ? !state.ascending : FIRST_DIRECTION[key]);
      });
      buttons[key] = button;
      sorter.appendChild(button);
    });
    body.appendChild(sorter);
    var scroller = el("div", "ge-list-scroll");
    scroller.tabIndex = 0;
    scroller.setAttribute("role", "listbox");
    scroller.setAttribute("aria-label", "Incidents shown");
    var spacer = el("div", "ge-list-spacer");
    scroller.appendChild(spacer);
    body.appendChild(scroller);
    var empty = el("div", "ge-list-empty", "Loading\u2026");
    body.appendChild(empty);
    root.appendChild(body);
    // A scope narrows the list to some of the shown rows (hexview.js: one hexagon's), with a
    // way back to all shown: page.setListScope({label, keep(row), cleared()}) or null.
    var scopeBar = el("div", "ge-list-scope");
    var scopeText = el("span", "ge-list-scope-text", "");
    var scopeBack = el("button", "ge-list-scope-back", "All shown");
    scopeBack.type = "button";
    scopeBar.appendChild(scopeText);
    scopeBar.appendChild(scopeBack);
    scopeBar.style.display = "none";
    body.insertBefore(scopeBar, scroller);
    page.listScope = null;
    page.setListScope = function (scope) {
      var before = page.listScope;
      page.listScope = scope || null;
      scopeBar.style.display = scope ? "" : "none";
      scopeText.textContent = scope ? scope.label : "";
      if (before && before !== scope && before.cleared) before.cleared();
      if (scope) setOpen(true);
      active = -1;
      scroller.scrollTop = 0;
      rebuild();
    };
    scopeBack.addEventListener("click", function () {
      page.setListScope(null);
    });

    function setOpen(open) {
      root.classList.toggle("ge-collapsed", !open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.title = open ? "Hide the list" : "Show the list";
      if (open) render();
    }
    setOpen(!GE.isNarrow());
    toggle.addEventListener("click", function () {
      setOpen(root.classList.contains("ge-collapsed"));
    });

    map.getContainer().classList.add("ge-layout");
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      GE.isolate(root);
      return root;
    };
    ctl.addTo(map);
    // Once every control of the page is there (they are added in one script), lay them out.
    page.drawn.then(function () {
      GE.arrangeControls(page);
    });

    // -- the rows --------------------------------------------------------------------------

    function total() {
      return rows.length * h;
    }

    function spacerHeight() {
      return Math.min(total(), MAX_SPACER);
    }

    /** The list's own pixel offset at the top of the view (scaled past MAX_SPACER). */
    function virtualTop() {
      var view = scroller.clientHeight;
      var room = spacerHeight() - view;
      if (room <= 0) return 0;
      return (Math.min(scroller.scrollTop, room) * (total() - view)) / room;
    }

    function scrollToVirtual(top) {
      var view = scroller.clientHeight;
      var room = spacerHeight() - view;
      var span = total() - view;
      scroller.scrollTop = room <= 0 || span <= 0 ? 0 : (Math.max(0, Math.min(span, top)) * room) / span;
    }

    function makeNode() {
      var node = el("div", "ge-list-row");
      node.setAttribute("role", "option");
      node.style.height = h + "px";
      node.parts = {
        chip: el("span", "ge-list-chip"),
        title: el("span", "ge-list-name"),
        deaths: el("span", "ge-list-deaths"),
        date: el("span", "ge-list-date"),
        place: el("span", "ge-list-place")
      };
      var top = el("div", "ge-list-line");
      top.appendChild(node.parts.chip);
      top.appendChild(node.parts.title);
      top.appendChild(node.parts.deaths);
      var bottom = el("div", "ge-list-line ge-list-sub");
      bottom.appendChild(node.parts.date);
      bottom.appendChild(node.parts.place);
      node.appendChild(top);
      node.appendChild(bottom);
      node.row = -1;
      spacer.appendChild(node);
      return node;
    }

    function fill(node, row) {
      var rec = store.record(row);
      var category = page.meta.categories[store.cat[row]];
      node.parts.chip.style.backgroundColor = category.color;
      node.parts.chip.title = category.name;
      node.parts.title.textContent = rec.title || "(no title)";
      node.parts.deaths.textContent = deathsText(rec.fatalities);
      node.parts.deaths.title = rec.fatalities === undefined ? "Fatalities not reported" : "Fatalities";
      node.parts.date.textContent = GE.dateText(rec) || "no date";
      node.parts.place.textContent = placeText(rec);
      node.dataset.id = store.id(row);
      node.row = row;
    }

    /** Draw the rows in view (recycling the nodes) and the keyboard's row. */
    function render() {
      if (!store || root.classList.contains("ge-collapsed")) return;
      if (stale) {
        rebuild(); // it renders
        return;
      }
      spacer.style.height = spacerHeight() + "px";
      var view = scroller.clientHeight;
      var wanted = Math.min(rows.length, Math.ceil(view / h) + SPARE_ROWS);
      while (pool.length < wanted) pool.push(makeNode());
      var vtop = virtualTop();
      var first = Math.max(0, Math.min(Math.floor(vtop / h), rows.length - 1));
      // Never past the last row: the rows then end exactly where the spacer does.
      wanted = Math.min(wanted, rows.length - first);
      var offset = scroller.scrollTop - (vtop - first * h);
      var activeId = "";
      for (var k = 0; k < pool.length; k++) {
        var node = pool[k];
        var at = first + k;
        if (k >= wanted) {
          node.style.display = "none";
          continue;
        }
        var row = rows[at];
        if (node.row !== row) fill(node, row);
        node.style.display = "";
        node.style.transform = "translateY(" + (offset + k * h) + "px)";
        node.position = at;
        var isActive = at === active;
        node.classList.toggle("ge-active", isActive);
        node.setAttribute("aria-selected", isActive ? "true" : "false");
        node.id = isActive ? uid + "-active" : "";
        if (isActive) activeId = node.id;
      }
      if (activeId) scroller.setAttribute("aria-activedescendant", activeId);
      else scroller.removeAttribute("aria-activedescendant");
    }

    var stale = false;
    var idle = window.requestIdleCallback || function (fn) {
      return setTimeout(fn, 50);
    };

    /** After a change of the mask: rebuild now, or (a large map) once the map is drawn. */
    function changed() {
      if (store.n < DEFER_MIN) return rebuild();
      counter.textContent = GE.countText(store.shown) + " of " + GE.countText(page.count) + " shown";
      if (stale) return;
      stale = true;
      idle(fresh, { timeout: 200 });
    }

    /** Rebuild the rows if a change is still waiting for it (before anything reads them). */
    function fresh() {
      if (stale) rebuild();
    }

    /** The shown rows in the current order: one pass over the order, reading the mask. */
    function rebuild() {
      if (!store) return;
      stale = false;
      var order = orders.get(state.key, state.ascending);
      var mask = store.mask;
      var out = new Int32Array(store.shown);
      var at = 0;
      var scope = page.listScope;
      for (var i = 0; i < order.length; i++) {
        if (mask[order[i]] && (scope === null || scope.keep(order[i]))) out[at++] = order[i];
      }
      rows = at === out.length ? out : out.subarray(0, at);
      active = Math.min(active, rows.length - 1);
      pool.forEach(function (node) {
        node.row = -1;
      });
      counter.textContent = page.listScope
        ? GE.countText(rows.length) + " here, of " + GE.countText(store.shown) + " shown"
        : GE.countText(rows.length) + " of " + GE.countText(page.count) + " shown";
      empty.textContent = rows.length ? "" : "No incidents shown";
      empty.style.display = rows.length ? "none" : "";
      GE.SORT_KEYS.forEach(function (key) {
        var on = key === state.key;
        buttons[key].textContent = LABELS[key] + (on ? (state.ascending ? " \u25b2" : " \u25bc") : "");
        buttons[key].setAttribute("aria-pressed", on ? "true" : "false");
      });
      render();
    }

    function sortBy(key, ascending) {
      if (GE.SORT_KEYS.indexOf(key) < 0) {
        throw new Error("geoevents: no sort key " + key + " (" + GE.SORT_KEYS.join(", ") + ")");
      }
      state.key = key;
      state.ascending = ascending === undefined ? FIRST_DIRECTION[key] : !!ascending;
      active = -1;
      scroller.scrollTop = 0;
      rebuild();
      return { key: state.key, ascending: state.ascending };
    }

    // -- choosing a row --------------------------------------------------------------------

    /** Zoom to an incident and open its popup (on a narrow screen the sheet steps aside). */
    function choose(row) {
      if (GE.isNarrow()) setOpen(false);
      var latlng = L.latLng(store.lat[row], store.lon[row]);
      map.setView(latlng, Math.max(map.getZoom(), OPEN_ZOOM), { animate: false });
      return page.openRow(row);
    }
    page.openListed = choose;

    spacer.addEventListener("click", function (event) {
      var node = event.target.closest ? event.target.closest(".ge-list-row") : null;
      if (!node || node.row < 0) return;
      active = node.position;
      render();
      choose(node.row);
    });

    /** Move the keyboard's row to a position, scrolling it into view. */
    function moveTo(position) {
      fresh();
      if (!rows.length) return;
      active = Math.max(0, Math.min(rows.length - 1, position));
      var view = scroller.clientHeight;
      var top = active * h;
      var vtop = virtualTop();
      if (top < vtop) scrollToVirtual(top);
      else if (top + h > vtop + view) scrollToVirtual(top + h - view);
      render();
    }

    function firstInView() {
      return Math.min(rows.length - 1, Math.ceil(virtualTop() / h));
    }

    scroller.addEventListener("keydown", function (event) {
      fresh();
      var step = Math.max(1, Math.floor(scroller.clientHeight / h) - 1);
      var start = active < 0 ? firstInView() : active;
      var moves = {
        ArrowDown: active < 0 ? start : start + 1,
        ArrowUp: active < 0 ? start : start - 1,
        PageDown: start + step,
        PageUp: start - step,
        Home: 0,
        End: rows.length - 1
      };
      if (event.key in moves) {
        event.preventDefault();
        moveTo(moves[event.key]);
      } else if (event.key === "Enter" && active >= 0 && active < rows.length) {
        event.preventDefault();
        choose(rows[active]);
      }
    });
    scroller.addEventListener("scroll", render);
    if (typeof ResizeObserver === "function") new ResizeObserver(render).observe(scroller);

    // -- the API (page.js forwards list() and sortBy() to the first map) ------------------

    /** The ids of the listed incidents, in the list's order. */
    page.list = function () {
      fresh();
      var ids = store.ids();
      var out = new Array(rows.length);
      for (var i = 0; i < rows.length; i++) out[i] = ids[rows[i]];
      return out;
    };

    /** Sort the list by "date", "fatalities" or "title"; returns {key, ascending}. */
    page.sortBy = function (key, ascending) {
      if (!store) {
        state.key = key;
        state.ascending = ascending === undefined ? FIRST_DIRECTION[key] : !!ascending;
        return { key: state.key, ascending: state.ascending };
      }
      return sortBy(key, ascending);
    };

    page.listControl = ctl;
    page.listed = page.drawn.then(function () {
      return page.store.text;
    }).then(function (opened) {
      store = opened;
      orders = GE.sortOrders(store);
      rebuild();
      page.onChange(changed);
      root.dataset.ready = "true";
      document.documentElement.dataset.geoeventsList = "true";
      return page;
    });
    return ctl;
  };
})();
