"""Planning edits in memory: line endings, final newlines, diff details, pins."""

from __future__ import annotations

from pathlib import Path

from redline.tools.edits import parse_edits
from redline.tools.edits.plan import plan_blocks


def _plan(root: Path, files: dict[str, bytes], reply: str):
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    plan = plan_blocks(root, parse_edits(reply))
    assert plan.ok, plan.error
    return {c.path: c.after for c in plan.changes}


def _sr(path, old, new):
    return f"{path}\n```\n<<<<<<< SEARCH\n{old}\n=======\n{new}\n>>>>>>> REPLACE\n```\n"


def test_crlf_file_stays_crlf(tmp_path):
    out = _plan(tmp_path, {"w.txt": b"one\r\ntwo\r\nthree\r\n"}, _sr("w.txt", "two", "2\nII"))
    assert out["w.txt"] == b"one\r\n2\r\nII\r\nthree\r\n"


def test_crlf_reply_on_lf_file_stays_lf(tmp_path):
    reply = _sr("u.txt", "two", "2").replace("\n", "\r\n")
    out = _plan(tmp_path, {"u.txt": b"one\ntwo\n"}, reply)
    assert out["u.txt"] == b"one\n2\n"


def test_missing_final_newline_is_kept(tmp_path):
    out = _plan(tmp_path, {"n.txt": b"a\nlast"}, _sr("n.txt", "last", "final"))
    assert out["n.txt"] == b"a\nfinal"


def test_udiff_no_newline_markers_decide(tmp_path):
    reply = (
        "--- a/n.txt\n+++ b/n.txt\n@@ -1,2 +1,2 @@\n a\n-last\n\\ No newline at end of file\n"
        "+last\n"
    )
    assert _plan(tmp_path, {"n.txt": b"a\nlast"}, reply)["n.txt"] == b"a\nlast\n"
    reply = "--- a/m.txt\n+++ b/m.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"
    assert _plan(tmp_path, {"m.txt": b"a\nb\n"}, reply)["m.txt"] == b"a\nb"


def test_udiff_with_wrong_counts_is_read_by_content(tmp_path):
    reply = "```diff\n--- a/f.py\n+++ b/f.py\n@@ -1,9 +1,9 @@\n def f():\n-    return 1\n+    return 2\n```\n"
    assert _plan(tmp_path, {"f.py": b"def f():\n    return 1\n"}, reply)["f.py"] == (
        b"def f():\n    return 2\n"
    )


def test_udiff_timestamps_and_epoch_creation(tmp_path):
    reply = (
        "--- old/f.txt\t2024-01-01 10:00:00.000000000 +0100\n"
        "+++ new/f.txt\t2024-01-02 10:00:00.000000000 +0100\n@@ -1 +1 @@\n-a\n+b\n"
        "--- old/g.txt\t1970-01-01 00:00:00.000000000 +0000\n"
        "+++ new/g.txt\t2024-01-02 10:00:00.000000000 +0100\n@@ -0,0 +1 @@\n+new\n"
    )
    out = _plan(tmp_path, {"f.txt": b"a\n"}, reply)
    assert out == {"f.txt": b"b\n", "g.txt": b"new\n"}


def test_udiff_quoted_paths(tmp_path):
    reply = (
        'diff --git "a/caf\\303\\251 menu.txt" "b/caf\\303\\251 menu.txt"\n'
        'index 1..2 100644\n--- "a/caf\\303\\251 menu.txt"\n+++ "b/caf\\303\\251 menu.txt"\n'
        "@@ -1 +1 @@\n-tea\n+coffee\n"
    )
    assert _plan(tmp_path, {"café menu.txt": b"tea\n"}, reply) == {"café menu.txt": b"coffee\n"}


def test_udiff_line_hint_pins_a_repeated_hunk(tmp_path):
    body = b"x = 1\ny = 2\nz = 3\n" * 3
    reply = "--- a/r.py\n+++ b/r.py\n@@ -4,3 +4,3 @@\n x = 1\n-y = 2\n+y = 20\n z = 3\n"
    out = _plan(tmp_path, {"r.py": body}, reply)
    assert out["r.py"] == b"x = 1\ny = 2\nz = 3\nx = 1\ny = 20\nz = 3\nx = 1\ny = 2\nz = 3\n"


def test_apply_patch_anchor_scope_pins_a_repeated_chunk(tmp_path):
    src = b"class A:\n    def f(self):\n        return 1\n\nclass B:\n    def f(self):\n        return 1\n"
    reply = (
        "*** Begin Patch\n*** Update File: s.py\n@@ class B:\n     def f(self):\n-        return 1\n"
        "+        return 2\n*** End Patch\n"
    )
    out = _plan(tmp_path, {"s.py": src}, reply)
    assert out["s.py"].endswith(b"class B:\n    def f(self):\n        return 2\n")
    assert b"return 1" in out["s.py"]


def test_search_replace_context_keeps_the_files_own_whitespace(tmp_path):
    out = _plan(
        tmp_path,
        {"k.py": b"class K:\n    def f(self):  \n        return 1\n"},
        _sr("k.py", "def f(self):\n    return 1", "def f(self):\n    return 2"),
    )
    # The unchanged line keeps its trailing spaces; the new one takes the file's indentation.
    assert out["k.py"] == b"class K:\n    def f(self):  \n        return 2\n"


def test_indentation_that_cannot_be_shifted_consistently_is_refused(tmp_path):
    # A tab in the file, two spaces in the reply: no one offset turns one into the other.
    (tmp_path / "k.py").write_bytes(b"def f():  \n\treturn 1\n")
    reply = _sr("k.py", "def f():\n  return 1", "def f():\n  return 2")
    plan = plan_blocks(tmp_path, parse_edits(reply))
    assert not plan.ok and "indentation" in (plan.error or "")


def test_search_replace_alternative_divider(tmp_path):
    reply = (
        "doc.rst\n```\n<<<<<<< SEARCH\nTitle\n=======\n=======\nNew\n===\n>>>>>>> REPLACE\n```\n"
    )
    out = _plan(tmp_path, {"doc.rst": b"Title\n=======\n\ntext\n"}, reply)
    assert out["doc.rst"] == b"New\n===\n\ntext\n"


def test_a_reply_sent_with_crlf_line_ends_does_not_make_files_crlf(tmp_path):
    reply = (
        "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n"
        "--- a/old.txt\n+++ b/old.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    ).replace("\n", "\r\n")
    out = _plan(tmp_path, {"old.txt": b"a\nb\n"}, reply)
    assert out == {"new.txt": b"one\ntwo\n", "old.txt": b"a\nc\n"}


def test_a_real_diff_of_a_crlf_file_keeps_its_crs(tmp_path):
    reply = "--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+x\r\n"
    out = _plan(tmp_path, {"w.txt": b"a\r\nb\r\n"}, reply)
    assert out == {"w.txt": b"a\r\nc\r\n", "n.txt": b"x\r\n"}


def test_plain_diff_against_a_backup_name_finds_the_real_file(tmp_path):
    reply = "--- f.c.orig\t2024-01-01 10:00:00\n+++ f.c\t2024-01-02 10:00:00\n@@ -1 +1 @@\n-a\n+b\n"
    assert _plan(tmp_path, {"f.c": b"a\n"}, reply) == {"f.c": b"b\n"}


def test_submodule_pointer_changes_are_skipped(tmp_path):
    reply = (
        "diff --git a/vendor/lib b/vendor/lib\nindex 1111111..2222222 160000\n--- a/vendor/lib\n"
        "+++ b/vendor/lib\n@@ -1 +1 @@\n-Subproject commit 1111111\n+Subproject commit 2222222\n"
        "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-a\n+b\n"
    )
    assert _plan(tmp_path, {"f.txt": b"a\n"}, reply) == {"f.txt": b"b\n"}


def test_whole_file_with_elided_code_is_refused(tmp_path):
    from redline.tools.edits.plan import plan_blocks

    (tmp_path / "app.py").write_text("import os\n\ndef main():\n    run()\n")
    reply = (
        "app.py\n```python\nimport os\n\n# ... existing code ...\n\ndef extra():\n    pass\n```\n"
    )
    plan = plan_blocks(tmp_path, parse_edits(reply))
    assert not plan.ok and "leaves code out" in (plan.error or "")


def test_patch_context_lines_that_look_like_markers_are_content(tmp_path):
    reply = "*** Begin Patch\n*** Update File: notes.md\n@@\n *** Note: keep\n-old\n+new\n*** End Patch\n"
    out = _plan(tmp_path, {"notes.md": b"*** Note: keep\nold\n"}, reply)
    assert out["notes.md"] == b"*** Note: keep\nnew\n"


def test_a_hunk_with_a_context_line_missing_its_space_fails_instead_of_half_applying(tmp_path):
    from redline.tools.edits.plan import plan_blocks

    (tmp_path / "f.py").write_text("x = 1\ndef f():\n    return 1\n")
    reply = "--- a/f.py\n+++ b/f.py\n@@ -1,3 +1,3 @@\n-x = 1\n+x = 2\ndef f():\n-    return 1\n+    return 2\n"
    plan = plan_blocks(tmp_path, parse_edits(reply))
    assert not plan.ok and "leading space" in (plan.error or "")


def test_inflated_counts_before_a_blank_line_and_prose_are_tolerated(tmp_path):
    reply = "--- a/f.py\n+++ b/f.py\n@@ -1,9 +1,9 @@\n-x = 1\n+x = 2\n\nThat is the change.\n"
    assert _plan(tmp_path, {"f.py": b"x = 1\n"}, reply) == {"f.py": b"x = 2\n"}
