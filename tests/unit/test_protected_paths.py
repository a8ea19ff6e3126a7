"""`protected_by`: which `protected_paths` pattern covers a path (its one-regex fast path included)."""

from __future__ import annotations

import pytest

from redline.tools.edits.safety import DEFAULT_PROTECTED, protected_by

PATTERNS = (*DEFAULT_PROTECTED, "deploy/", "conf/*.cfg", "*.KEY", "/Secrets/")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".env", ".env"),
        ("app/.env", ".env"),
        ("app/.ENV.local", ".env.*"),
        (".redline.toml", ".redline.toml"),
        ("deploy/prod.cfg", "deploy/"),
        ("infra/deploy/prod.cfg", "deploy/"),
        ("conf/a.cfg", "conf/*.cfg"),
        ("conf/sub/a.cfg", "conf/*.cfg"),  # fnmatch's `*` crosses folders
        ("x/server.key", "*.KEY"),
        ("secrets/token", "/Secrets/"),
        ("a/secrets/token", "/Secrets/"),
        ("deploy", None),  # the folder's own name is not under it
        ("redeploy/x", None),
        ("other/conf/a.cfg", None),
        (".envrc", None),
        ("env", None),
        ("app.py", None),
    ],
)
def test_the_pattern_that_covers_a_path(path: str, expected: str | None) -> None:
    assert protected_by(path, PATTERNS) == expected


def test_the_first_matching_pattern_wins_and_empty_patterns_match_nothing() -> None:
    assert protected_by("a/.env", ["", "  ", "*.env*", ".env"]) == "*.env*"
    assert protected_by("a/.env", ["", "/"]) is None
    assert protected_by("a/.env", []) is None
