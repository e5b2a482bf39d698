"""The extraction evaluation on reports it was not tuned on: figures must not fall.

The floors are the figures recorded in ``docs/extraction.md`` ("after"); an improvement may
raise them, a regression fails here. The figures are printed (``pytest -s``).
"""

from __future__ import annotations

import pytest
from extraction_eval import evaluate, labels

from geoevents import gazetteer

#: The figures of docs/extraction.md (after the rules of issue 14), as floors.
FLOORS = {
    "recall": 0.86,
    "precision": 0.86,
    "date_accuracy": 0.95,
    "type_accuracy": 0.90,
    "actor_accuracy": 0.79,
    "actors_named": 0.95,
}


@pytest.fixture(scope="module", autouse=True)
def index() -> None:
    gazetteer.load_index()


def test_the_evaluation_set_is_what_the_docs_say():
    data = labels()
    reports = data["reports"]
    assert len(reports) >= 20
    assert len({inc["iso3"] for r in reports for inc in r["incidents"]}) >= 6


def test_extraction_figures_do_not_fall_below_the_recorded_floors():
    figures = evaluate()
    print("\n" + figures.table())
    for name, floor in FLOORS.items():
        assert getattr(figures, name) >= floor, (name, getattr(figures, name), figures)
    assert figures.per_incident <= 1.1  # one candidate per incident
