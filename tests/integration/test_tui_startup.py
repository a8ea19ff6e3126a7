"""Start-up through a real pseudo-terminal: what is typed while redline starts is not lost."""

from __future__ import annotations

import os
import subprocess
import sys
import termios
from pathlib import Path

from tests.conftest import ROOT
from tests.helpers_tui import read_pty_until, spawn_redline_in_pty

WORDS = b"earlykeys"


def test_keys_typed_before_the_prompt_is_on_screen_reach_it(tmp_path: Path):
    proc, master = spawn_redline_in_pty(tmp_path, cols=120, env={"REDLINE_NO_PROBE": "1"})
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


def test_keys_typed_while_redline_starts_are_not_echoed_over_the_shell(tmp_path: Path):
    # The tty echoes keys in cooked mode: typed before Textual takes the terminal, they were
    # printed over the shell's screen. redline turns the echo off first thing; they still
    # reach the prompt, and the terminal is put back as it was on the way out.
    proc, master = spawn_redline_in_pty(tmp_path, cols=120, env={"REDLINE_NO_PROBE": "1"})
    seen = bytearray()
    alt_screen = b"\x1b[?1049h"

    def echo_off_or_screen_taken(out: bytearray) -> bool:
        return not termios.tcgetattr(master)[3] & termios.ECHO or alt_screen in out

    def typed_on_screen(out: bytearray) -> bool:
        alt = out.find(alt_screen)
        return alt >= 0 and out.find(WORDS, alt) >= 0

    try:
        read_pty_until(master, echo_off_or_screen_taken, seen, 60, poll_s=0.002)
        read_pty_until(master, lambda out: False, seen, 0.01)  # what was written by then
        taken_first = alt_screen in seen  # Textual turns the echo off only with its screen
        os.write(master, WORDS)  # Textual is still being imported
        read_pty_until(master, typed_on_screen, seen, 60)
        os.write(master, b"\x11")  # ctrl+q
        read_pty_until(master, lambda out: b"\x1b[?1049l" in out, seen, 20)
        proc.wait(timeout=30)
        echo_back = bool(termios.tcgetattr(master)[3] & termios.ECHO)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        os.close(master)
    assert not taken_first, bytes(seen[:400])
    alt = seen.find(alt_screen)
    assert alt >= 0 and WORDS not in seen[:alt], bytes(seen[:400])  # not echoed before it
    assert typed_on_screen(seen), bytes(seen[-400:])  # and still reached the prompt
    assert echo_back


FIRST_TURN = r"""
import asyncio, subprocess, sys
from pathlib import Path
from redline.backends.sim import SimServer
from redline.config import load_config
from redline.tools.context import ContextSet
from redline.tui.app import AppOptions, RedlineApp

root = Path(sys.argv[1])
subprocess.run(["git", "init", "-q", str(root)], check=True)
(root / "calc.py").write_text("def add(a, b):\n    return a + b\n")


async def main() -> None:
    sim = SimServer(rate=2000, ttft_ms=0)
    url = await sim.start()
    options = AppOptions(base_url=url, repo_root=root, tools=True, approval="auto-edit")
    app = RedlineApp(options, config=load_config(root), context_set=ContextSet(root))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while app.session.backend is None and app.session.backend_error is None:
                await pilot.pause(0.02)
            await app.workers.wait_for_complete()  # the warm-up, the index, git
            before = set(sys.modules)
            await pilot.press(*"explain @calc.py", "enter")
            while not app.session.conversation.turns or app.session.turn_running:
                await pilot.pause(0.02)
            print(" ".join(sorted(m for m in set(sys.modules) - before if m.startswith("redline"))))
    finally:
        await sim.stop()


asyncio.run(main())
"""


def test_the_first_turn_imports_nothing_the_warm_up_has_not_loaded(tmp_path: Path):
    # Start-up leaves the turn's modules out of the first frame; the warm-up thread (and the
    # indexing thread) load them after it, so Enter never waits for an import.
    env = dict(os.environ, PYTHONPATH=str(ROOT), REDLINE_NO_PROBE="1")
    out = subprocess.run(
        [sys.executable, "-c", FIRST_TURN, str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert out.stdout.split() == []


EARLY_ENTER = r"""
import asyncio, subprocess, sys, threading, time
from pathlib import Path
import httpx
from redline.backends.sim import SimServer
from redline.config import load_config
from redline.tools.context import ContextSet
from redline.tui.app import AppOptions, RedlineApp

try:  # the warm-up's own limit on a pause, out of the way of this test
    import redline.tui.warm_up as warm_up
    warm_up.PAUSE_LIMIT_S = 60.0
except ImportError:
    pass

root = Path(sys.argv[1])
subprocess.run(["git", "init", "-q", str(root)], check=True)
(root / "calc.py").write_text("def add(a, b):\n    return a + b\n")
entered = threading.Event()
main_thread = threading.get_ident()
seen = {}
LATER = ("redline.tui.widgets.diff_card", "textual.scrollbar", "git")


class HoldWarmUp:  # the warm-up thread starts only once Enter is pressed (a loaded machine)
    def find_spec(self, name, path=None, target=None):
        if name != "redline.agent.engine" or threading.get_ident() == main_thread:
            return None
        spec = next(s for f in sys.meta_path[1:] if (s := f.find_spec(name, path, target)))
        run = spec.loader.exec_module  # it waits outside the global import lock

        def exec_module(module):
            entered.wait(30)
            run(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, HoldWarmUp())
send = httpx.AsyncClient.send


async def marked(self, request, **kwargs):  # the request goes out
    if request.method == "POST":
        seen.setdefault("later_before_request", [m for m in LATER if m in sys.modules])
    return await send(self, request, **kwargs)


httpx.AsyncClient.send = marked


async def main() -> None:
    sim = SimServer(rate=2000, ttft_ms=0)
    url = await sim.start()
    options = AppOptions(base_url=url, repo_root=root, tools=True, approval="auto-edit")
    app = RedlineApp(options, config=load_config(root), context_set=ContextSet(root))
    handle = app.handle_prompt

    def handle_then_let_the_warm_up_run(text):
        handle(text)
        entered.set()
        deadline = time.monotonic() + 3  # what the warm-up imports while the request waits
        while LATER[0] not in sys.modules and time.monotonic() < deadline:
            time.sleep(0.01)

    app.handle_prompt = handle_then_let_the_warm_up_run
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            while app.session.backend is None and app.session.backend_error is None:
                await pilot.pause(0.02)
            await pilot.press(*"explain @calc.py", "enter")
            while not app.session.conversation.turns or app.session.turn_running:
                await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            print(seen["later_before_request"], [m for m in LATER if m not in sys.modules])
    finally:
        await sim.stop()


asyncio.run(main())
"""


def test_the_warm_up_loads_what_the_request_needs_first_and_the_rest_after_it(tmp_path: Path):
    # On a loaded machine the first Enter comes while the warm-up thread still imports: what
    # the request needs (the engine, the tools' specs) loads first, and the rest (the diff
    # card, the scrollbar, GitPython for running the tools) only once the request is on the
    # wire, not beside it; with tools on, nothing on the request's own path imports GitPython.
    env = dict(os.environ, PYTHONPATH=str(ROOT), REDLINE_NO_PROBE="1")
    out = subprocess.run(
        [sys.executable, "-c", EARLY_ENTER, str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert out.stdout.split() == ["[]", "[]"], out.stderr[-2000:]
