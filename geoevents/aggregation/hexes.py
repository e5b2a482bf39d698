"""H3 cells: which hexagon an incident counts in, and the hexagons as polygons.

An incident counts in the H3 cell of its point (a representative point for a line or an area,
the one ``lon``/``lat`` of the CSV output), whatever its ``geo_precision``. The cell ids are
H3's 15-digit hex strings, so another tool (or the map page, given them per incident) counts
in exactly the same cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import Polygon

__all__ = [
    "DEFAULT_RESOLUTION",
    "RESOLUTIONS",
    "cell_codes",
    "cell_polygons",
    "check_resolution",
    "hex_cells",
    "incident_points",
]

#: H3 resolution 5: cells of about 250 km² (9 km edges), fine enough for a province and
#: coarse enough that a country-wide dataset is not one incident per cell.
DEFAULT_RESOLUTION = 5

RESOLUTIONS = range(16)


def check_resolution(resolution: int) -> int:
    """Return ``resolution`` if H3 has it (0-15).

    Raises
    ------
    UsageError
        For a resolution outside 0-15.
    """
    if resolution not in RESOLUTIONS:
        from geoevents.errors import UsageError

        raise UsageError(f"H3 resolution {resolution} is out of range; use 0 to 15")
    return resolution


def incident_points(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the lon and lat each incident counts at: its point, or a point on its surface.

    The map page draws a line or an area at the same representative point.
    """
    import numpy as np
    import shapely

    geometry = gdf.geometry.values
    points = np.where(
        shapely.get_type_id(geometry) == 0, geometry, shapely.point_on_surface(geometry)
    )
    return shapely.get_x(points), shapely.get_y(points)


def cell_codes(
    gdf: gpd.GeoDataFrame, resolution: int = DEFAULT_RESOLUTION
) -> tuple[list[str], np.ndarray]:
    """Return the distinct H3 cells of the incidents and each incident's index into them.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents in EPSG:4326.
    resolution : int, default 5
        H3 resolution, 0 (continents) to 15 (about a square metre).

    Returns
    -------
    cells : list of str
        The distinct cell ids (H3's hex strings), sorted.
    codes : numpy.ndarray
        ``cells[codes[i]]`` is incident ``i``'s cell (int64).

    Raises
    ------
    UsageError
        For a resolution outside 0-15.
    """
    import h3
    import h3.api.basic_int as h3int
    import numpy as np

    check_resolution(resolution)
    lon, lat = incident_points(gdf)
    # One H3 call per distinct position, not per incident: many incidents share a place (a
    # town, a region's centre), and the call is the cost. H3's integer API over plain floats,
    # then one string per distinct cell: per-row strings and numpy scalars cost several times
    # as much at a million incidents.
    places, where = np.unique(lon + 1j * lat, return_inverse=True)
    place_ids = np.fromiter(
        (
            h3int.latlng_to_cell(y, x, resolution)
            for x, y in zip(places.real.tolist(), places.imag.tolist(), strict=True)
        ),
        dtype=np.uint64,
        count=len(places),
    )
    ids = place_ids[where.reshape(-1)]
    distinct, codes = np.unique(ids, return_inverse=True)
    # Cell ids of one resolution are hex strings of one length: numeric order is text order.
    cells = [h3.int_to_str(cell) for cell in distinct.tolist()]
    return cells, codes.reshape(-1).astype(np.int64)


def hex_cells(gdf: gpd.GeoDataFrame, resolution: int = DEFAULT_RESOLUTION) -> np.ndarray:
    """Return the H3 cell id of each incident.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents in EPSG:4326.
    resolution : int, default 5
        H3 resolution, 0 (continents) to 15 (about a square metre).

    Returns
    -------
    numpy.ndarray
        One cell id (str) per incident, in order.
    """
    import numpy as np

    cells, codes = cell_codes(gdf, resolution)
    return np.array(cells, dtype=object)[codes] if len(codes) else np.array([], dtype=object)


def _unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Lon/lat of a cell boundary, with cells across the antimeridian kept in one piece."""
    lons = [lon for lon, _ in ring]
    if max(lons) - min(lons) > 180:
        ring = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]
    return ring


def cell_polygons(cells: list[str] | np.ndarray) -> list[Polygon]:
    """Return each H3 cell as a shapely polygon in lon/lat, exterior ring counter-clockwise.

    A cell across the antimeridian gets longitudes beyond 180 rather than being split.
    """
    import h3
    from shapely.geometry import Polygon
    from shapely.geometry.polygon import orient

    out = []
    for cell in cells:
        ring = _unwrapped([(lon, lat) for lat, lon in h3.cell_to_boundary(cell)])
        out.append(orient(Polygon(ring), sign=1.0))
    return out
