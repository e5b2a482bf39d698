"""Seeded synthetic incidents, for tests and benchmarks: the schema, or ACLED's CSV layouts.

One place table (:mod:`geoevents.testing.places`) and one generator: :func:`incident_columns`
draws ``n`` incidents from a seed; :func:`incidents` gives them as a GeoDataFrame (what tests
and the GeoParquet writer take), :func:`write_geojson` as compact GeoJSON (one feature per
line), and :func:`acled_rows` / :func:`write_acled` as rows of ACLED's export or API layout, for
import tests and load tests.
The same ``n``, seed and options always give the same incidents.

What the incidents look like (the numbers are made up; the vocabulary is real):

* places: about 85 real towns in nine countries with an ACLED-like share of the events (Syria,
  Yemen, Afghanistan, Nigeria, Iraq, Mali, Burkina Faso, Somalia, Niger), each incident jittered
  around its town (more for geo_precision 2 and 3) and kept inside the country it names;
* dates over 2017-2024, mostly day-precise, some week and month ranges, a few multi-day events;
* ACLED event types with matching sub-event types, the country's actors, sometimes an
  associated actor; fatalities often not reported (null), else mostly small;
* a title, a summary of about 200 characters, one source, a confidence and one tag;
* optionally (``hostile=k``) the first ``k`` incidents carry hostile text (HTML, template and
  script syntax) and sit apart from the others, in Chad, for the escaping tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geoevents.schema import COLUMNS, SUB_EVENT_TYPES
from geoevents.testing.places import COUNTRIES, COUNTRIES_BY_ISO3, Town

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "ACLED_API_COLUMNS",
    "ACLED_EXPORT_COLUMNS",
    "HOSTILE_TITLE",
    "acled_rows",
    "dirty",
    "incident_columns",
    "incidents",
    "write_acled",
    "write_geojson",
]

FIRST_DAY = np.datetime64("2017-01-01")
LAST_DAY = np.datetime64("2024-12-31")


GLOBAL_OUTLETS = ("Reuters", "Agence France-Presse", "Xinhua", "Anadolu Agency", "BBC News")
TAGS = ("National", "Subnational", "International", "New media", "Local partner")
ASSOCIATED = ("Tribal Militia ({})", "Local Defence Group ({})", "Civilians ({})")

#: ACLED-like share of each event type, and the sub-event types' shares within it.
EVENT_SHARES = {
    "Battles": (0.30, (0.85, 0.08, 0.07)),
    "Explosions/Remote violence": (0.25, (0.005, 0.30, 0.02, 0.39, 0.25, 0.035)),
    "Violence against civilians": (0.20, (0.04, 0.81, 0.15)),
    "Protests": (0.12, (0.90, 0.08, 0.02)),
    "Riots": (0.05, (0.45, 0.55)),
    "Strategic developments": (0.08, (0.08, 0.25, 0.15, 0.08, 0.04, 0.25, 0.05, 0.10)),
}

#: Jitter (degrees, standard deviation) around the town, by geo_precision.
JITTER = {1: 0.03, 2: 0.12, 3: 0.35}

DETAILS = {
    "Battles": (
        "The fighting lasted several hours and involved small arms and mortars",
        "Local sources said the clash followed an attack on a checkpoint outside the town",
        "Reinforcements arrived the next morning and the front line did not move",
    ),
    "Explosions/Remote violence": (
        "The strike hit a building that residents said was used as a weapons depot",
        "A device planted on the road exploded as a patrol passed the market",
        "Shells landed in a residential area on the edge of the town",
    ),
    "Violence against civilians": (
        "Gunmen on motorbikes raided the village at night and looted shops",
        "Relatives said the victims were taken from their homes before dawn",
        "The attack targeted farmers working in fields outside the town",
    ),
    "Protests": (
        "Demonstrators demanded better services and the release of detained relatives",
        "Residents gathered in front of the governorate building, blocking the road",
        "The protest was organised by students and dispersed peacefully by noon",
    ),
    "Riots": (
        "Youths burned tyres and threw stones at a police station",
        "A dispute over land turned violent and several houses were set on fire",
    ),
    "Strategic developments": (
        "Local leaders announced an agreement after weeks of negotiations",
        "Security forces arrested several suspects during a search operation",
        "Fighters withdrew from positions and set up a new base nearby",
    ),
}

#: The title of the hostile incidents (``hostile=k``): HTML, a template and a script break-out.
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1"> {{ 7*7 }} </script><script>window.__pwned=2'
HOSTILE_SUMMARY = "<b>bold?</b> &amp; javascript:alert(1) {% raw %}"
HOSTILE_SOURCE = {"name": '<a href="javascript:window.__pwned=3">x</a>', "url": "javascript:1"}


def _towns(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, list[Town]]:
    """Draw a town for each incident: each country's share split over its towns (Dirichlet)."""
    town_country, towns, town_p = [], [], []
    for k, country in enumerate(COUNTRIES):
        weights = rng.dirichlet(np.full(len(country.towns), 1.5))
        for town, w in zip(country.towns, weights, strict=True):
            town_country.append(k)
            towns.append(town)
            town_p.append(country.share * w)
    p = np.asarray(town_p)
    town = rng.choice(len(towns), size=n, p=p / p.sum())
    return town, np.asarray(town_country)[town], towns


def _coordinates(
    rng: np.random.Generator,
    town: np.ndarray,
    country: np.ndarray,
    towns: list[Town],
    gp: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Jitter each incident around its town, and put it back on the town if it left the country."""
    import shapely

    from geoevents.borders import countries

    n = len(town)
    sigma = np.select([gp == 1, gp == 2], [JITTER[1], JITTER[2]], JITTER[3])
    base_lat = np.asarray([t.lat for t in towns])[town]
    base_lon = np.asarray([t.lon for t in towns])[town]
    lat = base_lat + rng.normal(0.0, 1.0, n) * sigma
    lon = base_lon + rng.normal(0.0, 1.0, n) / np.cos(np.radians(base_lat)) * sigma
    world = countries()
    shape_of = dict(zip(world["iso3"], world.geometry, strict=True))
    shapes = np.asarray([shape_of[c.iso3] for c in COUNTRIES], dtype=object)[country]
    outside = shapely.distance(shapes, shapely.points(lon, lat)) > 0.05
    lat[outside], lon[outside] = base_lat[outside], base_lon[outside]
    return np.round(lon, 4), np.round(lat, 4)


def _dates(rng: np.random.Generator, n: int) -> tuple[list[str], list[str], list[str], np.ndarray]:
    """Start, end and publication dates, and the precision (0 day, 1 week, 2 month)."""
    span = int((LAST_DAY - FIRST_DAY).astype(int))
    start = FIRST_DAY + rng.integers(0, span - 40, n).astype("timedelta64[D]")
    dp = rng.choice(3, size=n, p=[0.88, 0.08, 0.04])
    end = start.copy()
    week = dp == 1
    end[week] = start[week] + np.timedelta64(6, "D")
    month = dp == 2
    start[month] = start[month].astype("datetime64[M]").astype("datetime64[D]")
    end[month] = (start[month].astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    multi = (dp == 0) & (rng.random(n) < 0.03)
    end[multi] = start[multi] + rng.integers(1, 4, int(multi.sum())).astype("timedelta64[D]")
    published = end + rng.integers(0, 3, n).astype("timedelta64[D]")
    as_text = (np.datetime_as_string(d, unit="D").tolist() for d in (start, end, published))
    return (*as_text, dp)


def _next_day(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def incident_columns(n: int, seed: int = 42, *, hostile: int = 0) -> dict[str, Any]:
    """Draw ``n`` incidents of the schema from ``seed``.

    Parameters
    ----------
    n : int
        How many incidents.
    seed : int
        The random seed: the same ``n``, ``seed`` and ``hostile`` give the same incidents.
    hostile : int
        How many of the first incidents carry hostile text (:data:`HOSTILE_TITLE`, ...) and
        sit apart, in Chad (13N, 17E and eastwards), so that a test can find them on a map.

    Returns
    -------
    dict
        ``{"columns": {field: list of values}, "lon": array, "lat": array}``: every field of
        :data:`geoevents.schema.COLUMNS`, ids ``<ISO3><row + 1>``, null as ``None``.
    """
    rng = np.random.default_rng(seed)
    town, country, towns = _towns(rng, n)

    names = list(EVENT_SHARES)
    type_p = np.asarray([EVENT_SHARES[t][0] for t in names])
    etype = rng.choice(len(names), size=n, p=type_p / type_p.sum())
    sub = np.zeros(n, dtype=np.int64)
    for t, name in enumerate(names):
        rows = np.flatnonzero(etype == t)
        sp = np.asarray(EVENT_SHARES[name][1])
        sub[rows] = rng.choice(len(sp), size=len(rows), p=sp / sp.sum())

    gp = rng.choice([1, 2, 3], size=n, p=[0.80, 0.15, 0.05])
    lon, lat = _coordinates(rng, town, country, towns, gp)
    start_s, end_s, pub_s, dp = _dates(rng, n)

    # Fatalities: often not reported (-1 here); else mostly 0 or a few, with a long tail.
    violent = etype < 3
    fatal = np.where(
        violent,
        np.where(rng.random(n) < 0.45, 0, rng.geometric(0.3, n)),
        np.where(rng.random(n) < 0.97, 0, rng.integers(1, 4, n)),
    )
    fatal = np.where(rng.random(n) < 0.35, -1, fatal)

    r1, r2, r3, r4 = (rng.random(n) for _ in range(4))
    tag = rng.integers(0, len(TAGS), n)
    conf = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    outlet_r = rng.random(n)
    detail = rng.integers(0, 3, n)
    assoc_r = rng.random(n)

    cols: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    # Keys of the precise records so far: two with the same place, day, type and actors would
    # be a likely double count to the validator, which real data avoids; a clash moves a day on.
    seen: set[tuple[Any, ...]] = set()
    for i in range(n):
        place = COUNTRIES[country[i]]
        cname, armed = place.name, place.armed
        admin1, location = towns[town[i]][:2]
        t = names[etype[i]]
        subtype = SUB_EVENT_TYPES[t][sub[i]]
        a = int(r1[i] * len(armed))
        actor1, actor2 = armed[a], None
        if t == "Battles":
            actor2 = armed[(a + 1 + int(r2[i] * (len(armed) - 1))) % len(armed)]
        elif t in ("Explosions/Remote violence", "Violence against civilians"):
            actor2 = f"Civilians ({cname})" if r2[i] < 0.6 else None
        elif t == "Protests":
            actor1 = f"Protesters ({cname})"
            actor2 = armed[0].replace("Military", "Police") if r2[i] < 0.2 else None
        elif t == "Riots":
            actor1 = f"Rioters ({cname})"
            actor2 = f"Rioters ({cname})" if r2[i] < 0.5 else None
        pool = place.outlets + GLOBAL_OUTLETS if r4[i] < 0.2 else place.outlets
        f = int(fatal[i])
        if f < 0:
            toll = "Fatalities were not reported."
        elif f == 0:
            toll = "No fatalities were reported."
        else:
            toll = f"{f} {'person was' if f == 1 else 'people were'} reported killed."
        parties = f"{actor1} and {actor2}" if actor2 else actor1
        details = DETAILS[t]
        if dp[i] == 0 and gp[i] == 1:
            actors = tuple(sorted(a for a in (actor1, actor2) if a))
            key = (location, place.iso3, start_s[i], end_s[i], t, actors)
            while key in seen:
                start_s[i], end_s[i], pub_s[i] = (
                    _next_day(d) for d in (start_s[i], end_s[i], pub_s[i])
                )
                key = (location, place.iso3, start_s[i], end_s[i], t, actors)
            seen.add(key)
        cols["id"].append(f"{place.iso3}{i + 1}")
        cols["title"].append(f"{subtype} in {location}")
        cols["date_start"].append(start_s[i])
        cols["date_end"].append(end_s[i])
        cols["date_precision"].append(("day", "week", "month")[dp[i]])
        cols["event_type"].append(t)
        cols["sub_event_type"].append(subtype)
        cols["actor1"].append(actor1)
        cols["actor2"].append(actor2)
        cols["assoc_actors"].append(
            [ASSOCIATED[int(assoc_r[i] * 30) % 3].format(cname)] if assoc_r[i] < 0.1 else []
        )
        cols["country"].append(cname)
        cols["iso3"].append(place.iso3)
        cols["admin1"].append(admin1)
        cols["location"].append(location)
        cols["geo_precision"].append(int(gp[i]))
        cols["fatalities"].append(f if f >= 0 else None)
        cols["summary"].append(
            f"{subtype} in {location} ({admin1}, {cname}) on {start_s[i]}, involving {parties}. "
            f"{details[detail[i] % len(details)]}. {toll}"
        )
        cols["sources"].append(
            [{"name": pool[int(outlet_r[i] * len(pool))], "published": pub_s[i]}]
        )
        cols["confidence"].append(("confirmed", "probable", "possible")[conf[i]])
        tags = [TAGS[tag[i]]] if r3[i] < 0.7 else []
        if (t, subtype) == ("Strategic developments", "Other"):
            tags.append("reason:synthetic")  # the coding rules want a reason for "Other"
        cols["tags"].append(tags)
    _make_hostile(cols, lon, lat, min(hostile, n))
    return {"columns": cols, "lon": lon, "lat": lat}


def _make_hostile(cols: dict[str, list[Any]], lon: np.ndarray, lat: np.ndarray, k: int) -> None:
    # Chad is not in the place table, so these stand apart; they name no country (a point
    # outside the country it names would be a plausibility warning).
    for i in range(k):
        cols["title"][i] = f"{HOSTILE_TITLE} #{i}"
        cols["summary"][i] = HOSTILE_SUMMARY
        cols["sources"][i] = [dict(HOSTILE_SOURCE)]
        for name in ("country", "iso3", "admin1", "location"):
            cols[name][i] = None
        cols["geo_precision"][i] = 1
        lon[i], lat[i] = 17.0 + 2.0 * i, 13.0


def incidents(n: int, seed: int = 42, *, hostile: int = 0) -> gpd.GeoDataFrame:
    """The incidents of :func:`incident_columns` as a GeoDataFrame in EPSG:4326.

    ``geo_precision`` and ``fatalities`` are nullable integers (``Int64``), as geoevents reads
    them; :func:`geoevents.write_incidents` writes the frame as it is.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    data = incident_columns(n, seed, hostile=hostile)
    frame = pd.DataFrame(data["columns"])
    for name in ("geo_precision", "fatalities"):
        frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
    return gpd.GeoDataFrame(frame, geometry=shapely.points(data["lon"], data["lat"]), crs=4326)


#: The region the dirty shape spreads its points over: west Africa to Afghanistan.
DIRTY_REGION = (-18.0, 0.0, 72.0, 40.0)


def dirty(gdf: gpd.GeoDataFrame, seed: int = 42, *, invalid: float = 0.01) -> gpd.GeoDataFrame:
    """Make a copy of :func:`incidents` that looks like real, messy data.

    90 % of the points are spread across :data:`DIRTY_REGION` while ``country`` still names
    the original country (as GDELT's country codes, or a mislabelled column, give), 1 % sit
    at 0,0 and 4 % have latitude and longitude swapped: most rows draw a plausibility
    warning. A share ``invalid`` of the rows get a ``date_start`` that is no date, an error
    (map them with ``--skip-invalid``).
    """
    import shapely

    rng = np.random.default_rng(seed + 1)
    n = len(gdf)
    out = gdf.copy()
    lon = shapely.get_x(out.geometry.values).copy()
    lat = shapely.get_y(out.geometry.values).copy()
    kind = rng.choice(4, size=n, p=[0.05, 0.90, 0.01, 0.04])
    west, south, east, north = DIRTY_REGION
    spread = kind == 1
    lon[spread] = np.round(rng.uniform(west, east, int(spread.sum())), 4)
    lat[spread] = np.round(rng.uniform(south, north, int(spread.sum())), 4)
    lon[kind == 2], lat[kind == 2] = 0.0, 0.0
    swap = kind == 3
    lon[swap], lat[swap] = lat[swap].copy(), lon[swap].copy()
    out["geometry"] = shapely.points(lon, lat)
    bad = np.flatnonzero(rng.random(n) < invalid)
    starts = out["date_start"].to_numpy(dtype=object).copy()
    starts[bad] = "sometime in spring"
    out["date_start"] = starts
    return out


def write_geojson(data: dict[str, Any], path: Path) -> None:
    """Write :func:`incident_columns` output as compact GeoJSON, one feature per line.

    A streaming writer: the library's writer indents, which is slow and large at a million
    incidents.
    """
    cols = data["columns"]
    names = list(cols)
    lon, lat = data["lon"].tolist(), data["lat"].tolist()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        for i in range(len(lon)):
            feature = {
                "type": "Feature",
                "properties": {name: cols[name][i] for name in names},
                "geometry": {"type": "Point", "coordinates": [lon[i], lat[i]]},
            }
            fh.write(("," if i else "") + dumps(feature) + "\n")
        fh.write("]}\n")


# -- ACLED's layouts -----------------------------------------------------------------------------

# The columns in ACLED's order (written as a table, not one per line).
# fmt: off
ACLED_API_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
ACLED_EXPORT_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
    "assoc_actor_2", "inter2", "interaction", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "timestamp", "iso3",
)
# fmt: on

#: ACLED's actor categories (inter1, inter2), by code.
INTER = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DISORDER = {
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}


def _inter(actor: str | None, iso3: str) -> int:
    """ACLED's actor category for one of our actors (0: no actor)."""
    if not actor:
        return 0
    for prefix, code in (("Protesters", 6), ("Rioters", 5), ("Civilians", 7)):
        if actor.startswith(prefix):
            return code
    if actor.startswith(("Military Forces", "Police Forces")):
        return 1 if f"of {COUNTRIES_BY_ISO3[iso3].name}" in actor else 8
    return 4 if "Militia" in actor else 3 if "Unidentified" in actor else 2


def acled_rows(n: int, seed: int = 42, layout: str = "export") -> Iterator[dict[str, str]]:
    """The incidents of :func:`incident_columns` as rows of an ACLED CSV.

    Parameters
    ----------
    n, seed
        As for :func:`incident_columns`.
    layout : {"export", "api"}
        ACLED's export layout (``event_date`` as "16 October 2017", numeric ``inter1``) or the
        API's (ISO dates, ``inter1`` as text, ``disorder_type`` and ``civilian_targeting``).

    Yields
    ------
    dict
        Column -> text, in the layout's columns (:data:`ACLED_EXPORT_COLUMNS`, ...). ``notes``
        is the summary with the place quoted; every 97th has a second line; an unreported
        ``fatalities`` is blank.
    """
    if layout not in ("export", "api"):
        raise ValueError(f"layout {layout!r} is not 'export' or 'api'")
    data = incident_columns(n, seed)
    cols = data["columns"]
    columns = ACLED_API_COLUMNS if layout == "api" else ACLED_EXPORT_COLUMNS
    for i in range(n):
        get = {name: values[i] for name, values in cols.items()}
        place = COUNTRIES_BY_ISO3[get["iso3"]]
        y, m, d = get["date_start"].split("-")
        when = f"{int(d)} {MONTHS[int(m) - 1]} {y}"
        inter1, inter2 = _inter(get["actor1"], place.iso3), _inter(get["actor2"], place.iso3)
        lo, hi = sorted((inter1, inter2))
        if layout == "api":
            inter = (INTER[inter1], INTER.get(inter2, ""))
            interaction = f"{INTER[lo]}-{INTER[hi]}" if lo else f"{INTER[inter1]} only"
        else:
            inter = (str(inter1), str(inter2))
            interaction = f"{lo}{hi}" if lo else f"{inter1}0"
        notes = f'On {when}, {get["summary"]} Reported as "{get["location"]}", {get["admin1"]}.'
        if (i + 1) % 97 == 0:
            notes += "\nUpdated: fatalities revised."
        values = {
            "data_id": str(9_000_000 + i + 1),
            "iso": str(place.iso),
            "iso3": place.iso3,
            "event_id_cnty": get["id"],
            "event_id_no_cnty": str(i + 1),
            "event_date": get["date_start"] if layout == "api" else when,
            "year": y,
            "time_precision": {"day": "1", "week": "2", "month": "3"}[get["date_precision"]],
            "disorder_type": DISORDER.get(get["event_type"], "Political violence"),
            "event_type": get["event_type"],
            "sub_event_type": get["sub_event_type"],
            "actor1": get["actor1"],
            "assoc_actor_1": "; ".join(get["assoc_actors"]),
            "inter1": inter[0],
            "actor2": get["actor2"] or "",
            "assoc_actor_2": "",
            "inter2": inter[1],
            "interaction": interaction,
            "civilian_targeting": "Civilian targeting" if inter2 == 7 else "",
            "region": place.region,
            "country": place.name,
            "admin1": get["admin1"],
            "admin2": get["admin1"],
            "admin3": "",
            "location": get["location"],
            "latitude": f"{data['lat'][i]:.4f}",
            "longitude": f"{data['lon'][i]:.4f}",
            "geo_precision": str(get["geo_precision"]),
            "source": "; ".join(s["name"] for s in get["sources"]),
            "source_scale": (get["tags"] or ["National"])[0],
            "notes": notes,
            "fatalities": "" if get["fatalities"] is None else str(get["fatalities"]),
            "tags": "",
            "timestamp": "1700000000",
        }
        yield {c: values[c] for c in columns}


def write_acled(path: Path, n: int, seed: int = 42, layout: str = "export") -> Path:
    """Write :func:`acled_rows` as an ACLED CSV (UTF-8, a header, ``\\n`` line ends)."""
    columns = ACLED_API_COLUMNS if layout == "api" else ACLED_EXPORT_COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(acled_rows(n, seed, layout))
    return Path(path)
