"""Start-up: `geoevents --help` and the package root import nothing heavy; the API stays whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types

import pytest
from helpers import ROOT

import geoevents

HEAVY = ("geopandas", "pandas", "shapely", "pyarrow", "folium", "pyproj", "h3", "matplotlib")

#: Runs the command line in a fresh interpreter, then prints the heavy modules it imported.
#: The console entry's os._exit once a command completes is kept from ending the probe first.
PROBE = """
import json, runpy, sys
import geoevents.cli
geoevents.cli.exit_when_done = lambda: None
sys.argv = ["geoevents", *json.loads(sys.argv[1])]
try:
    runpy.run_module("geoevents", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def _heavy_after(code: str, *args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        *[[name, "--help"] for name in ("list", "map", "add", "import", "aggregate", "figure")],
        ["stats", "--help"],
    ],
)
def test_help_imports_nothing_heavy(args):
    probe = PROBE.format(heavy=repr(HEAVY))
    assert _heavy_after(probe, json.dumps(args)) == []


def test_importing_the_cli_or_the_package_imports_nothing_heavy():
    code = (
        "import json, sys, geoevents, geoevents.cli; from geoevents.cli import cli, main; "
        "from geoevents import Criteria, GeoeventsError; Criteria(start='2017'); "
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)"
    )
    assert _heavy_after(code) == []


def test_every_public_name_resolves():

    for name in geoevents.__all__:
        value = getattr(geoevents, name)
        assert value is not None and not isinstance(value, types.ModuleType), name
    from geoevents import build_map, filter_incidents, load  # noqa: F401

    assert set(geoevents.__all__) <= set(dir(geoevents))
    assert geoevents.Criteria is geoevents.filters.Criteria  # re-exported where it was
    assert geoevents.schema.COLUMNS  # submodules still reachable as attributes
    assert callable(geoevents.aggregate) and callable(geoevents.figure)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        geoevents.nope  # noqa: B018


def test_a_cached_geocode_imports_nothing_heavy(tmp_path, monkeypatch):
    """`geoevents geocode NAME` with the index cached opens the SQLite file and nothing else.

    A one-place index stands in for the real one (building that takes seconds), cached under
    the name this version looks for.
    """
    from geoevents import gazetteer

    monkeypatch.setenv("GEOEVENTS_CACHE_DIR", str(tmp_path))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    path = gazetteer.cache_path()
    assert path is not None and path.parent == tmp_path
    record = gazetteer.Record("Kirkuk", 35.47, 44.39, "IQ", "Kirkuk", 10, 10, "populated place", "")
    countries = {"IQ": gazetteer.Country("Iraq", "IRQ")}
    gazetteer.write_cache(
        gazetteer.make_index([record], [["Kirkuk"]], countries, path.stem.split("-")[1]), path
    )
    probe = PROBE.format(heavy=repr(HEAVY))
    args = json.dumps(["geocode", "Kirkuk", "--format", "json"])
    out = subprocess.run(
        [sys.executable, "-c", probe, args], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(out.stdout)[0]["name"] == "Kirkuk"
    assert "building" not in out.stderr
    assert json.loads(out.stderr.strip().splitlines()[-1]) == []


def test_the_first_geocode_says_it_builds_the_index(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from geoevents import gazetteer
    from geoevents.cli import cli

    monkeypatch.setenv("GEOEVENTS_CACHE_DIR", str(tmp_path))
    built: list[bool] = []
    monkeypatch.setattr(gazetteer, "geocode", lambda *a, **k: built.append(True) or [])
    previous = gazetteer.use_index(None)  # as in a fresh process: no index loaded yet
    try:
        # Not a terminal here: progress is shown with -v (and never mixed into the output).
        result = CliRunner().invoke(cli, ["-v", "geocode", "Kirkuk"])
        quiet = CliRunner().invoke(cli, ["geocode", "Kirkuk"])
    finally:
        gazetteer.use_index(previous)
    assert result.exit_code == 0, result.output
    assert built and "building the gazetteer index" in result.stderr
    assert quiet.exit_code == 0 and "building" not in quiet.stderr
