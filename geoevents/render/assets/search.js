/* geoevents map runtime: search a place or an incident, by location, title or id.
 *
 * Matching is by prefix, then by substring, ignoring case and accents. Each distinct value is
 * folded once (lower case, accents dropped) into one text per column, values separated by a
 * newline, so a keystroke is a few native indexOf calls over that text rather than a loop over
 * a million strings; results are capped (MAX_RESULTS), places (distinct locations) first.
 * Only shown incidents match. Results are built with textContent; choosing a place zooms to
 * its shown incidents, choosing an incident zooms to it and opens its popup.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  var MAX_RESULTS = 20;
  var MAX_PLACES = 10;
  var PLACE_MAX_ZOOM = 12;
  var MARKS = /\p{M}/gu;

  /** Case- and accent-insensitive form of a text (the same for values and queries). */
  GE.fold = function (text) {
    return String(text).normalize("NFD").replace(MARKS, "").toLowerCase();
  };

  /** Values folded into one text, "\n" before each, with where each value starts. */
  function haystack(values) {
    // A newline before each value and after the last: a whole value is "\n" + value + "\n".
    var text = GE.fold("\n" + values.join("\n") + "\n");
    var starts = new Int32Array(values.length);
    var at = -1;
    for (var k = 0; k < values.length; k++) {
      at = text.indexOf("\n", at + 1);
      starts[k] = at + 1;
    }
    if (text.indexOf("\n", at + 1) !== text.length - 1) {
      // A value holds a newline itself (rare): join them again without.
      return haystack(values.map(function (value) {
        return value.replace(/\n/g, " ");
      }));
    }
    return { text: text, starts: starts };
  }

  /** The value whose text contains position pos. */
  function entryAt(hay, pos) {
    var lo = 0;
    var hi = hay.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (hay.starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Call visit(k) for each value matching q: whole values first, then prefixes, then
   * substrings (each value once); stop when visit returns false.
   */
  function scan(hay, q, visit) {
    if (!hay.starts.length) return;
    var text = hay.text;
    var seen = new Set();
    function each(needle, lead) {
      var from = 0;
      var found;
      while ((found = text.indexOf(needle, from)) >= 0) {
        var k = entryAt(hay, found + lead);
        if (!seen.has(k)) {
          seen.add(k);
          if (visit(k) === false) return false;
        }
        // On from the newline before the next value (a value is matched once per pass).
        from = (k + 1 < hay.starts.length ? hay.starts[k + 1] : text.length) - 1;
      }
      return true;
    }
    if (each("\n" + q + "\n", 1) && each("\n" + q, 1)) each(q, 0);
  }

  /** Rows per distinct value (codes 1-based): offsets and rows, by counting. */
  function rowsByCode(codes, size) {
    var offsets = new Int32Array(size + 2);
    for (var i = 0; i < codes.length; i++) offsets[codes[i] + 1]++;
    for (var c = 1; c < offsets.length; c++) offsets[c] += offsets[c - 1];
    var fill = offsets.slice();
    var rows = new Int32Array(codes.length);
    for (var j = 0; j < codes.length; j++) rows[fill[codes[j]]++] = j;
    return { offsets: offsets, rows: rows };
  }

  function textIndex(store, name) {
    var distinct = store.distinct(name);
    if (!distinct) return null;
    return {
      values: distinct.values,
      hay: haystack(distinct.values),
      byCode: rowsByCode(distinct.codes, distinct.values.length)
    };
  }

  function buildIndex(store) {
    var column = store.column("id");
    var ids = column && column.all ? column.all() : null;
    if (!ids) {
      ids = new Array(store.n);
      for (var i = 0; i < store.n; i++) ids[i] = store.id(i);
    }
    ids = ids.map(function (id) {
      return id === undefined ? "" : String(id);
    });
    return {
      places: textIndex(store, "location"),
      titles: textIndex(store, "title"),
      ids: haystack(ids)
    };
  }

  /** The matches of text among a page's shown incidents: places first, then incidents. */
  function find(page, index, text) {
    var store = page.store;
    var q = GE.fold(text).trim();
    var out = [];
    if (!q) return out;
    var mask = store.mask;
    var taken = new Set();
    var places = index.places;
    if (places) {
      scan(places.hay, q, function (k) {
        var lo = places.byCode.offsets[k + 1];
        var hi = places.byCode.offsets[k + 2];
        var count = 0;
        var first = -1;
        var s = Infinity, w = Infinity, n = -Infinity, e = -Infinity;
        for (var j = lo; j < hi; j++) {
          var row = places.byCode.rows[j];
          if (!mask[row]) continue;
          if (first < 0) first = row;
          count++;
          s = Math.min(s, store.lat[row]);
          n = Math.max(n, store.lat[row]);
          w = Math.min(w, store.lon[row]);
          e = Math.max(e, store.lon[row]);
        }
        if (count) {
          out.push({ type: "place", place: places.values[k], count: count, bounds: [[s, w], [n, e]], row: first });
        }
        return out.length < Math.min(MAX_PLACES, MAX_RESULTS);
      });
    }
    function addRow(row) {
      if (!mask[row] || taken.has(row)) return true;
      taken.add(row);
      out.push({ type: "incident", id: store.id(row), title: store.column("title") ? store.column("title").get(row) || "" : "", row: row });
      return out.length < MAX_RESULTS;
    }
    var titles = index.titles;
    if (titles && out.length < MAX_RESULTS) {
      scan(titles.hay, q, function (k) {
        for (var j = titles.byCode.offsets[k + 1]; j < titles.byCode.offsets[k + 2]; j++) {
          if (!addRow(titles.byCode.rows[j])) return false;
        }
        return true;
      });
    }
    if (out.length < MAX_RESULTS) scan(index.ids, q, addRow);
    return out;
  }

  /** A match as the API returns it (no row numbers). */
  function publicMatch(match) {
    var copy = Object.assign({}, match);
    delete copy.row;
    return copy;
  }

  /** Add the search box to a page (top left, under the zoom buttons). */
  GE.addSearch = function (page) {
    var map = page.map;
    var index = null;
    var matches = [];
    var active = -1;
    var uid = "ge-search-" + page.id;

    var root = el("div", "ge-box ge-search");
    var input = el("input", "ge-search-input");
    input.type = "search";
    input.placeholder = "Search places, titles, ids";
    input.setAttribute("aria-label", "Search places, titles and ids of the shown incidents");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", uid + "-results");
    input.autocomplete = "off";
    input.spellcheck = false;
    root.appendChild(input);
    var list = el("ul", "ge-search-results");
    list.id = uid + "-results";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    root.appendChild(list);

    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      GE.isolate(root);
      return root;
    };
    ctl.addTo(map);

    function ready() {
      if (!index && page.store && page.store.textReady) index = buildIndex(page.store);
      return index;
    }

    function search(text) {
      return ready() ? find(page, index, text) : [];
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      matches = [];
      active = -1;
    }

    function highlight() {
      Array.prototype.forEach.call(list.children, function (item, k) {
        var on = k === active;
        item.classList.toggle("ge-active", on);
        item.setAttribute("aria-selected", on ? "true" : "false");
        if (on) {
          input.setAttribute("aria-activedescendant", item.id);
          if (item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
        }
      });
    }

    function show() {
      list.textContent = "";
      active = matches.length ? 0 : -1;
      if (!input.value.trim()) return close();
      if (!matches.length) {
        list.appendChild(el("li", "ge-search-none", page.store && page.store.textReady ? "No match" : "Loading\u2026"));
      }
      matches.forEach(function (match, k) {
        var item = el("li", "ge-search-result ge-search-" + match.type);
        item.id = uid + "-" + k;
        item.setAttribute("role", "option");
        if (match.type === "place") {
          item.appendChild(el("span", "ge-search-label", match.place));
          item.appendChild(el("span", "ge-search-detail", "Place \u00b7 " + (match.count === 1 ? "1 incident" : GE.countText(match.count) + " incidents")));
        } else {
          item.appendChild(el("span", "ge-search-label", match.title || "(no title)"));
          item.appendChild(el("span", "ge-search-detail", match.id));
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
        });
        item.addEventListener("click", function () {
          choose(match);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight();
    }

    function choose(match) {
      close();
      input.blur();
      if (match.type === "place" && match.count > 1) {
        map.fitBounds(match.bounds, { maxZoom: PLACE_MAX_ZOOM, padding: [30, 30], animate: false });
        return Promise.resolve(true);
      }
      return page.openListed ? page.openListed(match.row) : page.openRow(match.row);
    }

    function update() {
      matches = search(input.value);
      show();
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", function () {
      ready(); // the index is built when the box is entered, not at the first keystroke
      if (input.value.trim()) update();
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!matches.length) return;
        var step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + matches.length) % matches.length;
        highlight();
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (active >= 0 && matches[active]) choose(matches[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        if (!list.hidden) close();
        else input.value = "";
      }
    });

    if (page.drawn) {
      page.drawn.then(function () {
        return page.store.text;
      }).then(function () {
        if (input.value.trim()) update();
      });
    }

    /** The matches of text: [{type: "place", place, count, bounds}, {type: "incident", id, title}]. */
    page.search = function (text) {
      return search(text).map(publicMatch);
    };
    page.searchControl = ctl;
    return ctl;
  };
})();
