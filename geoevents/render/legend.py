"""The legend: each category with its colour and count, and what the precision symbols mean."""

from __future__ import annotations

from folium.template import Template

from geoevents.render.categories import Category
from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import script_json
from geoevents.render.symbols import field_title, precision_code
from geoevents.schema import GEO_PRECISIONS

__all__ = ["Legend", "field_title", "precision_code"]


class Legend(VerbatimMacroElement):
    """A legend control (bottom right) built by ``controls.js`` with ``textContent``.

    Each category shows ``shown / total``, which the page keeps up to date.

    Parameters
    ----------
    layer_by : str
        The field the categories come from (the legend's heading).
    categories : list of Category
        Names, colours and counts.
    precision_counts : dict
        Incidents per geo_precision code (1, 2, 3).
    shown : list of int, optional
        Incidents of each category shown when the page opens (default: all of them).
    size_by : str, optional
        The field points are sized by: the legend adds a size scale (``assets/sizes.js``).
    heatmap : bool
        Whether the map has a heat map: the legend adds its colour scale.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.addLegend({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        layer_by: str,
        categories: list[Category],
        precision_counts: dict[int, int],
        shown: list[int] | None = None,
        *,
        size_by: str | None = None,
        heatmap: bool = False,
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = field_title(layer_by)
        self.categories = categories
        self.shown = list(shown) if shown is not None else [c.count for c in categories]
        self.size_by = size_by
        self.heatmap = heatmap
        self.precision = [
            (code, label, precision_counts.get(code, 0)) for code, label in GEO_PRECISIONS.items()
        ]

    @property
    def config(self) -> str:
        """The script-safe JSON handed to ``geoevents.addLegend``."""
        return script_json(
            {
                "title": self.title,
                "categories": [c.as_json() for c in self.categories],
                "shown": self.shown,
                "precision": [
                    {"code": code, "label": label, "count": n} for code, label, n in self.precision
                ],
                "sizeBy": self.size_by,
                "heatmap": self.heatmap,
            }
        )
