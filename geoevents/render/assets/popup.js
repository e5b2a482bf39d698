/* geoevents map runtime, part 2: popups and tooltips, built as DOM from an incident's fields. */
(function () {
  "use strict";
  var GE = window.geoevents;
  var el = GE.el;

  /** The URL as a link target if it is http(s), else null (javascript:, data:, ... never link). */
  GE.safeHref = function (url) {
    if (typeof url !== "string") return null;
    var trimmed = url.trim();
    if (!/^https?:\/\//i.test(trimmed)) return null;
    var parsed;
    try {
      parsed = new URL(trimmed);
    } catch (err) {
      return null;
    }
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  };

  function joined(parts, separator) {
    var kept = parts.filter(function (part) {
      return part !== undefined && part !== null && part !== "";
    });
    return kept.length ? kept.join(separator) : null;
  }

  /** "2017-10-03" or "2017-10-03 to 2017-10-05" (date_end defaults to date_start). */
  GE.dateText = function (rec) {
    if (!rec.date_start) return null;
    var end = rec.date_end || rec.date_start;
    return end === rec.date_start ? rec.date_start : rec.date_start + " to " + end;
  };

  /** geo_precision 1 (the default), 2 or 3; anything larger is treated as the least precise. */
  GE.precisionOf = function (rec) {
    var code = Number(rec.geo_precision === undefined ? 1 : rec.geo_precision);
    if (code === 2 || code === 3) return code;
    return code > 3 ? 3 : 1;
  };

  function addRow(list, label, value) {
    if (value === undefined || value === null || value === "") return;
    list.appendChild(el("dt", null, label));
    list.appendChild(el("dd", null, value));
  }

  function sourceItem(source) {
    var item = el("li", "ge-source");
    var href = GE.safeHref(source.url);
    var name = source.name || (href ? source.url : "(unnamed source)");
    if (href) {
      var link = el("a", "ge-source-link", name);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      item.appendChild(link);
    } else {
      item.appendChild(el("span", "ge-source-name", name));
    }
    if (source.published) item.appendChild(el("span", "ge-source-date", " (" + source.published + ")"));
    if (source.url && !href) {
      item.appendChild(el("div", "ge-source-url", "Address (not a web link): " + source.url));
    }
    if (source.quote) item.appendChild(el("blockquote", "ge-source-quote", source.quote));
    if (source.document) item.appendChild(el("div", "ge-source-doc", "Document: " + source.document));
    return item;
  }

  /** The popup of one incident. */
  GE.popupContent = function (rec, meta) {
    var root = el("div", "ge-popup");
    root.appendChild(el("div", "ge-popup-title", rec.title || "(no title)"));
    var fields = el("dl", "ge-popup-fields");
    var code = GE.precisionOf(rec);
    addRow(fields, "Date", GE.dateText(rec));
    addRow(fields, "Date precision", rec.date_precision || "day");
    addRow(fields, "Event", joined([rec.event_type, rec.sub_event_type], " – "));
    var place = joined([rec.location, rec.admin1, rec.country], ", ");
    addRow(fields, "Place", rec.iso3 ? joined([place, "(" + rec.iso3 + ")"], " ") : place);
    addRow(fields, "Geo precision", code + " – " + (meta.geoPrecision[String(code)] || ""));
    addRow(fields, "Actors", joined([rec.actor1, rec.actor2], "; "));
    addRow(fields, "Associated actors", rec.assoc_actors ? rec.assoc_actors.join("; ") : null);
    var fatalities = rec.fatalities;
    addRow(fields, "Fatalities", fatalities === undefined || fatalities === null ? "not reported" : String(fatalities));
    addRow(fields, "Confidence", rec.confidence);
    addRow(fields, "Tags", rec.tags ? rec.tags.join(", ") : null);
    addRow(fields, "ID", rec.id);
    root.appendChild(fields);
    if (rec.summary) root.appendChild(el("p", "ge-popup-summary", rec.summary));
    if (rec.sources && rec.sources.length) {
      root.appendChild(el("div", "ge-popup-heading", "Sources"));
      var list = el("ol", "ge-sources");
      rec.sources.forEach(function (source) {
        list.appendChild(sourceItem(source));
      });
      root.appendChild(list);
    }
    return root;
  };

  /** The tooltip of one incident: its title and dates. */
  GE.tooltipContent = function (rec) {
    var root = el("div", "ge-tooltip");
    root.appendChild(el("div", "ge-tooltip-title", rec.title || "(no title)"));
    var dates = GE.dateText(rec);
    if (dates) root.appendChild(el("div", "ge-tooltip-date", dates));
    return root;
  };
})();
