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
  var NO_DAY = -2147483648; // GE.NO_DAY (dates.js), a constant the mask's loop can inline

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

  /** Long text columns get their word index as soon as the text is decoded (bytes). */
  GE.TEXT_INDEX_BYTES = 8 * 1024 * 1024;

  var idleCall =
    window.requestIdleCallback ||
    function (fn) {
      return setTimeout(fn, 20);
    };

  function stringColumn(desc, buffers) {
    var offsets = null;
    var data = buffers[desc.data];
    var cache = {};
    var index = null; // its words (GE.wordIndex), once started
    var scan = null; // it upper-cased in chunks (GE.textChunks), once started

    /** The column upper-cased in chunks, made at once if the idle slices have not done it. */
    function chunksNow() {
      offsets = offsets || offsetsOf(buffers[desc.lengths]);
      scan = scan || GE.textChunks(data, offsets);
      scan.build(Infinity);
      return scan.failed ? null : scan;
    }

    /**
     * Build the word index, then the upper-cased chunks, in slices while the page is idle
     * (up to 12 ms each): the first search of any kind then finds both ready.
     */
    function indexSoon() {
      offsets = offsets || offsetsOf(buffers[desc.lengths]);
      index = GE.wordIndex(data, offsets);
      var slice = function (deadline) {
        var budget = deadline && deadline.timeRemaining ? Math.min(12, Math.max(4, deadline.timeRemaining())) : 12;
        var until = performance.now() + budget;
        var done = index.build(until);
        if (done && !index.failed) {
          scan = scan || GE.textChunks(data, offsets);
          done = scan.build(until);
        }
        if (!done) idleCall(slice, { timeout: 500 });
      };
      idleCall(slice, { timeout: 500 });
    }
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
       * Mark into[i] = 1 for the rows whose value, upper-cased, contains up (itself upper
       * case, not empty); false when the column is not ASCII (the caller tests row by row).
       * A native search through the column upper-cased (textscan.js, kept for the next
       * search): a million summaries cost one scan, not a million decodes.
       */
      markContaining: function (up, into) {
        if (!up) return false;
        // The word index first (textindex.js): once ready it has read every byte, so the
        // column is ASCII, and it answers most needles from its words, and phrases from
        // the rows of their words (searched in the chunks when those are ready).
        var ready = scan !== null && scan.ready ? scan : null;
        if (index !== null && index.mark(up, into, ready)) return true;
        var chunks = chunksNow();
        if (chunks === null) return false;
        // A needle of letters and digits: from the column's word index (textindex.js), made
        // in slices while the page is idle after the first such search (which scans).
        if (index === null && /^[A-Z0-9]+$/.test(up)) indexSoon();
        chunks.mark(up, into);
        return true;
      },
      /** It upper-cased in chunks (textscan.js): null until started, ready when built. */
      textChunks: function () {
        return scan;
      },
      /** Its word index (textindex.js): null until started, ready when built. */
      wordIndex: function () {
        return index;
      },
      /** Start the word index now, for a column long enough that a scan is slow. */
      prepare: function () {
        if (index === null && data.length >= GE.TEXT_INDEX_BYTES) indexSoon();
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

  /**
   * Ids split into a prefix, a number and its digits (render/numbered.py): row i's id is
   * prefixes[codes[i] - 1] (code 0: no id) followed by the running sum of the changes up to
   * i, written with digits[i] digits (zeros in front; 0 digits: no number). The same text
   * as the data's, exactly.
   */
  function numberedColumn(desc, buffers) {
    var codes = buffers[desc.codes];
    var digits = buffers[desc.digits];
    var prefixes = stringColumn(desc.prefixes, buffers);
    var numbers = null;
    var heads = null;
    function id(i) {
      var code = codes[i];
      if (!code) return undefined;
      if (numbers === null) {
        var deltas = buffers[desc.data];
        numbers = new Int32Array(deltas.length);
        var sum = 0;
        for (var r = 0; r < deltas.length; r++) numbers[r] = sum = (sum + deltas[r]) | 0;
        heads = new Array(prefixes.size());
        for (var k = 0; k < heads.length; k++) heads[k] = prefixes.get(k) || "";
      }
      var width = digits[i];
      if (!width) return heads[code - 1];
      var tail = String(numbers[i]);
      while (tail.length < width) tail = "0" + tail;
      return heads[code - 1] + tail;
    }
    return {
      get: id,
      /** Every id (undefined where missing), for the list and search. */
      all: function () {
        var out = new Array(codes.length);
        for (var i = 0; i < codes.length; i++) out[i] = id(i);
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
      case "numbered":
        return numberedColumn(desc, buffers);
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

  var BUFFER_KEYS = ["data", "codes", "lengths", "digits"];

  /**
   * A coordinate column as the float32 the page draws with (NaN where missing). The map embeds
   * each coordinate once, exactly (int32 k with a scale d: k / 10^d, or float64), for the
   * export; drawing needs no more than float32 (about a metre).
   */
  function drawCoordinates(desc, buffers) {
    var raw = buffers[desc.data];
    if (raw instanceof Float32Array) return raw;
    var out = new Float32Array(raw.length);
    if (desc.scale === undefined) {
      out.set(raw);
      return out;
    }
    var divisor = Math.pow(10, desc.scale);
    var missing = desc.missing;
    for (var i = 0; i < raw.length; i++) out[i] = raw[i] === missing ? NaN : raw[i] / divisor;
    return out;
  }

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
      // Columns may share a buffer (equal codes are embedded once): decode each once.
      wanted = wanted.filter(function (index, at) {
        return wanted.indexOf(index) === at;
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
      // The mask before the date range (hexview.js counts the previous window from it).
      base: new Uint8Array(n),
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
        // Long text (summaries) is indexed while the page is idle, so that the first free
        // text filter already finds its words' rows instead of scanning.
        if (cols[name].prepare) cols[name].prepare();
      });
      store.textReady = true;
    }

    // A field points are sized by (sizes.js) is needed for the first draw too.
    var drawColumns = meta.sizeBy ? DRAW_COLUMNS.concat([meta.sizeBy]) : DRAW_COLUMNS;
    var decoded = load(drawColumns).then(function () {
      var c = meta.columns;
      store.lat = drawCoordinates(c._lat, buffers);
      store.lon = drawCoordinates(c._lon, buffers);
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
      groupByCategory();
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

    /**
     * The rows grouped by category, in row order within each: store.catRows[catStart[k] ..
     * catStart[k + 1]) are category k's. The drawers draw in this order (later categories on
     * top) without sorting, and a toggle recomputes the mask of its category only.
     */
    function groupByCategory() {
      var starts = (store.catStart = new Int32Array(k + 1));
      var i;
      for (i = 0; i < n; i++) starts[store.cat[i] + 1]++;
      for (var c = 0; c < k; c++) starts[c + 1] += starts[c];
      var fill = starts.slice(0, k);
      store.catVersion = new Int32Array(k);
      store.catAll = new Uint8Array(k);
      var grouped = (store.catRows = new Int32Array(n));
      for (i = 0; i < n; i++) grouped[fill[store.cat[i]]++] = i;
    }

    // The inputs the mask was last computed from: when only categories changed, only their
    // rows are recomputed (a toggle costs its category's rows, not every row).
    var computed = null;
    // The mask shows a dated row when its first day <= hi and its last day (its first without
    // an end) >= lo: a range hides none when lo <= every last day and hi >= every first day
    // (found once; a row ending before it starts counts too).
    var span = null;
    function coversAll(range) {
      if (range === null) return true;
      if (!store.starts) return false;
      if (span === null) {
        var lastLeast = Infinity;
        var firstMost = -Infinity;
        for (var i = 0; i < n; i++) {
          var day = store.starts[i];
          if (day === NO_DAY) continue;
          var until = store.ends !== null && store.ends[i] !== NO_DAY ? store.ends[i] : day;
          if (until < lastLeast) lastLeast = until;
          if (day > firstMost) firstMost = day;
        }
        span = [lastLeast, firstMost];
      }
      return GE.isoDay(range[0]) <= span[0] && GE.isoDay(range[1]) >= span[1];
    }

    /** Recompute the mask and the counts from store.inputs (called by setInputs). */
    store.recompute = function () {
      var on = new Uint8Array(k);
      store.inputs.categories.forEach(function (value, index) {
        on[index] = value ? 1 : 0;
      });
      var range = store.inputs.range;
      var filter = store.inputs.filter;
      var lo = range ? GE.isoDay(range[0]) : -Infinity;
      var hi = range ? GE.isoDay(range[1]) : Infinity;
      var starts = range ? store.starts : null;
      var ends = store.ends;
      var mask = store.mask;
      var base = store.base;
      var prec = store.prec;
      var rows = store.catRows;
      var only = computed && computed.range === range && computed.filter === filter ? computed.on : null;
      var total = 0;
      // Nothing filtered out: store.catAll[c] says category c shows all its rows (drawers keep
      // what they drew in that state, so "clear all" redraws what was drawn before).
      var everything = filter === null && coversAll(range);
      for (var c = 0; c < k; c++) {
        if (only && only[c] === on[c]) {
          total += store.perCategory[c][0];
          continue;
        }
        var end = store.catStart[c + 1];
        var shown = 0;
        if (!on[c]) {
          for (var j = store.catStart[c]; j < end; j++) {
            mask[rows[j]] = 0;
            base[rows[j]] = 0;
          }
        } else {
          for (j = store.catStart[c]; j < end; j++) {
            var i = rows[j];
            var show = prec[i] !== 0;
            if (show && filter !== null) show = filter(i);
            // The mask without its dates: the hexagons' previous window reads it (hexview.js).
            base[i] = show ? 1 : 0;
            if (show && starts !== null) {
              // GE.overlaps (the CLI's rule), inlined: this runs for every row of a step.
              var first = starts[i];
              var last = ends !== null ? ends[i] : NO_DAY;
              show = first === NO_DAY || (first <= hi && (last === NO_DAY ? first : last) >= lo);
            }
            mask[i] = show ? 1 : 0;
            if (show) shown++;
          }
        }
        store.perCategory[c][0] = shown;
        store.catVersion[c]++; // its rows' mask may have changed (page.project re-projects them)
        store.catAll[c] = on[c] && everything ? 1 : 0;
        total += shown;
      }
      store.shown = total;
      computed = { range: range, filter: filter, on: on };
    };

    /** Change some mask inputs ({categories, range, filter}) and recompute the mask once. */
    store.setInputs = function (changes) {
      Object.keys(changes).forEach(function (key) {
        store.inputs[key] = changes[key];
      });
      store.recompute();
    };

    var idList = null;
    /** The id of row i (as text; "" when it has none). */
    store.id = function (i) {
      if (idList) return idList[i];
      var value = cols.id ? cols.id.get(i) : undefined;
      return value === undefined ? "" : String(value);
    };

    /**
     * Every row's id (as text, "" when it has none), made once on first use: one decode of
     * the column and a slice per row, where a million store.id(i) calls would each decode
     * and cache their own.
     */
    store.ids = function () {
      if (idList) return idList;
      var out = new Array(n);
      var column = cols.id;
      var all = column && column.all ? column.all() : null;
      for (var i = 0; i < n; i++) {
        var value = all ? all[i] : column ? column.get(i) : undefined;
        out[i] = value === undefined ? "" : String(value);
      }
      idList = out;
      return idList;
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

    /**
     * A 32-bit hash of a string: FNV-1a over its UTF-16 code units, then murmur3's finaliser
     * (FNV's low bits barely vary between ids that differ in a digit: the table slots would
     * bunch up).
     */
    function hashOf(text) {
      var h = 0x811c9dc5 | 0;
      for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return h >>> 0;
    }

    /**
     * The row of an id (its first), or -1. The first lookups are a native scan of the ids (a
     * few milliseconds at a million); from the INDEX_AFTER-th on, an open-addressing hash
     * table of rows (typed arrays, built in two passes) answers them at once: a Map of a
     * million strings takes seconds to build, this about as long as twenty scans.
     */
    var table = null;
    var hashes = null;
    var lookups = 0;
    var INDEX_AFTER = 16;
    store.rowOf = function (id) {
      var key = String(id);
      if (key === "") return -1;
      var ids = store.ids();
      if (!table && ++lookups < INDEX_AFTER) return ids.indexOf(key);
      var size = 1;
      while (size < 2 * n) size *= 2;
      var mask = size - 1;
      var slot, i;
      if (!table) {
        // The hashes first, then the slots: the probes then compare numbers, not strings.
        hashes = new Uint32Array(n);
        for (i = 0; i < n; i++) hashes[i] = hashOf(ids[i]);
        table = new Int32Array(size).fill(-1);
        for (i = 0; i < n; i++) {
          if (ids[i] === "") continue;
          slot = hashes[i] & mask;
          while (table[slot] >= 0 && !(hashes[table[slot]] === hashes[i] && ids[table[slot]] === ids[i])) {
            slot = (slot + 1) & mask;
          }
          if (table[slot] < 0) table[slot] = i; // the first row of an id keeps it
        }
      }
      var h = hashOf(key);
      slot = h & mask;
      while (table[slot] >= 0) {
        if (hashes[table[slot]] === h && ids[table[slot]] === key) return table[slot];
        slot = (slot + 1) & mask;
      }
      return -1;
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

    /** A promise of raw buffers by index (hexview.js reads the hexagons' own buffers). */
    store.buffers = function (indexes) {
      return Promise.all(
        indexes.map(function (index) {
          if (buffers[index]) return buffers[index];
          return readBuffer(meta.buffers[index]).then(function (array) {
            return (buffers[index] = array);
          });
        })
      );
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
