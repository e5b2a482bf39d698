"""`geoevents filter`: the selection to stdout or a new store."""

from __future__ import annotations

import json

from helpers import SMALL

import geoevents


def test_filter_to_stdout_and_to_file(run, tmp_path):
    result = run("filter", SMALL, "--start", "2019", "-o", "-")
    assert result.exit_code == 0
    assert [f["properties"]["id"] for f in json.loads(result.stdout)["features"]] == [
        "t-embassy",
        "t-deir",
    ]
    out = tmp_path / "sub" / "iraq.geojson"
    result = run("filter", SMALL, "--country", "Iraq", "-o", out)
    assert result.exit_code == 0
    assert f"{out}: 3 incidents" in result.stderr
    assert len(geoevents.load(out)) == 3


def test_filter_refuses_to_overwrite_without_force(run, tmp_path):
    out = tmp_path / "x.geojson"
    out.write_text("keep me")
    result = run("filter", SMALL, "-o", out)
    assert result.exit_code == 6
    assert "already exists; pass --force" in result.stderr
    assert out.read_text() == "keep me"
    assert run("filter", SMALL, "-o", out, "--force").exit_code == 0
    assert len(geoevents.load(out)) == 6


def test_filter_never_overwrites_its_input(run, tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    result = run("filter", store, "--type", "Riots", "-o", store, "--force")
    assert result.exit_code == 6
    assert store.read_bytes() == SMALL.read_bytes()
