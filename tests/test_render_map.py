"""Structural tests of build_map: compare a description of the map, not its bytes.

Only ``test_two_builds_are_byte_identical`` looks at bytes, because determinism is about bytes.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import geopandas as gpd
import pytest
from browser import FIXTURES, read_incidents
from shapely.geometry import Point
from test_render_columnar import page_records

from geoevents.errors import UsageError
from geoevents.render import MapInfo, build_map, save_map
from geoevents.render.categories import LAYER_FIELDS, UNKNOWN
from geoevents.render.describe import describe_map
from geoevents.render.palette import EVENT_TYPE_COLORS, UNKNOWN_COLOR
from geoevents.render.save import render_html
from geoevents.schema import COLUMNS, EVENT_TYPES, GEO_PRECISIONS

INCIDENTS = FIXTURES / "incidents.geojson"
HOSTILE = FIXTURES / "hostile.geojson"


@pytest.fixture(scope="module")
def incidents() -> gpd.GeoDataFrame:
    return read_incidents(INCIDENTS)


@pytest.fixture(scope="module")
def hostile() -> gpd.GeoDataFrame:
    return read_incidents(HOSTILE)


def frame(rows: list[dict], crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """A frame with every schema column from a few partial rows (``xy`` gives the point)."""
    records = []
    for i, row in enumerate(rows):
        record = {c: None for c in COLUMNS}
        record.update(id=f"t{i}", title=f"Incident {i}", date_start="2020-01-01")
        record.update({k: v for k, v in row.items() if k != "xy"})
        record["geometry"] = Point(*row.get("xy", (44.0 + i / 10, 33.0)))
        records.append(record)
    return gpd.GeoDataFrame(records, geometry="geometry", crs=crs)


# --- layers, legend, panel -------------------------------------------------------------------


def test_one_overlay_per_event_type_in_acled_order_with_counts(incidents):
    described = describe_map(build_map(incidents, tiles="none"))
    expected = incidents["event_type"].value_counts()
    names = [c["name"] for c in described["categories"]]
    assert names == [t for t in EVENT_TYPES if t in expected.index]
    assert {c["name"]: c["count"] for c in described["categories"]} == expected.to_dict()
    assert described["overlays"] == [
        *(f"{c['name']} ({c['count']} / {c['count']})" for c in described["categories"]),
        "Hexagons",
    ]
    assert described["legend"]["shown"] == [c["count"] for c in described["categories"]]
    assert described["base_layers"] == []
    assert described["incidents"] == len(incidents)
    assert described["borders"] is True


def test_event_types_have_their_fixed_colours(incidents):
    described = describe_map(build_map(incidents, tiles="none"))
    for category in described["categories"]:
        assert category["color"] == EVENT_TYPE_COLORS[category["name"]]


def test_legend_lists_categories_colours_counts_and_precision_symbols(incidents):
    described = describe_map(build_map(incidents, tiles="none"))
    legend = described["legend"]
    assert legend["title"] == "Event type"
    assert legend["categories"] == [
        (c["name"], c["color"], c["count"]) for c in described["categories"]
    ]
    codes = incidents["geo_precision"].fillna(1).astype(int)
    assert legend["precision"] == [
        (code, label, int((codes == code).sum())) for code, label in GEO_PRECISIONS.items()
    ]


def test_panel_states_title_count_dates_filters_source_and_version(incidents):
    info = MapInfo.for_file(INCIDENTS, filters=["from 2017-10-01", "event type: Battles"])
    described = describe_map(build_map(incidents, title="Kirkuk, October 2017", info=info))
    panel = dict(described["panel"][1:])
    assert described["title"] == "Kirkuk, October 2017"
    assert described["panel"][0] == ("", f"{len(incidents):,} incidents")
    first = incidents["date_start"].min()
    last = incidents["date_end"].fillna(incidents["date_start"]).max()
    assert panel["Dates"] == f"{first} to {last}"
    assert panel["Filters"] == "from 2017-10-01; event type: Battles"
    assert panel["Source"] == "incidents.geojson"
    assert re.fullmatch(r"[0-9a-f]{64}", panel["SHA-256"])
    assert panel["Made with"].startswith("geoevents ")
    assert "Made on" not in panel


def test_panel_without_info_and_with_timestamp(incidents):
    plain = dict(describe_map(build_map(incidents.head(1)))["panel"])
    assert plain[""] == "1 incident"
    assert plain["Filters"] == "none"
    assert "Source" not in plain and "SHA-256" not in plain
    stamped = dict(
        describe_map(build_map(incidents, info=MapInfo(timestamp="2024-05-01")))["panel"]
    )
    assert stamped["Made on"] == "2024-05-01"


def test_layer_by_another_field_puts_missing_values_in_unknown_last():
    gdf = frame([{"country": "Syria"}, {"country": "Iraq"}, {"country": None}, {"country": "Iraq"}])
    described = describe_map(build_map(gdf, layer_by="country", tiles="none"))
    assert [(c["name"], c["count"]) for c in described["categories"]] == [
        ("Iraq", 2),
        ("Syria", 1),
        (UNKNOWN, 1),
    ]
    assert described["categories"][-1]["color"] == UNKNOWN_COLOR
    assert described["legend"]["title"] == "Country"
    assert ("Layers by", "country") in described["panel"]


def test_layer_by_geo_precision_names_codes_not_floats():
    gdf = frame([{"geo_precision": 1.0}, {"geo_precision": 3.0}, {"geo_precision": 2}])
    names = [
        c["name"] for c in describe_map(build_map(gdf, layer_by="geo_precision"))["categories"]
    ]
    assert names == ["1", "2", "3"]


def test_a_category_keeps_its_colour_across_maps():
    one = frame([{"actor1": "Kata'ib Hezbollah"}, {"actor1": "Islamic State"}])
    two = frame([{"actor1": "Kata'ib Hezbollah"}, {"actor1": "Peshmerga"}, {"actor1": "PMF"}])
    colours = [
        {c["name"]: c["color"] for c in describe_map(build_map(g, layer_by="actor1"))["categories"]}
        for g in (one, two)
    ]
    assert colours[0]["Kata'ib Hezbollah"] == colours[1]["Kata'ib Hezbollah"]
    assert len(set(colours[1].values())) == 3


def test_unknown_layer_by_lists_the_valid_fields(incidents):
    with pytest.raises(UsageError) as caught:
        build_map(incidents, layer_by="colour")
    message = str(caught.value)
    assert "'colour'" in message
    for name in LAYER_FIELDS:
        assert name in message


@pytest.mark.parametrize("field", ["summary", "sources", "geometry", "tags"])
def test_non_categorical_fields_cannot_split_the_map(incidents, field):
    with pytest.raises(UsageError, match="choose one of"):
        build_map(incidents, layer_by=field)


# --- options ---------------------------------------------------------------------------------


def test_osm_tiles_are_a_base_layer_that_can_be_switched_off(incidents):
    described = describe_map(build_map(incidents, tiles="osm"))
    assert described["base_layers"] == ["OpenStreetMap", "No tiles (borders only)"]
    assert (
        dict(described["panel"][1:])["Tiles"]
        == "OpenStreetMap: on, contacts tile.openstreetmap.org"
    )
    topo = describe_map(build_map(incidents, tiles="OpenTopoMap"))
    assert topo["base_layers"] == ["OpenTopoMap", "No tiles (borders only)"]
    assert dict(topo["panel"][1:])["Tiles"] == "OpenTopoMap: on, contacts *.tile.opentopomap.org"
    assert describe_map(build_map(incidents, tiles=None))["base_layers"] == []


def test_no_tiles_by_default_and_the_panel_says_so(incidents):
    described = describe_map(build_map(incidents))
    assert described["base_layers"] == []
    assert dict(described["panel"][1:])["Tiles"] == "none: the map contacts no host"
    assert "tile.openstreetmap" not in render_html(build_map(incidents))


def test_unknown_tiles_are_a_usage_error(incidents):
    with pytest.raises(UsageError, match="unknown tiles 'nowhere': use 'none'"):
        build_map(incidents, tiles="nowhere")


@pytest.mark.parametrize(
    ("tiles", "field", "host"),
    [
        ("Thunderforest.Landscape", "apikey", "api.thunderforest.com"),
        ("CartoDB.DarkMatter", "apikey", "*.basemaps.cartocdn.com"),
        ("MapTiler.Streets", "key", "api.maptiler.com"),
    ],
)
def test_keyed_tiles_name_the_key_and_how_to_pass_it(incidents, tiles, field, host):
    with pytest.raises(UsageError) as caught:
        build_map(incidents, tiles=tiles)
    message = str(caught.value)
    assert f"need an API key (field '{field}') for {host}: pass tiles_key=KEY" in message
    assert caught.value.options == ("tiles_key=KEY",)


def test_a_given_key_reaches_the_tile_url_and_nothing_else_changes(incidents):
    m = build_map(incidents, tiles="CartoDB.DarkMatter", tiles_key="my-key")
    assert describe_map(m)["base_layers"] == ["CartoDB.DarkMatter", "No tiles (borders only)"]
    assert "key=my-key" in render_html(m)
    with pytest.raises(UsageError, match="need the key field"):
        build_map(incidents, tiles="CartoDB.DarkMatter", tiles_key={"token": "x"})
    # A key is used only by a provider that needs one.
    assert "my-key" not in render_html(build_map(incidents, tiles_key="my-key"))
    assert "my-key" not in render_html(build_map(incidents, tiles="osm", tiles_key="my-key"))


def test_optional_overlays(incidents):
    plain = describe_map(build_map(incidents))
    assert (plain["cluster"], plain["heatmap"], plain["timeline"]) == (False, False, None)
    full = describe_map(build_map(incidents, cluster=True, heatmap=True, timeline=True))
    assert full["cluster"] is True
    assert full["heatmap"] is True and full["overlays"][-2:] == ["Hexagons", "Heatmap"]
    assert full["timeline"] == tuple(dict(full["panel"][1:])["Dates"].split(" to "))


def test_markercluster_is_inlined_only_when_clustering(incidents):
    assert "MarkerClusterGroup" not in render_html(build_map(incidents))
    assert "MarkerClusterGroup" in render_html(build_map(incidents, cluster=True))


def test_lines_polygons_and_missing_geometry():
    gdf = frame([{}, {}, {}])
    gdf.loc[1, "geometry"] = gpd.GeoSeries.from_wkt(["LINESTRING (44 33, 45 34)"]).iloc[0]
    gdf.loc[2, "geometry"] = None
    m = build_map(gdf)
    described = describe_map(m)
    assert described["incidents"] == 3
    assert ("", "1 incident without a location, not drawn") in described["panel"]
    records = _page_incidents(render_html(m))
    assert [("point" in r, "shape" in r) for r in records] == [
        (True, False),
        (True, True),
        (False, False),
    ]
    assert records[1]["shape"] == {
        "type": "LineString",
        "coordinates": [[44.0, 33.0], [45.0, 34.0]],
    }


def test_a_projected_frame_is_drawn_in_wgs84():
    gdf = frame([{"xy": (44.4, 33.3)}]).to_crs("EPSG:3857")
    (record,) = _page_incidents(render_html(build_map(gdf)))
    assert record["point"] == pytest.approx([33.3, 44.4])


def test_an_empty_frame_gives_an_empty_map():
    described = describe_map(build_map(frame([{}]).iloc[0:0], timeline=True))
    assert described["incidents"] == 0
    assert described["overlays"] == []
    assert described["panel"][0] == ("", "0 incidents")
    assert described["timeline"] is None


def test_not_a_geodataframe_is_a_type_error(incidents):
    with pytest.raises(TypeError, match="GeoDataFrame"):
        build_map(incidents.drop(columns="geometry").to_dict())


# --- what the page carries -------------------------------------------------------------------


def _json_blocks(page: str) -> list[str]:
    return re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)


def _page_incidents(page: str) -> list[dict]:
    """The incidents of a page, decoded from its store's compressed columns."""
    return page_records(page)


def test_incidents_are_embedded_once_with_missing_values_left_out(incidents):
    page = render_html(build_map(incidents))
    records = _page_incidents(page)
    assert [r["id"] for r in records] == incidents["id"].tolist()
    # Once: one incident-layer call and one store; the text is only in the compressed columns.
    assert page.count("geoevents.drawIncidents(") == 1
    assert page.count('_meta">') == 1
    assert records[0]["summary"] not in page
    by_id = {r["id"]: r for r in records}
    assert "fatalities" not in by_id["IRQ-2017-0002"]  # not reported
    assert by_id["IRQ-2019-0005"]["fatalities"] == 0  # reported as zero
    assert by_id["SYR-2017-0003"]["geo_precision"] == 2
    assert by_id["IRQ-2017-0001"]["sources"][0]["quote"].startswith("Iraqi forces took")


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_saved_map_loads_nothing_from_the_network(incidents, tmp_path):
    path = save_map(
        build_map(incidents, cluster=True, heatmap=True, timeline=True), tmp_path / "m.html"
    )
    page = path.read_text(encoding="utf-8")
    parser = _TagCollector()
    parser.feed(page)
    for tag, attrs in parser.tags:
        for name in ("src", "href"):
            assert not (attrs.get(name) or "").lower().startswith(("http:", "https:", "//")), tag
    assert not any(tag in {"link", "img", "iframe"} for tag, _ in parser.tags)
    assert not any(tag == "script" and "src" in attrs for tag, attrs in parser.tags)
    assert 'src="http' not in page
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in page
    # Leaflet's own stylesheet images are inlined rather than left as relative file links.
    assert "url(images/" not in page and "url(data:image/png;base64," in page


def test_two_builds_are_byte_identical(incidents, tmp_path):
    options = {
        "cluster": True,
        "heatmap": True,
        "timeline": True,
        "info": MapInfo.for_file(INCIDENTS),
    }
    first = save_map(build_map(incidents, **options), tmp_path / "a.html").read_bytes()
    second_map = build_map(incidents, **options)
    second_map._repr_html_()  # a notebook display before saving must not change the file
    second = save_map(second_map, tmp_path / "b.html").read_bytes()
    assert first == second
    assert not re.search(rb"[0-9a-f]{32}", first.replace(options["info"].sha256.encode(), b""))


def test_the_map_displays_inline_in_a_notebook(incidents):
    shown = build_map(incidents)._repr_html_()
    assert shown.startswith("<div") and "<iframe srcdoc=" in shown
    assert "https://cdn" not in html.unescape(shown)


HOSTILE_MARKUP = [
    "<img src=x onerror",
    "<svg onload",
    "<script>window.__pwned",
    "</script><script>",
    "<iframe src=javascript",
    "<style>body",
    "<!-- comment -->",
    '"><svg',
]


def test_hostile_text_reaches_the_page_only_as_json_or_entities(hostile):
    page = render_html(build_map(hostile, cluster=True, heatmap=True, timeline=True))
    for payload in HOSTILE_MARKUP:
        assert payload not in page, payload
    assert "\u2028" not in page and "\u2029" not in page
    # The data survives intact: parsing the JSON gives back every hostile string.
    records = _page_incidents(page)
    assert [r["title"] for r in records] == hostile["title"].tolist()
    assert records[0]["sources"][0]["url"].startswith("javascript:")
    # Text never appears in the page outside the compressed columns.
    assert hostile["title"][0] not in page
    # Layer names go through Leaflet's innerHTML, so they are entities, $ and ` included.
    control = re.search(r"overlays :  \{(.*?)\}", page, re.S).group(1)
    assert "\\u0026lt;svg onload=\\u0026quot;window.__pwned" in control
    described = describe_map(build_map(hostile))
    assert described["overlays"][-2].startswith('<svg onload="window.__pwned')


def test_hostile_title_is_escaped_in_the_page_title(hostile):
    page = render_html(build_map(hostile, title="<script>alert(1)</script> ${x} `y`"))
    expected = "&lt;script&gt;alert(1)&lt;/script&gt; &#x24;&#x7b;x&#x7d; &#x60;y&#x60;"
    assert f"<title>{expected}</title>" in page


def _script_call_json(page: str, function: str) -> dict:
    match = re.search(rf"geoevents\.{function}\(\w+, (\{{.*?\}})\);\n", page)
    return json.loads(match.group(1))


def test_jinja_markup_in_data_is_never_evaluated():
    # folium parses rendered macro text again as a Jinja template; data must come out as is.
    gdf = frame(
        [
            {"event_type": "{{ 7*7 }}", "title": "{% if true %}yes{% endif %} {# c #}"},
            {"event_type": "Battles", "summary": "{{ ''.__class__.__mro__ }}"},
        ]
    )
    m = build_map(gdf, title="{{ 6*6 }}", timeline=True)
    page = render_html(m)
    records = _page_incidents(page)
    assert records[0]["title"] == "{% if true %}yes{% endif %} {# c #}"
    assert records[1]["summary"] == "{{ ''.__class__.__mro__ }}"
    assert _script_call_json(page, "addPanel")["title"] == "{{ 6*6 }}"
    legend = _script_call_json(page, "addLegend")
    assert [c["name"] for c in legend["categories"]] == ["Battles", "{{ 7*7 }}"]
    entity = "\\u0026#x7b;"  # "&#x7b;" once folium's tojson has escaped the "&"
    assert f'"{entity}{entity} 7*7 ' in page
    assert describe_map(m)["overlays"] == ["Battles (1 / 1)", "{{ 7*7 }} (1 / 1)", "Hexagons"]
