"""The project's test command: `test_command` from config, else detected where it is obvious."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

_NPM_PLACEHOLDER = "no test specified"


def _npm(root: Path) -> str | None:
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    scripts = data.get("scripts") if isinstance(data, dict) else None
    test = scripts.get("test") if isinstance(scripts, dict) else None
    if not isinstance(test, str) or _NPM_PLACEHOLDER in test:
        return None
    for lock, tool in (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lockb", "bun")):
        if (root / lock).exists():
            return f"{tool} test" if tool != "bun" else "bun run test"
    return "npm test"


def _pytest_configured(root: Path) -> bool:
    if (root / "pytest.ini").is_file() or (root / "conftest.py").is_file():
        return True
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    tool = data.get("tool")
    if isinstance(tool, dict) and "pytest" in tool:
        return True
    for name, section in (("setup.cfg", "[tool:pytest]"), ("tox.ini", "[pytest]")):
        path = root / name
        if path.is_file() and section in path.read_text(encoding="utf-8", errors="replace"):
            return True
    tests = root / "tests"
    return tests.is_dir() and any(tests.glob("test_*.py"))


def _python(root: Path) -> str:
    for venv in (".venv", "venv"):
        if (root / venv / "bin" / "python").is_file():
            return f"{venv}/bin/python"
    return "python"


def _make_test(root: Path) -> bool:
    path = root / "Makefile"
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    return re.search(r"^test\s*:", text, re.MULTILINE) is not None


def detect_test_command(root: Path, configured: str | None = None) -> str | None:
    """`configured` when set; else cargo test, go test ./..., npm test or pytest; else None."""
    if configured and configured.strip():
        return configured.strip()
    if (root / "Cargo.toml").is_file():
        return "cargo test"
    if (root / "go.mod").is_file():
        return "go test ./..."
    npm = _npm(root)
    if npm:
        return npm
    if _pytest_configured(root):
        return f"{_python(root)} -m pytest -q"
    if _make_test(root):
        return "make test"
    return None
