"""Reading and writing incident stores, one module per format, chosen by file extension."""

from geoevents.io.atomic import atomic_write
from geoevents.io.formats import (
    FORMATS,
    format_for,
    load,
    read_incidents,
    validate,
    write_incidents,
)

__all__ = [
    "FORMATS",
    "atomic_write",
    "format_for",
    "load",
    "read_incidents",
    "validate",
    "write_incidents",
]
