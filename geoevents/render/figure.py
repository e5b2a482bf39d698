"""A page that renders to the same bytes however many times it is rendered.

branca's ``Figure`` collects the header, body and script of its elements while rendering and
keeps them afterwards; a second render (a notebook display, then ``save_map``) adds the
render-time helpers of folium a second time under fresh random keys, duplicating lines. This
figure forgets what its previous render added before rendering again, and keeps anything the
user added by hand in between.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure

from geoevents.render.tree import children

__all__ = ["CleanFigure"]


class CleanFigure(Figure):
    """A ``Figure`` whose ``render`` is repeatable (see the module docstring)."""

    def __init__(self, title: str | None = None) -> None:
        super().__init__(title=title)
        self._name = "CleanFigure"
        self._rendered: dict[str, list[str]] = {"header": [], "html": [], "script": []}

    def _parts(self) -> dict[str, Element]:
        return {"header": self.header, "html": self.html, "script": self.script}

    def render(self, **kwargs: Any) -> str:
        """Render the page, replacing whatever an earlier render added."""
        parts = self._parts()
        for part_name, keys in self._rendered.items():
            kids = children(parts[part_name])
            for key in keys:
                kids.pop(key, None)
        before = {name: set(children(part)) for name, part in parts.items()}
        html = super().render(**kwargs)
        self._rendered = {
            name: [key for key in children(part) if key not in before[name]]
            for name, part in parts.items()
        }
        return html
