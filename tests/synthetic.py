"""Generated incidents for tests at scale: valid, deterministic, a few with hostile text.

Fast enough to make 50,000 in a fraction of a second, so tests build their data themselves
instead of committing large files.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely import points

from geoevents.schema import EVENT_TYPES, SUB_EVENT_TYPES

HOSTILE = 4  # rows 0..3 carry hostile text and sit far from the others
TITLE = '<img src=x onerror="window.__pwned=1"> {{ 7*7 }} </script><script>window.__pwned=2'


def incidents(n: int, seed: int = 11) -> gpd.GeoDataFrame:
    """Incidents in a 10 x 7 degree box (Syria and Iraq), plus a few hostile ones in Chad."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(len(EVENT_TYPES), n, p=[0.3, 0.25, 0.2, 0.12, 0.05, 0.08])
    start = np.datetime64("2017-01-01") + rng.integers(0, 2500, n)
    length = np.where(rng.random(n) < 0.9, 0, rng.integers(1, 30, n))
    lon = rng.uniform(38.0, 48.0, n)
    lat = rng.uniform(30.0, 37.0, n)
    lon[:HOSTILE] = 17.0 + 2.0 * np.arange(HOSTILE)
    lat[:HOSTILE] = 13.0
    precision = rng.choice([1, 2, 3], n, p=[0.8, 0.15, 0.05])
    precision[:HOSTILE] = 1
    event_types = [EVENT_TYPES[k] for k in kinds]
    titles = [f"Incident {i}" for i in range(n)]
    summaries = [f"Summary of incident {i}: what happened, where and to whom." for i in range(n)]
    sources = [[{"name": f"Source {i % 17}", "url": f"https://example.org/{i}"}] for i in range(n)]
    for i in range(HOSTILE):
        titles[i] = f"{TITLE} #{i}"
        summaries[i] = "<b>bold?</b> &amp; javascript:alert(1) {% raw %}"
        sources[i] = [
            {"name": '<a href="javascript:window.__pwned=3">x</a>', "url": "javascript:1"}
        ]
    return gpd.GeoDataFrame(
        {
            "id": [f"g{i}" for i in range(n)],
            "title": titles,
            "date_start": np.datetime_as_string(start, unit="D"),
            "date_end": np.datetime_as_string(start + length, unit="D"),
            "event_type": event_types,
            "sub_event_type": [SUB_EVENT_TYPES[t][0] for t in event_types],
            "actor1": [f"Actor {i % 40}" for i in range(n)],
            "location": [f"Town {i % 90}" for i in range(n)],
            "geo_precision": precision,
            "fatalities": np.where(rng.random(n) < 0.3, None, rng.integers(0, 50, n)),
            "summary": summaries,
            "sources": sources,
        },
        geometry=points(np.column_stack([lon, lat])),
        crs="EPSG:4326",
    )
