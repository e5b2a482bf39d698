"""Paths to test data, found from this file (no network, no working-directory assumptions).

Most tests run on the small fixtures in ``tests/fixtures/``, written for them. A few need what a
plain clone does not have: the external GeoJSON corpus and the real UCDP files in
``../shared/data`` and the seed articles in ``../shared/seeds``, next to the repository. Those
call :func:`require_shared` first: it skips them, naming ``../shared``, when the data is absent,
and fails them instead under ``CI=true``, where the data must be there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = HERE / "fixtures"
SHARED = ROOT.parent / "shared"
CASES = SHARED / "data" / "geojson-cases"
SEEDS = SHARED / "seeds"
UCDP_REAL = SHARED / "data" / "real" / "hdx-scraper-ucdp"
SEED_STORE = ROOT / "data" / "incidents.geojson"
SMALL = FIXTURES / "small.geojson"
BAD = FIXTURES / "bad"

#: The id of the one parameter that stands in for a corpus that is not there.
ABSENT = "shared-absent"


def unavailable(reason: str) -> NoReturn:
    """Skip the calling test because something it needs is not here; fail instead on CI.

    CI (``CI=true``) has everything a test needs (``../shared``, Chromium, the tools the
    examples pipe into), so there a missing piece is a fault to see, not a skip to overlook.
    """
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: it must be there)")
    pytest.skip(reason)


def require_shared(*paths: Path) -> None:
    """Skip the calling test unless every path (under ``../shared``) exists; fail on CI.

    Parameters
    ----------
    paths
        Files or folders the test reads, inside :data:`SHARED`.

    Raises
    ------
    pytest.skip.Exception
        When one is absent, with a reason that names ``../shared`` and the missing path.
    pytest.fail.Exception
        Instead of skipping when ``CI=true`` (see :func:`unavailable`).
    """
    missing = [p for p in paths if not p.exists()]
    if missing:
        where = ", ".join(f"../shared/{p.relative_to(SHARED)}" for p in missing)
        unavailable(f"needs {where} (../shared, next to the repository, is not here)")


def shared_params(path: Path, values: Callable[[], Sequence[Any]], arity: int = 1) -> list[Any]:
    """Parameters read from ``path`` under ``../shared``, or one stand-in when it is absent.

    Collection must not fail on a plain clone, and an empty parameter set would skip without
    saying why (and would skip on CI too): the stand-in, whose id is :data:`ABSENT`, reaches the
    test, which calls :func:`require_shared` first.

    Parameters
    ----------
    path
        The file or folder the parameters come from.
    values
        Reads the parameters; called only when ``path`` exists.
    arity
        How many argument names the parametrisation has.
    """
    if path.exists():
        return list(values())
    return [pytest.param(*([None] * arity), id=ABSENT)]
