"""``build_map``: incidents in, a layered, offline, deterministic folium map out."""

from __future__ import annotations

import re
from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
from folium.map import LayerControl

from geoevents.aggregation.hexes import DEFAULT_RESOLUTION
from geoevents.render.basemap import BlankBase, CountryBorders, choose_tiles
from geoevents.render.categories import categorize, check_layer_by
from geoevents.render.columnar import encode_incidents
from geoevents.render.embed import escape_html
from geoevents.render.engines import ENGINES, LARGE_ENGINE_MIN, choose_engine
from geoevents.render.figure import CleanFigure
from geoevents.render.hexview import HexLayer, add_hex_cells, choose_view, hex_resolutions
from geoevents.render.ids import assign_ids
from geoevents.render.incident_list import IncidentList
from geoevents.render.info import MapInfo
from geoevents.render.inline import InlineAssets
from geoevents.render.labels import BasemapLabels, check_style
from geoevents.render.layers import HeatLayer, IncidentLayer, Ready, category_groups, check_size_by
from geoevents.render.legend import Legend
from geoevents.render.panel import ProvenancePanel, panel_lines
from geoevents.render.payload import Compressor, expected_bytes
from geoevents.render.search_box import SearchBox
from geoevents.render.timeline import TimelineControl
from geoevents.render.view import FitIncidents
from geoevents.schema import CRS

__all__ = ["ENGINES", "LARGE_ENGINE_MIN", "build_map", "choose_engine"]

#: The page's drawer for each engine.
DRAWER = {"classic": "vector", "large": "canvas"}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Above this many categories the layer control starts collapsed, or it would cover the map.
EXPANDED_CONTROL_MAX = 12

#: Map zoom limits; clustering needs an explicit maximum when there are no tiles.
MIN_ZOOM = 1
MAX_ZOOM = 18


def _as_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"build_map needs a GeoDataFrame, not {type(gdf).__name__}")
    if gdf.crs is not None and not gdf.crs.equals(CRS):
        return gdf.to_crs(CRS)
    return gdf


def build_map(
    gdf: gpd.GeoDataFrame,
    *,
    layer_by: str = "event_type",
    cluster: bool = False,
    heatmap: bool = False,
    timeline: bool = False,
    tiles: str | None = "none",
    title: str = "geoevents map",
    info: MapInfo | None = None,
    engine: str = "auto",
    view: str = "auto",
    hex_resolution: int = DEFAULT_RESOLUTION,
    tiles_key: str | Mapping[str, str] | None = None,
    style: str = "light",
    size_by: str | None = None,
) -> folium.Map:
    """Build the analyst's map of ``gdf``: one overlay per category, legend, provenance panel.

    The map needs nothing from the network: Leaflet and every script and style are inlined,
    and the offline basemap (Natural Earth country borders, place names) is always drawn; it
    contacts a host only when ``tiles`` names one. The incidents reach the page once, as
    compressed binary columns, and are shown as text, so hostile text in any field is
    displayed literally and runs nothing. The page and its API are described in docs/map.md.
    Built twice from the same input and options, the map renders to the same bytes.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents with the columns of ``geoevents.schema.COLUMNS`` (missing optional columns
        count as empty) and a geometry; reprojected to EPSG:4326 if needed.
    layer_by : str, default "event_type"
        The field that splits incidents into overlays (see ``categories.LAYER_FIELDS``).
    cluster : bool, default False
        Cluster points, per category, so the clusters follow the layer toggles.
    heatmap : bool, default False
        Add a heat-map overlay of the visible incidents.
    timeline : bool, default False
        Add a date-range control that hides incidents outside the chosen range.
    tiles : str or None, default "none"
        ``"none"``/``None`` (no network), ``"osm"``, or an xyzservices provider name. Tiles
        are an optional extra the analyst can switch off in the layer control; the panel
        names the host they contact.
    title : str, default "geoevents map"
        The page title and the heading of the provenance panel.
    info : MapInfo, optional
        Provenance for the panel (input file, SHA-256, filters, version, timestamp).
    engine : {"auto", "classic", "large"}, default "auto"
        How the page draws (the data is embedded the same way): ``"classic"`` draws one
        Leaflet marker per incident (and can cluster them); ``"large"`` draws them on one
        canvas, which keeps a million incidents interactive. ``"auto"`` picks ``"large"``
        from ``LARGE_ENGINE_MIN`` incidents on.
    view : {"auto", "points", "hex", "both"}, default "auto"
        What the page shows first: the incidents' symbols, H3 hexagons counting the shown
        incidents, or both (the page switches between them). ``"auto"`` shows the hexagons
        alone from ``hexview.HEX_VIEW_MIN`` incidents on, else the points.
    hex_resolution : int, default 5
        The H3 resolution of the hexagons (``geoevents aggregate``'s default); the page also
        carries the resolutions two steps coarser and finer, for other zooms (below
        ``hexview.HEX_ONE_RESOLUTION_MIN`` incidents).
    tiles_key : str or mapping, optional
        The API key of a tile provider that needs one (``{field: key}`` if it needs several).
        It is written into the map file, where anyone who has the file can read it.
    style : {"light", "dark"}, default "light"
        The offline basemap: land, sea, borders and place names (incident colours stay).
    size_by : {None, "fatalities"}, default None
        ``"fatalities"`` sizes each point by its deaths (area grows with the count, up to a
        cap; "not reported" is drawn distinctly from 0) and adds a size legend.

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; write it with ``save_map``.

    Raises
    ------
    UsageError
        If ``layer_by`` is not a categorical incident field (the message lists the valid
        ones), ``tiles``, ``style``, ``size_by``, ``engine`` or ``view`` is unknown,
        ``hex_resolution`` is outside 0-15, a tile provider needs a key that ``tiles_key`` does
        not give, or clustering is asked of the large engine.
    TypeError
        If ``gdf`` is not a GeoDataFrame.
    """
    check_layer_by(layer_by)
    check_style(style)
    check_size_by(size_by)
    base = choose_tiles(tiles, tiles_key)
    gdf = _as_wgs84(gdf)
    info = info if info is not None else MapInfo()

    engine = choose_engine(engine, len(gdf), cluster=cluster)
    view = choose_view(view, len(gdf))
    resolutions = hex_resolutions(hex_resolution, len(gdf))
    column = gdf[layer_by] if layer_by in gdf.columns else [None] * len(gdf)
    categories, codes = categorize(column, layer_by)
    code_array = np.asarray(codes, dtype=np.int64)
    # The buffers are compressed in threads as they are made (payload.Compressor), while
    # this thread goes on with the rest of the page, at the level the payload's size calls for.
    compressor = Compressor(expected=expected_bytes(gdf))
    data = encode_incidents(gdf, code_array, on_add=compressor.added)
    add_hex_cells(data, gdf, resolutions)
    span = data.date_span
    precision = data.precision_counts
    bounds = data.bounds
    # When the page opens every drawable incident is shown.
    shown = np.bincount(code_array[data.drawable], minlength=len(categories)).tolist()
    drawn = sum(precision.values())

    m = folium.Map(location=None, tiles=None, zoom_start=2, control_scale=True)
    m.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    # Map.default_js/css would link jQuery, Bootstrap and awesome-markers from CDNs.
    m.default_js = []
    m.default_css = []
    CleanFigure(title=escape_html(title)).add_child(m)

    drawer = DRAWER[engine]
    cluster = cluster and drawer == "vector"
    m.add_child(InlineAssets(cluster=cluster))
    if base is not None:
        m.add_child(base.layer)
        m.add_child(BlankBase(show=False))
    m.add_child(CountryBorders())
    tiles_json = None if base is None else {"name": base.name, "host": base.host}
    m.add_child(BasemapLabels(bounds, style=style, tiles=tiles_json))
    groups = category_groups(categories, shown)
    for group in groups:
        m.add_child(group)
    source = {"name": info.source_name, "sha256": info.sha256, "filters": list(info.filters)}
    incidents = IncidentLayer(
        data,
        categories,
        groups,
        layer_by=layer_by,
        drawer=drawer,
        cluster=cluster,
        source=source,
        size_by=size_by,
        compressor=compressor,
    )
    m.add_child(incidents)
    if len(gdf):
        m.add_child(HexLayer(incidents, view=view, resolution=hex_resolution))
    if heatmap:
        m.add_child(HeatLayer(incidents, show=True))
    m.add_child(Legend(layer_by, categories, precision, shown, size_by=size_by, heatmap=heatmap))
    lines = panel_lines(
        count=len(gdf),
        undrawn=len(gdf) - drawn,
        span=span,
        layer_by=layer_by,
        info=info,
        tiles=None if base is None else (base.name, base.host),
    )
    m.add_child(ProvenancePanel(title, lines))
    if timeline and span is not None and all(_ISO_DATE.match(d) for d in span):
        m.add_child(TimelineControl(incidents, span))
    if bounds is not None:
        m.add_child(FitIncidents(bounds))
    m.add_child(LayerControl(position="topright", collapsed=len(categories) > EXPANDED_CONTROL_MAX))
    m.add_child(SearchBox(incidents))
    m.add_child(IncidentList(incidents))
    m.add_child(Ready(incidents))
    assign_ids(m)
    return m
