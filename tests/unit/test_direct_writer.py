"""Frames go straight to the terminal when nothing is queued, and every byte arrives in order
when the terminal's buffer fills (the rest goes through the writer thread). A real pty."""

from __future__ import annotations

import os
import pty
import select
import threading
import tty

from redline.tui.driver import DirectWriter


def _open_pty() -> tuple[int, int]:
    master, slave = pty.openpty()
    tty.setraw(slave)  # no output processing: the bytes read are the bytes written
    return master, slave


def _drain(master: int, until: bytes, got: bytearray, start: threading.Event) -> None:
    start.wait(10)
    while not got.endswith(until):
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            return
        got.extend(os.read(master, 65536))


def test_a_write_with_nothing_queued_goes_straight_out():
    master, slave = _open_pty()
    file = open(slave, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (closed below)
    writer = DirectWriter(file)
    writer.start()
    try:
        writer.write("first text ✓")
        assert writer.direct == 1
        assert os.read(master, 100) == "first text ✓".encode()
    finally:
        writer.stop()
        file.close()
        os.close(slave)
        os.close(master)


def test_a_full_terminal_sends_the_rest_through_the_thread_and_nothing_is_reordered():
    master, slave = _open_pty()
    file = open(slave, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (closed below)
    writer = DirectWriter(file)
    writer.start()
    got = bytearray()
    start = threading.Event()
    reader = threading.Thread(target=_drain, args=(master, b"<end>", got, start), daemon=True)
    reader.start()
    chunks = [f"[{i:03d}]" + "é" * 3000 for i in range(60)]  # 6 KB each, far over a pty buffer
    try:
        for chunk in chunks[:20]:  # nobody reads yet: the terminal's buffer fills
            writer.write(chunk)
        start.set()  # the terminal reads again
        for chunk in chunks[20:]:
            writer.write(chunk)
        writer.write("<end>")
        reader.join(20)
        assert got.decode() == "".join(chunks) + "<end>"
        assert 0 < writer.direct < len(chunks) + 1  # some went straight out, some waited
    finally:
        writer.stop()
        file.close()
        os.close(slave)
        os.close(master)


def test_not_a_terminal_keeps_textuals_thread_for_everything(tmp_path):
    path = tmp_path / "out.txt"
    with open(path, "w", encoding="utf-8") as file:
        writer = DirectWriter(file)
        writer.start()
        writer.write("a")
        writer.write("b")
        writer.stop()
        assert writer.direct == 0
    assert path.read_text() == "ab"
