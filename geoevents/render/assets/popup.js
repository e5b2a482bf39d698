/* geoevents map runtime: popup and tooltip content, built as DOM from an incident's fields,
 * and the list of the incidents stacked under one point. Both drawers use these. */
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
    var code = GE.precisionOf(rec.geo_precision);
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

  function plural(count) {
    return count + (count === 1 ? " incident here" : " incidents here");
  }

  /**
   * The list of the incidents under one point: "4 incidents here", then one button per
   * incident (date, type, title). records are the rows' records, in store order; pick(k) is
   * called with the position of the chosen one.
   */
  GE.stackContent = function (records, pick) {
    var root = el("div", "ge-stack");
    root.appendChild(el("div", "ge-popup-title ge-stack-title", plural(records.length)));
    var list = el("ol", "ge-stack-list");
    records.forEach(function (rec, k) {
      var item = el("li", "ge-stack-entry");
      var button = el("button", "ge-stack-item");
      button.type = "button";
      button.appendChild(el("span", "ge-stack-date", GE.dateText(rec) || "no date"));
      button.appendChild(el("span", "ge-stack-type", rec.event_type || ""));
      button.appendChild(el("span", "ge-stack-name", rec.title || "(no title)"));
      button.addEventListener("click", function (event) {
        // The button leaves the DOM: the map must not take the click for one on it.
        L.DomEvent.stop(event);
        pick(k);
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    root.appendChild(list);
    return root;
  };

  /** The popup of one incident of a stack, with a way back to the list. */
  GE.stackedPopupContent = function (rec, meta, count, back) {
    var root = el("div", "ge-stacked");
    var button = el("button", "ge-stack-back", "\u2190 " + plural(count));
    button.type = "button";
    button.addEventListener("click", function (event) {
      L.DomEvent.stop(event);
      back();
    });
    root.appendChild(button);
    root.appendChild(GE.popupContent(rec, meta));
    return root;
  };

  /** The tooltip over several incidents: how many, and the first one's title. */
  GE.stackTooltipContent = function (records) {
    var root = el("div", "ge-tooltip");
    root.appendChild(el("div", "ge-tooltip-title", plural(records.length)));
    root.appendChild(el("div", "ge-tooltip-date", (records[0].title || "(no title)") + ", \u2026"));
    return root;
  };
})();
