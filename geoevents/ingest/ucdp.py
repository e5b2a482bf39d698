"""UCDP GED: the CSV as UCDP publishes it, and HDX's repackaging (HXL hashtag row on line 2, an
added ``iso3`` column). See ``docs/import.md`` for the mapping of ``where_prec`` and ``date_prec``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from geoevents.ingest._base import Importer
from geoevents.ingest._common import (
    Batch,
    constant_tags,
    iso3_from_name,
    iso_text,
    join_text,
    parse_dates,
    parse_iso,
    per_unique,
    row_lists,
    tag_values,
)
from geoevents.ingest._detect import wrong_layout
from geoevents.ingest._read import Opened, Sniff

__all__ = [
    "DATE_PRECISION",
    "REQUIRED_COLUMNS",
    "VIOLENCE_TYPES",
    "WHERE_PRECISION",
    "UcdpImporter",
    "parse_source_article",
]

REQUIRED_COLUMNS = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "date_prec",
    "where_prec",
    "best",
)

#: UCDP where_prec -> ACLED-style geo_precision (see docs/import.md for why).
WHERE_PRECISION = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3, "6": 3, "7": 3}

#: UCDP date_prec -> date_precision; date_start and date_end already bound the range.
DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}

#: type_of_violence -> (label, event_type, sub_event_type).
VIOLENCE_TYPES = {
    "1": ("State-based violence", "Battles", "Armed clash"),
    "2": ("Non-state violence", "Battles", "Armed clash"),
    "3": ("One-sided violence", "Violence against civilians", "Attack"),
}

_ARTICLE = re.compile(r"(.*?),\s*(\d{4}-\d{2}-\d{2}),(.*)", re.DOTALL)


def parse_source_article(text: str | None) -> list[dict[str, str]]:
    """Split UCDP's ``source_article`` into sources.

    Since GED 5.0 the field lists articles as ``"Office,YYYY-MM-DD,Headline"`` entries joined by
    ``;``; older events hold free text (``Reuters (1989-10-01): "..."``), which becomes a single
    source named by that text.

    Returns
    -------
    list of dict
        ``{"name": office, "published": date, "document": headline}`` per article.
    """
    if not text or not text.strip():
        return []
    body = text.strip()
    if body.startswith('"') and body.endswith('"') and len(body) > 1:
        out = []
        for entry in body[1:-1].split('";"'):
            found = _ARTICLE.fullmatch(entry.strip())
            if not found or not found[1].strip():
                break
            src = {"name": found[1].strip(), "published": found[2]}
            headline = " ".join(found[3].split())
            if headline:
                src["document"] = headline
            out.append(src)
        else:
            return out
    return [{"name": " ".join(body.split())}]


def _number(v: Any) -> str:
    return v if isinstance(v, str) and v else "?"


class UcdpImporter(Importer):
    """UCDP GED events; the GED ``id`` is the id."""

    name = "ucdp"
    LOWERCASE_HEADER = True
    NA_VALUES = ("NA",)
    INTEGER_COLUMNS = (
        "id",
        "year",
        "type_of_violence",
        "conflict_new_id",
        "conflict_id",
        "conflict_dset_id",
        "dyad_new_id",
        "dyad_id",
        "dyad_dset_id",
        "side_a_new_id",
        "side_a_dset_id",
        "side_b_new_id",
        "side_b_dset_id",
        "number_of_sources",
        "where_prec",
        "priogrid_gid",
        "country_id",
        "event_clarity",
        "date_prec",
        "deaths_a",
        "deaths_b",
        "deaths_civilians",
        "deaths_unknown",
        "best",
        "high",
        "low",
        "gwnoa",
        "gwnob",
    )

    def __init__(self, source: Opened, sniff: Sniff, options: dict[str, Any]) -> None:
        super().__init__(source, sniff, options)
        missing = [c for c in REQUIRED_COLUMNS if c not in self.header]
        if missing:
            raise wrong_layout(source, "ucdp", missing, sniff)
        self.columns = set(self.header)
        self.detected = "ucdp-ged"

    def convert(self, b: Batch) -> None:
        ids = b.text("id")
        b.set_ids(ids)
        b.reject(ids.isna(), "id", "id is blank; every GED event has a numeric id")

        violence = b.text("type_of_violence")
        kinds = per_unique(violence, lambda v: VIOLENCE_TYPES.get(v or ""))
        b.reject(
            kinds == None,  # noqa: E711
            "type_of_violence",
            "type_of_violence {value} is not 1 (state-based), 2 (non-state) or 3 (one-sided)",
            violence,
        )
        label = pd.Series([k[0] if k else None for k in kinds], dtype="str")
        b.out["event_type"] = pd.Series([k[1] if k else None for k in kinds], dtype="str")
        b.out["sub_event_type"] = pd.Series([k[2] if k else None for k in kinds], dtype="str")

        start_raw, end_raw = b.text("date_start"), b.text("date_end")
        start, end = parse_dates(start_raw, parse_iso), parse_dates(end_raw, parse_iso)
        fix = "UCDP writes dates as 2017-10-16"
        b.reject(np.isnat(start), "date_start", f"date_start {{value}} is not a date; {fix}")
        b.reject(
            np.isnat(end) & end_raw.notna().to_numpy(dtype=bool),
            "date_end",
            f"date_end {{value}} is not a date; {fix}",
        )
        end = np.where(np.isnat(end), start, end)
        b.reject(
            end < start,
            "date_end",
            "date_end {value} is before date_start; swap them or fix the wrong one",
            end_raw,
        )
        b.out["date_start"] = iso_text(start)
        b.out["date_end"] = iso_text(end.astype("datetime64[D]"))
        prec = b.text("date_prec")
        precision = per_unique(prec, lambda v: DATE_PRECISION.get(v or ""))
        b.reject(
            precision == None,  # noqa: E711
            "date_prec",
            "date_prec {value} is not a UCDP date precision (1-5)",
            prec,
        )
        b.out["date_precision"] = pd.Series(precision, dtype="str")

        side_a, side_b = b.text("side_a"), b.text("side_b")
        b.out["actor1"], b.out["actor2"] = side_a, side_b
        country = b.text("country")
        b.out["country"] = country
        iso3 = pd.Series(per_unique(country, iso3_from_name), dtype=object)
        if "iso3" in self.columns:
            given = b.text("iso3").str.upper()
            given = given.where(given.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool))
            iso3 = given.astype(object).where(given.notna(), iso3)
        b.out["iso3"] = iso3.astype("str")
        b.out["admin1"] = b.text("adm_1")
        location = b.text("where_coordinates")
        b.out["location"] = location

        b.coordinates("latitude", "longitude")
        where = b.text("where_prec")
        geo = per_unique(where, lambda v: WHERE_PRECISION.get(v or ""))
        b.reject(
            geo == None,  # noqa: E711
            "where_prec",
            "where_prec {value} is not a UCDP spatial precision (1-7)",
            where,
        )
        b.out["geo_precision"] = pd.array(list(geo), dtype="Int64")
        best = b.integers("best", low=0, what="a count of deaths")
        b.out["fatalities"] = best
        low, high = b.text("low"), b.text("high")

        deaths = (
            "Deaths: best "
            + b.text("best").fillna("?")
            + " (low "
            + low.fillna("?")
            + ", high "
            + high.fillna("?")
            + "); side A "
            + b.text("deaths_a").fillna("?")
            + ", side B "
            + b.text("deaths_b").fillna("?")
            + ", civilians "
            + b.text("deaths_civilians").fillna("?")
            + ", unknown "
            + b.text("deaths_unknown").fillna("?")
            + "."
        )
        dyad = b.text("dyad_name")
        original = b.text("source_original").str.replace(r"\s+", " ", regex=True).str.strip()
        b.out["summary"] = join_text(
            [
                label + (" (" + dyad + ")").fillna("") + ".",
                deaths,
                "Original source: " + original + ".",
            ],
            " ",
        )
        b.out["sources"] = [
            parse_source_article(v if isinstance(v, str) else None)
            for v in b.text("source_article").to_numpy(dtype=object, na_value=None)
        ]
        conflict = "conflict_new_id" if "conflict_new_id" in self.columns else "conflict_id"
        dyad_id = "dyad_new_id" if "dyad_new_id" in self.columns else "dyad_id"
        b.out["tags"] = row_lists(
            constant_tags(b.n, "dataset:ucdp-ged"),
            tag_values("type_of_violence", violence),
            tag_values("where_prec", where),
            tag_values("date_prec", prec),
            tag_values("low", low),
            tag_values("high", high),
            tag_values("event_clarity", b.text("event_clarity")),
            tag_values("conflict_id", b.text(conflict)),
            tag_values("dyad_id", b.text(dyad_id)),
            tag_values("admin2", b.text("adm_2")),
            tag_values("relid", b.text("relid")),
        )
        actors = join_text([side_a, side_b], " – ")
        head = join_text([label, actors], ": ")
        b.out["title"] = join_text([head, "(" + location + ")"], " ")
