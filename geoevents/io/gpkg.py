"""GeoPackage: one ``incidents`` layer, every list field as JSON text.

Written as GeoPackage 1.2 (``user_version`` 10200), not the 1.4 that current GDAL writes by
default: older GDAL releases (3.6 for one) warn on every open of a 1.4 file, and their validator
rejects the R-tree triggers that 1.4 defines. GDAL writes 1.2 and 1.3 with the older trigger
set; 1.2 is what GDAL itself wrote by default from 2.3 on, so every GDAL of the last several
years (and the GIS tools built on it) reads it without a word.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio.errors

from geoevents import schema
from geoevents.io.columns import as_checked_before, as_table, reading

__all__ = ["GPKG_VERSION", "read_gpkg", "write_gpkg"]

#: The GeoPackage version we write (GDAL's ``VERSION`` creation option).
GPKG_VERSION = "1.2"

# What pyogrio raises when GDAL fails mid-write (FeatureError is a DataLayerError).
_GDAL_WRITE_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
)


def write_gpkg(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> None:
    """Write incidents to a GeoPackage (not atomic: ``write_incidents`` is).

    Raises
    ------
    OSError
        When GDAL cannot write the file (a full disk shows as SQLite failing mid-write); the
        atomic writer words it for the destination.
    """
    table = as_table(gdf, schema.LIST_FIELDS)
    try:
        table.to_file(
            path, driver="GPKG", layer="incidents", engine="pyogrio", VERSION=GPKG_VERSION
        )
    except _GDAL_WRITE_ERRORS as exc:
        # GDAL reports an I/O failure as a feature or layer error with SQLite's text.
        detail = " ".join(str(exc).split())[:160]
        raise OSError(
            errno.EIO, f"GDAL could not write the GeoPackage, is the disk full? {detail}"
        ) from exc


def read_gpkg(path: Path) -> tuple[pd.DataFrame, gpd.GeoSeries]:
    """Read a GeoPackage's columns and geometries, before any check, in EPSG:4326."""
    with reading(path, "gpkg"):
        gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    raw = as_checked_before(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    return raw, gdf.geometry
