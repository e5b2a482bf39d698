/* geoevents map runtime: a word index of a long ASCII text column, for the free-text filter.
 *
 * A million summaries are 220 MB of text: one scan per filter costs about 70 ms. A needle of
 * letters and digits only lies, wherever it occurs, inside one word (a longest run of ASCII
 * letters and digits), so the rows holding it are the rows of the words holding it: the
 * distinct words (a few thousand to a few hundred thousand) are searched, then their rows
 * marked. The selection is the scan's, exactly (store.js markContaining); any other needle
 * is left to the scan. Built from the column's bytes after the first such filter (which
 * scans), in slices while the page is idle (store.js): about 2-3 s of CPU at a million.
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

  /**
   * The word index of an ASCII column: data its bytes, offsets[i] .. offsets[i + 1] row i's.
   * Its build(until) reads rows until that time; once it returns true (index.ready),
   * mark(up, into) sets into[i] = 1 for the rows containing up (upper case) and returns
   * true, or returns false when up is not letters and digits only (the caller scans).
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
      /** Build on until the time until (performance.now()); true once ready. */
      build: function (until) {
        if (!index.ready && readRows(until)) sortRows();
        return index.ready;
      },
      mark: function (up, into) {
        if (!index.ready || !NEEDLE.test(up)) return false;
        if (text === null) {
          text = new Array(words);
          var decoder = new TextDecoder();
          for (var v = 0; v < words; v++) {
            text[v] = decoder.decode(data.subarray(wordAt[v], wordAt[v] + wordLen[v])).toUpperCase();
          }
        }
        // The words holding up; when their rows would cost more to mark than a scan (a short
        // needle in most words), the caller scans.
        var found = [];
        var cost = 0;
        for (var u = 0; u < words; u++) {
          if (text[u].indexOf(up) < 0) continue;
          found.push(u);
          cost += bitsets[u] ? n : starts[u + 1] - starts[u];
        }
        if (cost > 4 * n) return false;
        for (var f = 0; f < found.length; f++) {
          u = found[f];
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
        return true;
      }
    };
    return index;
  };
})();
