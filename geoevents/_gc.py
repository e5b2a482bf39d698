"""Pause Python's cyclic garbage collector around bulk building of plain containers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_frozen", "gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of the block.

    Parsing or validating a large store creates millions of lists and dicts, and the collector
    walks every live container again every few hundred allocations: on 100,000 features that
    costs more than the work itself. Parsed JSON and table cells form no reference cycles, so
    pausing it leaves nothing uncollected.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def gc_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector off every object alive now, for the block.

    A store just read is millions of lists and dicts that live until the command ends: left
    to the collector, its first full collections walk them all again (about half a second
    at a million incidents, paid by whatever allocates next). Frozen, they are never walked;
    they are still freed as usual once unreferenced.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
