"""Diff card counts are the real diff's: an insertion is +1 -0, a rewrite counts what changed."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from redline.tools.edits import parse_edits
from redline.tui.widgets.diff_card import diff_card


def _card_text(card: object) -> str:
    console = Console(width=80, record=True)
    console.print(card)
    return console.export_text()


INSERT = "calc.py\n```\n<<<<<<< SEARCH\ndef add(a, b):\n=======\n# a note\ndef add(a, b):\n>>>>>>> REPLACE\n```\n"


def test_a_one_line_insertion_counts_plus_one_minus_zero() -> None:
    (block,) = parse_edits(INSERT)
    assert block.counts() == (1, 0)
    text = _card_text(diff_card(block, status="proposed"))
    assert "calc.py  +1 -0  proposed" in text


def test_a_patch_hunk_counts_only_its_changed_lines() -> None:
    patch = (
        "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a+b\n"
        "+    return a + b\n+\n context\n*** End Patch\n"
    )
    (block,) = parse_edits(patch)
    assert block.counts() == (2, 1)


def test_a_whole_file_rewrite_is_counted_against_the_file(tmp_path: Path) -> None:
    from redline.tui.presenter import file_before

    (tmp_path / "calc.py").write_text("one\ntwo\nthree\n")
    (block,) = parse_edits("calc.py\n```python\none\nTWO\nthree\n```\n", "whole")
    before = file_before(tmp_path, block)
    assert before == "one\ntwo\nthree\n"
    text = _card_text(diff_card(block, status="proposed", before=before))
    assert "rewrite calc.py  +1 -1" in text
    assert "-two" in text and "+TWO" in text and " one" in text
    assert file_before(tmp_path, parse_edits("new.py\n```python\nx\n```\n", "whole")[0]) is None
