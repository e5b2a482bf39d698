"""Paths to test data, found from this file (no network, no working-directory assumptions)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = HERE / "fixtures"
SHARED = ROOT.parent / "shared"
CASES = SHARED / "data" / "geojson-cases"
SEED_STORE = ROOT / "data" / "incidents.geojson"
SMALL = FIXTURES / "small.geojson"
