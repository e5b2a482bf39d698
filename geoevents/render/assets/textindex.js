/* geoevents map runtime: a word index of a long ASCII text column, for the free-text filter.
 *
 * A million summaries are 220 MB of text: one scan per filter costs about 70 ms. A needle of
 * letters and digits only lies, wherever it occurs, inside one word (a longest run of ASCII
 * letters and digits), so the rows holding it are the rows of the words holding it: the
 * distinct words (a few thousand to a few hundred thousand) are searched, then their rows
 * marked. A needle with a space or punctuation is searched only in the rows of its rarest
 * run of letters and digits. The selection is the scan's, exactly (store.js markContaining);
 * a needle the index cannot narrow enough is left to the scan. Built from the column's bytes
 * in slices while the page is idle (store.js: once the text is decoded for a long column,
 * else after the first filter of a word): about 2-3 s of CPU at a million.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  // Per byte: 0 outside a word, else the byte upper-cased (the scan's upper case, for ASCII).
  var WORD = new Uint8Array(256);
  for (var b = 48; b < 58; b++) WORD[b] = b;
  for (b = 65; b < 91; b++) WORD[b] = WORD[b + 32] = b;
  var NEEDLE = /^[A-Z0-9]+$/;
  // A word in more than 1 row in DENSE rows keeps its rows as a bitset (n / 8 bytes), not a
  // list (4 bytes a row): the words of every summary ("in", "on", "were") cost little.
  var DENSE = 32;
  // Per byte: the byte as the scan compares it (ASCII letters upper-cased).
  var UPPER = new Uint8Array(256);
  for (b = 0; b < 256; b++) UPPER[b] = b >= 97 && b <= 122 ? b - 32 : b;
  // A phrase is searched byte by byte (in JS) only in at most 1 row in PHRASE_SHARE: past
  // that, the native scan of the whole column is quicker. With the column upper-cased in
  // chunks (textscan.js) each candidate row is one native search, quicker than the whole
  // column's up to 1 row in CHUNKED_SHARE.
  var PHRASE_SHARE = 32;
  var CHUNKED_SHARE = 2;

  /**
   * The word index of an ASCII column: data its bytes, offsets[i] .. offsets[i + 1] row i's.
   * Its build(until) reads rows until that time; once it returns true (index.ready, or
   * index.failed: a byte that is not ASCII), mark(up, into, scan) sets into[i] = 1 for the
   * rows containing up (upper case) and returns true, or returns false (the caller scans);
   * scan, the column's ready chunks (GE.textChunks) or null, searches a phrase's candidates.
   */
  GE.wordIndex = function (data, offsets) {
    var n = offsets.length - 1;
    var size = 1 << 16;
    var table = new Int32Array(size).fill(-1);
    var words = 0;
    var wordAt = new Int32Array(1024);
    var wordLen = new Int32Array(1024);
    var wordHash = new Int32Array(1024);

    function grow() {
      var more = wordAt.length * 2;
      [wordAt, wordLen, wordHash] = [wordAt, wordLen, wordHash].map(function (old) {
        var bigger = new Int32Array(more);
        bigger.set(old);
        return bigger;
      });
      if (words * 2 >= size) {
        size *= 2;
        table = new Int32Array(size).fill(-1);
        for (var w = 0; w < words; w++) {
          var slot = wordHash[w] & (size - 1);
          while (table[slot] >= 0) slot = (slot + 1) & (size - 1);
          table[slot] = w;
        }
      }
    }

    /** The id of the word data[start .. end) (hash h), a new one if not seen yet. */
    function idOf(start, end, h) {
      var len = end - start;
      var slot = h & (size - 1);
      for (;;) {
        var w = table[slot];
        if (w < 0) break;
        if (wordHash[w] === h && wordLen[w] === len) {
          var at = wordAt[w];
          var t = 0;
          while (t < len && WORD[data[at + t]] === WORD[data[start + t]]) t++;
          if (t === len) return w;
        }
        slot = (slot + 1) & (size - 1);
      }
      if (words >= wordAt.length || (words + 1) * 2 >= size) {
        grow();
        return idOf(start, end, h);
      }
      table[slot] = words;
      wordAt[words] = start;
      wordLen[words] = len;
      wordHash[words] = h;
      return words++;
    }

    // One pass over the bytes, in slices (build(until) returns at that time): each row's
    // distinct words (ids) in rowWords; then each word's rows from those (a counting sort), as
    // a list or a bitset.
    var rowWords = new Int32Array(1 << 20);
    var used = 0;
    var rowEnds = new Int32Array(n);
    var last = new Int32Array(1024).fill(-1);
    var next = 0; // the next row to read
    var rows = null;
    var starts = null;
    var bitsets = {};

    function readRows(until) {
      for (var row = next; row < n; row++) {
        if ((row & 1023) === 0 && row > next && performance.now() > until) {
          next = row;
          return false;
        }
        var end = offsets[row + 1];
        var start = -1;
        var h = 0;
        for (var p = offsets[row]; p <= end; p++) {
          if (p < end && data[p] > 127) {
            // Not ASCII: the scan's rule there is row by row (store.js), not this index's.
            index.failed = true;
            rowWords = rowEnds = last = null;
            return true;
          }
          var c = p < end ? WORD[data[p]] : 0;
          if (c !== 0) {
            if (start < 0) {
              start = p;
              h = 0;
            }
            h = (Math.imul(h, 31) + c) | 0;
            continue;
          }
          if (start < 0) continue;
          var w = idOf(start, p, h);
          start = -1;
          if (w >= last.length) {
            var wider = new Int32Array(wordAt.length).fill(-1);
            wider.set(last);
            last = wider;
          }
          if (last[w] === row) continue;
          last[w] = row;
          if (used === rowWords.length) {
            var longer = new Int32Array(used * 2);
            longer.set(rowWords);
            rowWords = longer;
          }
          rowWords[used++] = w;
        }
        rowEnds[row] = used;
      }
      next = n;
      return true;
    }

    function sortRows() {
      var counts = new Int32Array(words);
      var u, w, row;
      for (u = 0; u < used; u++) counts[rowWords[u]]++;
      var dense = n / DENSE;
      starts = new Int32Array(words + 1);
      for (w = 0; w < words; w++) {
        starts[w + 1] = starts[w] + (counts[w] > dense ? 0 : counts[w]);
        if (counts[w] > dense) bitsets[w] = new Uint8Array((n + 7) >> 3);
      }
      rows = new Int32Array(starts[words]);
      var fill = starts.slice(0, words);
      var from = 0;
      for (row = 0; row < n; row++) {
        for (u = from; u < rowEnds[row]; u++) {
          w = rowWords[u];
          var bits = bitsets[w];
          if (bits) bits[row >> 3] |= 1 << (row & 7);
          else rows[fill[w]++] = row;
        }
        from = rowEnds[row];
      }
      rowWords = rowEnds = last = null;
      index.bytes = rows.byteLength + Object.keys(bitsets).length * ((n + 7) >> 3) + words * 16;
      index.ready = true;
    }

    var text = null; // the words, upper-cased, made at the first search

    var index = {
      ready: false,
      /** Bytes the index holds once ready (the lists, the bitsets, the words' places). */
      bytes: 0,
      /** True when the column turned out not to be ASCII: the index is never ready. */
      failed: false,
      /** Build on until the time until (performance.now()); true once ready (or failed). */
      build: function (until) {
        if (!index.ready && !index.failed && readRows(until) && !index.failed) sortRows();
        return index.ready || index.failed;
      },
      mark: function (up, into, scan) {
        if (!index.ready) return false;
        if (!NEEDLE.test(up)) return phrase(up, into, scan || null);
        if (text === null) wordTexts();
        // The words holding up; when their rows would cost more to mark than a scan (a short
        // needle in most words), the caller scans.
        var found = wordsHolding(up);
        if (found.cost > 4 * n) return false;
        markWords(found, into);
        return true;
      }
    };

    function wordTexts() {
      if (text === null) {
          text = new Array(words);
          var decoder = new TextDecoder();
          for (var v = 0; v < words; v++) {
            text[v] = decoder.decode(data.subarray(wordAt[v], wordAt[v] + wordLen[v])).toUpperCase();
        }
      }
    }

    /** The words holding up (letters and digits), and what marking their rows costs. */
    function wordsHolding(up) {
      var found = [];
      found.cost = 0;
      for (var u = 0; u < words; u++) {
        if (text[u].indexOf(up) < 0) continue;
        found.push(u);
        found.cost += bitsets[u] ? n : starts[u + 1] - starts[u];
      }
      return found;
    }

    /** into[row] = 1 for the rows of the words found. */
    function markWords(found, into) {
      for (var f = 0; f < found.length; f++) {
        var u = found[f];
        var bits = bitsets[u];
        if (bits) {
          for (var q = 0; q < bits.length; q++) {
            var byte = bits[q];
            if (!byte) continue;
            for (var s = 0; s < 8; s++) if (byte & (1 << s)) into[(q << 3) + s] = 1;
          }
          continue;
        }
        for (var j = starts[u]; j < starts[u + 1]; j++) into[rows[j]] = 1;
      }
    }

    var candidates = null;
    var others = null;
    /**
     * A needle with a space or punctuation: each of its runs of letters and digits lies in a
     * word of every row that holds it, so only the rows holding its rarest run (and, when
     * that is common, its next two) can hold it; each is then searched in scan's chunks, or
     * byte by byte without them (upper case, as the scan compares). False (the caller scans)
     * when the needle has no such run, is not ASCII, or has too many candidates for that to
     * beat a scan.
     */
    function phrase(up, into, scan) {
      var bytes = new Uint8Array(up.length);
      for (var b = 0; b < up.length; b++) {
        var code = up.charCodeAt(b);
        if (code > 127) return false;
        bytes[b] = code;
      }
      var runs = up.split(/[^A-Z0-9]+/).filter(Boolean);
      if (!runs.length) return false;
      wordTexts();
      var order = runs.map(wordsHolding).sort(function (a, b) {
        return a.cost - b.cost;
      });
      if (order[0].cost > 4 * n) return false;
      candidates = candidates || new Uint8Array(n);
      markWords(order[0], candidates);
      var row;
      // Common runs ("the market"): only the rows that hold the next runs too.
      for (var k = 1; k < Math.min(order.length, 3) && order[0].cost > n / PHRASE_SHARE; k++) {
        if (order[k].cost > 4 * n) break;
        others = others || new Uint8Array(n);
        markWords(order[k], others);
        for (row = 0; row < n; row++) candidates[row] &= others[row];
        others.fill(0);
      }
      var count = 0;
      for (row = 0; row < n; row++) count += candidates[row];
      if (count > n / (scan !== null ? CHUNKED_SHARE : PHRASE_SHARE)) {
        candidates.fill(0);
        return false;
      }
      if (scan !== null) {
        scan.markRows(candidates, up, into); // and clears them
        return true;
      }
      // Each candidate row searched byte by byte for the needle's first byte (either case),
      // then the rest (in int32 positions: the loop stays on small integers).
      var len = bytes.length | 0;
      var high = bytes[0] | 0;
      var low = high >= 65 && high <= 90 ? high + 32 : high;
      for (row = 0; row < n; row++) {
        if (!candidates[row]) continue;
        candidates[row] = 0;
        var last = (offsets[row + 1] - len) | 0;
        for (var p = offsets[row] | 0; p <= last; p = (p + 1) | 0) {
          var c = data[p];
          if (c !== high && c !== low) continue;
          var t = 1;
          while (t < len && UPPER[data[(p + t) | 0]] === bytes[t]) t = (t + 1) | 0;
          if (t === len) {
            into[row] = 1;
            break;
          }
        }
      }
      return true;
    }
    return index;
  };
})();
