"""`geoevents validate`: a store's problems, all at once."""

from __future__ import annotations

from helpers import SMALL


def test_validate_valid_store(run):
    result = run("validate", SMALL)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"valid: {SMALL}: 0 errors, 0 warnings in 6 features"


def test_the_seed_store_validates_cleanly(run):
    from helpers import SEED_STORE

    result = run("validate", SEED_STORE)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith(f"valid: {SEED_STORE}: 0 errors, 0 warnings")
