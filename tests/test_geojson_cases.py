"""Every file of the shared GeoJSON edge-case corpus gets the verdict its README gives.

The verdicts come from the README's table itself, so a file added there is tested here. GeoJSON
files are judged by ``geoevents validate --geojson-only`` (RFC 7946 structure and geometry); the
``json-*`` files are JSON-level cases (most are not GeoJSON at all), judged by the strict JSON
layer, which is what their verdict is about.
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import CASES, require_shared, shared_params

from geoevents.errors import InputError
from geoevents.io.strictjson import parse_json

ROW = re.compile(r"^\| (\S+\.(?:geojson|json)) \| [^|]+ \| ([^|]+) \|", re.MULTILINE)


def verdicts() -> list[tuple[str, str]]:
    text = (CASES / "README.md").read_text(encoding="utf-8")
    rows = [(name, verdict.strip()) for name, verdict in ROW.findall(text)]
    assert len(rows) >= 40, "the corpus README table was not parsed"
    return rows


def category(verdict: str) -> str:
    if verdict.startswith("valid-warn"):
        return "warn"
    if verdict.startswith("geo-invalid") or verdict.startswith("invalid"):
        return "invalid"
    if verdict.startswith("valid"):
        return "valid"
    raise AssertionError(f"unknown verdict {verdict!r}")


@pytest.mark.parametrize(("name", "verdict"), shared_params(CASES, verdicts, 2), ids=str)
def test_corpus_verdict(name, verdict, run):
    require_shared(CASES)
    path = CASES / name
    want = category(verdict)
    if name.startswith("json-"):
        data = path.read_bytes()
        if want == "invalid":
            with pytest.raises(InputError):
                parse_json(data, name, duplicates="warning")
        else:
            _, problems = parse_json(data, name, duplicates="warning")
            assert [p.severity for p in problems] == ["warning"] * len(problems)
            assert problems, f"{name}: expected a warning"
        return

    result = run("validate", "--geojson-only", "--format", "json", path)
    assert "Traceback" not in result.output
    if result.exit_code == 3:  # unreadable: one-line error on stderr
        assert want == "invalid", result.stderr
        assert result.stderr.startswith("Error: ") and str(path) in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        return
    report = json.loads(result.stdout)
    severities = [p["severity"] for p in report["problems"]]
    if want == "invalid":
        assert result.exit_code == 4 and "error" in severities, report
        if verdict.startswith("geo-invalid"):
            assert any(p["kind"] in ("geometry", "structure") for p in report["problems"]), report
    elif want == "warn":
        assert result.exit_code == 0 and "warning" in severities, report
    else:
        assert result.exit_code == 0 and severities == [], report


def test_geo_invalid_files_name_the_geometry_problem(run):
    require_shared(CASES)
    result = run("validate", "--geojson-only", CASES / "gv-self-intersection.geojson")
    assert result.exit_code == 4
    assert "Self-intersection" in result.stdout
    result = run("validate", "--geojson-only", CASES / "am-polygon-over-180.geojson")
    assert "[190, 40] is outside lon -180..180" in result.stdout


def test_swapped_coordinates_are_caught_by_the_country_check():
    """The swapped points are legal GeoJSON; naming their country reveals the swap."""

    from geoevents.problems import ValidationReport
    from geoevents.validation import check_frame

    require_shared(CASES)
    doc = json.loads((CASES / "authored" / "swapped-latlon.geojson").read_text("utf-8"))
    iso3 = {
        "baghdad-correct": "IRQ",
        "baghdad-swapped": "IRQ",
        "kirkuk-swapped": "IRQ",
        "niamey-swapped": "NER",
    }
    rows = [
        {
            "id": f["id"],
            "title": f["id"],
            "date_start": "2017-10-16",
            "event_type": "Battles",
            "iso3": iso3[f["id"]],
        }
        for f in doc["features"]
    ]
    import pandas as pd
    import shapely

    points = [shapely.Point(f["geometry"]["coordinates"]) for f in doc["features"]]
    report = ValidationReport()
    check_frame(pd.DataFrame(rows), points, report)
    flagged = {p.feature_id for p in report.warnings if p.kind == "plausibility"}
    assert flagged == {"baghdad-swapped", "kirkuk-swapped", "niamey-swapped"}
    assert all("swapped" in p.message for p in report.warnings)
