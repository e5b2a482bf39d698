"""Unit tests of the renderer's building blocks: escaping, cell values, geometry, colours."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geoevents.render.categories import UNKNOWN, categorize, category_label
from geoevents.render.columnar import encode_incidents
from geoevents.render.embed import escape_html, script_json
from geoevents.render.legend import precision_code
from geoevents.render.palette import EVENT_TYPE_COLORS, PALETTE, assign_colors
from geoevents.render.values import (
    date_text,
    is_missing,
    number_or_text,
    sources,
    text,
    text_list,
)
from geoevents.schema import EVENT_TYPES


@pytest.mark.parametrize(
    "value",
    [
        "</script><script>alert(1)</script>",
        "<!-- <script>",
        "a & b > c",
        "line\u2028separator\u2029paragraph",
        "{{ 7*7 }} {% x %} {# y #} {{{",
        "`${x}` 'q' \"d\"",
        "مدينة كركوك",
    ],
)
def test_script_json_cannot_close_a_script_and_round_trips(value):
    encoded = script_json({"text": value, "nested": [{"text": value}]})
    lowered = encoded.lower()
    assert "</script" not in lowered and "<!--" not in lowered
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded and "\u2029" not in encoded
    assert "{{" not in encoded and "{%" not in encoded and "{#" not in encoded
    assert json.loads(encoded) == {"text": value, "nested": [{"text": value}]}


def test_script_json_refuses_nan():
    with pytest.raises(ValueError):
        script_json({"x": math.nan})


def test_escape_html_escapes_template_literal_and_jinja_characters():
    assert escape_html("<a href='x'>\"&\"</a>") == (
        "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;"
    )
    assert (
        escape_html("${x} `y` {{z}}")
        == "&#x24;&#x7b;x&#x7d; &#x60;y&#x60; &#x7b;&#x7b;z&#x7d;&#x7d;"
    )


@pytest.mark.parametrize("value", [None, math.nan, np.nan, pd.NA, pd.NaT, np.float64("nan")])
def test_missing_values(value):
    assert is_missing(value)
    assert text(value) is None
    assert number_or_text(value) is None
    assert text_list(value) == []
    assert sources(value) == []


@pytest.mark.parametrize("value", ["", "x", 0, [], np.array([]), {}, [None]])
def test_values_that_are_not_missing(value):
    assert not is_missing(value)


def test_fatalities_zero_is_zero_and_floats_become_ints():
    assert number_or_text(0) == 0
    assert number_or_text(np.int64(12)) == 12
    assert number_or_text(3.0) == 3 and isinstance(number_or_text(3.0), int)
    assert number_or_text(pd.array([5], dtype="Int64")[0]) == 5
    assert number_or_text(math.inf) is None
    assert number_or_text("about 10") == "about 10"


def test_text_and_dates():
    assert text("  ") is None
    assert text(2.0) == "2"
    assert date_text(datetime.date(2017, 10, 16)) == "2017-10-16"
    assert date_text(pd.Timestamp("2017-10-16 13:00")) == "2017-10-16"
    assert date_text("2017-10-16") == "2017-10-16"


def test_lists_from_lists_arrays_and_strings():
    assert text_list(np.array(["a", "", "b"])) == ["a", "b"]
    assert text_list(("a", None)) == ["a"]
    assert text_list("solo") == ["solo"]


def test_sources_keep_known_keys_as_text():
    given = [
        {"name": "Reuters", "url": "https://r.example", "quote": "q", "extra": "dropped"},
        "Bare name",
        {"name": None, "url": None},
    ]
    assert sources(given) == [
        {"name": "Reuters", "url": "https://r.example", "quote": "q"},
        {"name": "Bare name"},
    ]
    assert sources(np.array([{"name": "A"}], dtype=object)) == [{"name": "A"}]
    assert sources('[{"name": "From JSON"}]') == [{"name": "From JSON"}]
    assert sources({"name": "One"}) == [{"name": "One"}]


def _encoded(geoms: list, **columns: list) -> Any:
    gdf = gpd.GeoDataFrame({"id": [f"g{i}" for i in range(len(geoms))], **columns}, geometry=geoms)
    return encode_incidents(gdf, np.zeros(len(geoms), dtype=np.int64))


def test_where_each_geometry_is_drawn():
    geoms = [
        Point(44.123456789, 33.987654321),
        None,
        Point(),
        Point(math.nan, 1),
        LineString([(44, 33), (45, 34)]),
        Polygon([(0, 0), (2, 0), (2, 2), (0, 2)]),
    ]
    encoded = _encoded(geoms)
    assert encoded.drawable.tolist() == [True, False, False, False, True, True]
    assert encoded.precision_counts == {1: 3, 2: 0, 3: 0}
    assert [entry[0] for entry in encoded.shapes] == [4, 5]
    line, square = (entry[1] for entry in encoded.shapes)
    assert encoded.shapes[0][2] == "LINESTRING (44 33, 45 34)"  # the WKT the CSV export writes
    assert line == {"type": "LineString", "coordinates": [[44.0, 33.0], [45.0, 34.0]]}
    assert square["coordinates"][0][0] == [0.0, 0.0]
    # The view fits the points where incidents are drawn (a shape by its anchor point).
    assert encoded.bounds == [[1.0, 1.0], [33.987654, 44.123457]]


def test_date_span_uses_date_end_defaulting_to_date_start():
    encoded = _encoded(
        [Point(0, 0)] * 3,
        date_start=["2017-10-05", "2017-11-02", None],
        date_end=["2017-10-30", None, None],
    )
    assert encoded.date_span == ("2017-10-05", "2017-11-02")
    assert _encoded([Point(0, 0)], date_start=[None]).date_span is None


def test_category_labels():
    assert category_label(None) == UNKNOWN
    assert category_label(" ") == UNKNOWN
    assert category_label(2.0) == "2"
    assert category_label(" Iraq ") == "Iraq"


def test_categorize_orders_event_types_like_acled_and_others_after():
    categories, codes = categorize(["Riots", "Battles", None, "Looting", "Battles"], "event_type")
    assert [c.name for c in categories] == ["Battles", "Riots", "Looting", UNKNOWN]
    assert [c.count for c in categories] == [2, 1, 1, 1]
    assert codes == [1, 0, 3, 2, 0]
    assert categories[0].color == EVENT_TYPE_COLORS["Battles"]
    # A non-ACLED event type never borrows one of the six fixed hues' palette neighbours.
    assert categories[2].color not in EVENT_TYPE_COLORS.values()
    assert categories[2].color not in PALETTE[:5]


def test_event_type_colours_are_distinct():
    assert len(set(EVENT_TYPE_COLORS.values())) == len(EVENT_TYPES)


def test_assigned_colours_do_not_depend_on_order_and_are_distinct_while_they_can_be():
    names = [f"actor {i}" for i in range(len(PALETTE))]
    forward = assign_colors(names)
    assert forward == assign_colors(list(reversed(names)))
    assert len(set(forward.values())) == len(PALETTE)
    assert set(assign_colors([*names, "one more"]).values()) <= set(PALETTE)


@pytest.mark.parametrize(
    ("value", "code"), [(1, 1), (2, 2), (3.0, 3), (4, 3), (0, 1), ("x", 1), (None, 1), (True, 1)]
)
def test_precision_codes_match_the_browser_rule(value, code):
    assert precision_code(value) == code


def test_the_map_draws_event_types_in_the_figures_colour_blind_safe_colours():
    from geoevents.figures import FIGURE_EVENT_COLORS

    # test_figures checks these stay apart under simulated colour blindness.
    assert EVENT_TYPE_COLORS == FIGURE_EVENT_COLORS
    assert not set(PALETTE[len(EVENT_TYPES) :]) & set(EVENT_TYPE_COLORS.values())


def test_precision_codes_of_a_column_are_each_values_code():
    from geoevents.render.symbols import precision_codes

    odd = [1, 2, 3.0, 4, 0, "x", None, True, 2.5, float("nan"), -3]
    expected = [precision_code(v) for v in odd]
    assert precision_codes(odd).tolist() == expected
    column = pd.Series([1, 2, 3, 7, None, 0], dtype="Int64")
    assert precision_codes(column).tolist() == [1, 2, 3, 3, 1, 1]
