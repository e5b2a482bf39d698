"""`geoevents stats`: counts and fatalities by a field, as table, CSV and JSON."""

from __future__ import annotations

import json

import pytest
from helpers import SMALL


@pytest.mark.parametrize(
    ("by", "first"),
    [
        ("event_type", {"event_type": "Battles", "incidents": 3, "fatalities": 9, "unreported": 1}),
        ("country", {"country": "Iraq", "incidents": 3, "fatalities": 0, "unreported": 3}),
        ("year", {"year": "2017", "incidents": 4, "fatalities": 9, "unreported": 2}),
        ("month", {"month": "2017-10", "incidents": 4, "fatalities": 9, "unreported": 2}),
    ],
)
def test_stats_json(run, by, first):
    rows = json.loads(run("stats", SMALL, "--by", by, "--format", "json").stdout)
    assert rows[0] == first
    assert sum(r["incidents"] for r in rows) == 6


def test_stats_by_actor_counts_each_actor(run):
    rows = json.loads(run("stats", SMALL, "--by", "actor", "--format", "json").stdout)
    by_actor = {r["actor"]: r for r in rows}
    assert by_actor["ISGS"] == {"actor": "ISGS", "incidents": 1, "fatalities": 9, "unreported": 0}
    assert by_actor["(none)"]["incidents"] == 1


def test_stats_table_and_csv(run):
    table = run("stats", SMALL, "--by", "country").stdout.splitlines()
    assert table[0].split() == ["country", "incidents", "fatalities", "unreported"]
    assert table[2].split() == ["Iraq", "3", "0", "3"]
    text = run("stats", SMALL, "--by", "year", "--format", "csv").stdout
    assert text.splitlines()[:2] == ["year,incidents,fatalities,unreported", "2017,4,9,2"]


def test_stats_table_separates_thousands_and_csv_json_stay_plain(run, tmp_path):
    """People read the table: 1,250 incidents and 2,500 fatalities; programs read CSV and JSON,
    which keep plain numbers."""
    from incident_maker import incident, write_store

    store = write_store(
        tmp_path / "many.geojson",
        [incident(f"m-{k}", "2017-10-16", fatalities=2) for k in range(1250)],
    )
    table = run("stats", str(store), "--by", "country").stdout.splitlines()
    assert table[2].split() == ["Iraq", "1,250", "2,500", "0"]
    assert table[-1].split() == ["total", "1,250", "2,500", "0"]
    csv_lines = run("stats", str(store), "--by", "country", "--format", "csv").stdout
    assert csv_lines.splitlines()[1] == "Iraq,1250,2500,0"
    rows = json.loads(run("stats", str(store), "--by", "country", "--format", "json").stdout)
    assert rows == [{"country": "Iraq", "incidents": 1250, "fatalities": 2500, "unreported": 0}]
