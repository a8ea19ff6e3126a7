"""Snapshots of the whole app: start, prompt, a real turn on the simulator, errors, screens, themes.

Deterministic: fixed size, the git state pinned, no cursor blink, the meter's clock stepped per
input (``StepClock``), and a simulator that always sends exactly 8 tokens a chunk however late
it wakes up (``exact_chunks``), so the meter's figures never depend on the machine's speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from redline.backends.sim import SimServer
from redline.config import load_config
from tests.helpers_tui import SIZE, make_app, settle, wait_until

PROMPT = "Make greet say hello"


@pytest.fixture(scope="module")
def sim_url() -> Iterator[str]:
    """A simulator whose chunks never depend on how busy the machine is (exact_chunks)."""
    with SimServer(
        profile="baseten", rate=1_000_000, ttft_ms=0, chunk_tokens=8, exact_chunks=True
    ) as server:
        yield server.base_url


def config_for(tmp_path: Path, base_url: str) -> Any:
    """Providers named in a config file, so nothing on screen carries the random port."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[providers.fastsim]\nbase_url = "{base_url}"\ndefault_model = "gpt-oss-120b"\n'
        "[providers.keyed]\n"
        f'base_url = "{base_url.replace("/v1", "/fault/401/v1")}"\n'
        'api_key_env = "KEYED_API_KEY"\ndefault_model = "gpt-oss-120b"\n'
    )
    return load_config(None, user_path=path)


async def run_turn(pilot: Pilot[None], prompt: str = PROMPT) -> None:
    app: Any = pilot.app
    await settle(pilot)
    await pilot.press(*prompt, "enter")
    await wait_until(pilot, lambda: bool(app.session.conversation.turns))
    await settle(pilot)
    # Polished by the frame, not by the clock: a late theme or size change re-polishes lazily,
    # so flush until nothing is left to polish (a busy machine only makes this loop longer).
    app.transcript.flush()
    await pilot.pause()
    await wait_until(pilot, lambda: app.transcript.pending_polish == 0)
    app.transcript.flush()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.1)  # the scrollbar repaints after the last layout


class TestStart:
    def test_empty(self, snap_compare: Any) -> None:
        assert snap_compare(make_app(provider="sim"), terminal_size=SIZE, run_before=settle)

    def test_prompt_typed(self, snap_compare: Any) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press(*"Fix the off-by-one", "ctrl+j", *"in the pager, keep the API")

        assert snap_compare(make_app(provider="sim"), terminal_size=SIZE, run_before=run_before)

    def test_slash_completion(self, snap_compare: Any) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("/")

        assert snap_compare(make_app(provider="sim"), terminal_size=SIZE, run_before=run_before)


class TestTurns:
    def test_finished_turn_with_meter(self, snap_compare: Any, sim_url: str, tmp_path: Path):
        app = make_app(provider="fastsim", config=config_for(tmp_path, sim_url))
        assert snap_compare(app, terminal_size=SIZE, run_before=run_turn)

    def test_401_error_turn(
        self, snap_compare: Any, sim_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setenv("KEYED_API_KEY", "test-key-not-real")
        app = make_app(provider="keyed", config=config_for(tmp_path, sim_url))
        assert snap_compare(app, terminal_size=SIZE, run_before=run_turn)


# The pickers, the help and the diff view at the smallest usual terminal and a roomy one.
SCREEN_SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])

DIFF = "".join(
    f"diff --git a/calc/op{i}.py b/calc/op{i}.py\n--- a/calc/op{i}.py\n+++ b/calc/op{i}.py\n"
    f"@@ -1,3 +1,3 @@\n def op{i}(a, b):\n-    return a + b\n"
    f"+    return a + b + {i}  # a long line that says why the offset is there, "
    "so it runs past the right edge of an 80-column terminal\n"
    "     # end\n"
    for i in range(6)
)


class TestScreens:
    @SCREEN_SIZES
    def test_backend_picker(self, snap_compare: Any, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("ctrl+b")
            await pilot.pause()

        assert snap_compare(make_app(provider="sim"), terminal_size=size, run_before=run_before)

    @SCREEN_SIZES
    def test_model_list_filtered(self, snap_compare: Any, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("ctrl+o")
            # The picker's loading worker starts on its mount: wait for the list, not the workers.
            lists = lambda: pilot.app.screen.query("#model-list")  # noqa: E731
            await wait_until(pilot, lambda: bool(lists()) and bool(lists().first().display))
            await pilot.press("l", "l")
            await pilot.pause()

        assert snap_compare(make_app(provider="sim"), terminal_size=size, run_before=run_before)

    @SCREEN_SIZES
    def test_help(self, snap_compare: Any, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("f1")
            await pilot.pause()

        assert snap_compare(make_app(provider="sim"), terminal_size=size, run_before=run_before)

    @SCREEN_SIZES
    def test_diff_view_of_waiting_edits(self, snap_compare: Any, size: tuple[int, int]) -> None:
        """Long lines wrap, the title is cut with an ellipsis, f2 / f3 are in the footer."""
        app = make_app(provider="sim")

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            title = "Edits waiting: f2 applies them, f3 discards them · " + "calc/" * 12
            await app.show_diff(title, DIFF, review=True)
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=run_before)

    @SCREEN_SIZES
    def test_race_picker(self, snap_compare: Any, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            from redline.tui.screens.race_picker import RacePickerScreen

            await settle(pilot)
            await pilot.press(*"/race add a test for add, and keep the old ones as they are")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, RacePickerScreen))
            await pilot.pause()

        assert snap_compare(make_app(provider="sim"), terminal_size=size, run_before=run_before)

    @SCREEN_SIZES
    def test_theme_picker(self, snap_compare: Any, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press(*"/theme", "enter")
            themes = len(pilot.app.available_themes)  # the palette lists them as they come
            await wait_until(
                pilot,
                lambda: pilot.app.screen.query("CommandList").first().option_count == themes,
            )
            for search in pilot.app.screen.query("Input"):
                search.cursor_blink = False  # the palette's own search box: no blink phase
            await pilot.pause()

        assert snap_compare(make_app(provider="sim"), terminal_size=size, run_before=run_before)


class TestThemes:
    @pytest.mark.parametrize("theme", ["redline-dark", "redline-light", "redline-contrast"])
    def test_theme(self, snap_compare: Any, sim_url: str, tmp_path: Path, theme: str) -> None:
        app = make_app(provider="fastsim", config=config_for(tmp_path, sim_url))

        async def run_before(pilot: Pilot[None]) -> None:
            app.theme = theme
            await pilot.pause()  # the theme is applied before the turn renders
            await run_turn(pilot)
            await pilot.press(*"/th")

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


class TestContextPanel:
    def test_panel_open_beside_the_transcript(self, snap_compare: Any, git_repo: Path) -> None:
        from dataclasses import replace

        from redline.tools.context import ContextSet
        from redline.tui.widgets.context_panel import ContextPanel

        (git_repo / "greet.py").write_text('def greet(name):\n    return f"hi {name}"\n')
        app = make_app(provider="sim", repo_root=git_repo)
        app.session.context_set = ContextSet(
            git_repo, budget=3000, cache_dir=git_repo.parent / "cache"
        )
        app.session.context_set.add("greet.py")

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("f5")
            panel = app.query_one(ContextPanel)
            await wait_until(pilot, lambda: panel.bundle is not None)
            assert panel.bundle is not None
            panel.show(replace(panel.bundle, elapsed_ms=3.0))  # the build time is not pinned
            await pilot.pause()

        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
