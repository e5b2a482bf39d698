/* geoevents map runtime: export what is shown, as `geoevents filter` and `list --format csv` do.
 *
 * GeoJSON: io/geojson.py to_feature_collection (properties in schema order, exact geometry),
 * plus a top-level "geoevents" member recording the filters that produced it. CSV:
 * cli/output.py records + csv_text (every property, then lon, lat (6 decimals) and the WKT of a
 * line or an area; lists as JSON text; Python's number formatting; a text cell starting with
 * = + - @ tab or CR gets a leading ' so spreadsheets show it as text: spreadsheet_text).
 * Coordinates come from the exact columns (_xlat, _xlon), never from the float32 drawn ones.
 * The file is made in the browser (a Blob and an <a download>); nothing goes anywhere.
 */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  var FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"];
  var LIST_KINDS = { list: true, sources: true };

  /** cli/output.py spreadsheet_text: a leading ' on text that starts like a formula. */
  GE.spreadsheetText = function (value) {
    return FORMULA_STARTS.indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
  };

  /** A number as Python's repr writes it (1.0, 5e-06, 1e+16), JavaScript's digits. */
  GE.pyNumber = function (x, isInt) {
    if (isInt) return String(x);
    if (!isFinite(x)) return x !== x ? "nan" : x > 0 ? "inf" : "-inf";
    if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
    var parts = x.toExponential().split("e");
    var digits = parts[0].replace("-", "").replace(".", "");
    var exp = +parts[1];
    var sign = x < 0 ? "-" : "";
    if (exp < -4 || exp >= 16) {
      var mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + ("0" + Math.abs(exp)).slice(-2 - (Math.abs(exp) >= 100));
    }
    if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
    if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length) + ".0";
    return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  };

  /** json.dumps(value, ensure_ascii=False): Python's ", " and ": " separators. */
  function pyJson(value) {
    if (Array.isArray(value)) return "[" + value.map(pyJson).join(", ") + "]";
    if (value && typeof value === "object") {
      return (
        "{" +
        Object.keys(value)
          .map(function (key) {
            return JSON.stringify(key) + ": " + pyJson(value[key]);
          })
          .join(", ") +
        "}"
      );
    }
    if (typeof value === "number") return GE.pyNumber(value, Number.isInteger(value));
    return JSON.stringify(value === undefined ? null : value);
  }

  /** One CSV cell as Python's csv writer (QUOTE_MINIMAL) writes it. */
  function csvCell(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** The rows shown, their properties and exact geometry. */
  function collect(page) {
    var store = page.store;
    var meta = page.meta;
    var names = meta.fields.filter(function (name) {
      return meta.columns[name];
    });
    return Promise.all([store.text, store.loadColumns(["_xlat", "_xlon"])]).then(function (done) {
      var exact = done[1];
      var shapes = {};
      (page.shapeEntries || []).forEach(function (entry) {
        shapes[entry[0]] = entry;
      });
      var readers = names.map(function (name) {
        return [name, store.column(name), LIST_KINDS[meta.columns[name].kind] === true, meta.columns[name]];
      });
      function coordinate(name, row) {
        var v = exact[name].get(row);
        var scale = meta.columns[name].scale;
        return scale ? v / Math.pow(10, scale) : v;
      }
      var rows = [];
      for (var i = 0; i < store.n; i++) {
        if (!store.mask[i]) continue;
        var props = {};
        readers.forEach(function (r) {
          var value = r[1] ? r[1].get(i) : undefined;
          props[r[0]] = value === undefined ? (r[2] ? [] : null) : value;
        });
        var lon = coordinate("_xlon", i);
        var lat = coordinate("_xlat", i);
        var shape = shapes[i];
        rows.push({
          props: props,
          geometry: shape ? shape[1] : { type: "Point", coordinates: [lon, lat] },
          lon: lon,
          lat: lat,
          wkt: shape ? shape[2] : null
        });
      }
      return rows;
    });
  }

  /** The text of the shown incidents as "geojson" or "csv" (a promise). */
  GE.exportText = function (page, format) {
    if (format !== "geojson" && format !== "csv") throw new Error('geoevents: export as "geojson" or "csv"');
    var meta = page.meta;
    return collect(page).then(function (rows) {
      if (format === "geojson") {
        var hidden = meta.categories
          .filter(function (c, k) {
            return !page.map.hasLayer(page.groups[k]);
          })
          .map(function (c) {
            return c.name;
          });
        var doc = {
          type: "FeatureCollection",
          features: rows.map(function (r) {
            return { type: "Feature", properties: r.props, geometry: r.geometry };
          }),
          geoevents: {
            exported_from: "map",
            filters: page.activeCriteria(),
            hidden: { layer_by: meta.layerBy, categories: hidden },
            source: meta.source || {},
            count: rows.length
          }
        };
        return JSON.stringify(doc, null, 2) + "\n";
      }
      var columns = meta.fields.concat(["lon", "lat", "wkt"]);
      var lines = [columns.map(csvCell).join(",")];
      rows.forEach(function (r) {
        var cells = columns.map(function (name) {
          var value;
          var isInt = false;
          if (name === "lon" || name === "lat") value = Number(r[name].toFixed(6));
          else if (name === "wkt") value = r.wkt;
          else {
            value = r.props[name];
            var desc = meta.columns[name];
            isInt = !!desc && desc.kind === "num" && desc.data !== undefined && desc.missing !== undefined;
          }
          if (value === null || value === undefined) return "";
          if (typeof value === "object") value = pyJson(value);
          else if (typeof value === "number") return csvCell(GE.pyNumber(value, isInt));
          return csvCell(GE.spreadsheetText(String(value)));
        });
        lines.push(cells.join(","));
      });
      return lines.join("\n") + "\n";
    });
  };

  /** Save text as a file, made in the browser. */
  GE.download = function (text, name, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = el("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 1000);
  };

  GE.pageParts.push(function (page) {
    /** The shown incidents as GeoJSON or CSV text (a promise), as the CLI writes them. */
    page.exportSelection = function (format) {
      return GE.exportText(page, format);
    };
    /** Download the shown incidents ("geojson" or "csv"). */
    page.downloadSelection = function (format) {
      return page.exportSelection(format).then(function (text) {
        var geojson = format === "geojson";
        GE.download(text, "geoevents-selection." + format, geojson ? "application/geo+json" : "text/csv");
        return text.length;
      });
    };
    return page.store.text.then(function () {
      var form = page.filterForm;
      if (!form) return;
      ["geojson", "csv"].forEach(function (format) {
        var button = el("button", "ge-export-" + format, "Export " + (format === "csv" ? "CSV" : "GeoJSON"));
        button.type = "button";
        button.addEventListener("click", function () {
          page.downloadSelection(format);
        });
        form.buttons.appendChild(button);
      });
    });
  });
})();
