"""A large partitioned store of synthetic incidents, fast: vectorised, one file per month.

Usage::

    python benchmarks/bulk_store.py 20000000 [--out /tmp/geoevents-cluster] [--seed 7]
                                             [--jobs 2]

writes ``<out>/bulk-<size>/year=YYYY/month=MM/part-0.parquet`` (96 months, 2017-2024; about
``size / 96`` incidents a file) and a ``_complete`` marker; a store that is complete is kept.
Generated data is never committed: keep ``--out`` outside the repository.

:mod:`geoevents.testing.synthetic` draws each incident in a Python loop (a million take minutes);
this draws the same kind of incidents with numpy and builds the text with Arrow compute, so
20,000,000 take minutes, not hours. It reuses synthetic's vocabularies and place table (event
types and their shares, sub-event types, actors, outlets, tags, towns, jitter by precision) and
writes every file as :func:`geoevents.io.parquet.write_parquet` does: the schema's columns in
order, each with its Arrow type (:data:`~geoevents.io.parquet.ARROW_TYPES`), GeoParquet 1.1 with
bbox covering columns. ``geoevents validate`` finds no errors in a file.

Two differences from the synthetic generator, both for scale: ids are ``<ISO3><n>`` numbered
over the whole store (not per file), and a record that would repeat an earlier exact record of
its month (same town, dates, type and actors: the validator's likely double count) is placed
"near" the town instead (``geo_precision`` 2), since at 200,000 incidents a month the place
table has too few exact keys (the synthetic generator moves such a record a day on).
"""

from __future__ import annotations

import argparse
import calendar
import json
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geoevents.io.parquet import ARROW_TYPES
from geoevents.schema import COLUMNS, SUB_EVENT_TYPES
from geoevents.testing.places import COUNTRIES
from geoevents.testing.synthetic import (
    ASSOCIATED,
    DETAILS,
    EVENT_SHARES,
    GLOBAL_OUTLETS,
    JITTER,
    TAGS,
)

YEARS = range(2017, 2025)
MONTHS = [(y, m) for y in YEARS for m in range(1, 13)]
TYPES = list(EVENT_SHARES)
REASON = "reason:synthetic"  # the coding rules want a reason for "Other" (as synthetic adds)


class _Vocab:
    """Every string a column can take, numbered: a column is then an index array."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.number: dict[str, int] = {}

    def __call__(self, word: str) -> int:
        if word not in self.number:
            self.number[word] = len(self.words)
            self.words.append(word)
        return self.number[word]

    def take(self, index: np.ndarray) -> pa.Array:
        """The strings at ``index`` (null where it is negative)."""
        index = np.asarray(index, dtype=np.int64)
        return pa.array(self.words, pa.string()).take(pa.array(index, mask=index < 0))


def _tables(seed: int) -> dict[str, np.ndarray]:
    """The per-town and per-country tables (one row per town), the same for every month."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[float]] = {k: [] for k in ("country", "p", "lat", "lon")}
    for k, country in enumerate(COUNTRIES):
        weights = rng.dirichlet(np.full(len(country.towns), 1.5))
        for town, w in zip(country.towns, weights, strict=True):
            rows["country"].append(k)
            rows["p"].append(country.share * w)
            rows["lat"].append(town.lat)
            rows["lon"].append(town.lon)
    out = {k: np.asarray(v) for k, v in rows.items()}
    out["country"] = out["country"].astype(np.int64)
    out["p"] = out["p"] / out["p"].sum()
    return out


def month_table(year: int, month: int, n: int, first_id: int, seed: int) -> pa.Table:
    """``n`` incidents starting in ``year``-``month`` as an Arrow table of the schema's columns.

    Parameters
    ----------
    year, month : int
        Every incident's ``date_start`` is in this month.
    n : int
        How many incidents.
    first_id : int
        The number of the first incident's id (ids are ``<ISO3><number>``).
    seed : int
        The store's seed; the month's incidents are drawn from it and the month.

    Returns
    -------
    pyarrow.Table
        The columns of :data:`geoevents.schema.COLUMNS` (with their parquet Arrow types), plus
        ``lon`` and ``lat`` (float64) for the geometry.
    """
    import shapely

    from geoevents.borders import countries

    towns = _tables(seed)
    rng = np.random.default_rng([seed, year, month])
    words = _Vocab()
    town = rng.choice(len(towns["p"]), size=n, p=towns["p"])
    country = towns["country"][town]

    type_p = np.asarray([EVENT_SHARES[t][0] for t in TYPES])
    etype = rng.choice(len(TYPES), size=n, p=type_p / type_p.sum())
    sub_word = np.zeros(n, dtype=np.int64)
    sub_index = np.zeros(n, dtype=np.int64)
    for t, name in enumerate(TYPES):
        rows = np.flatnonzero(etype == t)
        sp = np.asarray(EVENT_SHARES[name][1])
        sub_index[rows] = rng.choice(len(sp), size=len(rows), p=sp / sp.sum())
        codes = np.asarray([words(s) for s in SUB_EVENT_TYPES[name]])
        sub_word[rows] = codes[sub_index[rows]]

    # Dates: a day of the month; some week and month ranges, a few multi-day events.
    first = np.datetime64(f"{year}-{month:02d}-01")
    days = calendar.monthrange(year, month)[1]
    start = first + rng.integers(0, days, n).astype("timedelta64[D]")
    dp = rng.choice(3, size=n, p=[0.88, 0.08, 0.04])
    end = start.copy()
    end[dp == 1] = start[dp == 1] + np.timedelta64(6, "D")
    start[dp == 2] = first
    end[dp == 2] = first + np.timedelta64(days - 1, "D")
    multi = (dp == 0) & (rng.random(n) < 0.03)
    end[multi] = start[multi] + rng.integers(1, 4, int(multi.sum())).astype("timedelta64[D]")
    published = end + rng.integers(0, 3, n).astype("timedelta64[D]")

    # Actors, by country and type (loops over the nine countries, not the rows).
    r1, r2, r3, r4 = (rng.random(n) for _ in range(4))
    actor1 = np.full(n, -1, dtype=np.int64)
    actor2 = np.full(n, -1, dtype=np.int64)
    assoc = np.full(n, -1, dtype=np.int64)
    outlet = np.zeros(n, dtype=np.int64)
    assoc_r = rng.random(n)
    outlet_r = rng.random(n)
    for k, place in enumerate(COUNTRIES):
        rows = country == k
        armed = np.asarray([words(a) for a in place.armed])
        m = len(armed)
        a = (r1 * m).astype(np.int64)
        civilians, police = (
            words(f"Civilians ({place.name})"),
            words(place.armed[0].replace("Military", "Police")),
        )
        protesters, rioters = words(f"Protesters ({place.name})"), words(f"Rioters ({place.name})")
        battle = rows & (etype == TYPES.index("Battles"))
        actor1[rows] = armed[a[rows]]
        actor2[battle] = armed[(a[battle] + 1 + (r2[battle] * (m - 1)).astype(np.int64)) % m]
        remote = rows & np.isin(
            etype,
            [TYPES.index("Explosions/Remote violence"), TYPES.index("Violence against civilians")],
        )
        actor2[remote & (r2 < 0.6)] = civilians
        protest = rows & (etype == TYPES.index("Protests"))
        actor1[protest] = protesters
        actor2[protest & (r2 < 0.2)] = police
        riot = rows & (etype == TYPES.index("Riots"))
        actor1[riot] = rioters
        actor2[riot & (r2 < 0.5)] = rioters
        choices = np.asarray([words(x.format(place.name)) for x in ASSOCIATED])
        has = rows & (assoc_r < 0.1)
        assoc[has] = choices[(assoc_r[has] * 30).astype(np.int64) % 3]
        national = np.asarray([words(json.dumps(o, ensure_ascii=False)) for o in place.outlets])
        pool = np.asarray(
            [words(json.dumps(o, ensure_ascii=False)) for o in place.outlets + GLOBAL_OUTLETS]
        )
        wide = rows & (r4 < 0.2)
        narrow = rows & ~(r4 < 0.2)
        outlet[wide] = pool[(outlet_r[wide] * len(pool)).astype(np.int64)]
        outlet[narrow] = national[(outlet_r[narrow] * len(national)).astype(np.int64)]

    # Place: jitter by precision; an exact record repeating an earlier one goes "near" (2).
    gp = rng.choice([1, 2, 3], size=n, p=[0.80, 0.15, 0.05])
    day0 = (start - first).astype(np.int64)
    span = (end - start).astype(np.int64)
    lo, hi = np.minimum(actor1, actor2) + 1, np.maximum(actor1, actor2) + 1
    key = ((((town * 64 + day0) * 64 + span) * 8 + etype) * 1024 + lo) * 1024 + hi
    exact = np.flatnonzero((dp == 0) & (gp == 1))
    _, first_of = np.unique(key[exact], return_index=True)
    repeat = np.ones(len(exact), dtype=bool)
    repeat[first_of] = False
    gp[exact[repeat]] = 2
    sigma = np.select([gp == 1, gp == 2], [JITTER[1], JITTER[2]], JITTER[3])
    base_lat, base_lon = towns["lat"][town], towns["lon"][town]
    lat = base_lat + rng.normal(0.0, 1.0, n) * sigma
    lon = base_lon + rng.normal(0.0, 1.0, n) / np.cos(np.radians(base_lat)) * sigma
    world = countries()
    shape_of = dict(zip(world["iso3"], world.geometry, strict=True))
    for k, place in enumerate(COUNTRIES):
        rows = np.flatnonzero(country == k)
        shape = shape_of[place.iso3]
        shapely.prepare(shape)
        outside = rows[~shapely.contains_xy(shape, lon[rows], lat[rows])]
        lat[outside], lon[outside] = base_lat[outside], base_lon[outside]
    lon, lat = np.round(lon, 4), np.round(lat, 4)

    # Fatalities: often not reported (null); else mostly 0 or a few, with a long tail.
    fatal = np.where(
        etype < 3,
        np.where(rng.random(n) < 0.45, 0, rng.geometric(0.3, n)),
        np.where(rng.random(n) < 0.97, 0, rng.integers(1, 4, n)),
    )
    fatal = np.where(rng.random(n) < 0.35, -1, fatal)
    toll_words = ["Fatalities were not reported.", "No fatalities were reported."]
    toll_words += ["1 person was reported killed."]
    toll_words += [f"{f} people were reported killed." for f in range(2, int(fatal.max()) + 1)]
    toll = pa.array(toll_words).take(pa.array(fatal + 1))

    # Text columns: per-country words taken by index, joined with Arrow compute.
    cnames = np.asarray([words(c.name) for c in COUNTRIES])
    iso3s = np.asarray([words(c.iso3) for c in COUNTRIES])
    admin1s = np.asarray([words(t.admin1) for c in COUNTRIES for t in c.towns])
    locations = np.asarray([words(t.location) for c in COUNTRIES for t in c.towns])
    type_words = np.asarray([words(t) for t in TYPES])
    sub_a, loc_a = words.take(sub_word), words.take(locations[town])
    admin1_a, cname_a, iso3_a = (
        words.take(admin1s[town]),
        words.take(cnames[country]),
        words.take(iso3s[country]),
    )
    a1, a2 = words.take(actor1), words.take(actor2)
    start_a, end_a, pub_a = (pc.cast(pa.array(d), pa.string()) for d in (start, end, published))
    detail_pick = rng.integers(0, 3, n)
    detail = np.zeros(n, dtype=np.int64)
    for t, name in enumerate(TYPES):
        rows = etype == t
        options = np.asarray([words(d) for d in DETAILS[name]])
        detail[rows] = options[detail_pick[rows] % len(options)]
    join = pc.binary_join_element_wise
    parties = join(a1, a2, " and ", null_handling="skip")
    summary = join(
        sub_a, " in ", loc_a, " (", admin1_a, ", ", cname_a, ") on ", start_a, ", involving ",
        parties, ". ", words.take(detail), ". ", toll, "",
    )  # fmt: skip
    sources = join('[{"name": ', words.take(outlet), ', "published": "', pub_a, '"}]', "")

    # Lists: associated actors (one in ten) and tags (a tag for 70 %, a reason for "Other").
    has_assoc = assoc >= 0
    assoc_list = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(has_assoc)]).astype(np.int32)),
        words.take(assoc[has_assoc]),
    )
    tag = rng.integers(0, len(TAGS), n)
    conf = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    has_tag = r3 < 0.7
    sd = TYPES.index("Strategic developments")
    other = (etype == sd) & (sub_index == SUB_EVENT_TYPES["Strategic developments"].index("Other"))
    offsets = np.concatenate([[0], np.cumsum(has_tag.astype(np.int64) + other)])
    values = np.zeros(int(offsets[-1]), dtype=np.int64)
    tag_words = np.asarray([words(t) for t in TAGS])
    values[offsets[:-1][has_tag]] = tag_words[tag[has_tag]]
    values[offsets[:-1][other] + has_tag[other]] = words(REASON)
    tags = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), words.take(values))

    columns = {
        "id": join(iso3_a, pc.cast(pa.array(np.arange(first_id, first_id + n)), pa.string()), ""),
        "title": join(sub_a, " in ", loc_a, ""),
        "date_start": start_a,
        "date_end": end_a,
        "date_precision": pa.array(["day", "week", "month"]).take(pa.array(dp)),
        "event_type": words.take(type_words[etype]),
        "sub_event_type": sub_a,
        "actor1": a1,
        "actor2": a2,
        "assoc_actors": assoc_list,
        "country": cname_a,
        "iso3": iso3_a,
        "admin1": admin1_a,
        "location": loc_a,
        "geo_precision": pa.array(gp, pa.int64()),
        "fatalities": pa.array(fatal, pa.int64(), mask=fatal < 0),
        "summary": summary,
        "sources": sources,
        "confidence": pa.array(["confirmed", "probable", "possible"]).take(pa.array(conf)),
        "tags": tags,
    }
    arrays = [columns[c].cast(ARROW_TYPES[c]) for c in COLUMNS]
    return pa.table([*arrays, pa.array(lon), pa.array(lat)], names=[*COLUMNS, "lon", "lat"])


def write_month(table: pa.Table, path: Path) -> None:
    """Write a :func:`month_table` as :func:`geoevents.io.parquet.write_parquet` writes a file.

    The same frame that writer builds (pandas' nullable ints, Arrow-backed text and lists),
    written with the same options, without turning every value into a Python object first.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    frame = pd.DataFrame(
        {
            name: (
                pd.Series(pd.array(table[name].to_numpy(zero_copy_only=False), dtype="Int64"))
                if pa.types.is_integer(ARROW_TYPES[name])
                else pd.Series(pd.arrays.ArrowExtensionArray(table[name].combine_chunks()))
            )
            for name in COLUMNS
        }
    )
    points = shapely.points(table["lon"].to_numpy(), table["lat"].to_numpy())
    gdf = gpd.GeoDataFrame(frame, geometry=points, crs=4326)
    gdf.to_parquet(path, index=False, schema_version="1.1.0", write_covering_bbox=True)


def _one_month(job: tuple[int, int, int, int, int, str]) -> int:
    year, month, n, first_id, seed, folder = job
    path = Path(folder) / f"year={year}" / f"month={month:02d}" / "part-0.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_month(month_table(year, month, n, first_id, seed), path)
    return n


def generate(size: int, out: Path, *, seed: int = 7, jobs: int = 2) -> Path:
    """The store ``out/bulk-<size>`` of ``size`` incidents, written once (see the module).

    Parameters
    ----------
    size : int
        How many incidents, spread evenly over the 96 months of 2017-2024.
    out : Path
        The folder of generated stores (outside the repository).
    seed : int
        The same size and seed give the same store.
    jobs : int
        Months written at once (processes).

    Returns
    -------
    Path
        The store's directory; its ``_complete`` marker says it was written whole.
    """
    dest = out / f"bulk-{size}"
    if (dest / "_complete").exists():
        return dest
    tmp = out / f".bulk-{size}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(dest, ignore_errors=True)
    counts = np.full(len(MONTHS), size // len(MONTHS))
    counts[: size % len(MONTHS)] += 1
    firsts = np.concatenate([[1], 1 + np.cumsum(counts)[:-1]])
    work = [
        (y, m, int(c), int(f), seed, str(tmp))
        for (y, m), c, f in zip(MONTHS, counts, firsts, strict=True)
    ]
    started, done = time.perf_counter(), 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for n in pool.map(_one_month, work):
            done += n
            print(
                f"  {done:,} of {size:,} written, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
    (tmp / "_complete").write_text(json.dumps({"size": size, "seed": seed, "files": len(work)}))
    tmp.rename(dest)  # whole or not at all
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--out", type=Path, default=Path("/tmp/geoevents-cluster"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    opts = parser.parse_args()
    opts.out.mkdir(parents=True, exist_ok=True)
    for size in opts.sizes:
        started = time.perf_counter()
        dest = generate(size, opts.out, seed=opts.seed, jobs=opts.jobs)
        gb = sum(f.stat().st_size for f in dest.rglob("*.parquet")) / 1e9
        print(f"{dest}: {size:,} incidents, {gb:.2f} GB, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
