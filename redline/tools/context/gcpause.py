"""Keep full garbage-collection passes off the UI thread while a worker builds the index.

Building a big index allocates millions of small objects; the cyclic collector then runs
full (generation 2) passes over the whole heap, holding the GIL for 20-60 ms each, and the
UI thread waits. While a build runs, collection is paused; afterwards the surviving
long-lived index is moved out of the collector's sight (``gc.freeze``) so later passes stay
short, and collection is switched back on. Nested and concurrent builds share one pause.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cyclic garbage collection for the block; never leaves it off afterwards."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.freeze()  # the index just built lives on: later full passes skip it
                if _was_enabled:
                    gc.enable()


def release_gradually(containers: Iterable[dict[Any, Any] | list[Any]], chunk: int = 2000) -> None:
    """Empty big containers a slice at a time, letting other threads run in between.

    Dropping a whole index at once frees millions of objects in one C-level cascade that
    holds the GIL for ~80 ms; emptied a slice at a time, no single step is long.
    """
    for container in containers:
        if isinstance(container, dict):
            pop = container.popitem
            while container:
                for _ in range(min(chunk, len(container))):
                    pop()
                time.sleep(0)
        else:
            while container:
                del container[-chunk:]
                time.sleep(0)
