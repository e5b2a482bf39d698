"""The view the map opens on: the incidents' extent, set at once (no zoom animation).

folium's ``FitBounds`` animates from the world view, so the map is still moving when the page
reports itself ready, and Leaflet ignores any other view change until the animation ends.
Once the controls are laid out the page fits the bounds again into the part of the map they
leave free (``assets/layout.js``, ``GE.fitFree``), so the list does not cover the incidents.
"""

from __future__ import annotations

from folium.template import Template

from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import script_json

__all__ = ["FIT_MAX_ZOOM", "FitIncidents"]

#: Zoom limit when fitting the incidents: a single incident should not fill the screen.
FIT_MAX_ZOOM = 9


class FitIncidents(VerbatimMacroElement):
    """Open the map on the incidents' bounding box.

    Parameters
    ----------
    bounds : list
        ``[[south, west], [north, east]]``, e.g. from ``FitIncidents.bounds_of``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.fitIncidents(
                {{ this._parent.get_name() }}, {{ this.bounds }}, {{ this.options }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitIncidents"
        self.south_west, self.north_east = bounds

    @staticmethod
    def bounds_of(points: list[list[float]]) -> list[list[float]]:
        """Return the bounding box ``[[south, west], [north, east]]`` of ``[lat, lon]`` points."""
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        return [[min(lats), min(lons)], [max(lats), max(lons)]]

    @property
    def bounds(self) -> str:
        """The bounds as JSON."""
        return script_json([self.south_west, self.north_east])

    @property
    def options(self) -> str:
        """Leaflet's fitBounds options as JSON."""
        return script_json({"padding": [30, 30], "maxZoom": FIT_MAX_ZOOM, "animate": False})
