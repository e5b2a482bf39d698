"""The incident schema: field names, vocabularies and the column order of an incident table.

An incident is a GeoJSON Feature in WGS84 (EPSG:4326). In memory, a set of incidents is a
``GeoDataFrame`` with one column per field below plus ``geometry``. Dates are kept as ISO
``YYYY-MM-DD`` strings: they compare correctly as text, round-trip through every format without a
time zone, and say exactly what the source said.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COLUMNS",
    "CONFIDENCE",
    "CRS",
    "DATE_PRECISIONS",
    "EVENT_TYPES",
    "FIELDS",
    "GEO_PRECISIONS",
    "LIST_FIELDS",
    "REQUIRED",
    "SOURCE_KEYS",
    "SUB_EVENT_TYPES",
    "Field",
]

CRS = "EPSG:4326"

#: ACLED event types, each with its sub-event types (ACLED codebook, 2023 edition).
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
EVENT_TYPES: tuple[str, ...] = tuple(SUB_EVENT_TYPES)

#: How well the date is known.
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

#: ACLED geo_precision: 1 the place itself, 2 near it or part of a region, 3 only the region.
GEO_PRECISIONS: dict[int, str] = {
    1: "exact place",
    2: "near the place / part of a region",
    3: "only the region is known",
}

CONFIDENCE: tuple[str, ...] = ("confirmed", "probable", "possible")

#: Keys a ``sources`` entry may carry; ``name`` is required.
SOURCE_KEYS: tuple[str, ...] = ("name", "url", "published", "quote", "document")


@dataclass(frozen=True)
class Field:
    """One incident property.

    Parameters
    ----------
    name : str
        The GeoJSON property name and the column name.
    kind : str
        One of ``"str"``, ``"date"``, ``"int"``, ``"list[str]"``, ``"list[source]"``.
    required : bool
        Whether every incident must carry a non-empty value.
    doc : str
        One line for ``docs/schema.md`` and for error messages.
    """

    name: str
    kind: str
    required: bool
    doc: str


FIELDS: tuple[Field, ...] = (
    Field("id", "str", True, "stable unique identifier"),
    Field("title", "str", True, "one-line title"),
    Field("date_start", "date", True, "first day, YYYY-MM-DD"),
    Field("date_end", "date", False, "last day, YYYY-MM-DD; defaults to date_start"),
    Field("date_precision", "str", False, "day | week | month | year; defaults to day"),
    Field("event_type", "str", True, "ACLED event type"),
    Field("sub_event_type", "str", False, "ACLED sub-event type of that event type"),
    Field("actor1", "str", False, "first actor (no direction implied)"),
    Field("actor2", "str", False, "second actor"),
    Field("assoc_actors", "list[str]", False, "associated actors"),
    Field("country", "str", False, "country name"),
    Field("iso3", "str", False, "ISO 3166-1 alpha-3 code"),
    Field("admin1", "str", False, "first-order administrative unit"),
    Field("location", "str", False, "place name"),
    Field("geo_precision", "int", False, "1 exact place, 2 near it, 3 only the region; default 1"),
    Field("fatalities", "int", False, "reported deaths, >= 0; null means not reported"),
    Field("summary", "str", False, "plain-text summary"),
    Field("sources", "list[source]", False, "list of {name, url?, published?, quote?, document?}"),
    Field("confidence", "str", False, "confirmed | probable | possible"),
    Field("tags", "list[str]", False, "free tags"),
)

COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
LIST_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind.startswith("list"))
FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

#: What a partitioned GeoParquet store can be split by: one ``key=value/`` folder per value.
PARTITION_KEYS: tuple[str, ...] = ("year",)
