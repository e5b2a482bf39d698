"""The gazetteer index on disk: one SQLite file, read a row at a time.

A lookup reads a handful of keys and records out of some 200,000. Unpickling the whole index
took two seconds at every start of ``geoevents geocode``; opening this file and reading what a
lookup asks for takes milliseconds, with only :mod:`sqlite3` (the standard library) imported.
The tables mirror :class:`~geoevents.gazetteer.index.GazetteerIndex`: records by id, the two
name tables (key -> ids), the suggestion pools (first letter -> keys in build order) and the
countries; ``meta`` holds the fingerprint the file was built for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from geoevents.gazetteer.records import Country, Record

__all__ = ["StoredTables", "open_tables", "write_tables"]

#: Part of the file: a reader refuses a file of another layout (and the caller rebuilds).
LAYOUT = "geoevents-gazetteer-1"

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE records (
    rid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, iso2 TEXT, admin1 TEXT,
    population INTEGER, weight INTEGER, kind TEXT, source TEXT
);
CREATE TABLE keys (key TEXT PRIMARY KEY, ids TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE loose (key TEXT PRIMARY KEY, ids TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE near (letter TEXT NOT NULL, pos INTEGER NOT NULL, key TEXT NOT NULL,
    rid INTEGER NOT NULL, PRIMARY KEY (letter, pos)) WITHOUT ROWID;
CREATE TABLE countries (iso2 TEXT PRIMARY KEY, name TEXT, iso3 TEXT, pos INTEGER) WITHOUT ROWID;
"""


def _ids_text(value: Any) -> str:
    """An id or a tuple of ids (as the index holds them) as text: ``"7"``, ``"7 9"``."""
    return str(value) if isinstance(value, int) else " ".join(map(str, value))


def _ids_value(text: str) -> int | tuple[int, ...]:
    """The inverse of :func:`_ids_text`: an int for one id, as the in-memory index keeps it."""
    parts = text.split()
    return int(parts[0]) if len(parts) == 1 else tuple(map(int, parts))


def write_tables(
    path: Path,
    *,
    records: Sequence[Record],
    keys: Mapping[str, Any],
    loose: Mapping[str, Any],
    near: Mapping[str, Sequence[tuple[str, int]]],
    countries: Mapping[str, Country],
    fingerprint: str,
) -> None:
    """Write an index's tables to a new SQLite file at ``path`` (which must not exist).

    Parameters
    ----------
    path : Path
        The file to create (the caller writes it under a temporary name and moves it).
    records, keys, loose, near, countries, fingerprint
        The parts of a :class:`~geoevents.gazetteer.index.GazetteerIndex`.
    """
    db = sqlite3.connect(path)
    try:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("layout", LAYOUT), ("fingerprint", fingerprint)]
        )
        db.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((rid, *rec) for rid, rec in enumerate(records)),
        )
        for table, content in (("keys", keys), ("loose", loose)):
            db.executemany(
                f"INSERT INTO {table} VALUES (?, ?)",
                ((k, _ids_text(v)) for k, v in content.items()),
            )
        db.executemany(
            "INSERT INTO near VALUES (?, ?, ?, ?)",
            (
                (letter, pos, key, rid)
                for letter, pool in near.items()
                for pos, (key, rid) in enumerate(pool)
            ),
        )
        db.executemany(
            "INSERT INTO countries VALUES (?, ?, ?, ?)",
            ((iso2, c.name, c.iso3, pos) for pos, (iso2, c) in enumerate(countries.items())),
        )
        db.commit()
    finally:
        db.close()


class StoredTables:
    """An index file opened read-only: its fingerprint and countries, the rest on demand."""

    def __init__(self, db: sqlite3.Connection, fingerprint: str, countries: dict[str, Country]):
        self.db = db
        self.fingerprint = fingerprint
        self.countries = countries
        self.records = _Records(db)
        self.keys = _IdTable(db, "keys")
        self.loose = _IdTable(db, "loose")
        self.near = _Pools(db)


def open_tables(path: Path) -> StoredTables | None:
    """Open an index file written by :func:`write_tables`.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    StoredTables or None
        None when the file is absent, unreadable or not an index file of this layout.
    """
    if not path.is_file():
        return None
    try:
        # Read-only and immutable: no journal, no lock file beside a cache another process
        # may be replacing; the connection is used by whichever thread looks a name up.
        db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        meta = dict(db.execute("SELECT name, value FROM meta"))
        if meta.get("layout") != LAYOUT:
            db.close()
            return None
        rows = db.execute("SELECT iso2, name, iso3 FROM countries ORDER BY pos").fetchall()
    except sqlite3.Error:
        return None
    countries = {iso2: Country(name, iso3) for iso2, name, iso3 in rows}
    return StoredTables(db, meta.get("fingerprint", ""), countries)


class _Records(Sequence[Record]):
    """The records by id, each read once and then kept."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db
        self._kept: dict[int, Record] = {}
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._db.execute("SELECT count(*) FROM records").fetchone()[0]
        return self._count

    def __getitem__(self, rid: Any) -> Any:
        if isinstance(rid, slice):
            return [self[i] for i in range(*rid.indices(len(self)))]
        rid = int(rid)
        if rid < 0:
            rid += len(self)
        rec = self._kept.get(rid)
        if rec is None:
            row = self._db.execute(
                "SELECT name, lat, lon, iso2, admin1, population, weight, kind, source "
                "FROM records WHERE rid = ?",
                (rid,),
            ).fetchone()
            if row is None:
                raise IndexError(rid)
            rec = self._kept[rid] = Record(*row)
        return rec

    def __iter__(self) -> Iterator[Record]:
        return (self[i] for i in range(len(self)))


class _IdTable(Mapping[str, Any]):
    """A name table: key -> an id or a tuple of ids, as :class:`GazetteerIndex` keeps them."""

    def __init__(self, db: sqlite3.Connection, table: str):
        self._db = db
        self._query = f"SELECT ids FROM {table} WHERE key = ?"
        self._all = f"SELECT key FROM {table}"
        self._table = table

    def __getitem__(self, key: str) -> Any:
        row = self._db.execute(self._query, (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return _ids_value(row[0])

    def __iter__(self) -> Iterator[str]:
        return (key for (key,) in self._db.execute(self._all))

    def __len__(self) -> int:
        return self._db.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0]


class _Pools(Mapping[str, list[tuple[str, int]]]):
    """First letter of a primary-name key -> (key, record id) pairs in build order."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db
        self._kept: dict[str, list[tuple[str, int]]] = {}

    def __getitem__(self, letter: str) -> list[tuple[str, int]]:
        pool = self._kept.get(letter)
        if pool is None:
            rows = self._db.execute(
                "SELECT key, rid FROM near WHERE letter = ? ORDER BY pos", (letter,)
            ).fetchall()
            if not rows:
                raise KeyError(letter)
            pool = self._kept[letter] = [(key, rid) for key, rid in rows]
        return pool

    def __iter__(self) -> Iterator[str]:
        return (letter for (letter,) in self._db.execute("SELECT DISTINCT letter FROM near"))

    def __len__(self) -> int:
        return self._db.execute("SELECT count(DISTINCT letter) FROM near").fetchone()[0]
