"""A terminal that goes away without a SIGHUP ends redline: a real pseudo-terminal, its master
closed while redline runs in its own session (no controlling terminal, so no hangup signal).

Before, Textual's input thread read EOF / EIO in a loop and the orphan spun a core for good."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.helpers_tui import read_pty_until, spawn_redline_in_pty

LIVENESS_S = 20  # generous: exiting takes well under a second on an idle machine


def test_closing_the_terminal_ends_redline(tmp_path: Path) -> None:
    proc, master = spawn_redline_in_pty(tmp_path, cols=100)
    try:
        seen = bytearray()
        read_pty_until(master, lambda out: b"ctx" in out, seen, 60)  # the status bar is up
        assert b"ctx" in seen
        os.close(master)
        master = -1
        try:
            code = proc.wait(timeout=LIVENESS_S)
        except subprocess.TimeoutExpired:
            code = None
        assert code == 0  # it exited, cleanly, instead of spinning on a dead terminal
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        if master >= 0:
            os.close(master)
