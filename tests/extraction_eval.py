"""The extraction evaluation on reports it was not tuned on (``fixtures/extraction_eval/``).

The reports are short texts written for this project, labelled before the extractor first ran on
them (``labels.json``). Run as a script to print the figures of ``docs/extraction.md``::

    PYTHONPATH=. .venv/bin/python tests/extraction_eval.py

A candidate *matches* a labelled incident when it is in the same country and its gazetteer name
or its mention as written equals one of the incident's location names, normalised, or holds one
as whole words. Figures:

* recall: labelled incidents matched by at least one candidate;
* precision: candidates that match a labelled incident;
* date accuracy: found incidents whose best candidate gives exactly the labelled day;
* type accuracy: found incidents whose best candidate has the labelled ACLED event type;
* actor accuracy: found incidents whose best candidate's actor1 is a labelled actor and whose
  actor2 is empty or a labelled actor;
* actors named: matching candidates with an actor1 at all;
* candidates per found incident: matching candidates / found incidents.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoevents.extract import extract
from geoevents.gazetteer import normalize_name

EVAL_DIR = Path(__file__).resolve().parent / "fixtures" / "extraction_eval"


@dataclass(frozen=True)
class Figures:
    """The evaluation's figures (fractions in 0..1) and counts."""

    reports: int
    incidents: int
    candidates: int
    found: int
    true_candidates: int
    dated: int
    typed: int
    acted: int
    named_actor: int

    @property
    def recall(self) -> float:
        return self.found / self.incidents if self.incidents else 0.0

    @property
    def precision(self) -> float:
        return self.true_candidates / self.candidates if self.candidates else 0.0

    @property
    def date_accuracy(self) -> float:
        return self.dated / self.found if self.found else 0.0

    @property
    def type_accuracy(self) -> float:
        return self.typed / self.found if self.found else 0.0

    @property
    def actor_accuracy(self) -> float:
        return self.acted / self.found if self.found else 0.0

    @property
    def actors_named(self) -> float:
        return self.named_actor / self.true_candidates if self.true_candidates else 0.0

    @property
    def per_incident(self) -> float:
        return self.true_candidates / self.found if self.found else 0.0

    def table(self) -> str:
        """The figures as a Markdown table row body (name | value)."""
        rows = [
            ("reports / labelled incidents", f"{self.reports} / {self.incidents}"),
            ("candidates", f"{self.candidates}"),
            ("incident recall", f"{self.recall:.0%} ({self.found}/{self.incidents})"),
            ("precision", f"{self.precision:.0%} ({self.true_candidates}/{self.candidates})"),
            ("date accuracy (of found)", f"{self.date_accuracy:.0%} ({self.dated}/{self.found})"),
            ("type accuracy (of found)", f"{self.type_accuracy:.0%} ({self.typed}/{self.found})"),
            ("actor accuracy (of found)", f"{self.actor_accuracy:.0%} ({self.acted}/{self.found})"),
            (
                "actors named (of true candidates)",
                f"{self.actors_named:.0%} ({self.named_actor}/{self.true_candidates})",
            ),
            ("candidates per found incident", f"{self.per_incident:.2f}"),
        ]
        return "\n".join(f"| {name} | {value} |" for name, value in rows)


def labels() -> dict[str, Any]:
    """The labels file, parsed."""
    return json.loads((EVAL_DIR / "labels.json").read_text(encoding="utf-8"))


def _names_match(candidate: dict[str, Any], names: list[str]) -> bool:
    written = [t.split(":", 1)[1] for t in candidate["tags"] if t.startswith("mention:")]
    have = [normalize_name(n) for n in [candidate["location"] or "", *written] if n]
    for name in names:
        want = normalize_name(name)
        for got in have:
            if got == want or re.search(rf"\b{re.escape(want)}\b", got):
                return True
    return False


def _matches(candidate: dict[str, Any], incident: dict[str, Any]) -> bool:
    return candidate["iso3"] == incident["iso3"] and _names_match(candidate, incident["location"])


def _date_ok(candidate: dict[str, Any], incident: dict[str, Any]) -> bool:
    return candidate["date_start"] == incident["date"] == candidate["date_end"]


def _actors_ok(candidate: dict[str, Any], incident: dict[str, Any]) -> bool:
    wanted = set(incident["actors"])
    a1, a2 = candidate["actor1"], candidate["actor2"]
    return a1 in wanted and (a2 is None or a2 in wanted)


def run_report(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidates of one report, as property dicts."""
    text = (EVAL_DIR / report["file"]).read_text(encoding="utf-8")
    frame = extract(
        text, published=dt.date.fromisoformat(report["published"]), document=report["file"]
    )
    return [
        {k: (None if v != v else v) if not isinstance(v, list) else v for k, v in row.items()}
        for row in frame.drop(columns="geometry").to_dict("records")
    ]


def evaluate(verbose: bool = False) -> Figures:
    """Run the extractor on every report and score it against the labels."""
    data = labels()
    n_inc = n_cand = found = true = dated = typed = acted = named = 0
    for report in data["reports"]:
        cands = run_report(report)
        n_cand += len(cands)
        incidents = report["incidents"]
        n_inc += len(incidents)
        matching = [c for c in cands if any(_matches(c, inc) for inc in incidents)]
        true += len(matching)
        named += sum(1 for c in matching if c["actor1"])
        for inc in incidents:
            mine = [c for c in matching if _matches(c, inc)]
            if not mine:
                if verbose:
                    print(f"  MISSED {report['file']}: {inc['location'][0]} {inc['date']}")
                continue
            found += 1
            best = max(
                mine,
                key=lambda c, inc=inc: (
                    _date_ok(c, inc),
                    c["event_type"] == inc["event_type"],
                    _actors_ok(c, inc),
                ),
            )
            dated += _date_ok(best, inc)
            typed += best["event_type"] == inc["event_type"]
            acted += _actors_ok(best, inc)
            if verbose:
                print(
                    f"  {report['file']}: {inc['location'][0]} want {inc['date']} "
                    f"{inc['event_type']} {inc['actors']} | got {best['date_start']}.."
                    f"{best['date_end']} {best['event_type']} {best['actor1']} / "
                    f"{best['actor2']} ({len(mine)} cand.)"
                )
        if verbose:
            for c in cands:
                if c not in matching:
                    print(
                        f"  EXTRA {report['file']}: {c['location']} ({c['iso3']}) {c['date_start']}"
                    )
    return Figures(len(data["reports"]), n_inc, n_cand, found, true, dated, typed, acted, named)


if __name__ == "__main__":
    figures = evaluate(verbose=True)
    print(figures.table())
