"""Offline country borders (Natural Earth 1:110m, public domain).

The polygons come from the Natural Earth "lowres" layer that pyogrio ships inside its wheel, so
geoevents depends on a package that carries the data instead of copying it. They are coarse
(1:110m), which is enough to draw borders and to catch a point that is far outside the country it
names, and too coarse to judge a point a few kilometres from a border: callers allow a margin.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd

from geoevents.errors import InputError

__all__ = ["borders_path", "countries"]

# Natural Earth leaves ISO_A3 as -99 for a few states whose code is disputed or is held by an
# overseas territory; give them the code that analysts' data (ACLED, UCDP) uses.
_ISO3_FIXES = {
    "France": "FRA",
    "Norway": "NOR",
    "Kosovo": "XKX",
    "N. Cyprus": "CYN",
    "Somaliland": "SOL",
}


def borders_path() -> Path:
    """Return the path of the Natural Earth country layer shipped with pyogrio.

    Raises
    ------
    InputError
        If the installed pyogrio does not carry the layer.
    """
    import pyogrio

    path = (
        Path(pyogrio.__file__).parent
        / "tests"
        / "fixtures"
        / "naturalearth_lowres"
        / "naturalearth_lowres.shp"
    )
    if not path.is_file():
        raise InputError(
            f"{path}: the Natural Earth country borders are missing from this pyogrio install; "
            "reinstall geoevents' dependencies (pip install --force-reinstall pyogrio)"
        )
    return path


@cache
def countries() -> gpd.GeoDataFrame:
    """Return the world's countries as a GeoDataFrame (``name``, ``iso3``, ``geometry``).

    The frame is read once per process and cached; do not modify it in place.
    """
    gdf = gpd.read_file(borders_path(), columns=["name", "iso_a3"])
    iso3 = gdf["iso_a3"].where(gdf["iso_a3"] != "-99", gdf["name"].map(_ISO3_FIXES))
    out = gpd.GeoDataFrame(
        {"name": gdf["name"].astype(str), "iso3": iso3.astype(str)},
        geometry=gdf.geometry.values,
        crs="EPSG:4326",
    )
    return out
