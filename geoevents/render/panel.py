"""The panel that states what the map shows: title, count, dates, filters, source, version."""

from __future__ import annotations

from folium.template import Template

from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import script_json
from geoevents.render.info import MapInfo

__all__ = ["TILES_LABEL", "ProvenancePanel", "panel_lines"]

#: The panel line that says whether a tile layer is on (the page keeps it current).
TILES_LABEL = "Tiles"


def _plural(n: int, word: str) -> str:
    # Thousands by commas, as the page writes its live counts (GE.countText in controls.js).
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def panel_lines(
    *,
    count: int,
    undrawn: int,
    span: tuple[str, str] | None,
    layer_by: str,
    info: MapInfo,
    tiles: tuple[str, str] | None = None,
) -> list[tuple[str, str]]:
    """Return the panel's lines as ``(label, text)`` pairs (an empty label for a plain line).

    Parameters
    ----------
    count : int
        Incidents in the map.
    undrawn : int
        Of those, how many have no usable geometry.
    span : tuple of str or None
        First and last date.
    layer_by : str
        The field the overlays are split by.
    info : MapInfo
        Provenance.
    tiles : (str, str), optional
        The tile layer's name and the host it contacts; ``None``: no tiles, no network.
    """
    lines = [("", _plural(count, "incident"))]
    if undrawn:
        lines.append(("", f"{_plural(undrawn, 'incident')} without a location, not drawn"))
    if span is not None:
        lines.append(("Dates", span[0] if span[0] == span[1] else f"{span[0]} to {span[1]}"))
    lines.append(("Filters", "; ".join(info.filters) if info.filters else "none"))
    lines.append(("Layers by", layer_by))
    if info.source_name is not None:
        lines.append(("Source", info.source_name))
    if info.sha256 is not None:
        lines.append(("SHA-256", info.sha256))
    if tiles is None:
        lines.append((TILES_LABEL, "none: the map contacts no host"))
    else:
        lines.append((TILES_LABEL, f"{tiles[0]}: on, contacts {tiles[1]}"))
    lines.append(("Made with", f"geoevents {info.version}"))
    if info.timestamp is not None:
        lines.append(("Made on", info.timestamp))
    return lines


class ProvenancePanel(VerbatimMacroElement):
    """A collapsible panel (top left) built by ``controls.js`` from JSON with ``textContent``.

    Parameters
    ----------
    title : str
        The map's title (plain text).
    lines : list of (str, str)
        From ``panel_lines``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.addPanel({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "ProvenancePanel"
        self.title = title
        self.lines = lines

    @property
    def config(self) -> str:
        """The script-safe JSON handed to ``geoevents.addPanel``."""
        return script_json(
            {"title": self.title, "lines": [{"label": k, "text": v} for k, v in self.lines]}
        )
