"""Provider errors as sentences that name the interface they appear in (issue 14, item 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.backends._errors import short
from redline.backends.sim import SimServer
from redline.tui.hints import for_tui
from tests.helpers_tui import SIZE, make_app, settle, wait_until

FAULTS = ("429", "401", "404", "500", "disconnect")


@pytest.fixture
def sim_url():
    with SimServer(rate=2000, ttft_ms=0) as server:  # its own thread: a CLI run blocks the test
        yield server.base_url


@pytest.mark.parametrize("fault", FAULTS)
def test_the_cli_names_flags_never_tui_keys(run_redline, tmp_path: Path, fault: str, sim_url: str):
    base = sim_url.replace("/v1", f"/fault/{fault}/v1")
    result = run_redline("exec", "hi", "--base-url", base, "--no-context", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    said = result.stderr.strip().splitlines()[-1]
    assert "/backend" not in said and "/model" not in said and "ctrl+" not in said, said
    assert ".)" not in said and "..)" not in said and ".:" not in said, said


@pytest.mark.parametrize("fault", ("429", "404", "500"))
async def test_the_tui_names_keys_and_commands_never_flags(fault: str, sim_url: str):
    app = make_app(provider=None, base_url=sim_url.replace("/v1", f"/fault/{fault}/v1"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"hi", "enter")
        await wait_until(pilot, lambda: bool(app.session.conversation.turns))
        await settle(pilot)
        [turn] = app.session.conversation.turns
    assert turn.error is not None
    message = turn.error.message
    assert "--" not in message, message
    assert "ctrl+b" in message, message
    assert ".)" not in message, message


def test_tui_wording_of_the_backend_sentences():
    assert for_tui("x is down: try again, or pick another provider with --provider.") == (
        "x is down: try again, or press ctrl+b (or type /backend) to pick another backend."
    )
    assert for_tui("Model 'm' was not found; available: a, b. Pick one with --model.") == (
        "Model 'm' was not found; available: a, b. Pick one with /model (ctrl+o)."
    )
    assert "--" not in for_tui("no such endpoint at u (HTTP 404): check --base-url and --model.")


def test_short_cuts_at_a_word_with_an_ellipsis():
    text = "word " * 100
    cut = short(text, 42)
    assert cut.endswith("…") and len(cut) <= 42
    assert cut[:-1].rstrip().split(" ")[-1] == "word"
