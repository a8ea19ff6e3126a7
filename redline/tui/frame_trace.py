"""An opt-in trace of the path from the network to the terminal (``REDLINE_TRACE_FRAMES=path``).

Off by default, and then free: call sites test the module-level ``on`` before building anything.
When on, every mark is ``(time.monotonic(), name, detail)`` (CLOCK_MONOTONIC, comparable with
the terminal benchmark's server records in another process), appended as JSON lines to the path
every half second and at exit. Marks: ``push`` (an event reached ``TurnHandle.push``), ``soon`` (a draw was
scheduled, with its delay), ``tick`` / ``ticked`` (the transcript drained and laid out),
``vsize-layout`` (its growth needed a layout pass), ``rows`` (the first row repainted, or all),
``present`` (the tick draws at once, naming the widgets waiting to be drawn),
``polish`` / ``polished``, ``layout-by`` (a widget asked for a layout pass), ``layout-msg``
(the screen took a widget's layout request),
``frame`` / ``framed`` (the screen's update ran: compositor and encoding), ``display``,
``write`` (the bytes handed to the driver), ``written`` (the driver's thread took them to write
to the terminal) and ``gc-start`` / ``gc-stop``. ``REDLINE_TRACE_SLOW=0.004`` also turns on
asyncio's debug mode and marks every callback slower than that (``slow``, naming it).

A diagnostic only: ``install`` wraps a few of Textual's private methods on the running app's
instances, and ``Widget.refresh`` for ``layout-by``; acceptable for a trace that nobody runs
unless asked, never for the app itself.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from collections.abc import Callable
from typing import Any

PATH = os.environ.get("REDLINE_TRACE_FRAMES") or None
on = PATH is not None
marks: list[tuple[float, str, object]] = []
_now = time.monotonic


def mark(name: str, detail: object = None) -> None:
    marks.append((_now(), name, detail))


def _timed(name: str, fn: Callable[..., Any], detail: Callable[..., object] | None = None) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(name, detail(*args) if detail is not None else None)
        try:
            return fn(*args, **kwargs)
        finally:
            mark(name + "d")

    return wrapper


def install(app: Any) -> None:
    """Wrap the screen's update, the display and the driver's writes of a running ``app``."""
    if not on:
        return
    atexit.register(dump)
    if os.environ.get("REDLINE_TRACE_SLOW"):  # asyncio's debug mode names slow callbacks
        import asyncio
        import logging

        class Slow(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                text = record.getMessage()  # what ran, then "took N seconds" at the end
                mark("slow", text if len(text) <= 300 else text[:240] + " … " + text[-40:])

        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = float(os.environ["REDLINE_TRACE_SLOW"])
        logging.getLogger("asyncio").addHandler(Slow())
        logging.getLogger("asyncio").setLevel(logging.WARNING)
    import gc

    gc.callbacks.append(lambda phase, info: mark("gc-" + phase, info.get("generation")))
    app.set_interval(0.5, dump, name="frame-trace")  # a killed pane never reaches atexit
    screen = app.screen
    timer = screen._update_timer
    timer._callback = _timed(
        "frame",
        timer._callback,
        lambda: (
            screen._layout_required,
            screen._scroll_required,
            sorted({type(w).__name__ for w in screen._dirty_widgets}),
        ),
    )
    app._display = _timed("display", app._display)
    from textual.widget import Widget

    refresh = Widget.refresh

    def traced_refresh(self: Any, *regions: Any, **kwargs: Any) -> Any:
        if kwargs.get("layout"):
            mark("layout-by", type(self).__name__)
        return refresh(self, *regions, **kwargs)

    Widget.refresh = traced_refresh  # type: ignore[method-assign]
    from textual.screen import Screen

    on_layout = Screen._on_layout

    async def traced_on_layout(self: Any, message: Any) -> None:
        mark("layout-msg", type(message.widget).__name__)
        await on_layout(self, message)

    Screen._on_layout = traced_on_layout  # type: ignore[method-assign]
    driver = app._driver
    if driver is None:
        return
    driver.write = _timed("write", driver.write, lambda data: len(data))
    writer = getattr(driver, "_writer_thread", None)
    if writer is not None:  # Queue.get calls _get on the instance: the thread took the bytes
        take = writer._queue._get

        def taken() -> Any:
            mark("written")
            return take()

        writer._queue._get = taken


def dump() -> None:
    if PATH is None:
        return
    with open(PATH, "a", encoding="utf-8") as out:
        for t, name, detail in marks:
            out.write(json.dumps([t, name, detail]) + "\n")
    marks.clear()
