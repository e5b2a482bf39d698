"""GeoPackage: one ``incidents`` layer, every list field as JSON text.

Written as GeoPackage 1.2 (``user_version`` 10200), not the 1.4 that current GDAL writes by
default: older GDAL releases (3.6 for one) warn on every open of a 1.4 file, and their validator
rejects the R-tree triggers that 1.4 defines. GDAL writes 1.2 and 1.3 with the older trigger
set; 1.2 is what GDAL itself wrote by default from 2.3 on, so every GDAL of the last several
years (and the GIS tools built on it) reads it without a word.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geoevents import schema
from geoevents.io.columns import as_checked_before, as_table, reading

__all__ = ["GPKG_VERSION", "read_gpkg", "write_gpkg"]

#: The GeoPackage version we write (GDAL's ``VERSION`` creation option).
GPKG_VERSION = "1.2"


def write_gpkg(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> None:
    """Write incidents to a GeoPackage (not atomic: ``write_incidents`` is)."""
    table = as_table(gdf, schema.LIST_FIELDS)
    table.to_file(path, driver="GPKG", layer="incidents", engine="pyogrio", VERSION=GPKG_VERSION)


def read_gpkg(path: Path) -> tuple[pd.DataFrame, gpd.GeoSeries]:
    """Read a GeoPackage's columns and geometries, before any check, in EPSG:4326."""
    with reading(path, "gpkg"):
        gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    raw = as_checked_before(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    return raw, gdf.geometry
