"""Leaflet, Leaflet.markercluster and geoevents' own scripts and styles, inlined into the page.

The map is opened from ``file://`` on machines without internet, so nothing may be fetched:
the third-party files come from the XStatic packages (the same Leaflet 1.9.3 that folium
targets), the images Leaflet's stylesheet refers to become ``data:`` URIs, and source-map
comments are dropped (a browser would try to load them).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources
from pathlib import Path

from folium.template import Template

from geoevents.render.elements import VerbatimMacroElement

__all__ = ["InlineAssets", "inline_css", "inline_js", "own_asset"]

_SOURCE_MAP = re.compile(r"^[ \t]*(//|/\*)# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[\w.-]+\.png)\1\)")

#: Our scripts, in load order (each one only adds to ``window.geoevents``).
OWN_SCRIPTS = (
    "core.js",
    "dates.js",
    "styles.js",
    "sizes.js",
    "popup.js",
    "textindex.js",
    "textscan.js",
    "store.js",
    "hits.js",
    "vector.js",
    "canvas.js",
    "labels.js",
    "page.js",
    "controls.js",
    "timebins.js",
    "histdraw.js",
    "histogram.js",
    "playback.js",
    "compare.js",
    "heat.js",
    "layout.js",
    "order.js",
    "list.js",
    "search.js",
    "filters.js",
    "export.js",
    "permalink.js",
    "hexparts.js",
    "hexview.js",
)
OWN_STYLES = ("geoevents.css", "hexview.css", "basemap.css", "scales.css")


def _xstatic_dir(package: str) -> Path:
    if package == "leaflet":
        import xstatic.pkg.leaflet as pkg
    else:
        import xstatic.pkg.leaflet_markercluster as pkg
    return Path(pkg.BASE_DIR)


def _safe_in_script(code: str, name: str) -> str:
    # Inside <script> or <style> only "</" followed by the tag name can end the element; a
    # library that contained it could not be inlined as is, so refuse rather than corrupt.
    lowered = code.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise RuntimeError(f"{name} cannot be inlined: it contains a closing tag or comment")
    return code


@cache
def inline_js(package: str, filename: str) -> str:
    """Return a third-party script from an XStatic package, ready to inline.

    Parameters
    ----------
    package : {"leaflet", "leaflet_markercluster"}
        The XStatic package.
    filename : str
        The file under the package's data directory.
    """
    code = (_xstatic_dir(package) / filename).read_text(encoding="utf-8")
    return _safe_in_script(_SOURCE_MAP.sub("", code), filename)


@cache
def inline_css(package: str, filename: str) -> str:
    """Return a third-party stylesheet with its images as ``data:`` URIs.

    Parameters
    ----------
    package : {"leaflet", "leaflet_markercluster"}
        The XStatic package.
    filename : str
        The file under the package's data directory.
    """
    base = _xstatic_dir(package)
    css = (base / filename).read_text(encoding="utf-8")

    def to_data_uri(match: re.Match[str]) -> str:
        data = base64.b64encode((base / match.group(2)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return _safe_in_script(_SOURCE_MAP.sub("", _CSS_URL.sub(to_data_uri, css)), filename)


@cache
def own_asset(filename: str) -> str:
    """Return one of geoevents' own files from ``geoevents/render/assets``."""
    code = resources.files("geoevents.render").joinpath("assets", filename).read_text("utf-8")
    return _safe_in_script(code, filename)


class InlineAssets(VerbatimMacroElement):
    """Every script and stylesheet the map needs, written into the page's ``<head>``.

    Parameters
    ----------
    cluster : bool
        Whether to include Leaflet.markercluster.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        {%- for css in this.styles %}
        <style>{{ css }}</style>
        {%- endfor %}
        {%- for js in this.scripts %}
        <script>{{ js }}</script>
        {%- endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, *, cluster: bool = False) -> None:
        super().__init__()
        self._name = "InlineAssets"
        self.cluster = cluster
        styles = [inline_css("leaflet", "leaflet.css")]
        scripts = [inline_js("leaflet", "leaflet.js")]
        if cluster:
            styles.append(inline_css("leaflet_markercluster", "MarkerCluster.css"))
            scripts.append(inline_js("leaflet_markercluster", "leaflet.markercluster.js"))
        styles.extend(own_asset(name) for name in OWN_STYLES)
        scripts.extend(own_asset(name) for name in OWN_SCRIPTS)
        self.styles = styles
        self.scripts = scripts
