"""Safe ways to put data into an HTML page: JSON for ``<script>`` blocks, entities for markup.

Data never reaches the page as markup or as JavaScript source. It travels as JSON inside a
``<script type="application/json">`` block (or as a JSON literal in our own scripts), and the
browser code inserts it with ``textContent``. The few strings that must go through folium's
templates or Leaflet's ``innerHTML`` (layer names in the layer control, the page title) are
escaped as HTML entities here, including ``$`` and the backtick, which folium places inside
JavaScript template literals, and the braces: folium parses its rendered output again as a
Jinja template (see ``elements.py``), where ``{{ ... }}`` in data would run as Python.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["escape_html", "script_json"]

# Inside a <script> element the HTML parser only looks for "</script" and "<!--"; escaping every
# "<", ">" and "&" (valid JSON escapes) makes both impossible. U+2028/2029 are legal in JSON but
# were line terminators in pre-ES2019 JavaScript, so a JSON literal in a script could break.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}

_HTML_ESCAPES = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#x27;",
    ord("$"): "&#x24;",
    ord("`"): "&#x60;",
    ord("{"): "&#x7b;",
    ord("}"): "&#x7d;",
}

# Jinja's markers. folium re-parses rendered text as a template, so data must never carry them.
_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """Serialise ``value`` as JSON that is safe to place inside a ``<script>`` element.

    Parameters
    ----------
    value : Any
        A JSON-serialisable value (no NaN or infinity: missing values must already be ``None``).

    Returns
    -------
    str
        Compact JSON in which ``<``, ``>``, ``&``, U+2028 and U+2029 appear only as ``\\uXXXX``
        escapes, so the text can neither close the script element nor open a comment; a ``{``
        that would start a Jinja tag (``{{``, ``{%``, ``{#``) is escaped too.

    Raises
    ------
    ValueError
        If ``value`` holds NaN or infinity.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # JSON's own braces are always followed by '"' or '}', so a "{{", "{%" or "{#" is inside a
    # string, where "\u007b" is the same character.
    return _JINJA_OPENERS.sub(r"\\u007b", text.translate(_SCRIPT_ESCAPES))


def escape_html(text: str) -> str:
    """Escape ``text`` for HTML content or a quoted attribute, and for JS template literals.

    Besides ``& < > " '`` this escapes ``$`` and the backtick, so the result stays inert even
    when a template places it inside a JavaScript template literal, and the braces, so that
    folium, which parses rendered text again as a Jinja template, finds no ``{{ ... }}``.

    Parameters
    ----------
    text : str
        Plain text.

    Returns
    -------
    str
        The text with every special character replaced by an HTML entity.
    """
    return str(text).translate(_HTML_ESCAPES)
