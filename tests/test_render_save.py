"""save_map writes one offline file atomically; MapInfo records the input's provenance."""

from __future__ import annotations

import dataclasses
import hashlib
import os

import pytest
from browser import FIXTURES, read_incidents

import geoevents
from geoevents.errors import InputError, OutputError
from geoevents.render import MapInfo, build_map, save_map
from geoevents.render.layers import IncidentLayer
from geoevents.render.tree import children

INCIDENTS = FIXTURES / "incidents.geojson"


@pytest.fixture(scope="module")
def small_map():
    return build_map(read_incidents(INCIDENTS).head(3), tiles="none")


def test_save_map_creates_parent_directories_and_returns_the_path(small_map, tmp_path):
    target = tmp_path / "deep" / "er" / "map.html"
    assert save_map(small_map, target) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert os.listdir(target.parent) == ["map.html"]  # no temporary file left behind
    assert target.stat().st_mode & 0o777 == 0o644


def test_save_map_replaces_an_existing_file_and_keeps_its_mode(small_map, tmp_path):
    target = tmp_path / "map.html"
    target.write_text("old")
    target.chmod(0o600)
    save_map(small_map, str(target))
    assert target.read_text(encoding="utf-8") != "old"
    assert target.stat().st_mode & 0o777 == 0o600


def test_save_map_reports_an_unwritable_place_as_output_error(small_map, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OutputError, match="cannot write the map") as caught:
        save_map(small_map, blocker / "map.html")
    assert str(blocker / "map.html") in str(caught.value)
    assert caught.value.exit_code == 6


def test_mapinfo_for_file_records_name_and_sha256():
    info = MapInfo.for_file(INCIDENTS, filters=["from 2017-10-01"], timestamp="2024-01-01")
    assert info.source_name == "incidents.geojson"
    assert info.sha256 == hashlib.sha256(INCIDENTS.read_bytes()).hexdigest()
    assert info.filters == ("from 2017-10-01",)
    assert info.version == geoevents.__version__
    assert info.timestamp == "2024-01-01"


def test_mapinfo_is_frozen_and_hashable():
    info = MapInfo(filters=["a", "b"])
    assert info.filters == ("a", "b")
    assert hash(info) == hash(MapInfo(filters=("a", "b")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.sha256 = "x"  # type: ignore[misc]


def test_mapinfo_for_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="SHA-256"):
        MapInfo.for_file(tmp_path / "missing.geojson")


@pytest.mark.parametrize("engine", ["classic", "large"])
def test_the_page_is_written_piece_by_piece_without_a_string_of_its_payload(
    monkeypatch, tmp_path, engine
):
    # The page is rendered with a stand-in for each embedded piece, and the pieces are
    # written where their stand-ins are: the rendered string never holds the payload (at a
    # million incidents it was three copies of 53 MB, the peak of the run). The file is the
    # bytes of render_html, and a title that looks like a stand-in stays text.
    from geoevents.render import save

    gdf = read_incidents(FIXTURES / "hostile.geojson")
    words = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(100 * len(gdf))]
    gdf["summary"] = [" ".join(words[100 * i : 100 * i + 100]) for i in range(len(gdf))]
    m = build_map(gdf, tiles="none", engine=engine, title="a \0title:0\0 to keep")
    whole = save.render_html(m).encode("utf-8")
    rendered: list[int] = []
    real = save.render_html
    monkeypatch.setattr(save, "render_html", lambda m: rendered.append(len(s := real(m))) or s)
    target = save_map(m, tmp_path / "map.html")
    assert target.read_bytes() == whole
    (layer,) = [c for c in children(m).values() if isinstance(c, IncidentLayer)]
    pieces = sum(len(text) for _, text in layer.pieces)
    assert pieces > 10_000 and len(rendered) == 1
    assert rendered[0] < len(whole) - pieces + 100 * len(layer.pieces)
