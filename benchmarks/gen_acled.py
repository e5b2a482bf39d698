"""Write a synthetic ACLED-layout CSV for load tests: seeded, any size, never committed.

Usage::

    python benchmarks/gen_acled.py ROWS OUTPUT.csv [--layout api|export] [--seed N]

The rows look like ACLED's: realistic actors, places and sources, notes of a few hundred
characters with commas, quotes and the odd newline, mostly day-precise dates with some week and
month ones, and a few blank fatality counts. The numbers are made up.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

API_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
EXPORT_COLUMNS = [
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
]

# (country, iso numeric, iso3, region, [(admin1, location, lat, lon), ...])
PLACES = [
    (
        "Iraq",
        368,
        "IRQ",
        "Middle East",
        [
            ("Kirkuk", "Kirkuk", 35.4681, 44.3922),
            ("Baghdad", "Baghdad - Karkh", 33.2986, 44.3950),
            ("Ninewa", "Mosul", 36.3350, 43.1189),
            ("Salah al-Din", "Tuz Khurmatu", 34.8814, 44.6325),
            ("Anbar", "Ramadi", 33.4206, 43.3078),
        ],
    ),
    (
        "Syria",
        760,
        "SYR",
        "Middle East",
        [
            ("Ar-Raqqa", "Ar-Raqqa", 35.9528, 39.0079),
            ("Deir-ez-Zor", "Deir-ez-Zor", 35.3359, 40.1408),
            ("Aleppo", "Aleppo", 36.2021, 37.1343),
            ("Idleb", "Idleb", 35.9306, 36.6339),
        ],
    ),
    (
        "Niger",
        562,
        "NER",
        "Western Africa",
        [
            ("Tillaberi", "Tongo Tongo", 14.6920, 1.6530),
            ("Tillaberi", "Ouallam", 14.3188, 2.0866),
            ("Diffa", "Diffa", 13.3154, 12.6113),
        ],
    ),
    (
        "Mali",
        466,
        "MLI",
        "Western Africa",
        [
            ("Mopti", "Mopti", 14.4843, -4.1830),
            ("Gao", "Gao", 16.2717, -0.0447),
            ("Timbuktu", "Timbuktu", 16.7666, -3.0026),
        ],
    ),
    (
        "Nigeria",
        566,
        "NGA",
        "Western Africa",
        [
            ("Borno", "Maiduguri", 11.8311, 13.1510),
            ("Zamfara", "Gusau", 12.1628, 6.6614),
        ],
    ),
]
TYPES = [
    ("Political violence", "Battles", "Armed clash", 0.30),
    ("Political violence", "Battles", "Government regains territory", 0.03),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", 0.12),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", 0.08),
    ("Political violence", "Violence against civilians", "Attack", 0.15),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance", 0.04),
    ("Demonstrations", "Protests", "Peaceful protest", 0.17),
    ("Demonstrations", "Riots", "Violent demonstration", 0.05),
    ("Strategic developments", "Strategic developments", "Looting/property destruction", 0.06),
]
ACTORS = [
    ("Military Forces of Iraq (2014-2018)", 1),
    ("Popular Mobilization Forces", 3),
    ("Islamic State (Iraq and the Levant)", 2),
    ("Islamic State (Greater Sahara)", 2),
    ("JNIM: Group for Support of Islam and Muslims", 2),
    ("Military Forces of Niger (2011-2021)", 1),
    ("Military Forces of Mali (2021-)", 1),
    ("QSD: Syrian Democratic Forces", 2),
    ("Military Forces of the United States (2017-2021)", 8),
    ("Unidentified Armed Group (Nigeria)", 3),
    ("Protesters (Iraq)", 6),
    ("Rioters (Iraq)", 5),
    ("Civilians (Mali)", 7),
]
SOURCES = [
    "Rudaw",
    "Reuters",
    "AFP",
    "Kurdistan24",
    "Shafaq News",
    "SOHR",
    "Voice of America",
    "Studio Tamani",
    "Daily Trust",
    "Al Sumaria News",
]
LABELS = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
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
WORDS = [
    "forces",
    "attacked",
    "positions",
    "near",
    "the",
    "village",
    "killing",
    "reported",
    "clashes",
    "local",
    "sources",
    "said",
    "militants",
    "ambushed",
    "a",
    "patrol",
    "residents",
    "fled",
    "the",
    "area",
    "after",
    "shelling",
    "according",
    "to",
]


def generate(rows: int, out: Path, layout: str = "export", seed: int = 20171016) -> None:
    """Write ``rows`` synthetic ACLED events to ``out`` in the given layout."""
    rng = np.random.default_rng(seed)
    columns = API_COLUMNS if layout == "api" else EXPORT_COLUMNS
    weights = np.array([t[3] for t in TYPES])
    weights /= weights.sum()
    epoch = np.datetime64("2015-01-01")
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        block = 10_000
        for start in range(0, rows, block):
            n = min(block, rows - start)
            days = epoch + rng.integers(0, 9 * 365, n)
            tprec = rng.choice([1, 2, 3], n, p=[0.9, 0.07, 0.03])
            gprec = rng.choice([1, 2, 3], n, p=[0.7, 0.2, 0.1])
            kinds = rng.choice(len(TYPES), n, p=weights)
            a1 = rng.integers(0, len(ACTORS), n)
            a2 = rng.integers(-3, len(ACTORS), n)  # negative: no second actor
            places = rng.integers(0, len(PLACES), n)
            spots = rng.integers(0, 5, n)
            deaths = rng.poisson(2.0, n)
            blank_deaths = rng.random(n) < 0.02
            jitter = rng.normal(0, 0.05, (n, 2))
            note_len = rng.integers(20, 45, n)
            for i in range(n):
                serial = start + i + 1
                country, iso, iso3, region, spots_here = PLACES[places[i]]
                admin1, location, lat, lon = spots_here[spots[i] % len(spots_here)]
                disorder, etype, sub, _ = TYPES[kinds[i]]
                actor1, inter1 = ACTORS[a1[i]]
                actor2, inter2 = ACTORS[a2[i]] if a2[i] >= 0 else ("", 0)
                day = str(days[i])
                y, m, d = day.split("-")
                date = day if layout == "api" else f"{int(d)} {MONTHS[int(m) - 1]} {y}"
                words = rng.choice(WORDS, note_len[i])
                notes = (
                    f"On {int(d)} {MONTHS[int(m) - 1]} {y}, "
                    + " ".join(words)
                    + f', "{location}", {admin1}.'
                )
                if serial % 97 == 0:
                    notes += "\nUpdated: fatalities revised."
                lo, hi = sorted((inter1, inter2))
                if layout == "api":
                    inter = (LABELS[inter1], LABELS.get(inter2, ""))
                    interaction = f"{LABELS[lo]}-{LABELS[hi]}" if lo else f"{LABELS[inter1]} only"
                else:
                    inter = (str(inter1), str(inter2))
                    interaction = f"{lo}{hi}" if lo else f"{inter1}0"
                sources = "; ".join(rng.choice(SOURCES, int(rng.integers(1, 4)), replace=False))
                values = {
                    "event_id_cnty": f"{iso3}{serial}",
                    "event_id_no_cnty": str(serial),
                    "data_id": str(9_000_000 + serial),
                    "event_date": date,
                    "year": y,
                    "time_precision": str(tprec[i]),
                    "disorder_type": disorder,
                    "event_type": etype,
                    "sub_event_type": sub,
                    "actor1": actor1,
                    "assoc_actor_1": "",
                    "inter1": inter[0],
                    "actor2": actor2,
                    "assoc_actor_2": "",
                    "inter2": inter[1],
                    "interaction": interaction,
                    "civilian_targeting": "Civilian targeting" if inter2 == 7 else "",
                    "iso": str(iso),
                    "iso3": iso3,
                    "region": region,
                    "country": country,
                    "admin1": admin1,
                    "admin2": admin1,
                    "admin3": "",
                    "location": location,
                    "latitude": f"{lat + jitter[i, 0]:.4f}",
                    "longitude": f"{lon + jitter[i, 1]:.4f}",
                    "geo_precision": str(gprec[i]),
                    "source": sources,
                    "source_scale": "National",
                    "notes": notes,
                    "fatalities": "" if blank_deaths[i] else str(deaths[i]),
                    "tags": "",
                    "timestamp": "1700000000",
                }
                writer.writerow([values[c] for c in columns])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, help="number of events to write")
    parser.add_argument("output", type=Path, help="CSV file to write")
    parser.add_argument("--layout", choices=("api", "export"), default="export")
    parser.add_argument("--seed", type=int, default=20171016)
    args = parser.parse_args(argv)
    generate(args.rows, args.output, args.layout, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
