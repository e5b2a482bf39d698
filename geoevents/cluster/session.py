"""Connecting to a Dask scheduler: one clear line when there is none at the address."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from geoevents.errors import ClusterError

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

__all__ = ["ENV_ADDRESS", "connect", "scheduler_address"]

#: The variable Dask users already set for the scheduler of their cluster.
ENV_ADDRESS = "DASK_SCHEDULER_ADDRESS"
_INSTALL = "install the cluster extra (pip install 'geoevents[cluster]')"


def scheduler_address(given: str | None = None) -> str | None:
    """The scheduler to run on: ``given``, else ``$DASK_SCHEDULER_ADDRESS``, else None
    (in-process)."""
    return given or os.environ.get(ENV_ADDRESS) or None


def _host_port(address: str) -> tuple[str, int] | None:
    """Host and port of a ``tcp://host:port`` (or ``host:port``) address; None for others."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls") or not parts.hostname:
        return None
    try:
        return parts.hostname, parts.port or 8786
    except ValueError:
        return None


@contextlib.contextmanager
def connect(address: str, *, timeout: float = 10.0) -> Iterator[Client]:
    """A client of the scheduler at ``address``, closed on exit.

    Raises
    ------
    ClusterError
        When dask is not installed, or nothing answers at the address.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            f"running on a Dask scheduler ({address}) needs dask; {_INSTALL}"
        ) from None
    where = _host_port(address)
    if where is not None:
        # A plain connection first: the client would retry for the whole timeout.
        try:
            socket.create_connection(where, timeout=timeout).close()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ClusterError(
                f"{address}: no Dask scheduler answers there ({reason}); start one "
                "(dask scheduler) or check the address"
            ) from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"{address}: cannot connect to a Dask scheduler ({exc}); check the address"
        ) from None
    try:
        yield client
    finally:
        client.close()
