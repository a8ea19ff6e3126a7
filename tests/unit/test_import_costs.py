"""What is imported, and when: the first frame and the stream path must not pay for heavy modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    probe = f"import sys; {statement}; print(' '.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_the_stream_parser_does_not_load_gitpython() -> None:
    # EditWatch imports it on the first text of a turn: mid-stream.
    assert _loaded_after("import redline.tools.edits.parser", ("git",)) == []


def test_the_tui_module_loads_nothing_the_first_frame_does_not_draw() -> None:
    heavy = ("git", "httpx", "markdown_it", "pygments.lexers", "rich.syntax", "rich.markdown")
    assert _loaded_after("import redline.tui.app", heavy) == []


# Made before the first frame: the app, its session and the context set (not yet indexed).
BUILD_APP = (
    "from pathlib import Path; from redline.config import load_config; "
    "from redline.tools.context import ContextSet; "
    "from redline.tui.app import AppOptions, RedlineApp; root = Path('.').resolve(); "
    "RedlineApp(AppOptions(provider='sim', repo_root=root), config=load_config(root), "
    "context_set=ContextSet(root))"
)


def test_the_app_and_its_context_set_load_no_shell_race_or_process_pool() -> None:
    later = (
        "redline.tools.shell",
        "redline.tui.racing",
        "redline.tui.screens.race",
        "redline.tui.screens.help",
        "multiprocessing",
        "concurrent.futures.process",
    )
    assert _loaded_after(BUILD_APP, later) == []


def test_the_first_frame_loads_neither_the_repository_index_nor_the_turn_engine() -> None:
    # The context set indexes after the first paint, and the turn's modules load in the
    # warm-up thread then (TURN_IMPORTS): neither is on the start-up path.
    later = (
        "redline.tools.context.index",
        "redline.tools.context.builder",
        "redline.tools.context.mentions",
        "redline.tools.context.tags",
        "redline.tools.context.ranking",
        "redline.agent.engine",
        "redline.agent.step",
        "redline.agent.edit_watch",
        "redline.tools.prompts",
        "redline.agent.messages",  # the turn's messages (a Notice has its own module)
        "redline.agent.timing",
        "redline.tui.presenter",
        "redline.agent.history",  # the speed history: read for the pickers after the paint
        "redline.agent.speed_stats",
    )
    assert _loaded_after(BUILD_APP, later) == []


def test_the_deferred_turn_modules_are_what_the_warm_up_loads() -> None:
    # What start-up leaves out must come back before the first Enter: the warm-up's list
    # loads the turn engine (else the first turn imports it between Enter and its request).
    warm = "from redline.tui.app import TURN_IMPORTS; import importlib; "
    warm += "[importlib.import_module(m) for m in TURN_IMPORTS]"
    turn = ("redline.agent.engine", "redline.agent.messages", "redline.tui.presenter")
    assert _loaded_after(warm, turn) == list(turn)


def test_a_config_with_a_base_url_loads_without_httpx(tmp_path: Path) -> None:
    # Checking a provider's base_url must not import httpx before the first frame (~0.1 s).
    (tmp_path / "redline").mkdir()
    (tmp_path / "redline" / "config.toml").write_text(
        '[providers.bench]\nbase_url = "http://127.0.0.1:9/v1"\nmodels = ["m"]\n'
    )
    load = (
        f"import os; os.environ['XDG_CONFIG_HOME'] = {str(tmp_path)!r}; "
        "from pathlib import Path; from redline.config import load_config; "
        "assert load_config(Path('.')).presets()['bench'].base_url"
    )
    assert _loaded_after(load, ("httpx",)) == []


def test_the_tools_specs_load_without_gitpython() -> None:
    # The specs go with every request when tools are on; GitPython (100-200 ms of import
    # here) is for running a tool, after the request is on the wire.
    specs = "from redline.agent.engine import tool_specs; assert len(tool_specs()) == 5"
    assert _loaded_after(specs, ("git", "redline.tools.agent.registry")) == []


def test_what_the_warm_up_loads_before_the_request_has_no_gitpython() -> None:
    # A first Enter during the warm-up waits for REQUEST_IMPORTS (the import locks, the GIL).
    first = "from redline.tui.warm_up import REQUEST_IMPORTS; import importlib; "
    first += "[importlib.import_module(m) for m in REQUEST_IMPORTS]"
    assert _loaded_after(first, ("git",)) == []
