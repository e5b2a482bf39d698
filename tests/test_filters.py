"""Each filter of Criteria, through the library and through the CLI's options."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import SMALL

import geoevents
from geoevents.errors import EmptySelectionError, UsageError
from geoevents.filters import Criteria, parse_partial_date


@pytest.fixture(scope="module")
def gdf():
    return geoevents.load(SMALL)


def ids(frame) -> set[str]:
    return set(frame["id"])


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2017", False, dt.date(2017, 1, 1)),
        ("2017", True, dt.date(2017, 12, 31)),
        ("2017-10", False, dt.date(2017, 10, 1)),
        ("2017-10", True, dt.date(2017, 10, 31)),
        ("2016-02", True, dt.date(2016, 2, 29)),
        ("2017-10-16", True, dt.date(2017, 10, 16)),
    ],
)
def test_partial_dates_cover_their_period(text, end, expected):
    assert parse_partial_date(text, end=end) == expected


@pytest.mark.parametrize("text", ["2020-13", "2017-02-30", "16/10/2017", "17", "2017-1-5", ""])
def test_impossible_or_malformed_dates_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse_partial_date(text)


def test_month_range_keeps_everything_that_overlaps_it(gdf):
    out = geoevents.filter_incidents(gdf, start="2017-10", end="2017-10")
    assert ids(out) == {"t-kirkuk", "t-raqqa", "t-tongo", "t-sulay"}


def test_multi_day_incident_is_kept_at_either_edge(gdf):
    # The embassy assault runs 2019-12-31 .. 2020-01-01.
    assert "t-embassy" in ids(geoevents.filter_incidents(gdf, start="2020-01-01"))
    assert "t-embassy" in ids(geoevents.filter_incidents(gdf, end="2019-12-31"))
    assert "t-embassy" in ids(geoevents.filter_incidents(gdf, start="2020", end="2020"))
    assert "t-embassy" not in ids(geoevents.filter_incidents(gdf, start="2020-01-02"))
    # The Raqqa fight runs 13..17 Oct: a range inside it keeps it.
    assert ids(geoevents.filter_incidents(gdf, start="2017-10-15", end="2017-10-15")) == {"t-raqqa"}


def test_inclusive_day_bounds(gdf):
    out = geoevents.filter_incidents(gdf, start="2017-10-04", end="2017-10-04")
    assert ids(out) == {"t-tongo"}
    out = geoevents.filter_incidents(gdf, start="2017-10-05", end="2017-10-12")
    assert ids(out) == set()


def test_start_after_end_is_a_usage_error():
    with pytest.raises(UsageError, match="after"):
        Criteria(start="2018", end="2017")


def test_type_is_case_insensitive_and_repeatable(gdf):
    out = geoevents.filter_incidents(gdf, types=["battles", "RIOTS"])
    assert ids(out) == {"t-kirkuk", "t-raqqa", "t-tongo", "t-embassy"}


def test_unknown_type_suggests_the_nearest():
    with pytest.raises(UsageError, match='did you mean "Battles"'):
        Criteria(types=["Battle"])


def test_actor_matches_any_actor_field(gdf):
    assert ids(geoevents.filter_incidents(gdf, actors=["puk"])) == {"t-kirkuk", "t-sulay"}
    assert ids(geoevents.filter_incidents(gdf, actors=["United States"])) == {"t-tongo"}


def test_country_by_name_or_iso3(gdf):
    assert ids(geoevents.filter_incidents(gdf, countries=["syria"])) == {"t-raqqa", "t-deir"}
    assert ids(geoevents.filter_incidents(gdf, countries=["NER"])) == {"t-tongo"}


def test_bbox(gdf):
    out = geoevents.filter_incidents(gdf, bbox=(43.0, 34.0, 46.0, 36.0))
    assert ids(out) == {"t-kirkuk", "t-sulay"}


def test_bbox_across_the_antimeridian_wraps():
    gdf = geoevents.load(SMALL)
    assert len(geoevents.filter_incidents(gdf, bbox=(170.0, -90.0, -170.0, 90.0))) == 0
    assert len(geoevents.filter_incidents(gdf, bbox=(40.0, -90.0, 2.0, 90.0))) == 5


def test_near_within_uses_geodesic_distance(gdf):
    # Kirkuk to Sulaymaniyah is about 95 km.
    assert ids(geoevents.filter_incidents(gdf, near=(35.4681, 44.3922), within_km=90)) == {
        "t-kirkuk"
    }
    near = geoevents.filter_incidents(gdf, near=(35.4681, 44.3922), within_km=100)
    assert ids(near) == {"t-kirkuk", "t-sulay"}


def test_near_without_within_is_a_usage_error():
    with pytest.raises(UsageError, match="together"):
        Criteria(near=(35.0, 44.0))


def test_min_fatalities_drops_unreported(gdf):
    assert ids(geoevents.filter_incidents(gdf, min_fatalities=0)) == {
        "t-raqqa",
        "t-tongo",
        "t-deir",
    }
    assert ids(geoevents.filter_incidents(gdf, min_fatalities=10)) == {"t-deir"}


def test_max_precision(gdf):
    out = geoevents.filter_incidents(gdf, max_precision=1)
    assert "t-tongo" not in ids(out) and "t-deir" not in ids(out)
    assert len(geoevents.filter_incidents(gdf, max_precision=2)) == 5


def test_text_searches_locations_and_actors_too(gdf):
    # Free text is what an analyst reads of an incident: where, and who, as well (issue 11).
    assert ids(geoevents.filter_incidents(gdf, text="tongo tongo")) == {"t-tongo"}
    assert ids(geoevents.filter_incidents(gdf, text="ez-zor")) == {"t-deir"}
    assert ids(geoevents.filter_incidents(gdf, text="kataib")) == {"t-embassy"}
    assert ids(geoevents.filter_incidents(gdf, text="popular mobilization")) == {"t-kirkuk"}


def test_text_searches_title_summary_and_sources(gdf):
    assert ids(geoevents.filter_incidents(gdf, text="stadium")) == {"t-raqqa"}
    assert ids(geoevents.filter_incidents(gdf, text="allied militia")) == {"t-kirkuk"}
    assert ids(geoevents.filter_incidents(gdf, text="daily beast")) == {"t-raqqa"}
    assert ids(geoevents.filter_incidents(gdf, text="FINAL REDOUBT")) == {"t-raqqa"}


def test_empty_selection_names_the_filter_that_emptied_it(gdf):
    with pytest.raises(EmptySelectionError, match="country Niger") as info:
        geoevents.filter_incidents(
            gdf, Criteria(start="2019", countries=["Niger"]), allow_empty=False
        )
    assert info.value.exit_code == 5


def test_cli_filters_and_usage_errors(run):
    result = run(
        "list",
        SMALL,
        "--start",
        "2017-10",
        "--end",
        "2017-10",
        "--type",
        "battles",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    import json

    assert {r["id"] for r in json.loads(result.stdout)} == {"t-kirkuk", "t-raqqa", "t-tongo"}
    for args, message in [
        (["--start", "2020-13"], "not a date that exists"),
        (["--start", "2018", "--end", "2017"], "after"),
        (["--type", "Batles"], 'did you mean "Battles"'),
        (["--bbox", "1,2,3"], "four numbers"),
        (["--near", "35,44"], "together"),
        (["--near", "95,44", "--within", "5"], "out of range"),
        (["--max-precision", "4"], "4"),
    ]:
        result = run("list", SMALL, *args)
        assert result.exit_code == 2, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output


def test_cli_empty_selection_exits_5(run):
    result = run("list", SMALL, "--country", "France")
    assert result.exit_code == 5
    assert "country France" in result.stderr


def test_sub_type_is_a_whole_name_case_insensitive(gdf):
    assert ids(geoevents.filter_incidents(gdf, sub_types=["armed CLASH"])) == {"t-tongo"}
    assert ids(geoevents.filter_incidents(gdf, sub_types=["Other", "Air/drone strike"])) == {
        "t-sulay",
        "t-deir",
    }
    assert geoevents.filter_incidents(gdf, sub_types=["armed"]).empty  # not a substring


def test_fatality_bounds_leave_out_unreported_unless_asked(gdf):
    assert ids(geoevents.filter_incidents(gdf, max_fatalities=9)) == {"t-raqqa", "t-tongo"}
    assert ids(geoevents.filter_incidents(gdf, min_fatalities=1, max_fatalities=9)) == {"t-tongo"}
    with_unknown = geoevents.filter_incidents(gdf, max_fatalities=0, include_unreported=True)
    assert ids(with_unknown) == {"t-raqqa", "t-kirkuk", "t-embassy", "t-sulay"}
    # Alone, include_unreported changes nothing.
    assert len(geoevents.filter_incidents(gdf, include_unreported=True)) == len(gdf)


def test_min_above_max_fatalities_is_a_usage_error():
    with pytest.raises(UsageError, match="swap them"):
        Criteria(min_fatalities=5, max_fatalities=2)
    with pytest.raises(UsageError, match=">= 0"):
        Criteria(max_fatalities=-1)


def test_date_precision_and_confidence_are_choices(gdf):
    assert ids(geoevents.filter_incidents(gdf, date_precisions=["MONTH"])) == {"t-deir"}
    assert len(geoevents.filter_incidents(gdf, confidences=["confirmed"])) == 6
    assert geoevents.filter_incidents(gdf, confidences=["possible"]).empty
    assert Criteria(date_precisions=["Day"]).date_precisions == ("day",)
    with pytest.raises(UsageError, match="valid values: day, week, month, year"):
        Criteria(date_precisions=["daily"])
    with pytest.raises(UsageError, match="unknown confidence 'sure'"):
        Criteria(confidences=["sure"])


def test_new_criteria_describe_themselves():
    c = Criteria(
        sub_types=["Armed clash"],
        max_fatalities=3,
        include_unreported=True,
        date_precisions=["day"],
        confidences=["probable"],
    )
    assert c.describe() == [
        "sub-type Armed clash",
        "fatalities <= 3",
        "date precision day",
        "confidence probable",
        "fatalities not reported included",
    ]
