"""Lines that occur more than once: the first match at or after the end of the previous edit
to the same file (apply_patch's defined semantics, SEARCH/REPLACE blocks in file order); the
first edit of a file has nothing before it to order it, so a tie there is refused."""

from __future__ import annotations

from pathlib import Path

from redline.tools.edits import parse_edits
from redline.tools.edits.plan import plan_blocks

# Three functions with the same body: `return x` occurs three times.
SRC = b"def a(x):\n    return x\n\n\ndef b(x):\n    return x\n\n\ndef c(x):\n    return x\n"


def _plan(root: Path, reply: str, *, first: bool = True):
    (root / "m.py").write_bytes(SRC)
    return plan_blocks(root, parse_edits(reply), first_after_cursor=first)


def _sr(old: str, new: str) -> str:
    return f"m.py\n```\n<<<<<<< SEARCH\n{old}\n=======\n{new}\n>>>>>>> REPLACE\n```\n"


PATCH = (
    "*** Begin Patch\n*** Update File: m.py\n@@\n def a(x):\n-    return x\n+    return 1 * x\n"
    "@@\n-    return x\n+    return 2 * x\n*** End Patch\n"
)


def test_apply_patch_takes_the_first_match_after_the_previous_chunk(tmp_path):
    plan = _plan(tmp_path, PATCH)
    assert plan.ok, plan.error
    after = plan.changes[0].after
    assert after == SRC.replace(b"a(x):\n    return x", b"a(x):\n    return 1 * x").replace(
        b"b(x):\n    return x", b"b(x):\n    return 2 * x"
    )


def test_the_strict_rule_refuses_the_same_patch(tmp_path):
    plan = _plan(tmp_path, PATCH, first=False)
    assert not plan.ok and "matches 2 places" in (plan.error or "")


def test_the_scope_of_a_first_hunks_anchor_settles_a_tie(tmp_path):
    reply = (
        "*** Begin Patch\n*** Update File: m.py\n@@ def b(x):\n-    return x\n+    return -x\n"
        "*** End Patch\n"
    )
    plan = _plan(tmp_path, reply)
    assert plan.ok, plan.error
    assert plan.changes[0].after == SRC.replace(b"b(x):\n    return x", b"b(x):\n    return -x")


def test_a_lone_apply_patch_hunk_with_several_matches_is_refused(tmp_path):
    reply = (
        "*** Begin Patch\n*** Update File: m.py\n@@\n-    return x\n+    return 0\n*** End Patch\n"
    )
    plan = _plan(tmp_path, reply)
    assert not plan.ok and "matches 3 places" in (plan.error or "")
    assert plan.changes == ()


def test_search_replace_siblings_are_placed_in_order(tmp_path):
    reply = _sr("def a(x):\n    return x", "def a(x):\n    return 1") + _sr(
        "    return x", "    return 2"
    )
    plan = _plan(tmp_path, reply)
    assert plan.ok, plan.error
    assert plan.changes[0].after == SRC.replace(b"return x", b"return 1", 1).replace(
        b"return x", b"return 2", 1
    )


def test_an_isolated_search_replace_block_with_several_matches_is_refused(tmp_path):
    plan = _plan(tmp_path, _sr("    return x", "    return 0"))
    assert not plan.ok
    assert "matches 3 places" in (plan.error or "") and plan.changes == ()


def test_a_sibling_placed_before_the_previous_block_breaks_the_order(tmp_path):
    # Block 1 edits c (the end), block 2 is unique only by going back: from then on ties refuse.
    reply = (
        _sr("def c(x):\n    return x", "def c(x):\n    return 3")
        + _sr("def a(x):", "def a(x, y=0):")
        + _sr("    return x", "    return 0")
    )
    plan = _plan(tmp_path, reply)
    assert not plan.ok and "matches 2 places" in (plan.error or "")


def test_the_first_of_several_hunks_with_a_tie_is_refused(tmp_path):
    # Both hunks are in file order, but nothing says which `return x` the first one means.
    reply = (
        "*** Begin Patch\n*** Update File: m.py\n@@\n-    return x\n+    return 0\n"
        "@@\n def c(x):\n-    return x\n+    return 3\n*** End Patch\n"
    )
    plan = _plan(tmp_path, reply)
    assert not plan.ok and "hunk 1: matches" in (plan.error or "")


def test_the_first_of_several_search_replace_blocks_with_a_tie_is_refused(tmp_path):
    reply = _sr("    return x", "    return 0") + _sr("def c(x):", "def c(x, y):")
    plan = _plan(tmp_path, reply)
    assert not plan.ok and "matches 3 places" in (plan.error or "")
