"""Hostile text: every class of terminal escape and invisible character a model could send."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

ESC = "\x1b"
# One sample of each class the terminal sanitiser must neutralise.
SEQUENCES: dict[str, str] = {
    "osc52_clipboard_bel": "\x1b]52;c;cm0gLXJmIH4K\x07",
    "osc52_clipboard_st": "\x1b]52;c;cm0gLXJmIH4K\x1b\\",
    "osc0_title": "\x1b]0;pwned title\x07",
    "osc8_hyperlink": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "csi_clear_screen": "\x1b[2J\x1b[H",
    "csi_colour": "\x1b[31;1mred\x1b[0m",
    "csi_private_mode": "\x1b[?1049h\x1b[?25l",
    "dcs": "\x1bP1$r0m\x1b\\",
    "apc": "\x1b_Gf=100;AAAA\x1b\\",
    "pm": "\x1b^private\x1b\\",
    "sos": "\x1bXstring\x1b\\",
    "esc_reset": "\x1bc",
    "esc_charset": "\x1b(0",
    "esc_save_cursor": "\x1b7\x1b8",
    "c1_csi": "\x9b2J",
    "c1_osc": "\x9d0;c1 title\x9c",
    "c1_nel": "a\x85b",
    "bell": "\x07",
    "backspace": "abc\x08\x08\x08xyz",
    "carriage_return": "safe\rEVIL",
    "del": "\x7f",
    "nul_and_vt": "a\x00b\x0bc\x0cd",
    "lone_esc": "\x1b",
}
BIDI = "\u202eevil\u202c \u2066iso\u2069 zero\u200bwidth\ufeff"
VISIBLE_BIDI = ("<U+202E>", "<U+202C>", "<U+2066>", "<U+2069>", "<U+200B>", "<U+FEFF>")
HOSTILE_TEXT = "start " + " | ".join(f"{k}:{v}" for k, v in SEQUENCES.items()) + " " + BIDI
HOSTILE_TEXT += "\nend of answer\n"


def chat_body(text: str, *, piece: int = 7) -> bytes:
    """An OpenAI-style chat stream carrying ``text`` in pieces (so sequences are split too)."""
    out = []
    for i in range(0, len(text), piece):
        delta = {"content": text[i : i + piece]}
        chunk = {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        out.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    out.append(b"data: " + json.dumps(done).encode() + b"\n\ndata: [DONE]\n\n")
    return b"".join(out)


def run_on_pty(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60) -> bytes:
    """Run ``python -m redline ARGS`` with stdout and stderr on a real pseudo-terminal; return
    every byte the terminal received."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "redline", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    received = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                raise TimeoutError(f"redline {args[0]} printed nothing for {timeout} s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            received += data
    finally:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
    return bytes(received)
