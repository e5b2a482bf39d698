/* geoevents map runtime: the in-page store of a map's incidents.
 *
 * Every map embeds its incidents once, as gzip-compressed binary columns (render/columnar.py,
 * render/payload.py). The store decodes them with the browser's DecompressionStream into typed
 * arrays: where each incident is (lat, lon and Web Mercator x, y), its category, precision
 * symbol, dates. Text is decoded per row, only when a popup, tooltip or list shows it.
 *
 * Which incidents are shown is ONE visibility mask (a Uint8Array), recomputed by setInputs
 * from its inputs: the categories switched on, the date range, and (for later) a filter
 * predicate; a row is shown when it is drawable and passes all of them.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  var TYPES = {
    f32: Float32Array,
    f64: Float64Array,
    i32: Int32Array,
    u8: Uint8Array,
    u16: Uint16Array,
    bytes: Uint8Array
  };
  var MAX_LAT = 85.0511287798;

  // -- decoding ----------------------------------------------------------------------------

  function base64Bytes(text) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function gunzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }

  /** Decode one buffer (its parts are separate gzip members in separate script elements). */
  function readBuffer(spec) {
    var Type = TYPES[spec.dtype];
    if (!spec.size) return Promise.resolve(new Type(0));
    var parts = spec.parts.map(function (id) {
      return gunzip(base64Bytes(document.getElementById(id).textContent.trim()));
    });
    return Promise.all(parts).then(function (chunks) {
      var whole = new Uint8Array(spec.size);
      var at = 0;
      chunks.forEach(function (chunk) {
        whole.set(new Uint8Array(chunk), at);
        at += chunk.byteLength;
      });
      return new Type(whole.buffer, 0, spec.size / Type.BYTES_PER_ELEMENT);
    });
  }

  var utf8 = new TextDecoder("utf-8");

  /** Running offsets (n + 1 of them) from lengths: where each text or list starts. */
  function offsetsOf(lengths) {
    var offsets = new Float64Array(lengths.length + 1);
    for (var i = 0; i < lengths.length; i++) offsets[i + 1] = offsets[i] + lengths[i];
    return offsets;
  }

  /** Day numbers (NO_DAY where missing) of a "day" column; an end is stored from its start. */
  function dayNumbers(desc, buffers, columns) {
    var raw = buffers[desc.data];
    var days = new Int32Array(raw.length);
    var base = desc.base;
    var starts = typeof base === "string" ? dayNumbers(columns[base], buffers, columns) : null;
    for (var i = 0; i < raw.length; i++) {
      if (raw[i] === desc.missing) days[i] = GE.NO_DAY;
      else days[i] = (starts ? starts[i] : base) + raw[i];
    }
    return days;
  }

  function stringColumn(desc, buffers) {
    var offsets = null;
    var data = buffers[desc.data];
    var cache = {};
    return {
      get: function (i) {
        offsets = offsets || offsetsOf(buffers[desc.lengths]);
        var start = offsets[i];
        var end = offsets[i + 1];
        if (end === start) return undefined;
        if (cache[i] === undefined) cache[i] = utf8.decode(data.subarray(start, end));
        return cache[i];
      },
      /** How many strings the column holds. */
      size: function () {
        return buffers[desc.lengths].length;
      },
      /**
       * Every value (undefined where missing), for the list and search. ASCII text (one byte
       * per character) is decoded in one call and sliced: a million calls to the decoder,
       * and a million cache entries, cost seconds.
       */
      all: function () {
        offsets = offsets || offsetsOf(buffers[desc.lengths]);
        var count = offsets.length - 1;
        var out = new Array(count);
        var whole = utf8.decode(data);
        var ascii = whole.length === data.length;
        for (var i = 0; i < count; i++) {
          var start = offsets[i];
          var end = offsets[i + 1];
          if (end === start) out[i] = undefined;
          else out[i] = ascii ? whole.substring(start, end) : this.get(i);
        }
        return out;
      }
    };
  }

  /** Column readers: get(i) returns the value of row i, or undefined when it is missing. */
  function makeColumn(desc, buffers, columns) {
    switch (desc.kind) {
      case "num":
        var numbers = buffers[desc.data];
        var missing = desc.missing;
        return {
          get: function (i) {
            var v = numbers[i];
            return v !== v || v === missing ? undefined : v; // NaN or the sentinel: missing
          }
        };
      case "day":
        var days = dayNumbers(desc, buffers, columns);
        return {
          get: function (i) {
            return days[i] === GE.NO_DAY ? undefined : GE.dayIso(days[i]);
          }
        };
      case "str":
        return stringColumn(desc, buffers);
      case "dict":
        var codes = buffers[desc.codes];
        var dictionary = stringColumn(desc.values, buffers);
        return {
          get: function (i) {
            var code = codes[i];
            return code ? dictionary.get(code - 1) : undefined;
          },
          // For predicates evaluated once per distinct value (filters.js), the list and search:
          // codes (0 missing, k the (k-1)th value) and the values.
          codes: codes,
          dictionary: dictionary,
          size: buffers[desc.values.lengths].length
        };
      case "list":
        var listOffsets = offsetsOf(buffers[desc.lengths]);
        var items = makeColumn(desc.items, buffers, columns);
        return {
          get: function (i) {
            var out = [];
            for (var j = listOffsets[i]; j < listOffsets[i + 1]; j++) {
              var item = items.get(j);
              if (item !== undefined) out.push(item);
            }
            return out.length ? out : undefined;
          },
          offsets: listOffsets,
          items: items
        };
      case "sources":
        var sourceOffsets = offsetsOf(buffers[desc.lengths]);
        var keys = Object.keys(desc.keys).map(function (key) {
          return [key, makeColumn(desc.keys[key], buffers, columns)];
        });
        return {
          get: function (i) {
            var out = [];
            for (var j = sourceOffsets[i]; j < sourceOffsets[i + 1]; j++) {
              var source = {};
              var any = false;
              keys.forEach(function (pair) {
                var value = pair[1].get(j);
                if (value !== undefined) {
                  source[pair[0]] = value;
                  any = true;
                }
              });
              if (any) out.push(source);
            }
            return out.length ? out : undefined;
          },
          offsets: sourceOffsets,
          keys: keys
        };
    }
    throw new Error("geoevents: unknown column kind " + desc.kind);
  }

  var BUFFER_KEYS = ["data", "codes", "lengths"];

  /** Which buffers a column description refers to (nested ones included). */
  function bufferIndexes(desc, into) {
    Object.keys(desc).forEach(function (key) {
      var value = desc[key];
      if (BUFFER_KEYS.indexOf(key) >= 0) into.push(value);
      else if (value && typeof value === "object") bufferIndexes(value, into);
    });
    return into;
  }

  // -- the store ---------------------------------------------------------------------------

  /** The columns the store needs before anything is drawn (ids too: the API answers in ids). */
  var DRAW_COLUMNS = ["_lat", "_lon", "_cat", "_prec", "_shape", "date_start", "date_end", "id"];

  /**
   * Decode the store described by meta (the JSON block of IncidentLayer). Returns a promise
   * of the store; store.text is a promise that resolves once text can be read.
   */
  GE.openStore = function (meta) {
    if (typeof DecompressionStream !== "function") {
      return Promise.reject(
        new Error(
          "this browser cannot decode them (it lacks DecompressionStream): open the map in " +
            "a current Firefox, Chrome, Edge or Safari"
        )
      );
    }
    var n = meta.count;
    var buffers = new Array(meta.buffers.length);
    var cols = {};
    var textNames = Object.keys(meta.columns).filter(function (name) {
      return name.charAt(0) !== "_";
    });

    function load(names) {
      var wanted = [];
      names.forEach(function (name) {
        if (meta.columns[name]) bufferIndexes(meta.columns[name], wanted);
      });
      return Promise.all(
        wanted.map(function (index) {
          if (buffers[index]) return buffers[index];
          return readBuffer(meta.buffers[index]).then(function (array) {
            buffers[index] = array;
          });
        })
      );
    }

    var k = meta.categories.length;
    var store = {
      n: n,
      meta: meta,
      categories: meta.categories,
      mask: new Uint8Array(n),
      shown: 0,
      drawable: 0,
      /** Per category: [shown, total] (total counts every incident, drawable or not). */
      perCategory: meta.categories.map(function (c) {
        return [0, c.count];
      }),
      inputs: { categories: meta.categories.map(function () { return true; }), range: null, filter: null },
      textReady: false
    };
    function columnsReady() {
      textNames.forEach(function (name) {
        cols[name] = makeColumn(meta.columns[name], buffers, meta.columns);
      });
      store.textReady = true;
    }

    // A field points are sized by (sizes.js) is needed for the first draw too.
    var drawColumns = meta.sizeBy ? DRAW_COLUMNS.concat([meta.sizeBy]) : DRAW_COLUMNS;
    var decoded = load(drawColumns).then(function () {
      var c = meta.columns;
      store.lat = buffers[c._lat.data];
      store.lon = buffers[c._lon.data];
      store.cat = buffers[c._cat.data];
      store.prec = buffers[c._prec.data];
      store.isShape = buffers[c._shape.data];
      store.starts = null;
      store.ends = null;
      if (c.date_start && c.date_start.kind === "day") {
        store.starts = dayNumbers(c.date_start, buffers, c);
        store.ends = c.date_end && c.date_end.kind === "day" ? dayNumbers(c.date_end, buffers, c) : null;
      }
      // Web Mercator, normalised to [0, 1]: x = lon / 360 + 0.5, y grows southwards.
      var mx = (store.mx = new Float64Array(n));
      var my = (store.my = new Float64Array(n));
      var drawable = 0;
      for (var i = 0; i < n; i++) {
        if (store.prec[i]) drawable++;
        var phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, store.lat[i])) * Math.PI) / 180;
        mx[i] = store.lon[i] / 360 + 0.5;
        my[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
      }
      store.drawable = drawable;
      if (c.id) cols.id = makeColumn(c.id, buffers, c);
      store.sizes = store.unreported = null;
      if (meta.sizeBy) GE.sizes.attach(store, c[meta.sizeBy] ? makeColumn(c[meta.sizeBy], buffers, c) : null);
      store.recompute();
      return store;
    });
    // Text is decoded after the first draw, while the analyst looks at the map.
    store.text = decoded.then(function () {
      return load(textNames).then(function () {
        columnsReady();
        return store;
      });
    });

    /** Recompute the mask and the counts from store.inputs (called by setInputs). */
    store.recompute = function () {
      var on = new Uint8Array(k);
      store.inputs.categories.forEach(function (value, index) {
        on[index] = value ? 1 : 0;
      });
      var range = store.inputs.range;
      var lo = range ? GE.isoDay(range[0]) : -Infinity;
      var hi = range ? GE.isoDay(range[1]) : Infinity;
      var starts = range ? store.starts : null;
      var ends = store.ends;
      var filter = store.inputs.filter;
      var mask = store.mask;
      var prec = store.prec;
      var cat = store.cat;
      var shown = new Float64Array(k);
      var total = 0;
      for (var i = 0; i < n; i++) {
        var show = prec[i] !== 0 && on[cat[i]] === 1;
        if (show && starts !== null) {
          show = GE.overlaps(starts[i], ends !== null ? ends[i] : GE.NO_DAY, lo, hi);
        }
        if (show && filter !== null) show = filter(i);
        mask[i] = show ? 1 : 0;
        if (show) {
          shown[cat[i]]++;
          total++;
        }
      }
      store.shown = total;
      store.perCategory.forEach(function (pair, index) {
        pair[0] = shown[index];
      });
    };

    /** Change some mask inputs ({categories, range, filter}) and recompute the mask once. */
    store.setInputs = function (changes) {
      Object.keys(changes).forEach(function (key) {
        store.inputs[key] = changes[key];
      });
      store.recompute();
    };

    /** The id of row i (as text; "" when it has none): needs the text columns. */
    store.id = function (i) {
      var value = cols.id ? cols.id.get(i) : undefined;
      return value === undefined ? "" : String(value);
    };

    /** Row i as a record: the fields that have a value, c (category) and point. */
    store.record = function (i) {
      var rec = { c: store.cat[i] };
      Object.keys(cols).forEach(function (name) {
        var value = cols[name].get(i);
        if (value !== undefined) rec[name] = value;
      });
      if (store.prec[i]) rec.point = [store.lat[i], store.lon[i]];
      return rec;
    };

    /** The row of an id, or -1 (an index is built on first use). */
    var rows = null;
    store.rowOf = function (id) {
      if (!rows) {
        rows = new Map();
        for (var i = 0; i < n; i++) {
          var key = store.id(i);
          if (key !== "" && !rows.has(key)) rows.set(key, i);
        }
      }
      var row = rows.get(String(id));
      return row === undefined ? -1 : row;
    };

    // -- whole columns, for the list and search (they need the text columns) --------------

    /** The reader of a column (get(i) is row i's value or undefined), or null. */
    store.column = function (name) {
      return cols[name] || null;
    };

    /** A promise of the readers of columns not decoded on opening (the exact coordinates). */
    store.loadColumns = function (names) {
      return load(names).then(function () {
        var out = {};
        names.forEach(function (name) {
          if (meta.columns[name]) out[name] = makeColumn(meta.columns[name], buffers, meta.columns);
        });
        return out;
      });
    };

    var distinctCache = {};
    /**
     * A text column as distinct values: {codes, values}, codes[i] 0 when row i has no value,
     * else k + 1 for values[k]. A dictionary column is used as it is; any other is deduplicated
     * once (so folding or collating costs one call per distinct value).
     */
    store.distinct = function (name) {
      if (distinctCache[name]) return distinctCache[name];
      var column = cols[name];
      if (!column) return null;
      var codes = new Int32Array(n);
      var values = [];
      if (column.codes) {
        codes.set(column.codes);
        for (var k = 0; k < column.dictionary.size(); k++) {
          var entry = column.dictionary.get(k);
          values.push(entry === undefined ? "" : String(entry));
        }
      } else {
        var seen = new Map();
        var all = column.all ? column.all() : null;
        for (var i = 0; i < n; i++) {
          var value = all ? all[i] : column.get(i);
          if (value === undefined) continue;
          value = String(value);
          var code = seen.get(value);
          if (code === undefined) {
            values.push(value);
            seen.set(value, (code = values.length));
          }
          codes[i] = code;
        }
      }
      distinctCache[name] = { codes: codes, values: values };
      return distinctCache[name];
    };

    return decoded;
  };
})();
