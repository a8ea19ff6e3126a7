"""The layer rules of DESIGN.md, checked on the source: no module imports "up"."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "redline"
IMPORT = re.compile(r"^\s*(?:from|import)\s+(redline\.\w+|textual)\b", re.MULTILINE)


def imports_of(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for name in IMPORT.findall(path.read_text(encoding="utf-8")):
            found.add((str(path.relative_to(ROOT)), name))
    return found


def test_backends_and_tools_never_import_agent_cli_or_tui():
    for package in ("backends", "tools"):
        bad = {(f, n) for f, n in imports_of(package) if n in UPPER}
        assert bad == set(), bad


def test_agent_never_imports_cli_tui_or_textual():
    bad = {(f, n) for f, n in imports_of("agent") if n in ("redline.cli", "redline.tui", "textual")}
    assert bad == set(), bad


def test_tui_never_imports_cli():
    assert {(f, n) for f, n in imports_of("tui") if n == "redline.cli"} == set()


def test_importing_the_agent_loads_no_textual():
    code = "import sys, redline.agent; print('textual' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT.parent, check=True
    )
    assert out.stdout.strip() == "False"


UPPER = ("redline.agent", "redline.cli", "redline.tui", "textual")
