"""Adding incidents to a store safely: validated first, under a file lock, written atomically."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geoevents.errors import ValidationError
from geoevents.io import load, write_incidents
from geoevents.problems import ValidationReport
from geoevents.validation import check_frame

__all__ = ["add_incidents", "locked", "merge_incidents"]

_OWN_ID = re.compile(r"inc-(\d+)")


@contextlib.contextmanager
def locked(store: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``store`` (a ``.lock`` file beside it) for a read-modify-write.

    Two processes adding at once take turns, so both additions land.
    """
    lock_path = store.with_name(store.name + ".lock")
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _next_ids(existing: pd.Series, count: int) -> list[str]:
    numbers = [int(m[1]) for m in existing.dropna().astype(str).map(_OWN_ID.fullmatch) if m]
    start = max(numbers, default=0) + 1
    return [f"inc-{n:06d}" for n in range(start, start + count)]


def add_incidents(
    store: str | os.PathLike[str], records: list[dict[str, Any]], geometries: list[Any]
) -> gpd.GeoDataFrame:
    """Validate new incidents and append them to ``store`` (created when missing).

    Parameters
    ----------
    store : path-like
        The incident store (any supported format).
    records : list of dict
        Incident properties; an incident without ``id`` gets a new unique one (``inc-000123``).
    geometries : list of shapely geometries
        One per record.

    Returns
    -------
    geopandas.GeoDataFrame
        The incidents added, as stored (ids assigned, defaults filled).

    Raises
    ------
    ValidationError
        When a new incident is invalid, or its id is already in the store. The store is then
        left byte-for-byte as it was.
    """
    path = Path(store)
    with locked(path):
        current = load(path) if path.exists() else None
        raw = pd.DataFrame(records, dtype=object, index=range(len(records)))
        if "id" not in raw.columns:
            raw["id"] = None
        missing = raw["id"].isna()
        if missing.any():
            pool = current["id"] if current is not None else pd.Series([], dtype=object)
            raw.loc[missing, "id"] = _next_ids(pool, int(missing.sum()))
        report = ValidationReport(source="new incident", count=len(raw))
        new, _ = check_frame(raw, geometries, report)
        if current is not None:
            taken = set(current["id"])
            for i, ident in enumerate(new["id"]):
                if ident in taken:
                    report.add(
                        "error",
                        f'id "{ident}" is already in {path}',
                        "choose another --id, or leave it out for a new one",
                        index=i,
                        feature_id=ident,
                        field="id",
                    )
        if report.errors:
            lines = "\n".join(p.format() for p in report.errors)
            raise ValidationError(f"{path} was not changed:\n{lines}", report)
        combined = new if current is None else pd.concat([current, new], ignore_index=True)
        write_incidents(gpd.GeoDataFrame(combined, crs=new.crs), path)
    return new


def _timestamp(tags: Any) -> int | None:
    for tag in tags if isinstance(tags, list | tuple) else ():
        if isinstance(tag, str) and tag.startswith("timestamp:"):
            try:
                return int(tag.split(":", 1)[1])
            except ValueError:
                return None
    return None


def merge_incidents(
    store: str | os.PathLike[str], incoming: gpd.GeoDataFrame
) -> tuple[int, int, int]:
    """Merge incidents into ``store`` by id, atomically and under the store's lock.

    A new id is added; an id already in the store is replaced by the incoming version, unless
    both carry a ``timestamp:`` tag (ACLED rows do) and the stored one is newer. Nothing is
    duplicated, and a crash mid-write leaves the old file intact.

    Returns
    -------
    added, updated, kept
        How many incidents were added, replaced, and left as they were because the stored
        version was newer.
    """
    path = Path(store)
    with locked(path):
        if not path.exists():
            write_incidents(incoming, path)
            return len(incoming), 0, 0
        current = load(path)
        position = {ident: i for i, ident in enumerate(current["id"])}
        keep_current = pd.Series(True, index=current.index)
        take_incoming = []
        added = updated = kept = 0
        for j, (ident, tags) in enumerate(zip(incoming["id"], incoming["tags"], strict=True)):
            i = position.get(ident)
            if i is None:
                added += 1
                take_incoming.append(j)
                continue
            old, new = _timestamp(current.at[i, "tags"]), _timestamp(tags)
            if old is not None and new is not None and old > new:
                kept += 1
                continue
            updated += 1
            keep_current.iloc[i] = False
            take_incoming.append(j)
        combined = pd.concat(
            [current[keep_current.to_numpy()], incoming.iloc[take_incoming]], ignore_index=True
        )
        write_incidents(gpd.GeoDataFrame(combined, crs=current.crs), path)
    return added, updated, kept
