"""Textual's Linux driver, but a terminal that went away ends the app, and frames skip a thread.

Textual's input thread reads stdin in a loop; when the pseudo-terminal's other side closes without
a SIGHUP (a test's child in its own session, a killed terminal emulator that sent none) every read
returns at once with nothing (EOF) or fails (EIO), and the loop spins a core forever. Here the
first such read asks the app to exit and ends the thread. The loop is Textual's
``LinuxDriver.run_input_thread`` (textual 1.x) with that one change.

Textual hands every frame to a writer thread through a queue, so a slow terminal never blocks
the app; but the thread then has to wake and take the GIL from the app's loop, which is busy
with the next thing: measured through tmux, 0-5 ms between a frame and its bytes leaving, on
the first text and on the last. ``DirectWriter`` writes a frame from the loop itself, through
a non-blocking descriptor of its own on the same terminal, whenever nothing is queued; what the
terminal does not take at once (its buffer is full: a slow or stopped terminal) goes to the
thread as before, and so does everything after it until the thread has caught up, so the bytes
reach the terminal in order and the loop never waits for the terminal.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from typing import IO

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

from redline.tui import frame_trace


def open_nonblocking(file: IO[str]) -> int | None:
    """A second descriptor on ``file``'s terminal, non-blocking (its own open file description,
    so the flag never reaches the descriptor the thread, the shell or a child writes to)."""
    try:
        return os.open(
            os.ttyname(file.fileno()), os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
        )
    except (OSError, ValueError):  # not a terminal, no name, or not ours to open
        return None


class DirectWriter(WriterThread):
    """Textual's writer thread; a write goes straight to the terminal when nothing is queued."""

    def __init__(self, file: IO[str]) -> None:
        super().__init__(file)
        self._fd = open_nonblocking(file)
        self._encoding = getattr(file, "encoding", None) or "utf-8"
        self._errors = getattr(file, "errors", None) or "strict"
        self._put = 0  # items queued: only the app's thread changes it
        self._done = 0  # items written and flushed: only the writer thread changes it
        self.direct = 0  # writes that went straight out (whole)

    def write(self, text: str) -> None:
        fd = self._fd
        if fd is None or self._put != self._done:  # the thread has bytes to send first
            self._enqueue(text)
            return
        data = text.encode(self._encoding, self._errors)
        try:
            sent = os.write(fd, data)
        except BlockingIOError:  # the terminal's buffer is full
            sent = 0
        except OSError:  # gone, or not writable this way: the thread's path from now on
            self._fd = None
            os.close(fd)
            sent = 0
        if sent == len(data):
            self.direct += 1
            if frame_trace.on:
                frame_trace.mark("written", "direct")
            return
        self._enqueue(data[sent:])

    def _enqueue(self, item: str | bytes) -> None:
        self._put += 1
        self._queue.put(item)  # type: ignore[arg-type]

    def run(self) -> None:
        file = self._file
        get = self._queue.get
        qsize = self._queue.qsize
        while True:
            item: str | bytes | None = get()
            if item is None:
                break
            if isinstance(item, bytes):  # the rest of a direct write: after all text before it
                file.flush()
                file.buffer.write(item)  # type: ignore[attr-defined]
            else:
                file.write(item)
            if qsize() == 0:
                file.flush()
            self._done += 1  # after the flush: caught up means every byte has left
        file.flush()

    def stop(self) -> None:
        super().stop()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class HangupDriver(LinuxDriver):
    def start_application_mode(self) -> None:
        super().start_application_mode()
        stock = self._writer_thread
        if stock is None or self._file is None:  # no terminal to use (a SIGSTOP is on its way)
            return
        stock.stop()  # what it queued (the modes Textual switched on) is written first
        self._writer_thread = DirectWriter(self._file)
        self._writer_thread.start()

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events; stdin at EOF or failing ends the app."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                ready = selector.select(0.1)
                if ready:
                    try:
                        data = os.read(fileno, 1024 * 4)
                    except OSError:  # EIO: the terminal is gone
                        data = b""
                    if not data:
                        self._app.call_later(self._app.exit)
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
