"""Recognise the datasets by their first lines, to say what a wrongly chosen file looks like."""

from __future__ import annotations

import re

from geoevents.errors import InputError
from geoevents.ingest._read import Opened, Sniff

__all__ = ["GDELT_WIDTHS", "column_key", "describe", "guess_format", "wrong_layout"]

#: Column counts of GDELT event files: 2.0 (2015-), 1.0 daily files (2013-), 1.0 history.
GDELT_WIDTHS = {61: "gdelt-2.0", 58: "gdelt-1.0", 57: "gdelt-1.0"}

_SIGNATURES: dict[str, tuple[str, ...]] = {
    "acled": ("event_id_cnty", "event_date", "event_type"),
    "ucdp": ("date_prec", "where_prec", "side_a", "side_b"),
}

_DESCRIPTIONS = {
    "acled": "an ACLED export (event_id_cnty, event_date, event_type, ...)",
    "ucdp": "a UCDP GED file (id, side_a, side_b, where_prec, date_prec, best, ...)",
    "gdelt": "a GDELT event file (tab-separated, no header, 61 columns)",
}


def column_key(name: str) -> str:
    """A header name as tools spell it alike: ``ActionGeo_FullName``, ``actiongeo_fullname``
    and ``Action Geo Full Name`` are all ``actiongeofullname``."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def guess_format(sniff: Sniff) -> str | None:
    """Return the dataset the file's first lines look like, or None."""
    cols = {c.strip().lower() for c in sniff.columns}
    for fmt, needed in _SIGNATURES.items():
        if set(needed) <= cols:
            return fmt
    if "globaleventid" in {column_key(c) for c in cols}:
        return "gdelt"
    if (
        sniff.delimiter == "\t"
        and len(sniff.first) in GDELT_WIDTHS
        and sniff.first[0].strip().isdigit()
        and re.fullmatch(r"\d{8}", sniff.first[1].strip() if len(sniff.first) > 1 else "")
    ):
        return "gdelt"
    return None


def describe(fmt: str) -> str:
    """One phrase naming a dataset's layout."""
    return _DESCRIPTIONS.get(fmt, fmt)


def wrong_layout(source: Opened, fmt: str, missing: list[str], sniff: Sniff) -> InputError:
    """The error for a file that lacks columns ``fmt`` needs, saying what it looks like."""
    guess = guess_format(sniff)
    head = ", ".join(sniff.columns[:8]) + (", ..." if len(sniff.columns) > 8 else "")
    msg = (
        f"{source.name}: not {describe(fmt)}: the header lacks "
        f"{', '.join(missing)} (it starts {head})"
    )
    if guess and guess != fmt:
        msg += f". It looks like {describe(guess)}: import it with format '{guess}'"
    elif fmt != "csv":
        msg += (
            ". If it is a table of your own, import it with format 'csv' and name the "
            "columns (lat, lon, date, ...)"
        )
    return InputError(msg)
