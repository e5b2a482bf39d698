"""The base of geoevents' map elements: macros whose output is never parsed again.

branca's ``MacroElement.render`` wraps the text of each macro in ``Element(text)``, and
``Element`` compiles that text as a new Jinja template. Any data in the output (a ``{{ ... }}``
in an incident title) would then be evaluated by Jinja in Python while the map is saved: a
template injection. ``VerbatimMacroElement`` adds its output to the page as is.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element, Figure, MacroElement

__all__ = ["Verbatim", "VerbatimMacroElement"]


class Verbatim(Element):
    """A piece of the page that renders to exactly the text it was given."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class VerbatimMacroElement(MacroElement):
    """A ``MacroElement`` whose ``header``/``html``/``script`` output is not re-templated."""

    def render(self, **kwargs: Any) -> None:
        """Add this element's macros to the page verbatim, then render its children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self._name} can only be rendered inside a Figure")
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                target = getattr(figure, part)
                target.add_child(Verbatim(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
