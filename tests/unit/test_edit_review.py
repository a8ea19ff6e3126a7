"""A block that could not be read is offered to /fix (f4) with its path and reason."""

from __future__ import annotations

from types import SimpleNamespace

from redline.agent.edits import failed_blocks_error


def test_failed_blocks_make_one_message() -> None:
    blocks = [
        SimpleNamespace(path="a.py", error=None),
        SimpleNamespace(path="b.py", error="SEARCH without REPLACE"),
    ]
    assert failed_blocks_error(blocks) == "b.py: SEARCH without REPLACE"
    assert failed_blocks_error(blocks[:1]) is None
