"""``geoevents map`` through the CLI: output, overwrite rules, empty selections, determinism.

What the map shows (layers, popups, escaping, timeline) is tested in test_render_*.py and, in a
real browser, test_browser_map.py.
"""

from __future__ import annotations

import hashlib
import re

from helpers import SEED_STORE, SMALL


def test_map_writes_the_file_and_says_where(run, tmp_path):
    out = tmp_path / "new" / "dir" / "map.html"
    result = run("map", SMALL, "-o", out, "--tiles", "none")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}: 6 incidents\n"
    html = out.read_text(encoding="utf-8")
    assert "geoeventsReady" in html
    assert hashlib.sha256(SMALL.read_bytes()).hexdigest() in html
    assert not list(out.parent.glob(".*.tmp*")), "temporary file left behind"


def test_map_to_stdout_writes_the_page_there_and_says_so_on_stderr(run, tmp_path, monkeypatch):
    # "-o -" is stdout, as for filter and extract: not a file named "-".
    monkeypatch.chdir(tmp_path)
    result = run("map", SMALL, "-o", "-", "--tiles", "none")
    assert result.exit_code == 0, result.output
    assert result.stderr == "<stdout>: 6 incidents\n"
    assert not (tmp_path / "-").exists()
    out = tmp_path / "map.html"
    assert run("map", SMALL, "-o", out, "--tiles", "none").exit_code == 0
    assert result.stdout == out.read_text(encoding="utf-8")  # the same page, byte for byte


def test_the_collector_is_off_while_the_store_is_read_and_the_page_made(run, tmp_path, monkeypatch):
    # The incidents read (a shapely object each) and the containers the checks and the page
    # make form no cycles: walked again and again by the collector, they cost 0.2-0.4 s at a
    # million. It is off from the reading to the written map, and on again after.
    import gc

    import geoevents.render
    from geoevents.cli import map_

    seen: list[tuple[str, bool]] = []

    def spying(name, real):
        def spy(*args, **kwargs):
            seen.append((name, gc.isenabled()))
            return real(*args, **kwargs)

        return spy

    monkeypatch.setattr(map_, "select", spying("select", map_.select))
    monkeypatch.setattr(geoevents.render, "build_map", spying("build", geoevents.render.build_map))
    monkeypatch.setattr(geoevents.render, "save_map", spying("save", geoevents.render.save_map))
    assert gc.isenabled()
    result = run("map", SMALL, "-o", tmp_path / "m.html", "--tiles", "none")
    assert result.exit_code == 0, result.output
    assert seen == [("select", False), ("build", False), ("save", False)]
    assert gc.isenabled()


def test_the_store_is_hashed_beside_its_reading(run, tmp_path, monkeypatch):
    # The provenance panel's SHA-256 is worked out in a thread while the store is read and
    # checked (half a second for five million rows), and is the file's.
    import threading

    import geoevents.io.digest

    digest = geoevents.io.digest.store_sha256
    threads: list[bool] = []

    def spy(path):
        threads.append(threading.current_thread() is threading.main_thread())
        return digest(path)

    monkeypatch.setattr(geoevents.io.digest, "store_sha256", spy)
    out = tmp_path / "m.html"
    assert run("map", SMALL, "-o", out, "--tiles", "none").exit_code == 0
    assert threads == [False]
    assert hashlib.sha256(SMALL.read_bytes()).hexdigest() in out.read_text(encoding="utf-8")


def test_default_output_is_output_incidents_html(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "incidents.geojson").write_bytes(SEED_STORE.read_bytes())
    result = run("map")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "incidents.html").is_file()
    assert result.stdout.startswith("output/incidents.html: ")


def test_filters_reach_the_map_and_its_panel(run, tmp_path):
    out = tmp_path / "m.html"
    result = run("map", SMALL, "-o", out, "--country", "Syria", "--start", "2017")
    assert result.stdout == f"{out}: 2 incidents\n"
    html = out.read_text(encoding="utf-8")
    assert "country Syria" in html and "2017-01-01" in html


def test_refuses_to_overwrite_a_file_that_is_not_a_map(run, tmp_path):
    out = tmp_path / "notes.html"
    out.write_text("<p>my notes</p>")
    result = run("map", SMALL, "-o", out)
    assert result.exit_code == 6
    assert "not a geoevents map; pass --force" in result.stderr
    assert out.read_text() == "<p>my notes</p>"
    assert run("map", SMALL, "-o", out, "--force").exit_code == 0
    assert "geoeventsReady" in out.read_text(encoding="utf-8")


def test_replaces_its_own_map_without_force(run, tmp_path):
    out = tmp_path / "m.html"
    assert run("map", SMALL, "-o", out).exit_code == 0
    result = run("map", SMALL, "-o", out, "--type", "Riots")
    assert result.exit_code == 0
    assert result.stdout == f"{out}: 1 incident\n"


def test_empty_selection_writes_nothing_and_names_the_filter(run, tmp_path):
    out = tmp_path / "m.html"
    result = run("map", SMALL, "-o", out, "--start", "2019", "--type", "Protests")
    assert result.exit_code == 5
    assert "type Protests" in result.stderr
    assert not out.exists()


def test_unknown_layer_by_lists_the_valid_fields(run, tmp_path):
    result = run("map", SMALL, "-o", tmp_path / "m.html", "--layer-by", "colour")
    assert result.exit_code == 2
    assert "event_type" in result.stderr and "country" in result.stderr
    assert not (tmp_path / "m.html").exists()


def test_invalid_store_writes_no_map(run, tmp_path):
    store = tmp_path / "s.geojson"
    store.write_text(SMALL.read_text(encoding="utf-8").replace("2017-10-16", "2017-02-30", 1))
    result = run("map", store, "-o", tmp_path / "m.html")
    assert result.exit_code == 4
    assert "2017-02-30" in result.stderr
    assert not (tmp_path / "m.html").exists()
    assert run("map", store, "-o", tmp_path / "m.html", "--skip-invalid").exit_code == 0


def test_two_builds_are_byte_identical_and_timestamps_are_opt_in(run, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    args = ["--timeline", "--cluster", "--heatmap"]
    assert run("map", SEED_STORE, "-o", a, *args).exit_code == 0
    assert run("map", SEED_STORE, "-o", b, *args).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert not re.search(rb"20[2-9]\d-\d\d-\d\d \d\d:\d\d", a.read_bytes())

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run("map", SEED_STORE, "-o", a).exit_code == 0
    assert "2023-11-14 22:13 UTC" in a.read_text(encoding="utf-8")
    assert run("map", SEED_STORE, "-o", a, "--timestamp", "made on the 3rd").exit_code == 0
    assert "made on the 3rd" in a.read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert run("map", SEED_STORE, "-o", a).exit_code == 2


# --- engines and stores at scale ----------------------------------------------------------------


def test_engine_auto_switches_to_the_large_layer_above_the_threshold(run, tmp_path, monkeypatch):
    from geoevents.render import engines

    small, large = tmp_path / "small.html", tmp_path / "large.html"
    assert run("map", SMALL, "-o", small, "--tiles", "none").exit_code == 0
    assert "geoevents.drawIncidents(" in small.read_text(encoding="utf-8")
    monkeypatch.setattr(engines, "LARGE_ENGINE_MIN", 6)
    result = run("-v", "map", SMALL, "-o", large, "--tiles", "none")
    assert result.exit_code == 0
    assert "geoevents.drawLarge(" in large.read_text(encoding="utf-8")
    # Long work reports its steps (on a terminal always, here because of -v).
    assert re.search(r"6 incidents read in [\d.]+ s", result.stderr)
    assert re.search(r"MB written in [\d.]+ s in all", result.stderr)
    forced = tmp_path / "forced.html"
    result = run("map", SMALL, "-o", forced, "--tiles", "none", "--engine", "classic")
    assert result.exit_code == 0
    assert "geoevents.drawIncidents(" in forced.read_text(encoding="utf-8")


def test_large_engine_refuses_to_cluster_before_reading(run, tmp_path):
    out = tmp_path / "m.html"
    result = run("map", SMALL, "-o", out, "--engine", "large", "--cluster")
    assert result.exit_code == 2
    assert "--cluster works with the classic engine only" in result.stderr
    assert not out.exists()


def test_invalid_rows_in_a_large_store_are_named_and_skipped_only_on_request(run, tmp_path):
    from geoevents.io.formats import write_incidents
    from geoevents.testing import synthetic

    gdf = synthetic.incidents(30_000, seed=11)
    bad = {1234: ("date_start", "2019-02-30"), 20000: ("event_type", "Riot"), 29999: ("id", None)}
    g1234, g20000 = gdf["id"][1234], gdf["id"][20000]
    for row, (field, value) in bad.items():
        gdf.loc[row, field] = value
    store = write_incidents(gdf, tmp_path / "store.parquet")
    out = tmp_path / "m.html"
    refused = run("map", store, "-o", out, "--tiles", "none")
    assert refused.exit_code == 4
    assert "3 error(s)" in refused.stderr and "--skip-invalid" in refused.stderr
    assert f'"{g1234}"' in refused.stderr and "2019-02-30" in refused.stderr
    assert f'"{g20000}"' in refused.stderr and '"Riot"' in refused.stderr
    assert "feature 29999" in refused.stderr
    assert not out.exists()

    result = run("map", store, "-o", out, "--tiles", "none", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}: 29,997 incidents\n"
    assert "skipped 3 invalid incident(s)" in result.stderr
    assert f'"{g1234}"' in result.stderr and f'"{g20000}"' in result.stderr


# --- the basemap: no tiles unless asked, keys, styles, sizes ------------------------------------


def test_the_default_map_names_no_tile_host(run, tmp_path):
    out = tmp_path / "m.html"
    assert run("map", SMALL, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "none: the map contacts no host" in html
    assert "openstreetmap.org/{z}" not in html and "L.tileLayer(" not in html


def test_a_provider_that_needs_a_key_says_which_and_how(run, tmp_path):
    out = tmp_path / "m.html"
    result = run("map", SMALL, "-o", out, "--tiles", "CartoDB.DarkMatter")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert lines == [
        "Error: tiles 'CartoDB.DarkMatter' need an API key (field 'apikey') for "
        "*.basemaps.cartocdn.com: pass --tiles-key KEY (or GEOEVENTS_TILES_KEY), or use 'none', "
        "'osm' or a provider that needs no key; a key is written into the map file, where anyone "
        "who has the file can read it"
    ]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_tiles_key_from_the_option_or_the_environment_reaches_the_map(run, tmp_path, monkeypatch):
    out = tmp_path / "m.html"
    result = run("map", SMALL, "-o", out, "--tiles", "CartoDB.DarkMatter", "--tiles-key", "k1")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "key=k1" in html and "CartoDB.DarkMatter: on, contacts *.basemaps.cartocdn.com" in html
    monkeypatch.setenv("GEOEVENTS_TILES_KEY", "key-from-env")
    assert run("map", SMALL, "-o", out, "--tiles", "CartoDB.DarkMatter").exit_code == 0
    assert "key=key-from-env" in out.read_text(encoding="utf-8")
    # Set once for every map, the variable does not get in the way of a map without tiles.
    assert run("map", SMALL, "-o", out).exit_code == 0
    assert "key-from-env" not in out.read_text(encoding="utf-8")


def test_style_and_size_by_reach_the_page(run, tmp_path):
    out = tmp_path / "m.html"
    result = run("map", SMALL, "-o", out, "--style", "dark", "--size-by", "fatalities")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '"style":"dark"' in html and '"sizeBy":"fatalities"' in html
    bad = run("map", SMALL, "-o", out, "--size-by", "title")
    assert bad.exit_code == 2 and "'title' is not 'fatalities'" in bad.stderr


def test_bad_tiles_and_engines_are_refused_before_folium_is_loaded(tmp_path):
    # The option checks before reading need neither the store nor the page's modules.
    import subprocess
    import sys

    cases = {
        "unknown tiles 'NoSuchTiles'": ["--tiles", "NoSuchTiles"],
        "works with the classic engine only": ["--engine", "large", "--cluster"],
    }
    for said, option in cases.items():
        code = (
            "import sys\nfrom geoevents.cli import cli\n"
            f"try: cli(['map', {str(SMALL)!r}, '-o', {str(tmp_path / 'm.html')!r}, *{option!r}])\n"
            "except SystemExit as e: print(e.code, 'folium' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.split() == ["2", "False"], (option, out.stdout, out.stderr)
        assert said in out.stderr
