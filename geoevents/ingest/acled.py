"""ACLED: the API layout (ISO dates, text actor types), the export layout (``16 October 2017``
dates, numeric inter codes), with or without the pre-2023 columns (``data_id``, ``iso3``), and the
version-7 layout (upper-case columns, ``ALLY_ACTOR_1``/``ALLY_ACTOR_2``, pre-2019 event types).

See ``docs/import.md`` for the column mapping and why ``time_precision`` 3 is read as a month.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from geoevents import schema
from geoevents.ingest._base import Importer
from geoevents.ingest._common import (
    Batch,
    constant_tags,
    date_range,
    iso3_from_name,
    iso3_from_numeric,
    join_text,
    parse_dates,
    parse_day_month_name,
    parse_iso,
    per_unique,
    row_lists,
    split_values,
    tag_values,
)
from geoevents.ingest._detect import wrong_layout
from geoevents.ingest._read import Opened, Sniff

__all__ = [
    "INTER_LABELS",
    "LEGACY_EVENT_TYPES",
    "REQUIRED_COLUMNS",
    "TIME_PRECISION",
    "AcledImporter",
    "normalise_event_type",
]

REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "event_type", "latitude", "longitude")

#: ACLED time_precision -> schema date_precision (1 day, 2 week, 3 month; see docs/import.md).
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}

#: ACLED inter codes (export layout) -> the labels the API layout uses.
INTER_LABELS = {
    "1": "State forces",
    "2": "Rebel group",
    "3": "Political militia",
    "4": "Identity militia",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}

#: Event types of ACLED files made before the 2019 typology, mapped onto the current one.
LEGACY_EVENT_TYPES: dict[str, tuple[str, str | None]] = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "remote violence": ("Explosions/Remote violence", None),
    # Split by who acted (see _riots_or_protests); Protests when the actors do not say.
    "riots/protests": ("Protests", None),
    "non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    "headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
    "strategic development": ("Strategic developments", None),
}

_TYPES = {t.lower(): t for t in schema.EVENT_TYPES}
_SUBTYPES = {(t, s.lower()): s for t, subs in schema.SUB_EVENT_TYPES.items() for s in subs} | {
    ("Protests", "excessive force against protestors"): "Excessive force against protesters"
}


def normalise_event_type(
    event_type: str | None, sub_event_type: str | None
) -> tuple[str | None, str | None, str | None]:
    """Match an ACLED event and sub-event type to the schema vocabulary, ignoring case.

    Returns
    -------
    (event_type, sub_event_type, error)
        ``error`` is None when the pair is usable; the sub-event type may be None.
    """
    if not event_type:
        return None, None, "event_type is blank; every ACLED event has one"
    key = event_type.strip().lower()
    etype = _TYPES.get(key)
    legacy_sub = None
    if etype is None and key in LEGACY_EVENT_TYPES:
        etype, legacy_sub = LEGACY_EVENT_TYPES[key]
    if etype is None:
        return (
            None,
            None,
            f'event_type "{event_type}" is not an ACLED event type; use one of '
            f"{', '.join(schema.EVENT_TYPES)}",
        )
    if not sub_event_type:
        return etype, legacy_sub, None
    sub = _SUBTYPES.get((etype, sub_event_type.strip().lower()))
    if sub is None:
        return (
            None,
            None,
            f'sub_event_type "{sub_event_type}" does not belong to "{etype}"; use one of '
            f"{', '.join(schema.SUB_EVENT_TYPES[etype])}",
        )
    return etype, sub, None


def parse_acled_date(value: str) -> dt.date | None:
    """An ACLED ``event_date``: ``2017-10-16`` (API), ``16 October 2017`` or ``16-Oct-2017``."""
    return parse_iso(value) or parse_day_month_name(value) or _parse_dmy(value)


def _parse_dmy(value: str) -> dt.date | None:
    # Old ACLED spreadsheets wrote 16/10/2017; ACLED is day-first throughout.
    parts = value.replace(".", "/").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None
    try:
        return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


#: The v7 type that ACLED later split in two, and the actor types that decide which half.
_RIOTS_PROTESTS = "riots/protests"
_SPLIT_BY_ACTOR = {"Rioters": "Riots", "Protesters": "Protests"}


def _riots_or_protests(inter1: str | None, inter2: str | None) -> str:
    """The current type of a v7 ``Riots/Protests`` event, from its actors' inter labels.

    Actor 1 decides (5 Rioters: Riots; 6 Protesters: Protests); when it is neither (police
    breaking up a demonstration), actor 2 does; when neither is, Protests.
    """
    for label in (inter1, inter2):
        if label in _SPLIT_BY_ACTOR:
            return _SPLIT_BY_ACTOR[label]
    return "Protests"


def _inter_label(value: Any) -> str | None:
    if not isinstance(value, str) or not value or value == "0":
        return None
    return INTER_LABELS.get(value, value)


def _interaction_label(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if value.isdigit() and len(value) == 2:
        first, second = INTER_LABELS.get(value[0]), INTER_LABELS.get(value[1])
        if first and value[1] == "0":
            return f"{first} only"
        if first and second:
            return f"{first}-{second}"
    return value


def _source_dicts(value: Any) -> tuple[dict[str, str], ...]:
    if not isinstance(value, str):
        return ()
    names = dict.fromkeys(p.strip() for p in value.split(";") if p.strip())
    return tuple({"name": n} for n in names)


class AcledImporter(Importer):
    """ACLED events, either layout; ``event_id_cnty`` is the id."""

    name = "acled"
    LOWERCASE_HEADER = True
    NA_VALUES = ("NA",)
    INTEGER_COLUMNS = (
        "iso",
        "year",
        "time_precision",
        "inter1",
        "inter2",
        "interaction",
        "geo_precision",
        "fatalities",
        "timestamp",
        "gwno",
    )

    def __init__(self, source: Opened, sniff: Sniff, options: dict[str, Any]) -> None:
        super().__init__(source, sniff, options)
        missing = [c for c in REQUIRED_COLUMNS if c not in self.header]
        if missing:
            raise wrong_layout(source, "acled", missing, sniff)
        self.columns = set(self.header)
        # Version 7 (ACLED's files before 2019) names associated actors "ally" actors.
        self.v7 = "ally_actor_1" in self.columns or "ally_actor_2" in self.columns
        self.detected = "acled-v7" if self.v7 else "acled"

    def convert(self, b: Batch) -> None:
        ids = b.text("event_id_cnty")
        b.set_ids(ids)
        b.reject(ids.isna(), "event_id_cnty", "event_id_cnty is blank; ACLED ids look like IRQ1234")

        raw_date = b.text("event_date")
        day = parse_dates(raw_date, parse_acled_date)
        b.reject(
            np.isnat(day),
            "event_date",
            'event_date {value} is not a date; ACLED writes "16 October 2017" (export) or '
            "2017-10-16 (API)",
            raw_date,
        )
        if self.detected == "acled":  # v7 is known from the header; the others from a date
            self._detect_layout(raw_date[~np.isnat(day)])
        tp = b.text("time_precision").fillna("1")
        precision = per_unique(tp, lambda v: TIME_PRECISION.get(v) if v else None)
        b.reject(
            precision == None,  # noqa: E711
            "time_precision",
            "time_precision {value} is not 1 (day), 2 (week) or 3 (month)",
            tp,
        )
        start, end = date_range(day, precision)
        b.out["date_start"], b.out["date_end"] = start, end
        b.out["date_precision"] = pd.Series(precision, dtype="str")

        types = per_unique(
            b.text("event_type").fillna("") + "\x1f" + b.text("sub_event_type").fillna(""),
            lambda key: normalise_event_type(*key.split("\x1f")),
        )
        errors = np.array([t[2] for t in types], dtype=object)
        b.reject(errors != None, "event_type", errors, b.raw("event_type"))  # noqa: E711
        inter1 = pd.Series(per_unique(b.text("inter1"), _inter_label), dtype=object)
        inter2 = pd.Series(per_unique(b.text("inter2"), _inter_label), dtype=object)
        event_type = pd.Series([t[0] for t in types], dtype=object)
        split = (b.text("event_type").str.lower() == _RIOTS_PROTESTS).fillna(False).to_numpy(bool)
        if split.any():
            event_type[split] = [
                _riots_or_protests(a, z) for a, z in zip(inter1[split], inter2[split], strict=True)
            ]
        event_type = event_type.astype("str")
        sub_type = pd.Series([t[1] for t in types], dtype="str")
        b.out["event_type"], b.out["sub_event_type"] = event_type, sub_type
        legacy = per_unique(
            b.text("event_type"),
            lambda v: (
                (f"acled_event_type:{v}",)
                if isinstance(v, str) and v.lower() in LEGACY_EVENT_TYPES
                else ()
            ),
        )

        actor1, actor2 = b.text("actor1"), b.text("actor2")
        b.out["actor1"], b.out["actor2"] = actor1, actor2
        assoc = (
            b.text("assoc_actor_1").fillna("")
            + ";"
            + b.text("ally_actor_1").fillna("")
            + ";"
            + b.text("assoc_actor_2").fillna("")
            + ";"
            + b.text("ally_actor_2").fillna("")
        )
        b.out["assoc_actors"] = row_lists(split_values(assoc))

        country = b.text("country")
        b.out["country"] = country
        b.out["iso3"] = self._iso3(b, country)
        b.out["admin1"] = b.text("admin1")
        location = b.text("location")
        b.out["location"] = location
        b.coordinates("latitude", "longitude")
        b.out["geo_precision"] = b.integers(
            "geo_precision", low=1, high=3, default=1, what="an ACLED geo_precision"
        )
        b.out["fatalities"] = b.integers("fatalities", low=0, what="a count of deaths")
        b.out["summary"] = b.text("notes")

        # Rows citing the same sources share the source dicts: a million fresh dicts would be
        # the largest thing in memory. The list around them is each row's own.
        shared = per_unique(b.text("source"), _source_dicts)
        b.out["sources"] = [list(row) for row in shared]

        b.out["tags"] = row_lists(
            constant_tags(b.n, "dataset:acled"),
            tag_values("time_precision", tp),
            tag_values("inter1", inter1),
            tag_values("inter2", inter2),
            tag_values(
                "interaction", pd.Series(per_unique(b.text("interaction"), _interaction_label))
            ),
            tag_values("disorder_type", b.text("disorder_type")),
            tag_values("civilian_targeting", b.text("civilian_targeting")),
            tag_values("source_scale", b.text("source_scale")),
            tag_values("admin2", b.text("admin2")),
            tag_values("admin3", b.text("admin3")),
            # ACLED's row timestamp: `import --merge` keeps the newer version of an event.
            tag_values("timestamp", b.text("timestamp")),
            legacy,
            split_values(b.text("tags")),
        )
        kind = sub_type.fillna(event_type)
        actors = join_text([actor1, actor2], " – ")
        head = join_text([kind, actors], ": ")
        b.out["title"] = join_text([head, "(" + location + ")"], " ")

    def _detect_layout(self, dates: pd.Series) -> None:
        if not len(dates):
            return
        first = str(dates.iloc[0])
        self.detected = "acled-api" if parse_iso(first) else "acled-export"

    def _iso3(self, b: Batch, country: pd.Series) -> pd.Series:
        # Pre-2023 files carry iso3; later ones only the numeric ISO code in `iso`.
        found = pd.Series([None] * b.n, dtype=object)
        if "iso3" in self.columns:
            iso3 = b.text("iso3").str.upper()
            found = iso3.where(iso3.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool))
            found = found.astype(object)
        if "iso" in self.columns:
            numeric = pd.Series(per_unique(b.text("iso"), iso3_from_numeric), dtype=object)
            found = found.where(found.notna(), numeric)
        by_name = pd.Series(per_unique(country, iso3_from_name), dtype=object)
        found = found.where(found.notna(), by_name)
        return found.astype("str")
