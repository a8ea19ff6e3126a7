"""A folder that is not a git repository: /fix cannot help there, `/init` (after a yes) can."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_NOT_A_REPO = re.compile(r"not (?:inside )?a git repository", re.IGNORECASE)

NOT_A_REPO_OFFER = (
    "This folder is not a git repository, so redline cannot apply edits here (it writes only "
    "where git can undo). /init runs git init here (it asks first)."
)


def model_can_fix(error: str) -> bool:
    """Whether sending ``error`` to the model (/fix, f4) could help: a missing repository is the
    person's to create, not the model's."""
    return not _NOT_A_REPO.search(error)


def git_init(root: Path) -> str:
    """Run ``git init`` in ``root`` (blocking: call in a thread); one sentence says how it went."""
    try:
        result = subprocess.run(
            ["git", "init"], cwd=root, capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"git init failed: {exc}."
    if result.returncode != 0:
        said = " ".join((result.stderr or result.stdout).split())[:200]
        return f"git init failed: {said or f'exit code {result.returncode}'}."
    return f"Created a git repository in {root}: edits can be applied now (f2)."
