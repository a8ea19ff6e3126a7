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
