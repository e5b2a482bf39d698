/* geoevents map runtime: filters in the page, with the CLI's semantics (geoevents/filters.py).
 *
 * page.filter(criteria) takes the library's Criteria fields and turns them into one more input
 * of the store's visibility mask: a Uint8Array of the rows that pass, ANDed with the toggles
 * and the timeline. Every rule mirrors filter_incidents:
 *   types, sub_types, countries, date_precisions, confidences: whole values (case-insensitive
 *     input; country by name or ISO3);
 *   actors: a substring of actor1 or actor2 (compared upper-cased, as pandas does) or of an
 *     associated actor (lower-cased, as Python's in does);
 *   text: a substring of the title or summary (upper-cased) or of a source's name or quote
 *     (lower-cased);
 *   min_fatalities / max_fatalities: bounds on reported deaths; not reported matches no bound
 *     unless include_unreported;
 *   max_precision: geo_precision at most this (missing: no match);
 *   start / end: the timeline's range (the overlap rule of dates.js).
 * Predicates on text run once per distinct dictionary value, then map the codes of every row,
 * so a million rows cost one pass over a typed array per criterion.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  /** The criteria the page knows, with the kind of value each takes. */
  var CRITERIA = {
    start: "date",
    end: "date",
    types: "list",
    sub_types: "list",
    actors: "list",
    countries: "list",
    text: "text",
    min_fatalities: "count",
    max_fatalities: "count",
    include_unreported: "flag",
    max_precision: "count",
    date_precisions: "list",
    confidences: "list"
  };
  GE.CRITERIA = Object.keys(CRITERIA);
  var UNSUPPORTED = ["bbox", "near", "within_km"];
  var CHOICES = {
    date_precisions: ["day", "week", "month", "year"],
    confidences: ["confirmed", "probable", "possible"]
  };

  var PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

  /** First (or, with end, last) ISO day of YYYY, YYYY-MM or YYYY-MM-DD (parse_partial_date). */
  GE.partialDate = function (text, end) {
    var m = PARTIAL.exec(String(text).trim());
    if (!m) throw new Error("geoevents: " + JSON.stringify(text) + " is not a date; use YYYY, YYYY-MM or YYYY-MM-DD");
    var year = +m[1];
    var month = m[2] === undefined ? (end ? 12 : 1) : +m[2];
    var last = new Date(Date.UTC(2000, month, 0)); // day 0 of the next month: the last day
    last.setUTCFullYear(year, month, 0);
    var day = m[3] === undefined ? (end ? last.getUTCDate() : 1) : +m[3];
    if (month < 1 || month > 12 || day < 1 || day > last.getUTCDate()) {
      throw new Error("geoevents: " + JSON.stringify(text) + " is not a date that exists; check the month and day");
    }
    var pad = function (v, w) {
      return ("000" + v).slice(-w);
    };
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2);
  };

  /** Criteria as the page keeps them: only the fields set, lists as arrays, numbers checked. */
  GE.normalCriteria = function (criteria) {
    var out = {};
    Object.keys(criteria || {}).forEach(function (key) {
      var value = criteria[key];
      if (UNSUPPORTED.indexOf(key) >= 0) {
        if (value !== null && value !== undefined) throw new Error("geoevents: " + key + " is not available in the page; use the CLI");
        return;
      }
      var kind = CRITERIA[key];
      if (!kind) throw new Error("geoevents: unknown criterion " + key + "; known: " + GE.CRITERIA.join(", "));
      if (value === null || value === undefined || value === "" || value === false) return;
      if (kind === "list") {
        var list = (Array.isArray(value) ? value : [value]).map(String);
        if (CHOICES[key]) {
          list = list.map(function (v) {
            var low = v.toLowerCase();
            if (CHOICES[key].indexOf(low) < 0) throw new Error("geoevents: unknown " + key + " value " + JSON.stringify(v) + "; valid: " + CHOICES[key].join(", "));
            return low;
          });
        }
        if (list.length) out[key] = list;
      } else if (kind === "count") {
        var number = Number(value);
        if (!Number.isInteger(number) || number < 0) throw new Error("geoevents: " + key + " must be a whole number >= 0");
        if (key === "max_precision" && (number < 1 || number > 3)) throw new Error("geoevents: max_precision must be 1, 2 or 3");
        out[key] = number;
      } else if (kind === "flag") {
        out[key] = true;
      } else if (kind === "date") {
        GE.partialDate(value, key === "end");
        out[key] = String(value);
      } else {
        out[key] = String(value);
      }
    });
    if (out.min_fatalities !== undefined && out.max_fatalities !== undefined && out.min_fatalities > out.max_fatalities) {
      throw new Error("geoevents: min_fatalities is above max_fatalities; swap them");
    }
    if (out.start && out.end && GE.partialDate(out.start) > GE.partialDate(out.end, true)) {
      throw new Error("geoevents: start is after end; swap them");
    }
    return out;
  };

  // -- vectorised predicates ---------------------------------------------------------------

  // A dictionary's values folded once per way of folding (tests by test.fold), for the next
  // filter: a free-text filter tests tens of thousands of titles each time.
  var folded = new WeakMap();

  /**
   * Which codes of a dictionary column (0 missing, k + 1 its kth value) pass test: a Uint8Array
   * of size + 1, or null when none does (the caller then reads no row).
   */
  function passingCodes(column, test) {
    var hit = new Uint8Array(column.size + 1);
    var any = false;
    var values = null;
    if (test.fold) {
      var byFold = folded.get(column.dictionary) || new Map();
      folded.set(column.dictionary, byFold);
      values = byFold.get(test.fold);
      if (!values) {
        byFold.set(test.fold, (values = new Array(column.size)));
        for (var v = 0; v < column.size; v++) {
          var raw = column.dictionary.get(v);
          values[v] = raw === undefined ? undefined : test.fold(raw);
        }
      }
    }
    for (var k = 0; k < column.size; k++) {
      if (values) {
        if (values[k] !== undefined && values[k].indexOf(test.needle) >= 0) hit[k + 1] = any = 1;
        continue;
      }
      var value = column.dictionary.get(k);
      if (value !== undefined && test(value)) hit[k + 1] = any = 1;
    }
    return any ? hit : null;
  }

  /** Rows (Uint8Array) whose value in a text column passes test(value); missing never does. */
  function textRows(store, name, test, into) {
    var n = store.n;
    var out = into || new Uint8Array(n);
    var column = store.column(name);
    if (!column) return out;
    if (column.codes) {
      var hit = passingCodes(column, test);
      if (hit === null) return out;
      var codes = column.codes;
      for (var i = 0; i < n; i++) if (hit[codes[i]]) out[i] = 1;
      return out;
    }
    if (test.upper && column.markContaining && column.markContaining(test.upper, out)) return out;
    for (var j = 0; j < n; j++) {
      if (out[j]) continue;
      var v = column.get(j);
      if (v !== undefined && test(v)) out[j] = 1;
    }
    return out;
  }

  /** Rows with an item of a list column (or a source key) passing test (Python's any()). */
  function itemRows(offsets, items, test, n, into) {
    var out = into;
    var hit;
    if (items.codes) {
      var distinct = passingCodes(items, test);
      if (distinct === null) return out; // no item passes: no row to read
      var codes = items.codes;
      for (var r = 0; r < n; r++) {
        if (out[r]) continue;
        for (var q = offsets[r]; q < offsets[r + 1]; q++) {
          if (distinct[codes[q]]) {
            out[r] = 1;
            break;
          }
        }
      }
      return out;
    }
    hit = function (j) {
      var v = items.get(j);
      return v !== undefined && test(v);
    };
    for (var i = 0; i < n; i++) {
      if (out[i]) continue;
      for (var j = offsets[i]; j < offsets[i + 1]; j++) {
        if (hit(j)) {
          out[i] = 1;
          break;
        }
      }
    }
    return out;
  }

  function listRows(store, name, test, into) {
    var column = store.column(name);
    if (column && column.offsets) itemRows(column.offsets, column.items, test, store.n, into);
    return into;
  }

  function sourceRows(store, keys, test, into) {
    var column = store.column("sources");
    if (!column || !column.keys) return into;
    column.keys.forEach(function (pair) {
      if (keys.indexOf(pair[0]) >= 0) itemRows(column.offsets, pair[1], test, store.n, into);
    });
    return into;
  }

  function upperCased(value) {
    return value.toUpperCase();
  }

  function lowerCased(value) {
    return value.toLowerCase();
  }

  /** pandas' str.contains(case=False): the needle upper-cased in the value upper-cased. */
  function containsUpper(needle) {
    var up = needle.toUpperCase();
    var test = function (value) {
      return value.toUpperCase().indexOf(up) >= 0;
    };
    test.upper = up; // lets a long text column search itself whole (store.js markContaining)
    test.fold = upperCased; // and a dictionary keep its values folded (passingCodes)
    test.needle = up;
    return test;
  }

  /** Python's needle.lower() in value.lower(). */
  function containsLower(needle) {
    var low = needle.toLowerCase();
    var test = function (value) {
      return value.toLowerCase().indexOf(low) >= 0;
    };
    test.fold = lowerCased;
    test.needle = low;
    return test;
  }

  function oneOf(values, lower) {
    var wanted = {};
    values.forEach(function (v) {
      wanted[lower ? v.toLowerCase() : v] = true;
    });
    return function (value) {
      return wanted[lower ? value.toLowerCase() : value] === true;
    };
  }

  /** Rows whose number column passes test(v); a missing number passes missingOk. */
  function numberRows(store, name, test, missingOk) {
    var n = store.n;
    var out = new Uint8Array(n);
    var desc = store.meta.columns[name];
    var column = store.column(name);
    if (!desc || !column) return out;
    for (var i = 0; i < n; i++) {
      var v = column.get(i);
      if (v === undefined ? missingOk : test(v)) out[i] = 1;
    }
    return out;
  }

  /** The rows that pass every non-date criterion (null when none is set). */
  GE.passingRows = function (store, c) {
    var n = store.n;
    var parts = [];
    if (c.types) parts.push(textRows(store, "event_type", oneOf(c.types, true)));
    if (c.actors) {
      var actors = new Uint8Array(n);
      c.actors.forEach(function (actor) {
        textRows(store, "actor1", containsUpper(actor), actors);
        textRows(store, "actor2", containsUpper(actor), actors);
        listRows(store, "assoc_actors", containsLower(actor), actors);
      });
      parts.push(actors);
    }
    if (c.countries) {
      var countries = textRows(store, "country", oneOf(c.countries, true));
      parts.push(textRows(store, "iso3", oneOf(c.countries, true), countries));
    }
    if (c.sub_types) parts.push(textRows(store, "sub_event_type", oneOf(c.sub_types, true)));
    if (c.min_fatalities !== undefined || c.max_fatalities !== undefined) {
      var lo = c.min_fatalities === undefined ? -Infinity : c.min_fatalities;
      var hi = c.max_fatalities === undefined ? Infinity : c.max_fatalities;
      parts.push(
        numberRows(
          store,
          "fatalities",
          function (v) {
            return v >= lo && v <= hi;
          },
          !!c.include_unreported
        )
      );
    }
    if (c.max_precision !== undefined) {
      parts.push(
        numberRows(
          store,
          "geo_precision",
          function (v) {
            return v <= c.max_precision;
          },
          false
        )
      );
    }
    if (c.text) {
      // Free text: title, summary, location, actors and sources, as the library's filter.
      var text = textRows(store, "title", containsUpper(c.text));
      ["summary", "location", "actor1", "actor2"].forEach(function (name) {
        textRows(store, name, containsUpper(c.text), text);
      });
      listRows(store, "assoc_actors", containsLower(c.text), text);
      sourceRows(store, ["name", "quote"], containsLower(c.text), text);
      parts.push(text);
    }
    if (c.date_precisions) parts.push(textRows(store, "date_precision", oneOf(c.date_precisions, false)));
    if (c.confidences) parts.push(textRows(store, "confidence", oneOf(c.confidences, false)));
    if (!parts.length) return null;
    var pass = parts[0];
    for (var p = 1; p < parts.length; p++) {
      var part = parts[p];
      for (var i = 0; i < n; i++) pass[i] &= part[i];
    }
    return pass;
  };

  /** Up to limit distinct values of text columns (list items too) containing typed, sorted. */
  GE.distinctValues = function (store, names, typed, limit) {
    var seen = new Set();
    var needle = (typed || "").toLowerCase();
    function add(value) {
      if (value !== undefined && seen.size < limit && value.toLowerCase().indexOf(needle) >= 0) seen.add(value);
    }
    names.forEach(function (name) {
      var column = store.column(name);
      if (!column) return;
      var reader = column.items || column;
      if (reader.codes) {
        for (var k = 0; k < reader.size && seen.size < limit; k++) add(reader.dictionary.get(k));
      } else {
        var count = column.offsets ? column.offsets[store.n] : store.n;
        for (var i = 0; i < count && seen.size < limit; i++) add(reader.get(i));
      }
    });
    return Array.from(seen).sort();
  };

  // -- the page ----------------------------------------------------------------------------

  function rangeOf(c) {
    if (!c.start && !c.end) return null;
    return [c.start ? GE.partialDate(c.start) : "0001-01-01", c.end ? GE.partialDate(c.end, true) : "9999-12-31"];
  }

  GE.pageParts.push(function (page) {
    var store = page.store;
    page.criteria = {};

    /**
     * Select with the library's Criteria fields; replaces the filters set before. start/end
     * move the timeline; without them the timeline stays. Resolves to the number shown.
     */
    page.filter = function (criteria) {
      var c = GE.normalCriteria(criteria);
      return store.text.then(function () {
        var pass = GE.passingRows(store, c);
        var changes = {
          filter: pass
            ? function (i) {
                return pass[i] === 1;
              }
            : null
        };
        if (c.start || c.end) changes.range = rangeOf(c);
        page.criteria = Object.assign({}, c);
        delete page.criteria.start;
        delete page.criteria.end;
        if (changes.range && page.timeline) {
          page.update({ filter: changes.filter });
          page.timeline.setDates(changes.range[0], changes.range[1]);
        } else {
          page.update(changes);
        }
        if (page.filterForm) page.filterForm.show(page.criteria);
        return store.shown;
      });
    };

    /** Drop every filter and the date range (the category toggles stay). */
    page.clearFilters = function () {
      return page.filter({}).then(function () {
        // The timeline's handles go to its ends (they clamp); without one, no range.
        if (page.timeline) page.timeline.setDates("0001-01-01", "9999-12-31");
        else page.timeRange(null);
        return store.shown;
      });
    };

    /** The criteria in force, as the library names them (start/end: the range shown). */
    page.activeCriteria = function () {
      var out = Object.assign({}, page.criteria);
      if (page.range) {
        out.start = page.range[0];
        out.end = page.range[1];
      }
      return out;
    };

    return store.text.then(function () {
      addPanel(page);
    });
  });

  // -- the panel ---------------------------------------------------------------------------

  function field(form, label, input) {
    var row = el("label", "ge-filter-field");
    row.appendChild(el("span", "ge-filter-label", label));
    row.appendChild(input);
    form.appendChild(row);
    return input;
  }

  function select(values, anyLabel) {
    var node = el("select", "ge-filter-select");
    var any = el("option", null, anyLabel);
    any.value = "";
    node.appendChild(any);
    values.forEach(function (value) {
      var option = el("option", null, value);
      option.value = value;
      node.appendChild(option);
    });
    return node;
  }

  function checkboxes(form, legend, values, name) {
    var set = el("fieldset", "ge-filter-set");
    set.appendChild(el("legend", null, legend));
    var boxes = values.map(function (value) {
      var label = el("label", "ge-filter-check");
      var box = el("input");
      box.type = "checkbox";
      box.value = value;
      box.name = name;
      label.appendChild(box);
      label.appendChild(el("span", null, value));
      set.appendChild(label);
      return box;
    });
    form.appendChild(set);
    return boxes;
  }

  function checked(boxes) {
    return boxes
      .filter(function (box) {
        return box.checked;
      })
      .map(function (box) {
        return box.value;
      });
  }

  var listId = 0;

  function addPanel(page) {
    var store = page.store;
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var details = el("details", "ge-box ge-filters");
      details.appendChild(el("summary", "ge-box-title", "Filters"));
      var form = el("form", "ge-filter-form");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
      });
      var types = checkboxes(form, "Event type", GE.distinctValues(store, ["event_type"], "", 1000), "types");
      var sub = field(form, "Sub-type", select(GE.distinctValues(store, ["sub_event_type"], "", 1000), "any"));
      var actor = el("input", "ge-filter-text");
      actor.type = "search";
      var suggestions = el("datalist");
      suggestions.id = "ge-actors-" + ++listId;
      actor.setAttribute("list", suggestions.id);
      field(form, "Actor", actor);
      form.appendChild(suggestions);
      var text = el("input", "ge-filter-text");
      text.type = "search";
      field(form, "Text", text);
      var country = field(form, "Country", select(GE.distinctValues(store, ["country"], "", 1000), "any"));
      var fatal = el("div", "ge-filter-range");
      var minF = el("input", "ge-filter-number");
      var maxF = el("input", "ge-filter-number");
      [minF, maxF].forEach(function (input, k) {
        input.type = "number";
        input.min = "0";
        input.step = "1";
        input.setAttribute("aria-label", k ? "Most deaths" : "Fewest deaths");
        input.placeholder = k ? "max" : "min";
        fatal.appendChild(input);
      });
      field(form, "Deaths", fatal);
      var unreported = el("input");
      unreported.type = "checkbox";
      field(form, "Include not reported", unreported);
      var precision = field(form, "Location at least", select([], "any precision"));
      [
        ["1", "exact place"],
        ["2", "near the place"],
        ["3", "region"]
      ].forEach(function (pair) {
        var option = el("option", null, pair[1]);
        option.value = pair[0];
        precision.appendChild(option);
      });
      var datePrecisions = checkboxes(form, "Date precision", CHOICES.date_precisions, "date_precisions");
      var confidences = checkboxes(form, "Confidence", CHOICES.confidences, "confidences");
      var buttons = el("div", "ge-filter-buttons");
      var clear = el("button", "ge-filter-clear", "Clear all");
      clear.type = "button";
      buttons.appendChild(clear);
      form.appendChild(buttons);
      var status = el("div", "ge-filter-status");
      form.appendChild(status);
      details.appendChild(form);

      function read() {
        var c = {
          types: checked(types),
          sub_types: sub.value ? [sub.value] : [],
          actors: actor.value.trim() ? [actor.value.trim()] : [],
          countries: country.value ? [country.value] : [],
          text: text.value.trim() || null,
          min_fatalities: minF.value === "" ? null : +minF.value,
          max_fatalities: maxF.value === "" ? null : +maxF.value,
          include_unreported: unreported.checked,
          max_precision: precision.value ? +precision.value : null,
          date_precisions: checked(datePrecisions),
          confidences: checked(confidences)
        };
        Object.keys(c).forEach(function (key) {
          if (Array.isArray(c[key]) && !c[key].length) delete c[key];
        });
        return c;
      }

      function apply() {
        var c;
        try {
          c = read();
          status.textContent = "";
          page.filter(c).catch(function (error) {
            status.textContent = error.message;
          });
        } catch (error) {
          status.textContent = error.message;
        }
      }

      function suggest() {
        suggestions.textContent = "";
        GE.distinctValues(store, ["actor1", "actor2", "assoc_actors"], actor.value, 50).forEach(function (value) {
          var option = el("option");
          option.value = value;
          suggestions.appendChild(option);
        });
      }
      actor.addEventListener("input", suggest);
      actor.addEventListener("focus", suggest);
      form.addEventListener("change", apply);
      text.addEventListener("search", apply);
      clear.addEventListener("click", function () {
        page.clearFilters();
      });

      /** Show criteria in the form (after filter() from a script or a permalink). */
      page.filterForm = {
        form: form,
        buttons: buttons,
        show: function (c) {
          types.forEach(function (box) {
            box.checked = !!c.types && c.types.some(function (t) {
              return t.toLowerCase() === box.value.toLowerCase();
            });
          });
          sub.value = c.sub_types && c.sub_types.length === 1 ? c.sub_types[0] : "";
          actor.value = c.actors ? c.actors.join(", ") : "";
          text.value = c.text || "";
          country.value = c.countries && c.countries.length === 1 ? c.countries[0] : "";
          minF.value = c.min_fatalities === undefined ? "" : String(c.min_fatalities);
          maxF.value = c.max_fatalities === undefined ? "" : String(c.max_fatalities);
          unreported.checked = !!c.include_unreported;
          precision.value = c.max_precision === undefined ? "" : String(c.max_precision);
          datePrecisions.forEach(function (box) {
            box.checked = !!c.date_precisions && c.date_precisions.indexOf(box.value) >= 0;
          });
          confidences.forEach(function (box) {
            box.checked = !!c.confidences && c.confidences.indexOf(box.value) >= 0;
          });
          status.textContent = "";
        }
      };
      // Open, the panel scrolls inside what is left above the bottom corners' controls.
      function fit() {
        if (!details.open) return;
        var container = page.map.getContainer();
        var top = details.getBoundingClientRect().top;
        var right = details.getBoundingClientRect().right;
        var limit = container.getBoundingClientRect().bottom;
        Array.prototype.forEach.call(container.querySelectorAll(".leaflet-bottom .leaflet-control"), function (node) {
          var r = node.getBoundingClientRect();
          if (r.height && r.left < right) limit = Math.min(limit, r.top);
        });
        details.style.maxHeight = Math.max(80, limit - top - 10) + "px";
      }
      details.addEventListener("toggle", fit);
      page.map.on("resize", fit);
      GE.isolate(details);
      return details;
    };
    ctl.addTo(page.map);
    page.filterControl = ctl;
  }
})();
