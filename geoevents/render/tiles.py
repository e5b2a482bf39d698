"""Which tiles a map asks for: the provider, its API key and the host it contacts.

Everything here is checked before a store is read (the CLI refuses an unknown provider or a
missing key at once), so it needs xyzservices alone: the tile layer itself is made by
:func:`geoevents.render.basemap.choose_tiles`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

import xyzservices

from geoevents.errors import UsageError

__all__ = ["NO_TILES", "TILE_ALIASES", "TileSource", "key_fields", "tile_host", "tile_source"]

#: Short names accepted besides any xyzservices provider name.
TILE_ALIASES = {"osm": "OpenStreetMap.Mapnik"}
NO_TILES = "none"

#: What xyzservices writes in a provider's key fields until a key is given.
_KEY_PLACEHOLDER = "<insert your"

#: How a library caller passes a key (the CLI spells these as --tiles-key).
KEY_FIX = "tiles_key=KEY"
KEYS_FIX = 'tiles_key={"NAME": KEY}'


class TileSource(NamedTuple):
    """The tiles asked for: the provider (its key filled in), its name, the host it contacts."""

    provider: xyzservices.TileProvider
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


def tile_source(tiles: str | None, key: str | Mapping[str, str] | None = None) -> TileSource | None:
    """Return the tiles ``tiles`` names, or ``None`` for no tiles (the default).

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
    return TileSource(provider, label, tile_host(provider.url))
