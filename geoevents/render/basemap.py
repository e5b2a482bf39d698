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
from urllib.parse import urlsplit

import folium
import xyzservices
from folium.map import Layer
from folium.template import Template

from geoevents.errors import UsageError
from geoevents.render.coords import round_coords
from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import escape_html, script_json

__all__ = [
    "BORDER_DIGITS",
    "BlankBase",
    "CountryBorders",
    "TileChoice",
    "borders_geojson",
    "choose_tiles",
    "key_fields",
    "tile_host",
]

#: 1:110m borders are accurate to a few km; two decimals (about 1 km) lose nothing visible.
BORDER_DIGITS = 2

#: Short names accepted besides any xyzservices provider name.
TILE_ALIASES = {"osm": "OpenStreetMap.Mapnik"}
NO_TILES = "none"
NO_TILES_LABEL = "No tiles (borders only)"

#: What xyzservices writes in a provider's key fields until a key is given.
_KEY_PLACEHOLDER = "<insert your"

#: How a library caller passes a key (the CLI spells these as --tiles-key).
KEY_FIX = "tiles_key=KEY"
KEYS_FIX = 'tiles_key={"NAME": KEY}'


class TileChoice(NamedTuple):
    """The tile layer asked for: the layer, its name, and the host the page will contact."""

    layer: folium.TileLayer
    name: str
    host: str


def key_fields(provider: xyzservices.TileProvider) -> list[str]:
    """Return the names of the key fields a provider still needs (``[]`` for none).

    Parameters
    ----------
    provider : xyzservices.TileProvider
        A provider, as ``xyzservices.providers.query_name`` returns it.
    """
    # The rule of TileProvider.requires_token: a placeholder value that the URL refers to.
    return sorted(
        name
        for name, value in provider.items()
        if isinstance(value, str) and _KEY_PLACEHOLDER in value and name in provider.url
    )


def tile_host(url: str) -> str:
    """Return the host a tile URL template contacts: ``*.basemaps.cartocdn.com`` for ``{s}.``."""
    host = urlsplit(url.replace("{s}", "a")).hostname or url
    return "*." + host[2:] if url.split("//", 1)[-1].startswith("{s}.") else host


def _with_key(
    tiles: str, provider: xyzservices.TileProvider, key: str | Mapping[str, str] | None
) -> xyzservices.TileProvider:
    needed = key_fields(provider)
    if not needed:
        return provider
    names = ", ".join(repr(n) for n in needed)
    host = tile_host(provider.url)
    if key is None:
        fix = KEY_FIX if len(needed) == 1 else KEYS_FIX
        raise UsageError(
            f"tiles {tiles!r} need an API key (field {names}) for {host}: pass {fix}, or use "
            "'none', 'osm' or a provider that needs no key; a key is written into the map "
            "file, where anyone who has the file can read it",
            options=(fix,),
        )
    given = {needed[0]: key} if isinstance(key, str) else dict(key)
    missing = [n for n in needed if not str(given.get(n) or "").strip()]
    if missing or set(given) - set(needed):
        raise UsageError(
            f"tiles {tiles!r} need the key field(s) {names}; got {', '.join(map(repr, given))}: "
            f"pass {KEYS_FIX} with each of them (a single key fills {needed[0]!r})",
            options=(KEYS_FIX,),
        )
    return provider(**{n: str(v).strip() for n, v in given.items()})


def choose_tiles(
    tiles: str | None, key: str | Mapping[str, str] | None = None
) -> TileChoice | None:
    """Return the tile layer for ``tiles``, or ``None`` for no tiles (the default).

    Parameters
    ----------
    tiles : str or None
        ``"none"`` (or ``None``), ``"osm"``, or an xyzservices provider name such as
        ``"OpenTopoMap"`` or ``"CartoDB.DarkMatter"``.
    key : str or mapping, optional
        The API key of a provider that needs one (xyzservices' ``requires_token``): a string
        for its one key field, or ``{field: value}`` when it has several. It is written into
        the map file. Ignored without tiles, or for a provider that needs no key.

    Raises
    ------
    UsageError
        If the name is unknown, or the provider needs a key and none (or the wrong fields)
        was given: the message names the key field and how to pass it.
    """
    if tiles is None or tiles.strip().lower() == NO_TILES:
        # A key without tiles (GEOEVENTS_TILES_KEY set for every map) is not used: no tiles.
        return None
    name = TILE_ALIASES.get(tiles.strip().lower(), tiles.strip())
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise UsageError(
            f"unknown tiles {tiles!r}: use 'none' (the default: no network), 'osm', or a tile "
            "provider name known to xyzservices, such as 'OpenTopoMap'"
        ) from None
    provider = _with_key(tiles, provider, key)
    label = "OpenStreetMap" if provider.name == TILE_ALIASES["osm"] else provider.name
    # The layer control inserts names as HTML.
    layer = folium.TileLayer(tiles=provider, name=escape_html(label), overlay=False)
    return TileChoice(layer, label, tile_host(provider.url))


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
