"""Start-up through a real pseudo-terminal: what is typed while redline starts is not lost."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from tests.conftest import ROOT
from tests.helpers_tui import read_pty_until

WORDS = b"earlykeys"


def test_keys_typed_before_the_prompt_is_on_screen_reach_it(tmp_path: Path):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["TERM"] = "xterm-256color"
    env["REDLINE_NO_PROBE"] = "1"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "redline", "--provider", "sim"],
        cwd=tmp_path, env=env, stdin=slave, stdout=slave, stderr=slave,
        start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    os.write(master, WORDS)  # at once: the interpreter has not even imported Textual yet
    seen = bytearray()

    def typed_on_screen(out: bytearray) -> bool:  # drawn after the app took the screen
        alt = out.find(b"\x1b[?1049h")
        return alt >= 0 and out.find(WORDS, alt) >= 0

    try:
        read_pty_until(master, typed_on_screen, seen, 60)
        os.write(master, b"\x11")  # ctrl+q
        read_pty_until(master, lambda out: b"\x1b[?1049l" in out, seen, 20)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        os.close(master)
    assert typed_on_screen(seen), bytes(seen[-400:])
