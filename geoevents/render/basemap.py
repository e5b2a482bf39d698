"""What is under the incidents: offline country borders, always, and optional tile layers.

The borders (Natural Earth 1:110m from ``geoevents.borders``) are drawn in a pane below the
tiles: offline, or with tiles switched off, they are the basemap; online, the opaque tiles
cover them and show their own borders. Tile layers are base layers of the layer control, with
a "No tiles" choice so the analyst can switch them off.
"""

from __future__ import annotations

from functools import cache

import folium
import xyzservices
from folium.map import Layer
from folium.template import Template

from geoevents.errors import UsageError
from geoevents.render.coords import round_coords
from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import escape_html, script_json

__all__ = ["BORDER_DIGITS", "BlankBase", "CountryBorders", "borders_geojson", "tile_layer"]

#: 1:110m borders are accurate to a few km; two decimals (about 1 km) lose nothing visible.
BORDER_DIGITS = 2

#: Short names accepted besides any xyzservices provider name.
TILE_ALIASES = {"osm": "OpenStreetMap.Mapnik"}
NO_TILES = "none"
NO_TILES_LABEL = "No tiles (borders only)"


def tile_layer(tiles: str | None) -> folium.TileLayer | None:
    """Return the tile layer for ``tiles``, or ``None`` for no tiles.

    Parameters
    ----------
    tiles : str or None
        ``"osm"``, ``"none"`` (or ``None``), or an xyzservices provider name such as
        ``"OpenTopoMap"`` that needs no API key.

    Raises
    ------
    UsageError
        If the name is unknown or the provider needs an API key.
    """
    if tiles is None or tiles.strip().lower() == NO_TILES:
        return None
    name = TILE_ALIASES.get(tiles.strip().lower(), tiles)
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise UsageError(
            f"unknown tiles {tiles!r}: use 'osm', 'none', or a tile provider name known to "
            "xyzservices that needs no API key, such as 'OpenTopoMap'"
        ) from None
    if provider.requires_token():
        raise UsageError(
            f"tiles {tiles!r} need an API key, which a shared map file must not carry; "
            "use 'osm', 'none', or a provider that needs no key"
        )
    label = "OpenStreetMap" if provider.name == TILE_ALIASES["osm"] else provider.name
    # The layer control inserts names as HTML.
    return folium.TileLayer(tiles=provider, name=escape_html(label), overlay=False)


class BlankBase(Layer):
    """An empty base layer: choosing it in the layer control switches the tiles off."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
        """
    )

    def __init__(self, *, show: bool = False) -> None:
        super().__init__(name=escape_html(NO_TILES_LABEL), overlay=False, control=True, show=show)
        self._name = "BlankBase"


@cache
def borders_geojson() -> str:
    """Return the Natural Earth country borders as script-safe GeoJSON text (cached)."""
    from geoevents.borders import countries

    features = []
    for geom in countries().geometry:
        if geom is None or geom.is_empty:
            continue
        shape = geom.__geo_interface__
        features.append(
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": shape["type"],
                    "coordinates": round_coords(shape["coordinates"], BORDER_DIGITS),
                },
            }
        )
    return script_json({"type": "FeatureCollection", "features": features})


class CountryBorders(VerbatimMacroElement):
    """The offline country borders, embedded once as GeoJSON and drawn below the tiles."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.data_id }}">{{ this.geojson }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            geoevents.drawBorders({{ this._parent.get_name() }}, {{ this.data_id|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "CountryBorders"
        self.geojson = borders_geojson()

    @property
    def data_id(self) -> str:
        """The id of the JSON block (derived from the element's deterministic name)."""
        return self.get_name() + "_data"
