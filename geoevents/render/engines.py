"""Which drawer a map gets: the classic one (a Leaflet marker per incident) or the canvas.

Checked before a store is read (``--engine large --cluster`` is refused at once), so it
needs nothing of folium.
"""

from __future__ import annotations

import logging

from geoevents.errors import UsageError

__all__ = ["CLUSTER_MAX", "ENGINES", "LARGE_ENGINE_MIN", "choose_engine"]

log = logging.getLogger(__name__)

#: How the incidents are drawn: "classic" is the vector drawer (one Leaflet marker each),
#: "large" the canvas drawer. Every map carries its incidents the same way.
ENGINES = ("auto", "classic", "large")

#: From this many incidents on, "auto" draws on a canvas: below it, one Leaflet marker per
#: incident still draws within about a second.
LARGE_ENGINE_MIN = 10_001

#: Clustering needs one Leaflet marker per incident; "auto" keeps it up to this many.
CLUSTER_MAX = 100_000


def choose_engine(engine: str, count: int, *, cluster: bool = False) -> str:
    """Return the engine that draws ``count`` incidents: ``"classic"`` or ``"large"``.

    Parameters
    ----------
    engine : {"auto", "classic", "large"}
        What was asked for; ``"auto"`` picks the large-data layer from ``LARGE_ENGINE_MIN``
        incidents on (from ``CLUSTER_MAX`` when clustering was asked for).
    count : int
        Number of incidents.
    cluster : bool
        Whether clustering was asked for (only the classic engine clusters).

    Raises
    ------
    UsageError
        For an unknown engine, or clustering with the large engine.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if engine == "large" and cluster:
        cluster_on, classic = "cluster=True", 'engine="classic"'
        raise UsageError(
            f"{cluster_on} works with the classic engine only (the large engine thins dense "
            f"points itself); drop {cluster_on} or use {classic}",
            options=(cluster_on, classic),
        )
    if engine != "auto":
        return engine
    if count >= (CLUSTER_MAX if cluster else LARGE_ENGINE_MIN):
        if cluster:
            log.warning(
                "%d incidents are too many to cluster: drawing them with the large engine, "
                "without clusters",
                count,
            )
        return "large"
    return "classic"
