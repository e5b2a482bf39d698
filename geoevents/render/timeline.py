"""The time control: a histogram of the shown incidents with a brush, playback and compare.

The page builds it (``assets/histogram.js``, ``histdraw.js``, ``playback.js``, ``compare.js``,
``timebins.js``; docs/map.md, "The time control"). The brush applies the same overlap rule as the
``--start``/``--end`` filters: an incident is kept when ``date_start <= end`` and
``date_end >= start``, both ends inclusive; the bars count by ``geoevents.stats``' periods.
"""

from __future__ import annotations

from folium.template import Template

from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import script_json
from geoevents.render.layers import IncidentLayer

__all__ = ["TimelineControl"]


class TimelineControl(VerbatimMacroElement):
    """The time control between the data's first and last date (bottom left).

    Parameters
    ----------
    incidents : IncidentLayer
        The layer it filters; must be added to the map before this control.
    span : tuple of str
        The first ``date_start`` and the last ``date_end`` of the data.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.addTimeline({{ this.incidents.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, incidents: IncidentLayer, span: tuple[str, str]) -> None:
        super().__init__()
        self._name = "TimelineControl"
        self.incidents = incidents
        self.start, self.end = span

    @property
    def config(self) -> str:
        """The script-safe JSON handed to ``geoevents.addTimeline``."""
        return script_json({"start": self.start, "end": self.end})
