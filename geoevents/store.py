"""Adding incidents to a store safely: validated first, under a file lock, written atomically.

:func:`new_incident` assembles one incident from keyword fields (as ``geoevents add`` takes
them), :func:`add_incidents` appends incidents and :func:`merge_incidents` merges them by id.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geoevents.errors import OutputError, UsageError, ValidationError
from geoevents.io import load, write_incidents
from geoevents.io.atomic import check_target
from geoevents.io.geojson import to_shape
from geoevents.problems import ValidationReport, first_lines
from geoevents.validation import check_frame, validate_frame
from geoevents.validation.geometry import check_shapes

if TYPE_CHECKING:  # pragma: no cover
    from geoevents.gazetteer import Place

__all__ = [
    "NewIncident",
    "add_incidents",
    "locked",
    "merge_incidents",
    "new_incident",
    "refuse_unreadable",
    "store_countries",
    "store_target",
]

_OWN_ID = re.compile(r"inc-(\d+)")

#: The fixes messages name, as a call spells them (see GeoeventsError.options).
_OTHER_ID = "id=..."
_SAY_WHERE = ("place=NAME", "lonlat=(lon, lat)")
_SOURCE_NEEDS_NAME = ("source_url", "source_quote", "source_name")
_PLACE_OR_LONLAT = ("place", "lonlat")
_ALLOW_DUPLICATE = "allow_duplicate=True"
#: Problems a refusal lists before "... and N more".
_SHOWN = 20


class NewIncident(NamedTuple):
    """One incident assembled by :func:`new_incident`, ready for :func:`add_incidents`."""

    #: The incident's properties (not yet validated; ``id`` may be missing).
    properties: dict[str, Any]
    #: Where it happened, in WGS84 lon/lat.
    geometry: BaseGeometry
    #: The gazetteer entry that located it, when it was located by place name.
    place: Place | None


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, list | tuple) and not value)


def new_incident(
    base: Mapping[str, Any] | None = None,
    *,
    place: str | None = None,
    lonlat: tuple[float, float] | None = None,
    id: str | None = None,  # the schema's field name, as a record spells it
    title: str | None = None,
    date_start: str | None = None,
    date_end: str | None = None,
    date_precision: str | None = None,
    event_type: str | None = None,
    sub_event_type: str | None = None,
    country: str | None = None,
    admin1: str | None = None,
    location: str | None = None,
    geo_precision: int | None = None,
    actor1: str | None = None,
    actor2: str | None = None,
    assoc_actors: Sequence[str] = (),
    fatalities: int | None = None,
    summary: str | None = None,
    source_name: str | None = None,
    source_url: str | None = None,
    source_quote: str | None = None,
    source_published: str | None = None,
    confidence: str | None = None,
    tags: Sequence[str] = (),
    prefer: Sequence[str] = (),
) -> NewIncident:
    """Assemble one incident from its fields, locating it by place name or coordinates.

    Nothing is validated or written here: pass the result to :func:`add_incidents`, which
    validates it against the schema and fills in the defaults (a new id, ``date_end``, ...).

    Parameters
    ----------
    base : mapping, optional
        A starting point: a GeoJSON Feature (its properties and geometry), or a dict of
        properties with optional ``lon`` and ``lat``. The keyword fields override it.
    place : str, optional
        Locate the incident by this place name in the offline gazetteer (narrowed by
        ``country``); ``location``, ``admin1``, ``geo_precision``, ``country`` and ``iso3`` are
        taken from the place unless given.
    lonlat : (float, float), optional
        Locate the incident at these WGS84 coordinates instead.
    prefer : sequence of str, optional
        ISO3 codes the place is expected in (e.g. the countries the store already holds): a
        name found in several countries resolves to the one there (the gazetteer's rule).
    id : str, optional
        The incident's id (default: a new unique ``inc-NNNNNN`` when it is added).
    title, date_start, date_end, date_precision, event_type, sub_event_type, country, admin1, \
location, geo_precision, actor1, actor2, assoc_actors, fatalities, summary, confidence, tags
        The schema's fields (``docs/schema.md``); None or empty leaves a field as ``base`` has
        it. A ``country`` given as an ISO3 code also sets ``iso3``.
    source_name, source_url, source_quote, source_published : str, optional
        One source, ``{name, url, quote, published}``; a source needs its name.

    Returns
    -------
    NewIncident
        The properties, the geometry, and the gazetteer place when ``place`` located it.

    Raises
    ------
    UsageError
        When a source has no name, when both ``place`` and ``lonlat`` are given, or when
        nothing says where the incident happened.
    geoevents.gazetteer.PlaceNotFoundError, geoevents.gazetteer.AmbiguousPlaceError
        When ``place`` matches no place, or several.

    Examples
    --------
    >>> incident = new_incident(title="Clashes in Tuz Khurmatu", date_start="2017-10-16",
    ...     event_type="Battles", place="Tuz Kharmato", country="IRQ")  # doctest: +SKIP
    >>> add_incidents("data/incidents.geojson", [incident.properties], [incident.geometry])
    ... # doctest: +SKIP
    """
    props: dict[str, Any] = {}
    geometry: BaseGeometry | None = None
    if base is not None:
        if base.get("type") == "Feature":
            props = dict(base.get("properties") or {})
            if isinstance(base.get("geometry"), dict):
                geometry = to_shape(base["geometry"])
        else:
            props = dict(base)
            if "lon" in props and "lat" in props:
                geometry = shapely.Point(props.pop("lon"), props.pop("lat"))
    fields = {
        "title": title,
        "date_start": date_start,
        "date_end": date_end,
        "date_precision": date_precision,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "country": country,
        "admin1": admin1,
        "location": location,
        "geo_precision": geo_precision,
        "actor1": actor1,
        "actor2": actor2,
        "assoc_actors": assoc_actors,
        "fatalities": fatalities,
        "summary": summary,
        "confidence": confidence,
        "tags": tags,
    }
    for key, value in fields.items():
        if _given(value):
            props[key] = list(value) if isinstance(value, list | tuple) else value
    source = {
        "name": source_name,
        "url": source_url,
        "quote": source_quote,
        "published": source_published,
    }
    if any(source.values()):
        if not source_name:
            url, quote, name = _SOURCE_NEEDS_NAME
            raise UsageError(f"{url}/{quote} need {name}", options=_SOURCE_NEEDS_NAME)
        props["sources"] = [{k: v for k, v in source.items() if v}]
    if id:
        props["id"] = id
    if place and lonlat:
        by_name, by_position = _PLACE_OR_LONLAT
        raise UsageError(f"give {by_name} or {by_position}, not both", options=_PLACE_OR_LONLAT)
    found = None
    if lonlat:
        geometry = shapely.Point(*lonlat)
    elif place:
        # The gazetteer loads its index on first use; only a lookup by name pays for it.
        from geoevents.gazetteer import resolve

        found = resolve(place, country=country, prefer=tuple(prefer) or None)
        geometry = shapely.Point(found.lon, found.lat)
        props.setdefault("location", found.name)
        props.setdefault("admin1", found.admin1)
        props.setdefault("geo_precision", found.geo_precision)
        props["iso3"] = props.get("iso3") or found.iso3
        if props.get("country") in (None, found.iso3):
            props["country"] = found.country
    elif geometry is None:
        by_name, by_position = _SAY_WHERE
        raise UsageError(f"say where: {by_name} or {by_position}", options=_SAY_WHERE)
    given_country = props.get("country")
    if isinstance(given_country, str) and len(given_country) == 3 and given_country.isupper():
        props.setdefault("iso3", props["country"])
    return NewIncident(props, geometry, found)


def store_target(store: str | os.PathLike[str], *, folder: bool = False) -> Path:
    """The file a store path names: a symbolic link's target, so that it is updated, not forked.

    Parameters
    ----------
    store : path-like
        The store as given.
    folder : bool
        Also require the folder it goes in to exist (a command checks this before its work,
        so that a typo in the path is not found only at the end).

    Raises
    ------
    OutputError
        For an empty path, or one that names a directory, a device or a FIFO; with
        ``folder``, when the folder is missing.
    """
    target = check_target(store)
    if folder and not target.parent.is_dir():
        raise OutputError(f"{store}: cannot change the store: {_no_folder(target)}")
    return target


def _no_folder(target: Path) -> str:
    return f"the folder {target.parent} does not exist; create it or choose another store"


@contextlib.contextmanager
def locked(store: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on ``store`` (a ``.lock`` file beside it) for a read-modify-write.

    Two processes adding at once take turns, so both additions land. A store given as a
    symbolic link is locked as its target, so a link and the file it names share one lock.

    Raises
    ------
    OutputError
        When the lock file cannot be made: the folder is missing or read-only, or the path is
        empty or not a regular file.
    """
    target = store_target(store)
    lock_path = target.with_name(target.name + ".lock")
    try:
        fh = open(lock_path, "a+b")  # noqa: SIM115 (closed below, after the unlock)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            fix = _no_folder(target)
        else:
            fix = f"choose a store in a folder you can write ({exc.strerror or exc})"
        raise OutputError(f"{store}: cannot lock the store to change it: {fix}") from exc
    with fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _next_ids(existing: pd.Series, count: int) -> list[str]:
    numbers = [int(m[1]) for m in existing.dropna().astype(str).map(_OWN_ID.fullmatch) if m]
    start = max(numbers, default=0) + 1
    return [f"inc-{n:06d}" for n in range(start, start + count)]


def _refusal(path: Path, report: ValidationReport) -> ValidationError:
    """The one error for new incidents that may not be written: every problem, one a line."""
    lines = "\n".join(first_lines([p.format() for p in report.errors], _SHOWN))
    named = tuple(o for o in (_OTHER_ID, _ALLOW_DUPLICATE) if o in lines)
    return ValidationError(f"{path} was not changed:\n{lines}", report, options=named)


def _place_key(row: Any, point: Any) -> tuple[str, str, float, float] | None:
    if point is None or point.is_empty:
        return None
    return (str(row.event_type), str(row.date_start), round(point.x, 5), round(point.y, 5))


def _text_key(row: Any) -> tuple[str, str, str, str] | None:
    location = row.location if isinstance(row.location, str) else ""
    if not location.strip():
        return None
    where = row.iso3 if isinstance(row.iso3, str) else str(row.country)
    return (str(row.event_type), str(row.date_start), location.strip().casefold(), where)


def _duplicates(
    current: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame, path: Path, report: ValidationReport
) -> None:
    """Report new incidents that repeat one already there: same place, date and event type.

    The same place is the same point (to about a metre) or the same named location in the same
    country. A new incident is compared with the store and with the new ones before it.
    """
    seen: dict[Any, str] = {}
    frames = [(current, f"in {path}")] if current is not None else []
    frames.append((new, "listed before it"))
    for frame, where in frames:
        points = frame.geometry.representative_point()
        for i, (row, point) in enumerate(zip(frame.itertuples(), points, strict=True)):
            keys = [k for k in (_place_key(row, point), _text_key(row)) if k is not None]
            if frame is new:
                other = next((seen[k] for k in keys if k in seen), None)
                if other is not None:
                    report.add(
                        "error",
                        f"it repeats incident {other} (same place, date and type)",
                        f"leave it out, or pass {_ALLOW_DUPLICATE} to add it anyway",
                        index=i,
                        feature_id=str(row.id),
                    )
            for k in keys:
                seen.setdefault(k, f'"{row.id}" {where}')


def add_incidents(
    store: str | os.PathLike[str],
    records: list[dict[str, Any]],
    geometries: list[Any],
    *,
    allow_duplicate: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> gpd.GeoDataFrame:
    """Validate new incidents and append them all to ``store`` (created when missing), or none.

    What is written is checked as reading it back would check it (the schema, and every
    coordinate inside lon -180..180 / lat -90..90), so that no add makes a store that
    geoevents then refuses to read.

    Parameters
    ----------
    store : path-like
        The incident store (any supported format). A symbolic link is written through to its
        target, under the target's lock.
    records : list of dict
        Incident properties; an incident without ``id`` gets a new unique one (``inc-000123``).
    geometries : list of shapely geometries
        One per record.
    allow_duplicate : bool, default False
        Add an incident even when one with the same place, date and event type is already
        in the store (or among the new ones).
    inputs : sequence of path-like
        Files the incidents were read from: the store may not be one of them.

    Returns
    -------
    geopandas.GeoDataFrame
        The incidents added, as stored (ids assigned, defaults filled).

    Raises
    ------
    ValidationError
        When a new incident is invalid, its id is already in the store, or it repeats one
        (without ``allow_duplicate``). The store is then left byte-for-byte as it was.
    OutputError
        When the store cannot be locked or written (a missing or read-only folder, an empty
        path, a directory or device); the store is then left as it was.
    """
    check_target(store, inputs=inputs)  # the path as given: "" is not the current folder
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
        report.problems.extend(check_shapes(new.geometry, ids=list(new["id"])))
        taken = set(current["id"]) if current is not None else set()
        given: dict[Any, int] = {}
        for i, ident in enumerate(new["id"]):
            if ident in taken or ident in given:
                where = f"in {path}" if ident in taken else f"given to feature {given[ident]} too"
                report.add(
                    "error",
                    f'id "{ident}" is already {where}',
                    f"choose another {_OTHER_ID}, or leave it out for a new one",
                    index=i,
                    feature_id=ident,
                    field="id",
                )
            given.setdefault(ident, i)
        if not allow_duplicate and not report.errors:
            _duplicates(current, new, path, report)
        if report.errors:
            raise _refusal(path, report)
        combined = new if current is None else pd.concat([current, new], ignore_index=True)
        write_incidents(gpd.GeoDataFrame(combined, crs=new.crs), path, inputs=inputs)
    return new


def refuse_unreadable(gdf: gpd.GeoDataFrame, dest: str | os.PathLike[str]) -> None:
    """Refuse incidents that, once written to ``dest``, geoevents would refuse to read back.

    The checks are those of reading: the schema (:func:`geoevents.validation.validate_frame`)
    and every coordinate inside lon -180..180 / lat -90..90. Warnings pass.

    Raises
    ------
    ValidationError
        Listing every error, one per line; nothing is written.
    """
    report = validate_frame(gdf, source="incoming")
    ids = list(gdf["id"]) if "id" in gdf.columns else None
    report.problems.extend(check_shapes(gdf.geometry, ids=ids))
    if report.errors:
        raise _refusal(Path(dest), report)


def _timestamp(tags: Any) -> int | None:
    for tag in tags if isinstance(tags, list | tuple) else ():
        if isinstance(tag, str) and tag.startswith("timestamp:"):
            try:
                return int(tag.split(":", 1)[1])
            except ValueError:
                return None
    return None


def merge_incidents(
    store: str | os.PathLike[str],
    incoming: gpd.GeoDataFrame,
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> tuple[int, int, int]:
    """Merge incidents into ``store`` by id, atomically and under the store's lock.

    A new id is added; an id already in the store is replaced by the incoming version, unless
    both carry a ``timestamp:`` tag (ACLED rows do) and the stored one is newer. Nothing is
    duplicated, and a crash mid-write leaves the old file intact.

    The incoming incidents are checked first as reading the store back would check them; any
    error refuses them all and leaves the store as it was.

    Returns
    -------
    added, updated, kept
        How many incidents were added, replaced, and left as they were because the stored
        version was newer.

    Raises
    ------
    ValidationError
        When an incoming incident has errors (see :func:`refuse_unreadable`).
    OutputError
        When the store cannot be locked or written.
    """
    check_target(store, inputs=inputs)
    path = Path(store)
    refuse_unreadable(incoming, path)
    with locked(path):
        if not path.exists():
            write_incidents(incoming, path, inputs=inputs)
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
        write_incidents(gpd.GeoDataFrame(combined, crs=current.crs), path, inputs=inputs)
    return added, updated, kept


def store_countries(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The ISO3 codes a store's incidents are in (none for a store that is not there yet).

    ``add --place`` passes them to :func:`new_incident` as ``prefer``: a store about Iraq
    implies that "Sinjar" is the Iraqi town, not the Syrian one.
    """
    if not Path(path).exists():
        return ()
    gdf = load(path, skip_invalid=True)
    return tuple(sorted({c for c in gdf["iso3"].dropna() if isinstance(c, str)}))
