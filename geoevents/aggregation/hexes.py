"""H3 cells: which hexagon an incident counts in, and the hexagons as polygons.

An incident counts in the H3 cell of its point (a representative point for a line or an area,
the one ``lon``/``lat`` of the CSV output), whatever its ``geo_precision``. The cell ids are
H3's 15-digit hex strings, so another tool (or the map page, given them per incident) counts
in exactly the same cells.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

from geoevents._gc import gc_paused

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import Polygon

__all__ = [
    "DEFAULT_RESOLUTION",
    "RESOLUTIONS",
    "cell_codes",
    "cell_polygons",
    "cell_rings",
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

    geometry = np.asarray(gdf.geometry.values)
    lon, lat = shapely.get_x(geometry), shapely.get_y(geometry)
    # get_x / get_y are NaN for anything but a point: only those need a point on the surface
    # (computing it for every row cost most of this function at a million points).
    others = np.flatnonzero(shapely.get_type_id(geometry) != 0)
    if len(others):
        surface = shapely.point_on_surface(geometry[others])
        lon[others], lat[others] = shapely.get_x(surface), shapely.get_y(surface)
    return lon, lat


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
    import numpy as np
    import pandas as pd

    check_resolution(resolution)
    lon, lat = incident_points(gdf)
    # One call for every distinct position when many incidents share one (a town, a
    # region's centre): h3ronpy runs H3 over whole arrays (h3's own Python API is one call
    # per point, about 4 s a million here). Distinct values by hashing (pandas), not sorting:
    # sorting a million values cost more than H3. When a sample says the positions are
    # mostly distinct, hashing them would cost as much as H3 saves (0.35 s at a million).
    step = max(1, len(lon) // _SAMPLE_POSITIONS)
    sample = lon[::step] + 1j * lat[::step]
    if len(sample) and len(pd.unique(sample)) > _DISTINCT_SHARE * len(sample):
        where, place_lat, place_lon = None, lat, lon
    else:
        where, places = pd.factorize(lon + 1j * lat)
        place_lat, place_lon = places.imag, places.real
    place_ids = _cells_of(
        np.ascontiguousarray(place_lat), np.ascontiguousarray(place_lon), resolution
    )
    found, distinct = pd.factorize(place_ids)
    # Cell ids of one resolution are hex strings of one length: numeric order is text order.
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    cells = [h3.int_to_str(cell) for cell in distinct[order].tolist()]
    codes = rank[found] if where is None else rank[found][where]
    return cells, codes.astype(np.int64, copy=False)


#: Positions looked at to judge whether hashing them first saves H3 work.
_SAMPLE_POSITIONS = 8192
_DISTINCT_SHARE = 0.5
#: Positions from which H3 runs in two threads (h3ronpy lets go of the GIL).
_THREADED_POSITIONS = 200_000


def _cells_of(lat: np.ndarray, lon: np.ndarray, resolution: int) -> np.ndarray:
    """The H3 cell (uint64) of each position; a large array in halves, in two threads."""
    import numpy as np
    from h3ronpy.vector import coordinates_to_cells

    def cells(part: slice) -> np.ndarray:
        return np.asarray(coordinates_to_cells(lat[part], lon[part], resolution), np.uint64)

    if len(lat) < _THREADED_POSITIONS:
        return cells(slice(None))
    from concurrent.futures import ThreadPoolExecutor

    half = len(lat) // 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(cells, slice(half, None))
        first = cells(slice(0, half))
        return np.concatenate([first, second.result()])


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


def cell_rings(cells: list[str] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each H3 cell's boundary as an open ring in lon/lat, counter-clockwise.

    Returns
    -------
    sizes : numpy.ndarray
        The number of vertices of each cell's ring (int64): 6 for a hexagon, 5 for a pentagon,
        more for a cell cut by an icosahedron edge.
    coords : numpy.ndarray
        The rings' vertices one after another, shape ``(sizes.sum(), 2)``, lon then lat; the
        closing vertex is not repeated. A cell across the antimeridian gets longitudes beyond
        180 rather than being split.
    """
    import h3
    import numpy as np
    import shapely

    # A slice of cells at a time: a ring is 19 Python objects (about 0.8 kB), and a map of a
    # million incidents has 170,000 cells. Tuples of floats form no cycles: the collector,
    # which would walk the young ones again and again, is paused (0.50 -> 0.41 s there).
    size_parts, vertex_parts = [], []
    with gc_paused():
        for at in range(0, len(cells), _RINGS_AT_ONCE):
            rings = [h3.cell_to_boundary(cell) for cell in cells[at : at + _RINGS_AT_ONCE]]
            part = np.fromiter(map(len, rings), dtype=np.int64, count=len(rings))
            size_parts.append(part)
            # Every vertex in one pass (numpy's reading of nested tuples, a ring length at a
            # time, cost half as much again as H3 at 168,000 cells).
            vertex_parts.append(
                np.fromiter(
                    chain.from_iterable(chain.from_iterable(rings)),
                    dtype="float64",
                    count=2 * int(part.sum()),
                )
            )
            del rings
    sizes = np.concatenate([np.zeros(0, np.int64), *size_parts])
    vertices = np.concatenate([np.zeros(0), *vertex_parts]).reshape(-1, 2)
    del vertex_parts
    if not len(sizes):
        return sizes, np.zeros((0, 2), dtype="float64")
    # Flat passes over every vertex, each ring found by its start (a ring length at a time,
    # with index arrays per ring, cost half as much as H3 itself at 168,000 cells).
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    ring = np.repeat(np.arange(len(sizes)), sizes)
    lat, lon = vertices[:, 0], vertices[:, 1]
    wraps = (np.maximum.reduceat(lon, starts) - np.minimum.reduceat(lon, starts)) > 180
    lon = np.where(wraps[ring] & (lon < 0), lon + 360, lon)
    # Turned round where GEOS finds a ring clockwise, as GEOS turns a closed ring round: the
    # first vertex stays first, the rest reversed. The sign of the ring's area (from its
    # first vertex, for precision) is GEOS's answer for a simple ring clear of zero; GEOS
    # itself decides the others (a cell around a pole is no simple ring in lon/lat).
    x, y = lon - lon[starts][ring], lat - lat[starts][ring]
    following = np.arange(1, len(ring) + 1)
    following[starts[1:] - 1] = starts[1:] - sizes[:-1]
    following[-1] = starts[-1]
    area = np.add.reduceat(x * y[following] - x[following] * y, starts)
    span = np.maximum.reduceat(np.maximum(np.abs(x), np.abs(y)), starts)
    ccw = area > 0
    unsure = np.flatnonzero(
        (np.abs(area) <= 1e-9 * span * span)
        | (np.maximum.reduceat(np.abs(lat), starts) > _POLAR_LATITUDE)
    )
    if len(unsure):
        picked = np.isin(ring, unsure)
        shapes = shapely.linearrings(
            np.stack([lon[picked], lat[picked]], axis=-1),
            indices=np.searchsorted(unsure, ring[picked]),
        )
        ccw[unsure] = shapely.is_ccw(shapes)
    place = np.arange(len(ring)) - starts[ring]
    turned = ~ccw[ring] & (place > 0)
    source = np.where(turned, starts[ring] + sizes[ring] - place, starts[ring] + place)
    coords = np.empty((len(ring), 2), dtype="float64")
    coords[:, 0], coords[:, 1] = lon[source], lat[source]
    return sizes, coords


#: Cells whose rings are asked of H3 at once.
_RINGS_AT_ONCE = 16_384
#: Beyond this latitude a ring's orientation is left to GEOS (a cell may hold the pole).
_POLAR_LATITUDE = 80.0


def cell_polygons(cells: list[str] | np.ndarray) -> list[Polygon]:
    """Return each H3 cell as a shapely polygon in lon/lat, exterior ring counter-clockwise.

    A cell across the antimeridian gets longitudes beyond 180 rather than being split.
    """
    import numpy as np
    import shapely

    sizes, coords = cell_rings(cells)
    if not len(sizes):
        return []
    rings = shapely.linearrings(coords, indices=np.repeat(np.arange(len(sizes)), sizes))
    return list(shapely.polygons(rings))
