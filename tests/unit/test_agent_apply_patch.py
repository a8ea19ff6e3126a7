"""apply_patch as an agent tool: one turn's edits written as they come, committed once."""

from __future__ import annotations

import json
import os
from pathlib import Path

from redline.tools.agent import TurnEdits, Workspace, run_tool
from redline.tools.edits import undo_last
from tests.helpers_edits import fingerprint, git, make_repo

PATCH = """*** Begin Patch
*** Update File: app.py
@@
 def greet():
-    return "hi"
+    return "hello"
*** End Patch
"""
SECOND = """*** Begin Patch
*** Add File: extra.py
+X = 1
*** Update File: app.py
@@
-    return "hello"
+    return "hello there"
*** End Patch
"""


def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", {"app.py": 'def greet():\n    return "hi"\n'})


def test_edits_of_a_turn_become_one_commit_that_undo_takes_back(tmp_path: Path):
    root = repo(tmp_path)
    before = git(root, "rev-parse", "HEAD").strip()
    edits = TurnEdits(root, provider="sim", model="m")
    first = edits.apply(PATCH)
    assert first.ok and first.output == "Applied:\nM app.py (+1 -1)\n"
    assert git(root, "rev-parse", "HEAD").strip() == before  # nothing committed yet
    assert edits.apply(SECOND).ok
    assert edits.touched == ("app.py", "extra.py")
    sha = edits.commit("Greet warmly")
    assert sha is not None
    assert git(root, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    message = git(root, "log", "-1", "--format=%B")
    assert message.startswith("Greet warmly\n")
    assert "Redline: yes" in message and "Redline-Provider: sim" in message
    assert "M app.py (+2 -2)" in message and "A extra.py (+1 -0)" in message
    assert git(root, "status", "--porcelain") == ""
    assert undo_last(root).ok
    assert (root / "app.py").read_text() == 'def greet():\n    return "hi"\n'
    assert not (root / "extra.py").exists()


def test_your_uncommitted_work_is_checkpointed_first(tmp_path: Path):
    root = repo(tmp_path)
    (root / "app.py").write_text('# mine\ndef greet():\n    return "hi"\n')
    edits = TurnEdits(root)
    assert edits.apply(PATCH).ok
    assert len(edits.checkpoints) == 1
    assert "checkpoint" in git(root, "log", "-1", "--format=%B")
    edits.commit()
    assert undo_last(root).ok
    assert (root / "app.py").read_text() == '# mine\ndef greet():\n    return "hi"\n'


def test_a_failing_patch_changes_nothing_and_says_why(tmp_path: Path):
    root = repo(tmp_path)
    snap = fingerprint(root)
    bad = PATCH.replace('return "hi"', 'return "nope"', 1)
    result = TurnEdits(root).apply(bad)
    assert not result.ok and "app.py" in (result.error or "")
    assert fingerprint(root) == snap


def test_plan_previews_without_writing(tmp_path: Path):
    root = repo(tmp_path)
    snap = fingerprint(root)
    plan = TurnEdits(root).plan(PATCH)
    assert plan.ok and plan.files[0].path == "app.py" and '+    return "hello"' in plan.diff
    assert fingerprint(root) == snap
    assert not TurnEdits(root).plan("just text").ok


def test_hostile_patches_are_refused(tmp_path: Path):
    root = repo(tmp_path)
    (tmp_path / "outside.txt").write_text("x\n")
    os.symlink(tmp_path, root / "up")
    snap = fingerprint(root)
    for target in ("../outside.txt", "/tmp/abs.txt", ".git/hooks/pre-commit", "up/outside.txt"):
        patch = f"*** Begin Patch\n*** Add File: {target}\n+boom\n*** End Patch\n"
        result = TurnEdits(root).apply(patch)
        assert not result.ok, target
    assert fingerprint(root) == snap
    assert (tmp_path / "outside.txt").read_text() == "x\n"


def test_missing_end_marker_is_forgiven_other_formats_are_not(tmp_path: Path):
    root = repo(tmp_path)
    assert TurnEdits(root).plan(PATCH.replace("*** End Patch\n", "")).ok
    mixed = (
        PATCH + "\napp.py\n```\n<<<<<<< SEARCH\ndef greet\n=======\ndef hi\n>>>>>>> REPLACE\n```\n"
    )
    assert "mixes in" in (TurnEdits(root).plan(mixed).error or "")
    assert "Begin Patch" in (TurnEdits(root).apply("diff --git a b").error or "")


def test_through_the_registry_with_the_workspace_edits(tmp_path: Path):
    root = repo(tmp_path)
    ws = Workspace.open(root, provider="sim", model="m")
    result = run_tool(ws, "apply_patch", json.dumps({"patch": PATCH}))
    assert result.ok and result.files[0].path == "app.py"
    assert ws.edits.commit() is not None
    assert ws.edits.commit() is None  # nothing left


def test_no_checkpoint_when_the_caller_commits_the_turn(tmp_path: Path):
    from redline.tools.edits.turn import begin_turn, commit_turn, turn_message

    root = repo(tmp_path)
    (root / "app.py").write_text('# mine\ndef greet():\n    return "hi"\n')
    start = begin_turn(root)
    ws = Workspace.open(root, checkpoint=False)
    assert run_tool(ws, "apply_patch", json.dumps({"patch": PATCH})).ok
    assert ws.edits.checkpoints == []
    assert "initial" in git(root, "log", "-1", "--format=%s")  # nothing committed by the tool
    done = commit_turn(start, turn_message("Greet", ("app.py",), "sim", "m"))
    assert done.commit is not None and done.checkpoint is not None
    assert undo_last(root).ok
    assert (root / "app.py").read_text() == '# mine\ndef greet():\n    return "hi"\n'
