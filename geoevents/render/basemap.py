"""What is under the incidents: offline country borders, always, and optional tile layers.

The borders (Natural Earth 1:110m from ``geoevents.borders``) are drawn in a pane below the
tiles: offline, or with tiles switched off, they are the basemap (with the place names of
``labels.py``); online, the opaque tiles cover them and show their own borders. There are no
tiles unless asked for (``tiles="none"`` is the default), because a tile layer tells its host
which region the analyst looks at. Tile layers are base layers of the layer control, with a
"No tiles" choice so the analyst can switch them off; the panel names the host they contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

import folium
from folium.map import Layer
from folium.template import Template

from geoevents.render.coords import round_coords
from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import escape_html, script_json
from geoevents.render.tiles import tile_source

__all__ = [
    "BORDER_DIGITS",
    "BlankBase",
    "CountryBorders",
    "TileChoice",
    "borders_geojson",
    "choose_tiles",
]

#: 1:110m borders are accurate to a few km; two decimals (about 1 km) lose nothing visible.
BORDER_DIGITS = 2

NO_TILES_LABEL = "No tiles (borders only)"


class TileChoice(NamedTuple):
    """The tile layer asked for: the layer, its name, and the host the page will contact."""

    layer: folium.TileLayer
    name: str
    host: str


def choose_tiles(
    tiles: str | None, key: str | Mapping[str, str] | None = None
) -> TileChoice | None:
    """Return the tile layer for ``tiles``, or ``None`` for no tiles (the default).

    Parameters
    ----------
    tiles : str or None
        The tiles, as :func:`geoevents.render.tiles.tile_source` takes them (it checks them).
    key : str or mapping, optional
        The provider's API key, as ``tile_source`` takes it.

    Raises
    ------
    UsageError
        If the name is unknown, or the provider needs a key and none (or the wrong fields)
        was given: the message names the key field and how to pass it.
    """
    source = tile_source(tiles, key)
    if source is None:
        return None
    # The layer control inserts names as HTML.
    layer = folium.TileLayer(tiles=source.provider, name=escape_html(source.name), overlay=False)
    return TileChoice(layer, source.name, source.host)


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
