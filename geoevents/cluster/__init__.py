"""The same commands on a Dask cluster: a partitioned GeoParquet store read, validated, filtered
and aggregated partition by partition on the workers of a ``distributed`` scheduler.

Every partition (one GeoParquet file) goes through the library's own reader, checks, filters,
counts and aggregates (:mod:`~geoevents.cluster.partitions`); :mod:`~geoevents.cluster.gather`
combines the results in store order, so the answers equal an in-process run by construction.
:mod:`~geoevents.cluster.run` is what the commands call; :mod:`~geoevents.cluster.session`
connects; :mod:`~geoevents.cluster.importer` imports many GDELT files into one store.

Nothing here is imported unless a scheduler is given (``--scheduler`` or
``DASK_SCHEDULER_ADDRESS``), and it needs the ``cluster`` extra (dask, distributed).
"""

__all__: list[str] = []
