"""The benchmarks' fast store generator writes files that geoevents reads and validates clean."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from click.testing import CliRunner

from geoevents.cli import cli

BULK = Path(__file__).resolve().parents[1] / "benchmarks" / "bulk_store.py"


def _bulk_store():
    spec = importlib.util.spec_from_file_location("bulk_store", BULK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_generated_month_validates_without_problems(tmp_path):
    bulk = _bulk_store()
    path = tmp_path / "part-0.parquet"
    # February 2020 (a leap month), ids from 1001; enough rows for repeats of exact records.
    bulk.write_month(bulk.month_table(2020, 2, 3000, 1001, seed=7), path)
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["count"] == 3000 and report["problems"] == [], report
    stats = CliRunner().invoke(cli, ["stats", str(path), "--by", "month", "--format", "csv"])
    assert stats.exit_code == 0, stats.output
    # Every incident starts in the month (week and month ranges count as "imprecise").
    rows = dict(line.split(",")[:2] for line in stats.stdout.splitlines()[1:])
    assert set(rows) <= {"2020-02", "imprecise"} and sum(map(int, rows.values())) == 3000
