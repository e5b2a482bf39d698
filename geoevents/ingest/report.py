"""What an import returns: the incidents, and the rows that did not make it, with line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geoevents import schema
from geoevents.problems import ValidationReport, first_lines

__all__ = ["ImportResult", "RejectedRow", "SuspectRow", "contract_problems"]

#: How many rejected rows an error message lists before it says "and N more".
MESSAGE_LIMIT = 20


@dataclass(frozen=True)
class RejectedRow:
    """A row that could not be imported.

    Attributes
    ----------
    line : int
        1-based line of the file on which the row starts; the header is line 1.
    reason : str
        What is wrong and what to do, naming the column and the value.
    column : str or None
        The source column at fault, when one is.
    value : str or None
        The bad value as it is in the file.
    id : str or None
        The row's id in its source, when it has one.
    """

    line: int
    reason: str
    column: str | None = None
    value: str | None = None
    id: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class SuspectRow:
    """A row that was imported but deserves a look (e.g. coordinates 0,0).

    Attributes
    ----------
    line : int
        1-based line of the file on which the row starts.
    id : str
        The incident's id.
    reason : str
        Why it looks wrong.
    """

    line: int
    id: str
    reason: str

    def __str__(self) -> str:
        return f'line {self.line} (id "{self.id}"): {self.reason}'


@dataclass
class ImportResult:
    """The outcome of :func:`geoevents.ingest.import_file`.

    Attributes
    ----------
    incidents : geopandas.GeoDataFrame
        One row per imported incident: the columns of :data:`geoevents.schema.COLUMNS` and
        ``geometry`` (EPSG:4326 points). Text columns use pandas' string dtype (missing values
        are NA), dates are ``YYYY-MM-DD`` text, ``geo_precision`` and ``fatalities`` are
        ``Int64`` (``fatalities`` is NA when not reported), ``assoc_actors`` and ``tags`` hold
        lists of str and ``sources`` lists of dicts. Every row has its own lists, but rows
        citing the same ACLED sources share the source dicts (a million rows would otherwise
        hold millions of identical dicts): copy one before changing it in place.
    rejected : list of RejectedRow
        Rows that could not be imported, in file order.
    suspect : list of SuspectRow
        Imported rows that look wrong, in file order.
    rows_read : int
        Data rows read (the header, an HXL row and blank lines are not rows).
    detected_format : str
        The layout found, e.g. ``"acled-api"``, ``"acled-export"``, ``"ucdp-ged"``,
        ``"ucdp-ged-hdx"``, ``"gdelt-2.0"``, ``"csv"``.
    source : str
        The file read, for messages.
    skipped : int
        Rows left out on purpose, not because they were wrong (GDELT events whose CAMEO code
        is not a conflict event).
    """

    incidents: gpd.GeoDataFrame
    rejected: list[RejectedRow] = field(default_factory=list)
    suspect: list[SuspectRow] = field(default_factory=list)
    rows_read: int = 0
    detected_format: str = ""
    source: str = ""
    skipped: int = 0

    def summary(self) -> str:
        """Return one line saying how many rows were read, imported, rejected and flagged."""
        parts = [
            f"{self.source}: {len(self.incidents):,} of {self.rows_read:,} rows imported "
            f"({self.detected_format})"
        ]
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        parts.append(f"{len(self.rejected):,} rejected")
        if self.suspect:
            parts.append(f"{len(self.suspect):,} suspect")
        return ", ".join(parts)

    def report(self) -> ValidationReport:
        """Return the rejected rows as errors and the suspect ones as warnings.

        The problems name the line of the source file (the ``field`` starts with ``line N``),
        since a rejected row never becomes a feature with an index.
        """
        return problems_report(self.source, self.rejected, self.suspect, self.rows_read)


def problems_report(
    source: str, rejected: list[RejectedRow], suspect: list[SuspectRow], count: int
) -> ValidationReport:
    """Build a :class:`~geoevents.problems.ValidationReport` from rejected and suspect rows."""
    report = ValidationReport(source=source, count=count)
    for r in rejected:
        where = f"line {r.line}" + (f", {r.column}" if r.column else "")
        report.add("error", r.reason, feature_id=r.id, field=where, kind="import")
    for s in suspect:
        report.add("warning", s.reason, feature_id=s.id, field=f"line {s.line}", kind="import")
    return report


def list_rejected(rejected: list[RejectedRow], limit: int = MESSAGE_LIMIT) -> str:
    """Return the first ``limit`` rejected rows, one per line, for an error message."""
    return "\n".join(first_lines([str(r) for r in rejected], limit, indent="  "))


_STR_KINDS = ("str", "date")


def contract_problems(gdf: gpd.GeoDataFrame) -> list[str]:
    """Check that an incident table has the shape importers promise.

    This checks the container (columns, dtypes, CRS, Python types inside list columns); use
    :func:`geoevents.validation.validate_frame` to check the values.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        An ``ImportResult.incidents`` table.

    Returns
    -------
    list of str
        One line per problem; empty when the table keeps the contract.
    """
    out: list[str] = []
    expected = [*schema.COLUMNS, "geometry"]
    if list(gdf.columns) != expected:
        out.append(f"columns are {list(gdf.columns)}, expected {expected}")
        return out
    if gdf.crs is None or gdf.crs.to_string() != schema.CRS:
        out.append(f"CRS is {gdf.crs}, expected {schema.CRS}")
    for f in schema.FIELDS:
        col = gdf[f.name]
        if f.kind in _STR_KINDS and not pd.api.types.is_string_dtype(col.dtype):
            out.append(f"{f.name} has dtype {col.dtype}, expected a string dtype")
        elif f.kind == "int" and str(col.dtype) != "Int64":
            out.append(f"{f.name} has dtype {col.dtype}, expected Int64")
        elif f.kind.startswith("list"):
            bad = [v for v in col if not isinstance(v, list)]
            if bad:
                out.append(f"{f.name}: {len(bad)} values are not lists, e.g. {bad[0]!r}")
            elif f.kind == "list[str]":
                if any(not isinstance(x, str) for v in col for x in v):
                    out.append(f"{f.name}: a list holds something other than str")
            elif any(
                not isinstance(x, dict) or set(x) - set(schema.SOURCE_KEYS) or "name" not in x
                for v in col
                for x in v
            ):
                out.append(f"{f.name}: a source is not a dict of {schema.SOURCE_KEYS}")
    for name in ("date_start", "date_end"):
        bad = ~gdf[name].str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        if bad.any():
            out.append(f"{name}: {int(bad.sum())} values are not YYYY-MM-DD")
    if len(gdf) and gdf["id"].duplicated().any():
        out.append("id: duplicate ids")
    geom_types = set(gdf.geom_type.dropna())
    if geom_types - {"Point"}:
        out.append(f"geometry: unexpected types {sorted(geom_types)}")
    return out
