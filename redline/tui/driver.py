"""Textual's Linux driver, but a terminal that went away ends the app.

Textual's input thread reads stdin in a loop; when the pseudo-terminal's other side closes without
a SIGHUP (a test's child in its own session, a killed terminal emulator that sent none) every read
returns at once with nothing (EOF) or fails (EIO), and the loop spins a core forever. Here the
first such read asks the app to exit and ends the thread. The loop is Textual's
``LinuxDriver.run_input_thread`` (textual 1.x) with that one change.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class HangupDriver(LinuxDriver):
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
