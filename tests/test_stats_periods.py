"""`stats --by day|week|month|year`: one rule for imprecise dates, empty periods, totals, notes."""

from __future__ import annotations

import json

import pytest
from incident_maker import incident, write_store

import geoevents
from geoevents.errors import UsageError
from geoevents.stats import IMPRECISE, incident_stats, period_counts, period_labels


@pytest.fixture
def store(tmp_path):
    """Day, month and year precision; incidents across a month's and a year's end."""
    return write_store(
        tmp_path / "periods.geojson",
        [
            incident("d1", "2018-10-16", fatalities=2),
            incident("d2", "2018-10-30", "2018-10-31", fatalities=None),
            incident("m1", "2018-12-01", "2018-12-31", precision="month", fatalities=1),
            # Month precision with only date_start given: the whole month is meant.
            incident("m2", "2019-01-01", precision="month", event_type="Riots"),
            incident("y1", "2018-01-01", "2018-12-31", precision="year", fatalities=5),
            incident("y2", "2017-01-01", precision="year"),
            incident("span", "2018-10-15", "2019-03-15", fatalities=4),
            incident("w1", "2018-10-29", "2018-11-02"),  # one ISO week, two months
        ],
    )


@pytest.fixture
def gdf(store):
    return geoevents.load(store)


def test_month_rule_assigns_or_sets_apart(gdf):
    labels, order = period_labels(gdf, "month")
    assert dict(zip(gdf["id"], labels, strict=True)) == {
        "d1": "2018-10",
        "d2": "2018-10",
        "m1": "2018-12",
        "m2": "2019-01",
        "y1": IMPRECISE,
        "y2": IMPRECISE,
        "span": IMPRECISE,
        "w1": IMPRECISE,
    }
    assert order == ["2018-10", "2018-11", "2018-12", "2019-01", IMPRECISE]


def test_year_and_week_follow_the_same_rule(gdf):
    by_year = dict(zip(gdf["id"], period_labels(gdf, "year")[0], strict=True))
    assert by_year["y1"] == "2018" and by_year["y2"] == "2017" and by_year["m2"] == "2019"
    assert by_year["span"] == IMPRECISE
    by_week = dict(zip(gdf["id"], period_labels(gdf, "week")[0], strict=True))
    assert by_week["w1"] == "2018-W44" and by_week["d1"] == "2018-W42"
    assert by_week["m1"] == IMPRECISE  # a month is longer than a week


@pytest.mark.parametrize("by", ["day", "week", "month", "year"])
def test_totals_equal_the_incident_count(gdf, by):
    table = incident_stats(gdf, by, total=True)
    assert table.iloc[-1].tolist() == ["total", 8, 12, 4]
    assert table["incidents"].iloc[:-1].sum() == len(gdf)


def test_empty_periods_are_zero(gdf):
    table = incident_stats(gdf, "month")
    assert table.to_dict("records")[1] == {
        "month": "2018-11",
        "incidents": 0,
        "fatalities": 0,
        "unreported": 0,
    }
    years = incident_stats(gdf, "year")["year"].tolist()
    assert years == ["2017", "2018", "2019", IMPRECISE]


def test_period_counts_split_by_category(gdf):
    table = period_counts(gdf, "month")
    assert list(table.columns) == ["Battles", "Riots"]
    assert table.loc["2019-01"].tolist() == [0, 1]
    assert int(table.to_numpy().sum()) == len(gdf)
    with pytest.raises(UsageError, match="cannot count by period 'actor'"):
        period_counts(gdf, "actor")


def test_cli_table_ends_with_total_and_names_imprecise(run, store):
    out = run("stats", store, "--by", "month").stdout.splitlines()
    assert out[0].split() == ["month", "incidents", "fatalities", "unreported"]
    assert out[3].split() == ["2018-11", "0", "0", "0"]
    assert out[-3].split() == [IMPRECISE, "4", "9", "2"]
    assert out[-2].split() == ["total", "8", "12", "4"]
    assert out[-1].startswith("imprecise: incidents whose dates")


def test_cli_json_and_csv_have_no_total_row(run, store):
    rows = json.loads(run("stats", store, "--by", "year", "--format", "json").stdout)
    assert sum(r["incidents"] for r in rows) == 8
    assert rows[-1]["year"] == IMPRECISE
    text = run("stats", store, "--by", "week", "--format", "csv").stdout
    assert "total" not in text and text.splitlines()[0] == "week,incidents,fatalities,unreported"


def test_cli_actor_note_says_what_is_counted(run, tmp_path):
    path = write_store(
        tmp_path / "actors.geojson",
        [
            incident("a", "2018-01-01", actors=("X", "Y")),
            incident("b", "2018-01-02", actors=("X", None)),
        ],
    )
    result = run("stats", path, "--by", "actor")
    lines = result.stdout.splitlines()
    assert lines[-2].split() == ["total", "3", "0", "3"]
    assert lines[-1] == (
        "An incident counts once per actor it names: the column total (3) exceeds the number "
        "of incidents (2)."
    )
    csv_run = run("stats", path, "--by", "actor", "--format", "csv")
    assert "counts once per actor" in csv_run.stderr
    assert "counts once per actor" not in csv_run.stdout


def test_cli_event_type_has_a_total_row_and_no_note(run, store):
    lines = run("stats", store).stdout.splitlines()
    assert lines[-1].split() == ["total", "8", "12", "4"]
    assert lines[2].split() == ["Battles", "7", "12", "3"]


def test_cli_plot_needs_a_period(run, store, tmp_path):
    result = run("stats", store, "--by", "actor", "--plot", tmp_path / "p.png")
    assert result.exit_code == 2
    assert "--plot needs --by day|week|month|year" in result.stderr
    assert not (tmp_path / "p.png").exists()
