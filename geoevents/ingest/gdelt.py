"""GDELT event files: tab-separated, no header, 61 columns (2.0; the 58- and 57-column 1.0
layouts are read too), or any of these saved by a tool with a header row of GDELT's column names
(in any order, any case). Only conflict events are kept by default: CAMEO root codes 14 (protest)
and 18-20 (assault, fight, mass violence), mapped onto ACLED types as ``docs/import.md`` lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from geoevents.errors import InputError
from geoevents.ingest._base import Importer
from geoevents.ingest._common import (
    Batch,
    constant_tags,
    country_index,
    date_range,
    iso3_from_name,
    join_text,
    parse_dates,
    per_unique,
    row_lists,
    tag_values,
    url_host,
)
from geoevents.ingest._detect import GDELT_WIDTHS, column_key, describe, guess_format
from geoevents.ingest._read import Opened, Sniff

__all__ = ["CAMEO", "CAMEO_ROOTS", "COLUMNS_2", "GEO_TYPES", "GdeltImporter", "cameo_mapping"]

#: GDELT 2.0 event columns, in file order.
COLUMNS_2 = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
)
_COLUMNS_1 = tuple(c for c in COLUMNS_2 if not c.endswith("ADM2Code"))
_LAYOUTS = {61: COLUMNS_2, 58: _COLUMNS_1, 57: _COLUMNS_1[:-1]}
REQUIRED_COLUMNS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "EventCode",
    "ActionGeo_Type",
    "ActionGeo_Lat",
    "ActionGeo_Long",
)
#: Header names (as :func:`~geoevents.ingest._detect.column_key` spells them) -> our names.
#: GDELT 2.0's codebook calls SQLDATE "Day" and spells "ActionGeo_Fullname".
_HEADER_NAMES = {column_key(c): c for c in COLUMNS_2} | {"day": "SQLDATE"}
#: A first line with this many GDELT column names is a header, not an event.
_HEADER_MIN_NAMES = 3
_PLACEHOLDER = re.compile(r"\(general\)$", re.IGNORECASE)

#: ActionGeo_Type -> geo_precision. Country (1), US state (2) and ADM1 (5) matches are
#: centroids of a region: 3. City matches (3, 4) are the place itself: 1.
GEO_TYPES = {"1": 3, "2": 3, "3": 1, "4": 1, "5": 3}

_T = "Battles"
_E = "Explosions/Remote violence"
_V = "Violence against civilians"
_S = "Strategic developments"
_TERRITORY = "territory"  # 192: decided by the occupying actor's type

#: CAMEO event code -> (event_type, sub_event_type, CAMEO label). A code not listed falls back to
#: its 3-digit base code, then to its root code.
CAMEO: dict[str, tuple[str, str, str]] = {
    "14": ("Protests", "Peaceful protest", "Protest"),
    "140": ("Protests", "Peaceful protest", "Engage in political dissent"),
    "141": ("Protests", "Peaceful protest", "Demonstrate or rally"),
    "142": ("Protests", "Peaceful protest", "Conduct hunger strike"),
    "143": ("Protests", "Peaceful protest", "Conduct strike or boycott"),
    "144": ("Protests", "Peaceful protest", "Obstruct passage, block"),
    "145": ("Riots", "Violent demonstration", "Protest violently, riot"),
    "18": (_V, "Attack", "Assault"),
    "180": (_V, "Attack", "Use unconventional violence"),
    "181": (_V, "Abduction/forced disappearance", "Abduct, hijack, or take hostage"),
    "182": (_V, "Attack", "Physically assault"),
    "1821": (_V, "Sexual violence", "Sexually assault"),
    "1822": (_V, "Attack", "Torture"),
    "1823": (_V, "Attack", "Kill by physical assault"),
    "183": (_E, "Remote explosive/landmine/IED", "Bombing (suicide, car or other)"),
    "1831": (_E, "Suicide bomb", "Carry out suicide bombing"),
    "1832": (_E, "Remote explosive/landmine/IED", "Carry out vehicular bombing"),
    "1833": (_E, "Remote explosive/landmine/IED", "Carry out roadside bombing"),
    "1834": (_E, "Remote explosive/landmine/IED", "Carry out location bombing"),
    "184": (_V, "Attack", "Use as human shield"),
    "185": (_V, "Attack", "Attempt to assassinate"),
    "186": (_V, "Attack", "Assassinate"),
    "19": (_T, "Armed clash", "Fight"),
    "190": (_T, "Armed clash", "Use conventional military force"),
    "191": (_S, "Other", "Impose blockade, restrict movement"),
    "192": (_T, _TERRITORY, "Occupy territory"),
    "193": (_T, "Armed clash", "Fight with small arms and light weapons"),
    "194": (_E, "Shelling/artillery/missile attack", "Fight with artillery and tanks"),
    "195": (_E, "Air/drone strike", "Employ aerial weapons"),
    "1951": (_E, "Air/drone strike", "Employ precision-guided aerial munitions"),
    "1952": (_E, "Air/drone strike", "Employ remotely piloted aerial munitions"),
    "196": (_T, "Armed clash", "Violate ceasefire"),
    "20": (_V, "Attack", "Use unconventional mass violence"),
    "200": (_V, "Attack", "Use unconventional mass violence"),
    "201": (_S, "Other", "Engage in mass expulsion"),
    "202": (_V, "Attack", "Engage in mass killings"),
    "203": (_V, "Attack", "Engage in ethnic cleansing"),
    "204": (_E, "Chemical weapon", "Use weapons of mass destruction"),
    "2041": (_E, "Chemical weapon", "Use chemical, biological, or radiological weapons"),
    "2042": (_E, "Shelling/artillery/missile attack", "Detonate nuclear weapons"),
}

#: Labels of the CAMEO root codes that are not conflict events (kept only with keep_other).
CAMEO_ROOTS = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
}

# Actor type codes of a state's own forces: their occupying territory is a government regaining it.
_STATE_ACTOR_TYPES = {"GOV", "MIL", "COP", "SPY"}


def cameo_mapping(code: str, keep_other: bool = False) -> tuple[str, str, str] | None:
    """Map a CAMEO event code onto ``(event_type, sub_event_type, label)``.

    Returns None for a code outside roots 14 and 18-20, unless ``keep_other``, which keeps it
    as a Strategic development (sub-event type Other).
    """
    code = code.strip()
    for key in (code, code[:3], code[:2]):
        if key in CAMEO:
            return CAMEO[key]
    if keep_other and code[:2] in CAMEO_ROOTS:
        return (_S, "Other", CAMEO_ROOTS[code[:2]])
    return None


def _parse_sqldate(value: str) -> dt.date | None:
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _country_parts(parts: list[str], fips: str) -> int:
    """How many of the last comma-separated parts of a FullName are the country's name.

    GDELT writes FIPS 10-4 country names, some with a comma in them (``Korea, South``,
    ``Bahamas, The``): two parts are the country when they name the country that
    ``ActionGeo_CountryCode`` names, and the last part alone does not.
    """
    entry = country_index()["fips"].get(fips)
    if entry is None or len(parts) < 3:
        return 1
    iso3 = entry[1]
    if iso3_from_name(parts[-1]) == iso3:
        return 1
    if iso3 in (iso3_from_name(f"{parts[-1]} {parts[-2]}"), iso3_from_name(parts[-2])):
        return 2
    return 1


def _no_admin1(adm1_code: str, fips: str) -> bool:
    # "BO00" (or just "BO") is GDELT's code for "somewhere in Belarus": no ADM1 is known.
    return bool(adm1_code) and (adm1_code == fips or adm1_code.endswith("00"))


def _place(key: str) -> tuple[str | None, str | None, str | None]:
    """(location, admin1, country name) from ``"type\\x1fFullName\\x1fADM1Code\\x1fCountryCode"``.

    A FullName is ``City, ADM1, Country`` for a city (``London, London, City of, United
    Kingdom``: the ADM1 name may hold commas, so everything between the city and the country is
    the ADM1), ``ADM1, Country`` for a first-order region and ``Country`` for a country. An
    ADM1 that GDELT does not know is written as a placeholder (``Minsk, Belarus (general),
    Belarus``, code ``BO00``); it is not an admin1.
    """
    geo_type, full, adm1_code, fips = key.split("\x1f")
    parts = [p.strip() for p in full.split(",") if p.strip()]
    if not parts:
        return None, None, None
    if geo_type == "1":  # the country itself
        return ", ".join(parts), None, ", ".join(parts)
    if len(parts) == 1:
        return parts[0], None, None
    k = _country_parts(parts, fips)
    country, rest = ", ".join(parts[-k:]), parts[:-k]
    if geo_type in ("3", "4"):  # city: "Baghdad, Baghdad, Iraq"
        location, admin1 = rest[0], ", ".join(rest[1:]) or None
    else:  # first-order region (5) or US state (2): "Anbar, Iraq"
        location = admin1 = ", ".join(rest)
    if admin1 is not None and (_no_admin1(adm1_code, fips) or _PLACEHOLDER.search(admin1)):
        admin1 = None
    return location, admin1, country


def _source(url: Any, added: Any) -> list[dict[str, str]]:
    if not isinstance(url, str) or not url:
        return [{"name": "GDELT"}]
    host = url_host(url) or ""
    src = {"name": host.removeprefix("www.") or "GDELT", "url": url}
    if isinstance(added, str):
        day = _parse_sqldate(added[:8])
        if day is not None:
            src["published"] = day.isoformat()
    return [src]


class GdeltImporter(Importer):
    """GDELT events; ``GLOBALEVENTID`` is the id.

    Options
    -------
    keep_other : bool, default False
        Keep events outside CAMEO roots 14 and 18-20 as Strategic developments (Other) instead
        of skipping them. GDELT is mostly statements and meetings, so this floods a map.
    """

    name = "gdelt"
    OPTIONS: ClassVar[dict[str, Any]] = {"keep_other": False}
    INTEGER_COLUMNS = (
        "GLOBALEVENTID",
        "SQLDATE",
        "IsRootEvent",
        "QuadClass",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "ActionGeo_Type",
        "DATEADDED",
    )

    def __init__(self, source: Opened, sniff: Sniff, options: dict[str, Any]) -> None:
        super().__init__(source, sniff, options)
        width = len(sniff.first)
        known = {
            c: _HEADER_NAMES[column_key(c)] for c in sniff.columns if column_key(c) in _HEADER_NAMES
        }
        if len(known) >= _HEADER_MIN_NAMES:
            # Saved by a tool with a header (BigQuery, pandas, R): use its names, in any order.
            self.rename = known
            missing = [c for c in REQUIRED_COLUMNS if c not in known.values()]
            if missing:
                raise InputError(
                    f"{source.name}: a GDELT table with a header, but it lacks "
                    f"{', '.join(missing)}; export all the event columns"
                )
            # Tools that write a header may also write R's NA for a blank; GDELT's own files
            # have neither.
            self.na_values = ("NA",)
            two = "ActionGeo_ADM2Code" in known.values()
            self.detected = "gdelt-2.0" if two else "gdelt-1.0"
        elif sniff.delimiter == "\t" and width in _LAYOUTS and sniff.first[0].strip().isdigit():
            self.names = list(_LAYOUTS[width])
            self.quoting = csv.QUOTE_NONE  # GDELT never quotes; a stray " is data
            self.detected = GDELT_WIDTHS[width]
        elif sniff.delimiter == "\t" and width in _LAYOUTS:
            raise InputError(
                f"{source.name}: the first line has the {width} fields of a GDELT event file, "
                f"but it is neither an event (its first field {sniff.first[0].strip()!r} is not "
                "a GLOBALEVENTID) nor a header of GDELT's column names (GLOBALEVENTID, SQLDATE, "
                "...); name the columns as GDELT's codebook does"
            )
        else:
            guess = guess_format(sniff)
            sep = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[sniff.delimiter]
            msg = (
                f"{source.name}: not {describe('gdelt')}: its first line has {width} "
                f"{sep}-separated fields"
            )
            if guess and guess != "gdelt":
                msg += f". It looks like {describe(guess)}: import it with format '{guess}'"
            else:
                msg += (
                    ". Use the event files (YYYYMMDDHHMMSS.export.CSV), not the mentions or GKG "
                    "files"
                )
            raise InputError(msg)

    def convert(self, b: Batch) -> None:
        ids = b.text("GLOBALEVENTID")
        b.set_ids(ids)
        code = b.text("EventCode").fillna(b.text("EventBaseCode")).fillna(b.text("EventRootCode"))
        keep_other = bool(self.options["keep_other"])
        mapped = per_unique(code, lambda c: cameo_mapping(c, keep_other) if c else None)
        skip = (mapped == None) & code.notna().to_numpy(dtype=bool)  # noqa: E711
        b.skip |= skip
        self.skipped += int(skip.sum())
        b.reject(code.isna(), "EventCode", "EventCode is blank; GDELT codes every event")
        b.reject(ids.isna(), "GLOBALEVENTID", "GLOBALEVENTID is blank")

        label = pd.Series([m[2] if m else None for m in mapped], dtype="str")
        event_type = pd.Series([m[0] if m else None for m in mapped], dtype="str")
        sub = np.array([m[1] if m else None for m in mapped], dtype=object)
        territory = sub == _TERRITORY
        if territory.any():
            state = b.text("Actor1Type1Code").isin(_STATE_ACTOR_TYPES).to_numpy(dtype=bool)
            sub[territory & state] = "Government regains territory"
            sub[territory & ~state] = "Non-state actor overtakes territory"
        b.out["event_type"] = event_type
        b.out["sub_event_type"] = pd.Series(sub, dtype="str")

        raw_date = b.text("SQLDATE")
        day = parse_dates(raw_date, _parse_sqldate)
        b.reject(
            np.isnat(day),
            "SQLDATE",
            "SQLDATE {value} is not a date; GDELT writes YYYYMMDD, e.g. 20191231",
            raw_date,
        )
        start, end = date_range(day, np.full(b.n, "day", dtype=object))
        b.out["date_start"], b.out["date_end"] = start, end
        b.out["date_precision"] = pd.Series(["day"] * b.n, dtype="str")

        geo_type = b.text("ActionGeo_Type")
        geo = per_unique(geo_type, lambda v: GEO_TYPES.get(v or ""))
        b.reject(
            geo == None,  # noqa: E711
            "ActionGeo_Type",
            "ActionGeo_Type {value}: GDELT found no place for this event, so it cannot be mapped",
            geo_type.fillna("0"),
        )
        b.out["geo_precision"] = pd.array(list(geo), dtype="Int64")
        b.coordinates("ActionGeo_Lat", "ActionGeo_Long")

        places = per_unique(
            geo_type.fillna("")
            + "\x1f"
            + b.text("ActionGeo_FullName").fillna("")
            + "\x1f"
            + b.text("ActionGeo_ADM1Code").fillna("")
            + "\x1f"
            + b.text("ActionGeo_CountryCode").fillna(""),
            _place,
        )
        location = pd.Series([p[0] for p in places], dtype="str")
        b.out["location"] = location
        b.out["admin1"] = pd.Series([p[1] for p in places], dtype="str")
        by_fips = country_index()["fips"]
        countries = per_unique(b.text("ActionGeo_CountryCode"), lambda f: by_fips.get(f or ""))
        name = pd.Series([c[0] if c else None for c in countries], dtype="str")
        b.out["country"] = name.fillna(pd.Series([p[2] for p in places], dtype="str"))
        b.out["iso3"] = pd.Series([c[1] if c else None for c in countries], dtype="str")

        actor1, actor2 = b.text("Actor1Name"), b.text("Actor2Name")
        b.out["actor1"], b.out["actor2"] = actor1, actor2
        b.out["fatalities"] = pd.array([None] * b.n, dtype="Int64")
        b.out["summary"] = (
            "GDELT event coded CAMEO "
            + code.fillna("?")
            + " ("
            + label.fillna("?")
            + ") from "
            + b.text("NumArticles").fillna("?")
            + " article(s) by "
            + b.text("NumSources").fillna("?")
            + " source(s); Goldstein scale "
            + b.text("GoldsteinScale").fillna("?")
            + ", average tone "
            + b.text("AvgTone").fillna("?")
            + "."
        )
        urls = b.text("SOURCEURL").to_numpy(dtype=object, na_value=None)
        added = b.text("DATEADDED").to_numpy(dtype=object, na_value=None)
        b.out["sources"] = [_source(u, a) for u, a in zip(urls, added, strict=True)]
        b.out["tags"] = row_lists(
            constant_tags(b.n, "dataset:gdelt"),
            tag_values("cameo", code),
            tag_values("quad_class", b.text("QuadClass")),
            tag_values("goldstein", b.text("GoldsteinScale")),
            tag_values("actiongeo_type", geo_type),
            tag_values("is_root_event", b.text("IsRootEvent")),
        )
        actors = join_text([actor1, actor2], " – ")
        head = join_text([label, actors], ": ")
        b.out["title"] = join_text([head, "(" + location + ")"], " ")

    def nothing_imported_hint(self) -> str:
        return (
            "no event has a CAMEO code in roots 14 or 18-20 (protests and violence); "
            "pass keep_other=True to keep the others as Strategic developments"
        )
