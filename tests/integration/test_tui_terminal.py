"""A hostile answer in the real TUI: nothing from it reaches the terminal as an escape sequence.

Through Pilot (the rendered screen) and through a real pseudo-terminal (every byte the app
writes), with the answer, a code fence, a diff card, the model id in the status bar and a
server error body all carrying every class of sequence.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from pathlib import Path

from redline.tui.widgets.status_bar import StatusBar
from tests.conftest import ROOT
from tests.helpers_client import LoopbackServer, json_reply, sse_reply
from tests.helpers_hostile import BIDI, SEQUENCES, chat_body
from tests.helpers_tui import make_app, read_pty_until, settle, wait_until

BAD = "".join(SEQUENCES.values())
HOSTILE_MODEL = "m\x1b]0;model title\x07\u202eid"
ANSWER = (
    f"Intro {SEQUENCES['osc52_clipboard_bel']} {SEQUENCES['csi_clear_screen']} {BIDI}\n\n"
    f"**bold {SEQUENCES['osc0_title']}** and `code {SEQUENCES['c1_csi']}`\n\n"
    f"```python\nx = 1  # {BAD}\n```\n\n"
    f"app{SEQUENCES['osc0_title']}.py\n```python\n<<<<<<< SEARCH\n=======\nprint('{BAD}')\n"
    ">>>>>>> REPLACE\n```\n\nend of answer\n"
)


def _routes(answer: str = ANSWER) -> dict[str, object]:
    models = {"object": "list", "data": [{"id": HOSTILE_MODEL}]}
    return {
        "/v1/chat/completions": sse_reply(chat_body(answer, piece=11)),
        "/v1/models": json_reply(200, models),
    }


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t\r")]


async def test_pilot_screen_shows_no_control_or_invisible_character():
    with LoopbackServer(_routes()) as srv:  # type: ignore[arg-type]
        app = make_app(provider="llamacpp", base_url=srv.url)
        async with app.run_test(size=(120, 60)) as pilot:
            await settle(pilot)
            await pilot.press(*"go", "enter")
            await wait_until(pilot, lambda: bool(app.session.conversation.turns))
            await settle(pilot)
            app.transcript.flush()
            await pilot.pause()
            screen = app.export_screenshot().replace("&#160;", " ")
            status = app.query_one(StatusBar).render_text().plain
            app.notify(f"server said {BAD}{BIDI}", title=f"t{SEQUENCES['osc0_title']}")
            await pilot.pause()
            toasts = [str(n.message) + n.title for n in app._notifications]
    assert "end of answer" in screen and "&lt;U+202E&gt;" in screen
    assert _raw_controls(screen) == []
    assert _raw_controls(status) == [] and "model title" not in status
    assert toasts and all(_raw_controls(t) == [] for t in toasts)


def _read_until(master: int, marker: bytes, seen: bytearray, limit_s: float) -> None:
    read_pty_until(master, lambda out: marker in out, seen, limit_s)


def test_real_terminal_receives_no_sequence_from_the_answer(tmp_path: Path):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["TERM"] = "xterm-256color"
    with LoopbackServer(_routes()) as srv:  # type: ignore[arg-type]
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
        proc = subprocess.Popen(
            [sys.executable, "-m", "redline", "--provider", "llamacpp", "--base-url", srv.url],
            cwd=tmp_path, env=env, stdin=slave, stdout=slave, stderr=slave,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        seen = bytearray()
        try:
            _read_until(master, b"ctx", seen, 60)  # the status bar is up
            os.write(master, b"go")
            time.sleep(0.3)
            os.write(master, b"\r")
            _read_until(master, b"end of answer", seen, 60)
            os.write(master, b"\x11")  # ctrl+q
            _read_until(master, b"\x1b[?1049l", seen, 20)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
            os.close(master)
    assert b"end of answer" in seen
    for payload in (
        b"\x1b]52;",
        b"pwned title",
        b"model title",
        b"\x1b]8;;https://evil",
        b"\x1bP1$r",
        b"\x1b_G",
        b"\x1b^private",
        b"\x1bXstring",
        b"\x1b[31;1mred",
        b"\xc2\x9b",
        b"\xc2\x9d",
        b"\xe2\x80\xae",  # U+202E raw
    ):
        at = seen.find(payload)
        assert at < 0, (payload, bytes(seen[max(0, at - 60) : at + 30]))
    assert b"<U+202E>" in seen
    # Textual's own OSC 22 (pointer shape) is the only thing allowed to ring BEL
    assert seen.count(b"\x07") == seen.count(b"\x1b]22;")
