"""``geoevents import`` through the CLI: new stores, --merge by id, bad inputs."""

from __future__ import annotations

import hashlib
import json

import pytest
from helpers import HERE, SMALL, UCDP_REAL, require_shared

import geoevents

INGEST = HERE / "fixtures" / "ingest"
GED = UCDP_REAL / "ged191.csv"
HDX = UCDP_REAL / "conflict_data_BGD.csv"
UCDP = INGEST / "ucdp_ged.csv"  # the GED layout, three rows of our own


def test_import_ucdp_to_every_format(run, tmp_path):
    require_shared(GED, HDX)
    out = tmp_path / "ucdp.parquet"
    result = run("import", "ucdp", GED, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}: 3,194 incidents\n"
    assert "3,194 of 3,194 rows imported" in result.stderr
    gdf = geoevents.load(out)
    assert len(gdf) == 3194
    assert run("import", "ucdp", HDX, "-o", tmp_path / "bgd.geojson").exit_code == 0
    assert len(geoevents.load(tmp_path / "bgd.geojson")) == 601


def test_import_acled_both_layouts_land_the_same_events(run, tmp_path):
    for layout in ("api", "export"):
        out = tmp_path / f"{layout}.geojson"
        assert run("import", "acled", INGEST / f"acled_{layout}.csv", "-o", out).exit_code == 0
    api = geoevents.load(tmp_path / "api.geojson").set_index("id")
    export = geoevents.load(tmp_path / "export.geojson").set_index("id")
    cols = ["date_start", "date_end", "event_type", "iso3", "fatalities"]
    assert api[cols].astype(str).equals(export[cols].astype(str))
    kirkuk = api.loc["IRQ24017"]
    assert kirkuk["date_start"] == "2017-10-16" and kirkuk["iso3"] == "IRQ"


def test_merge_adds_and_updates_by_id_without_duplicates(run, tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    src = INGEST / "acled_api.csv"
    result = run("import", "acled", src, "--merge", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{store}: 5 added, 0 updated, 0 kept (stored copy newer)"
    result = run("import", "acled", src, "--merge", store)
    assert result.stdout.strip() == f"{store}: 0 added, 5 updated, 0 kept (stored copy newer)"
    gdf = geoevents.load(store)
    assert len(gdf) == 6 + 5 and gdf["id"].is_unique


def test_merge_keeps_the_newer_acled_row(run, tmp_path):
    store = tmp_path / "store.geojson"
    src = INGEST / "acled_api.csv"
    assert run("import", "acled", src, "--merge", store).exit_code == 0
    doc = json.loads(store.read_text("utf-8"))
    doc["features"][0]["properties"]["tags"].append("timestamp:9999999999")
    doc["features"][0]["properties"]["tags"].remove(
        next(t for t in doc["features"][0]["properties"]["tags"] if t.startswith("timestamp:1"))
    )
    doc["features"][0]["properties"]["title"] = "edited by an analyst"
    store.write_text(json.dumps(doc), encoding="utf-8")
    result = run("import", "acled", src, "--merge", store)
    assert "4 updated, 1 kept" in result.stdout
    assert "edited by an analyst" in set(geoevents.load(store)["title"])


def test_wrong_layout_says_what_it_looks_like_and_leaves_the_store(run, tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    result = run("import", "acled", UCDP, "--merge", store)
    assert result.exit_code == 3
    assert "looks like a UCDP GED file" in result.stderr
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acled", "x.csv"], "exactly one of -o DEST or --merge STORE"),
        (["ucdp", UCDP, "-o", "a.geojson", "--lat", "y"], "for the csv format"),
        (["nonsense", UCDP, "-o", "a.geojson"], "'nonsense' is not one of"),
    ],
)
def test_usage_errors(run, tmp_path, args, message):
    result = run("import", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_refuses_to_overwrite_and_strict_rejects(run, tmp_path):
    out = tmp_path / "o.geojson"
    out.write_text("mine")
    result = run("import", "acled", INGEST / "acled_api.csv", "-o", out)
    assert result.exit_code == 6 and out.read_text() == "mine"
    result = run("import", "acled", INGEST / "acled_bad.csv", "-o", tmp_path / "b.geojson")
    assert result.exit_code == 0
    assert "line " in result.stderr and "rejected" in result.stderr
    result = run(
        "import", "acled", INGEST / "acled_bad.csv", "-o", tmp_path / "c.geojson", "--strict"
    )
    assert result.exit_code == 4
    assert not (tmp_path / "c.geojson").exists()


def test_progress_bar_on_a_terminal_only(run, tmp_path, monkeypatch):
    import geoevents.cli.output

    monkeypatch.setenv("CI", "true")
    assert not geoevents.cli.output.show_progress()
    monkeypatch.setattr(geoevents.cli.output, "show_progress", lambda: True)
    result = run("import", "ucdp", UCDP, "-o", tmp_path / "ged.geojson")
    assert result.exit_code == 0
    assert "importing ucdp_ged.csv" in result.stderr


def test_import_gdelt(run, tmp_path):
    out = tmp_path / "gdelt.geojson"
    result = run("import", "gdelt", INGEST / "20191231150000.export.CSV", "-o", out)
    assert result.exit_code == 0, result.output
    gdf = geoevents.load(out)
    embassy = gdf[gdf["date_start"] == "2019-12-31"]
    assert len(embassy) >= 1 and set(embassy["iso3"]) <= {"IRQ"}


def test_import_na_value_options(run, tmp_path):
    # R writes blanks as NA: blank by default for ACLED; --keep-na keeps the text as it is.
    src = HERE / "fixtures" / "ingest" / "acled_r_export.csv"
    default = tmp_path / "default.geojson"
    assert run("import", "acled", src, "-o", default).exit_code == 0
    actors = set(geoevents.load(default)["actor2"].dropna())
    assert "NA" not in actors
    kept = tmp_path / "kept.geojson"
    assert run("import", "acled", src, "-o", kept, "--keep-na").exit_code == 0
    assert "NA" in set(geoevents.load(kept)["actor2"].dropna())
    both = run("import", "acled", src, "-o", tmp_path / "x.geojson", "--keep-na", "--na-value", "-")
    assert both.exit_code == 2 and "not both" in both.stderr
