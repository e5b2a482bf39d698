/* geoevents map runtime: a long ASCII text column upper-cased, in chunks of whole rows, for
 * the free-text filter's native searches.
 *
 * The scan compares upper case. Upper-casing a million summaries (220 MB) in one call blocks
 * the page for most of a second and may exceed the longest string the browser allows, so the
 * column is decoded and upper-cased in chunks of about GE.TEXT_CHUNK_BYTES of whole rows, a few
 * milliseconds each, in idle slices (store.js) or all at once when a search needs them before
 * that. A chunk holds whole rows, so no match spans two chunks. Searched two ways: the whole
 * column (mark), or only the rows a word index (textindex.js) names as candidates (markRows):
 * each such row is one native search of its own text, not a loop over its bytes in JavaScript.
 */
(function () {
  "use strict";
  var GE = window.geoevents;

  /** About how many bytes of whole rows a chunk holds (a row longer than that is one chunk). */
  GE.TEXT_CHUNK_BYTES = 2 * 1024 * 1024;
  var utf8 = new TextDecoder("utf-8");

  /**
   * The chunks of a column: data its bytes, offsets[i] .. offsets[i + 1] row i's. build(until)
   * reads chunks until that time and returns true once ready (or failed: a byte that is not
   * ASCII, where a character is not a byte and the rows' offsets do not apply).
   */
  GE.textChunks = function (data, offsets) {
    var n = offsets.length - 1;
    var chunks = []; // {from, to: rows; base: the first row's byte; text: upper case}
    var next = 0;
    var scan = {
      ready: n === 0,
      failed: false,
      /** How many chunks are made. */
      count: function () {
        return chunks.length;
      },
      build: function (until) {
        while (!scan.ready && !scan.failed && performance.now() < until) readChunk();
        return scan.ready || scan.failed;
      },
      /** into[row] = 1 for every row containing up (upper case, not empty). */
      mark: function (up, into) {
        for (var c = 0; c < chunks.length; c++) {
          var chunk = chunks[c];
          var text = chunk.text;
          var base = chunk.base;
          var row = chunk.from; // the matches come in order: the row is found by walking on
          var from = 0;
          var pos;
          while ((pos = text.indexOf(up, from)) >= 0) {
            while (offsets[row + 1] - base <= pos) row++;
            if (pos + up.length <= offsets[row + 1] - base) {
              into[row] = 1;
              from = offsets[row + 1] - base;
            } else {
              from = pos + 1; // across two rows' texts: not a match
            }
          }
        }
      },
      /** into[row] = 1 for the rows with rows[row] set that contain up; rows is cleared. */
      markRows: function (rows, up, into) {
        var c = 0;
        var len = up.length;
        for (var row = 0; row < n; row++) {
          if (!rows[row]) continue;
          rows[row] = 0;
          while (chunks[c].to <= row) c++;
          var base = chunks[c].base;
          var start = offsets[row] - base;
          var end = offsets[row + 1] - base;
          if (end - start >= len && chunks[c].text.substring(start, end).indexOf(up) >= 0) into[row] = 1;
        }
      }
    };

    function readChunk() {
      var from = next;
      var base = offsets[from];
      var to = from + 1;
      var most = GE.TEXT_CHUNK_BYTES;
      while (to < n && offsets[to + 1] - base <= most) to++;
      var bytes = data.subarray(base, offsets[to]);
      var text = utf8.decode(bytes);
      if (text.length !== bytes.length) {
        scan.failed = true; // a character of more than one byte
        chunks = [];
        return;
      }
      chunks.push({ from: from, to: to, base: base, text: text.toUpperCase() });
      next = to;
      scan.ready = next >= n;
    }
    return scan;
  };
})();
