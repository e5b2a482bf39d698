"""Build one peer map of a GeoJSON file of incidents, the way a plain user of that library would.

Usage::

    python benchmarks/peers.py TOOL INPUT.geojson|INPUT.parquet OUTPUT.html

TOOL is one of:

``folium-geojson``
    ``folium.GeoJson(gdf)`` on a map without tiles: every feature with all its properties, drawn
    with Leaflet's default marker (an ``<img>`` per incident).
``folium-fastmarkercluster``
    ``folium.plugins.FastMarkerCluster`` of the ``[lat, lon]`` pairs (no properties), with a
    one-line callback that gives each point Leaflet's default marker: the plugin's default
    callback draws ``L.AwesomeMarkers`` icons, a plugin folium loads from a CDN, so the page
    would draw nothing offline.
``lonboard``
    ``lonboard.Map(ScatterplotLayer.from_geopandas(gdf)).to_html(...)``.
``kepler``
    ``keplergl.KeplerGl(data={"incidents": gdf}).save_to_html(...)``.

Each reads the file with ``geopandas.read_file`` (pyogrio), or a GeoParquet file with
``geopandas.read_parquet`` (pandas metadata ignored: pandas cannot rebuild the list columns'
``list<string>[pyarrow]`` dtype from it), and fits the view to the data, as geoevents does. No
styling, popups or tuning: the point is what each tool costs out of the box.
The runner times this whole process (interpreter start, imports, reading, writing).
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import geopandas as gpd

TOOLS = ("folium-geojson", "folium-fastmarkercluster", "lonboard", "kepler")


def _folium_map(gdf: gpd.GeoDataFrame):
    import folium

    m = folium.Map(tiles=None)
    # MarkerCluster needs the map's maximum zoom, which a tile layer would otherwise give.
    m.options["max_zoom"] = 18
    west, south, east, north = gdf.total_bounds
    m.fit_bounds([[south, west], [north, east]])
    return m


def folium_geojson(gdf: gpd.GeoDataFrame, out: Path) -> None:
    import folium

    m = _folium_map(gdf)
    folium.GeoJson(gdf, name="incidents").add_to(m)
    m.save(str(out))


#: FastMarkerCluster's documented hook: a JS function that makes the marker of one row.
MARKER_CALLBACK = "function (row) { return L.marker([row[0], row[1]]); }"


def folium_fastmarkercluster(gdf: gpd.GeoDataFrame, out: Path) -> None:
    from folium.plugins import FastMarkerCluster

    m = _folium_map(gdf)
    points = list(zip(gdf.geometry.y.tolist(), gdf.geometry.x.tolist(), strict=True))
    FastMarkerCluster(points, callback=MARKER_CALLBACK, name="incidents").add_to(m)
    m.save(str(out))


def lonboard_map(gdf: gpd.GeoDataFrame, out: Path) -> None:
    from lonboard import Map, ScatterplotLayer

    Map(ScatterplotLayer.from_geopandas(gdf)).to_html(out)


def kepler_map(gdf: gpd.GeoDataFrame, out: Path) -> None:
    from keplergl import KeplerGl

    # save_to_html prints "Map saved to ..."; keep stdout for the runner's own use.
    with contextlib.redirect_stdout(io.StringIO()):
        KeplerGl(data={"incidents": gdf}).save_to_html(file_name=str(out))


BUILDERS = {
    "folium-geojson": folium_geojson,
    "folium-fastmarkercluster": folium_fastmarkercluster,
    "lonboard": lonboard_map,
    "kepler": kepler_map,
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] not in BUILDERS:
        print(f"usage: peers.py {{{','.join(TOOLS)}}} INPUT OUTPUT.html", file=sys.stderr)
        return 2
    tool, source, out = args[0], Path(args[1]), Path(args[2])
    if source.suffix == ".parquet":
        # Without ignore_metadata pandas cannot rebuild the list columns' recorded dtype.
        gdf = gpd.read_parquet(source, to_pandas_kwargs={"ignore_metadata": True})
    else:
        gdf = gpd.read_file(source, engine="pyogrio", ARRAY_AS_STRING="YES", DATE_AS_STRING="YES")
    BUILDERS[tool](gdf, out)
    print(f"{out}: {len(gdf)} incidents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
