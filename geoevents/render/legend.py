"""The legend: each category with its colour and count, and what the precision symbols mean."""

from __future__ import annotations

from typing import Any

from folium.template import Template

from geoevents.render.categories import Category
from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import script_json
from geoevents.schema import GEO_PRECISIONS

__all__ = ["Legend", "field_title", "precision_code", "precision_counts"]


def field_title(field: str) -> str:
    """Return a field name as a heading: ``event_type`` -> ``Event type``."""
    words = field.replace("_", " ")
    return words[:1].upper() + words[1:]


def precision_code(value: object) -> int:
    """The symbol an incident gets: 2 or 3 as given, a larger number 3, anything else 1.

    Mirrors ``GE.precisionOf`` in ``assets/popup.js``; out-of-range codes are drawn as the
    least precise rather than as an exact pin.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 1
    if value in (2, 3):
        return int(value)
    return 3 if value > 3 else 1


def precision_counts(records: list[dict[str, Any]]) -> dict[int, int]:
    """Count the drawn incidents per precision symbol (1, 2, 3)."""
    counts = {1: 0, 2: 0, 3: 0}
    for record in records:
        if "point" in record:
            counts[precision_code(record.get("geo_precision", 1))] += 1
    return counts


class Legend(VerbatimMacroElement):
    """A legend control (bottom right) built by ``controls.js`` with ``textContent``.

    Parameters
    ----------
    layer_by : str
        The field the categories come from (the legend's heading).
    categories : list of Category
        Names, colours and counts.
    precision_counts : dict
        Incidents per geo_precision code (1, 2, 3).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.addLegend({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(
        self, layer_by: str, categories: list[Category], precision_counts: dict[int, int]
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = field_title(layer_by)
        self.categories = categories
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
                "precision": [
                    {"code": code, "label": label, "count": n} for code, label, n in self.precision
                ],
            }
        )
