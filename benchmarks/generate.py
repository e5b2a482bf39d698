"""Write a seeded, realistic set of incidents in the geoevents schema, for the benchmarks.

Usage::

    python benchmarks/generate.py 10000 100000 [--seed 42] [--formats geojson,parquet]
                                               [--out benchmarks/data] [--force]

For each size it writes ``incidents-<size>-seed<seed>.geojson`` and ``.parquet`` under
``benchmarks/data/`` (git-ignored: generated data is never committed). A file that already exists
is kept, so the runner can call this for every size and pay only once; ``--force`` rewrites it.
The same size and seed always give the same bytes.

What the incidents look like (the numbers are made up; the vocabulary is real):

* places: about 85 real towns in nine countries with an ACLED-like share of the events (Syria,
  Yemen, Afghanistan, Nigeria, Iraq, Mali, Burkina Faso, Somalia, Niger), each incident jittered
  around its town (more for geo_precision 2 and 3) and kept inside the country it names;
* dates over 2017-2024, mostly day-precise, some week and month ranges, a few multi-day events;
* ACLED event types with matching sub-event types, the country's actors, sometimes an
  associated actor; fatalities often not reported (null), else mostly small;
* a title, a summary of about 200 characters, one source, a confidence and one tag.

The GeoJSON is written compactly, one feature per line, by a streaming writer (the library's
writer indents, which is slow and large at a million incidents); the GeoParquet is written by
``geoevents.write_incidents`` so that it is exactly what geoevents itself writes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from geoevents.schema import COLUMNS, SUB_EVENT_TYPES

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
FORMATS = {"geojson": ".geojson", "parquet": ".parquet"}

FIRST_DAY = np.datetime64("2017-01-01")
LAST_DAY = np.datetime64("2024-12-31")

# (name, iso3, share of all incidents, armed actors, news outlets, towns)
# towns: (admin1, location, lat, lon); coordinates rounded from public gazetteers.
COUNTRIES: list[tuple[str, str, float, list[str], list[str], list[tuple[str, str, float, float]]]]
COUNTRIES = [
    (
        "Syria",
        "SYR",
        0.20,
        [
            "Military Forces of Syria",
            "Hayat Tahrir al Sham",
            "Islamic State (Syria)",
            "QSD: Syrian Democratic Forces",
            "Syrian National Army",
            "Unidentified Armed Group (Syria)",
            "Military Forces of Russia",
        ],
        ["Syrian Observatory for Human Rights", "SANA", "Enab Baladi", "Deir Ezzor 24"],
        [
            ("Aleppo", "Aleppo", 36.2021, 37.1343),
            ("Aleppo", "Al Bab", 36.3706, 37.5157),
            ("Idleb", "Idleb", 35.9306, 36.6339),
            ("Idleb", "Maarrat An Numan", 35.6477, 36.6742),
            ("Ar-Raqqa", "Ar-Raqqa", 35.9528, 39.0079),
            ("Deir-ez-Zor", "Deir-ez-Zor", 35.3359, 40.1408),
            ("Deir-ez-Zor", "Al Mayadin", 35.0196, 40.4527),
            ("Homs", "Homs", 34.7324, 36.7137),
            ("Homs", "Tadmor", 34.5600, 38.2800),
            ("Hama", "Hama", 35.1318, 36.7578),
            ("Damascus", "Damascus", 33.5138, 36.2765),
            ("Rural Damascus", "Douma", 33.5722, 36.4025),
            ("Al-Hasakeh", "Al-Hasakeh", 36.5024, 40.7477),
        ],
    ),
    (
        "Yemen",
        "YEM",
        0.15,
        [
            "Military Forces of Yemen - Supreme Political Council",
            "Military Forces of Yemen - Government",
            "Southern Transitional Council",
            "AQAP: Al Qaeda in the Arabian Peninsula",
            "Military Forces of Saudi Arabia",
            "Unidentified Armed Group (Yemen)",
        ],
        ["Al Masdar Online", "Yemen Monitor", "Saba News Agency", "Al Ayyam"],
        [
            ("Amanat al Asimah", "Sanaa", 15.3694, 44.1910),
            ("Taizz", "Taizz", 13.5795, 44.0209),
            ("Al Hudaydah", "Al Hudaydah", 14.7978, 42.9545),
            ("Marib", "Marib", 15.4620, 45.3253),
            ("Sadah", "Sadah", 16.9402, 43.7639),
            ("Al Bayda", "Al Bayda", 13.9850, 45.5727),
            ("Shabwah", "Ataq", 14.5377, 46.8319),
            ("Aden", "Aden", 12.7855, 45.0187),
            ("Hadramawt", "Al Mukalla", 14.5425, 49.1242),
            ("Ibb", "Ibb", 13.9667, 44.1833),
        ],
    ),
    (
        "Afghanistan",
        "AFG",
        0.12,
        [
            "Military Forces of Afghanistan",
            "Taliban",
            "Islamic State (Afghanistan)",
            "NRF: National Resistance Front",
            "Unidentified Armed Group (Afghanistan)",
        ],
        ["Pajhwok Afghan News", "TOLOnews", "Khaama Press", "Hasht-e Subh"],
        [
            ("Kabul", "Kabul", 34.5553, 69.2075),
            ("Kandahar", "Kandahar", 31.6289, 65.7372),
            ("Herat", "Herat", 34.3529, 62.2040),
            ("Balkh", "Mazar-e Sharif", 36.7090, 67.1109),
            ("Kunduz", "Kunduz", 36.7280, 68.8570),
            ("Nangarhar", "Jalalabad", 34.4265, 70.4515),
            ("Helmand", "Lashkar Gah", 31.5938, 64.3708),
            ("Ghazni", "Ghazni", 33.5451, 68.4174),
            ("Farah", "Farah", 32.3745, 62.1164),
            ("Baghlan", "Pul-e Khumri", 35.9446, 68.7151),
        ],
    ),
    (
        "Nigeria",
        "NGA",
        0.12,
        [
            "Military Forces of Nigeria",
            "Police Forces of Nigeria",
            "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
            "Islamic State West Africa Province (ISWAP)",
            "Fulani Ethnic Militia (Nigeria)",
            "Unidentified Armed Group (Nigeria)",
        ],
        ["Premium Times", "Daily Trust", "Punch", "HumAngle", "Vanguard"],
        [
            ("Borno", "Maiduguri", 11.8311, 13.1510),
            ("Borno", "Bama", 11.5219, 13.6856),
            ("Borno", "Damboa", 11.1553, 12.7564),
            ("Borno", "Monguno", 12.6700, 13.6100),
            ("Adamawa", "Yola", 9.2035, 12.4954),
            ("Kaduna", "Kaduna", 10.5105, 7.4165),
            ("Zamfara", "Gusau", 12.1628, 6.6614),
            ("Katsina", "Katsina", 12.9908, 7.6018),
            ("Plateau", "Jos", 9.8965, 8.8583),
            ("Benue", "Makurdi", 7.7322, 8.5391),
            ("Niger", "Minna", 9.6139, 6.5569),
        ],
    ),
    (
        "Iraq",
        "IRQ",
        0.10,
        [
            "Military Forces of Iraq",
            "Police Forces of Iraq",
            "Islamic State (Iraq)",
            "PMF: Popular Mobilization Forces",
            "Peshmerga - Kurdistan Regional Government",
            "Unidentified Armed Group (Iraq)",
        ],
        ["Shafaq News", "Rudaw", "Kurdistan 24", "Iraqi News Agency"],
        [
            ("Baghdad", "Baghdad", 33.3152, 44.3661),
            ("Ninewa", "Mosul", 36.3350, 43.1189),
            ("Kirkuk", "Kirkuk", 35.4681, 44.3922),
            ("Anbar", "Ramadi", 33.4206, 43.3078),
            ("Anbar", "Fallujah", 33.3500, 43.7833),
            ("Salah al-Din", "Tikrit", 34.6071, 43.6782),
            ("Salah al-Din", "Tuz Khurmatu", 34.8814, 44.6325),
            ("Diyala", "Baquba", 33.7500, 44.6333),
            ("Erbil", "Erbil", 36.1912, 44.0092),
            ("Najaf", "Najaf", 32.0000, 44.3333),
        ],
    ),
    (
        "Mali",
        "MLI",
        0.09,
        [
            "Military Forces of Mali",
            "JNIM: Group for Support of Islam and Muslims",
            "Islamic State (Sahel)",
            "Wagner Group",
            "Dan Na Ambassagou",
            "Unidentified Armed Group (Mali)",
        ],
        ["Studio Tamani", "Maliweb", "Radio France Internationale"],
        [
            ("Mopti", "Mopti", 14.4843, -4.1830),
            ("Mopti", "Djenne", 13.9061, -4.5533),
            ("Mopti", "Douentza", 15.0019, -2.9497),
            ("Gao", "Gao", 16.2717, -0.0447),
            ("Tombouctou", "Timbuktu", 16.7666, -3.0026),
            ("Kidal", "Kidal", 18.4411, 1.4078),
            ("Menaka", "Menaka", 15.9182, 2.4022),
            ("Segou", "Segou", 13.4317, -6.2157),
            ("Bamako", "Bamako", 12.6392, -8.0029),
        ],
    ),
    (
        "Burkina Faso",
        "BFA",
        0.08,
        [
            "Military Forces of Burkina Faso",
            "VDP: Volunteers for the Defense of the Homeland",
            "JNIM: Group for Support of Islam and Muslims",
            "Islamic State (Sahel)",
            "Unidentified Armed Group (Burkina Faso)",
        ],
        ["Lefaso.net", "Burkina24", "Agence d'Information du Burkina"],
        [
            ("Centre", "Ouagadougou", 12.3714, -1.5197),
            ("Sahel", "Djibo", 14.1022, -1.6306),
            ("Sahel", "Dori", 14.0354, -0.0345),
            ("Centre-Nord", "Kaya", 13.0917, -1.0844),
            ("Est", "Fada N'gourma", 12.0616, 0.3584),
            ("Nord", "Ouahigouya", 13.5828, -2.4216),
            ("Boucle du Mouhoun", "Dedougou", 12.4634, -3.4608),
        ],
    ),
    (
        "Somalia",
        "SOM",
        0.08,
        [
            "Military Forces of Somalia",
            "Al Shabaab",
            "ATMIS: African Union Transition Mission in Somalia",
            "Islamic State (Somalia)",
            "Clan Militia (Somalia)",
        ],
        ["Garowe Online", "Hiiraan Online", "Shabelle Media Network", "Radio Dalsan"],
        [
            ("Banadir", "Mogadishu", 2.0469, 45.3182),
            ("Bay", "Baidoa", 3.1136, 43.6500),
            ("Lower Juba", "Kismayo", -0.3582, 42.5454),
            ("Lower Shabelle", "Afgooye", 2.1381, 45.1212),
            ("Lower Shabelle", "Marka", 1.7159, 44.7717),
            ("Middle Shabelle", "Jowhar", 2.7809, 45.5005),
            ("Mudug", "Gaalkacyo", 6.7697, 47.4308),
            ("Nugaal", "Garoowe", 8.4054, 48.4845),
            ("Gedo", "Baardheere", 2.3447, 42.2764),
        ],
    ),
    (
        "Niger",
        "NER",
        0.06,
        [
            "Military Forces of Niger",
            "Islamic State (Sahel)",
            "JNIM: Group for Support of Islam and Muslims",
            "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
            "Unidentified Armed Group (Niger)",
        ],
        ["ActuNiger", "Air Info", "Radio France Internationale"],
        [
            ("Niamey", "Niamey", 13.5116, 2.1254),
            ("Tillaberi", "Tillaberi", 14.2117, 1.4531),
            ("Tillaberi", "Ouallam", 14.3188, 2.0866),
            ("Tahoua", "Tahoua", 14.8888, 5.2692),
            ("Agadez", "Agadez", 16.9742, 7.9865),
            ("Zinder", "Zinder", 13.8050, 8.9881),
            ("Diffa", "Diffa", 13.3154, 12.6113),
        ],
    ),
]

GLOBAL_OUTLETS = ["Reuters", "Agence France-Presse", "Xinhua", "Anadolu Agency", "BBC News"]
TAGS = ["National", "Subnational", "International", "New media", "Local partner"]
ASSOCIATED = ["Tribal Militia ({})", "Local Defence Group ({})", "Civilians ({})"]

# ACLED-like share of each event type, and the sub-event types' shares within it.
EVENT_SHARES = {
    "Battles": (0.30, (0.85, 0.08, 0.07)),
    "Explosions/Remote violence": (0.25, (0.005, 0.30, 0.02, 0.39, 0.25, 0.035)),
    "Violence against civilians": (0.20, (0.04, 0.81, 0.15)),
    "Protests": (0.12, (0.90, 0.08, 0.02)),
    "Riots": (0.05, (0.45, 0.55)),
    "Strategic developments": (0.08, (0.08, 0.25, 0.15, 0.08, 0.04, 0.25, 0.05, 0.10)),
}

# Jitter (degrees, standard deviation) around the town, by geo_precision.
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


def _incident_columns(n: int, seed: int) -> dict[str, Any]:
    """Return the incidents as columns: lists of Python values, plus ``lon``/``lat`` arrays."""
    import shapely

    from geoevents.borders import countries

    rng = np.random.default_rng(seed)

    # Towns, each with a share of its country's incidents (a seeded Dirichlet draw).
    town_country, town_rows, town_p = [], [], []
    for k, (_, _, share, _, _, towns) in enumerate(COUNTRIES):
        weights = rng.dirichlet(np.full(len(towns), 1.5))
        for town, w in zip(towns, weights, strict=True):
            town_country.append(k)
            town_rows.append(town)
            town_p.append(share * w)
    p = np.asarray(town_p)
    town = rng.choice(len(town_rows), size=n, p=p / p.sum())
    country = np.asarray(town_country)[town]

    # Event and sub-event types.
    names = list(EVENT_SHARES)
    type_p = np.asarray([EVENT_SHARES[t][0] for t in names])
    etype = rng.choice(len(names), size=n, p=type_p / type_p.sum())
    sub = np.zeros(n, dtype=np.int64)
    for t, name in enumerate(names):
        rows = np.flatnonzero(etype == t)
        sp = np.asarray(EVENT_SHARES[name][1])
        sub[rows] = rng.choice(len(sp), size=len(rows), p=sp / sp.sum())

    # Location precision and coordinates, kept inside the named country.
    gp = rng.choice([1, 2, 3], size=n, p=[0.80, 0.15, 0.05])
    sigma = np.select([gp == 1, gp == 2], [JITTER[1], JITTER[2]], JITTER[3])
    base_lat = np.asarray([t[2] for t in town_rows])[town]
    base_lon = np.asarray([t[3] for t in town_rows])[town]
    lat = base_lat + rng.normal(0.0, 1.0, n) * sigma
    lon = base_lon + rng.normal(0.0, 1.0, n) / np.cos(np.radians(base_lat)) * sigma
    world = countries()
    shape_of = dict(zip(world["iso3"], world.geometry, strict=True))
    shapes = np.asarray([shape_of[c[1]] for c in COUNTRIES], dtype=object)[country]
    outside = shapely.distance(shapes, shapely.points(lon, lat)) > 0.05
    lat[outside], lon[outside] = base_lat[outside], base_lon[outside]
    lat, lon = np.round(lat, 4), np.round(lon, 4)

    # Dates: day-precise mostly, some weeks and months, a few multi-day events.
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
    start_s = np.datetime_as_string(start, unit="D").tolist()
    end_s = np.datetime_as_string(end, unit="D").tolist()
    pub_s = np.datetime_as_string(published, unit="D").tolist()

    # Fatalities: often not reported; else mostly 0 or a few, with a long tail.
    violent = etype < 3
    fatal = np.where(
        violent,
        np.where(rng.random(n) < 0.45, 0, rng.geometric(0.3, n)),
        np.where(rng.random(n) < 0.97, 0, rng.integers(1, 4, n)),
    )
    fatal = np.where(rng.random(n) < 0.35, -1, fatal)

    # Actors: two different armed actors of the country; the others by event type.
    r1, r2, r3, r4 = (rng.random(n) for _ in range(4))
    tag = rng.integers(0, len(TAGS), n)
    conf = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    outlet_r = rng.random(n)
    detail = rng.integers(0, 3, n)
    assoc_r = rng.random(n)

    cols: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for i in range(n):
        cname, iso3, _, armed, outlets, _ = COUNTRIES[country[i]]
        admin1, location = town_rows[town[i]][:2]
        t = names[etype[i]]
        subtype = SUB_EVENT_TYPES[t][sub[i]]
        a = int(r1[i] * len(armed))
        actor1 = armed[a]
        actor2 = None
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
        pool = outlets + GLOBAL_OUTLETS if r4[i] < 0.2 else outlets
        source = {"name": pool[int(outlet_r[i] * len(pool))], "published": pub_s[i]}
        f = int(fatal[i])
        if f < 0:
            toll = "Fatalities were not reported."
        elif f == 0:
            toll = "No fatalities were reported."
        else:
            toll = f"{f} {'person was' if f == 1 else 'people were'} reported killed."
        parties = f"{actor1} and {actor2}" if actor2 else actor1
        details = DETAILS[t]
        summary = (
            f"{subtype} in {location} ({admin1}, {cname}) on {start_s[i]}, involving {parties}. "
            f"{details[detail[i] % len(details)]}. {toll}"
        )
        cols["id"].append(f"{iso3}{i + 1}")
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
        cols["iso3"].append(iso3)
        cols["admin1"].append(admin1)
        cols["location"].append(location)
        cols["geo_precision"].append(int(gp[i]))
        cols["fatalities"].append(f if f >= 0 else None)
        cols["summary"].append(summary)
        cols["sources"].append([source])
        cols["confidence"].append(("confirmed", "probable", "possible")[conf[i]])
        cols["tags"].append([TAGS[tag[i]]] if r3[i] < 0.7 else [])
    return {"columns": cols, "lon": lon, "lat": lat}


def _write_geojson(data: dict[str, Any], path: Path) -> None:
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


def _write_parquet(data: dict[str, Any], path: Path) -> None:
    import geopandas as gpd
    import pandas as pd
    import shapely

    import geoevents

    frame = pd.DataFrame(data["columns"])
    for name in ("geo_precision", "fatalities"):
        frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
    gdf = gpd.GeoDataFrame(frame, geometry=shapely.points(data["lon"], data["lat"]), crs=4326)
    geoevents.write_incidents(gdf, path)


def data_path(size: int, seed: int, fmt: str, out: Path = DATA) -> Path:
    """Return where the incidents of ``size`` and ``seed`` in ``fmt`` are (or will be) written."""
    return out / f"incidents-{size}-seed{seed}{FORMATS[fmt]}"


def generate(
    size: int, seed: int, formats: list[str], out: Path = DATA, force: bool = False
) -> list[Path]:
    """Write the missing files of ``size`` incidents; return the paths of every format asked."""
    paths = [data_path(size, seed, fmt, out) for fmt in formats]
    todo = [(fmt, p) for fmt, p in zip(formats, paths, strict=True) if force or not p.exists()]
    if not todo:
        return paths
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    data = _incident_columns(size, seed)
    for fmt, dest in todo:
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp{dest.suffix}")
        try:
            (_write_geojson if fmt == "geojson" else _write_parquet)(data, tmp)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        mb = dest.stat().st_size / 1e6
        print(f"wrote {dest} ({mb:.1f} MB, {time.perf_counter() - began:.1f} s)", file=sys.stderr)
    return paths


def _sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.split(",") if s]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", help="numbers of incidents (e.g. 10000 100_000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--formats",
        default="geojson,parquet",
        help="comma-separated: geojson, parquet (default both)",
    )
    parser.add_argument("--out", type=Path, default=DATA, help="folder (default benchmarks/data)")
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    for text in args.sizes:
        for size in _sizes(text):
            for path in generate(size, args.seed, formats, args.out, args.force):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
