"""Edits that used to land wrong (issue 9): each is now placed exactly or refused with a reason.

Built from the failure patterns seen in other projects' edit tests (Aider, Codex apply-patch,
the OpenAI agents SDK, Cline/Roo Code, python-unidiff samples), not copied from them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.tools.edits import EditKind, parse_edits
from redline.tools.edits.plan import plan_blocks


def _setup(root: Path, files: dict[str, bytes | str]) -> None:
    for name, data in files.items():
        full = root / name
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(data if isinstance(data, bytes) else data.encode())


def _after(root: Path, files: dict[str, bytes | str], reply: str) -> dict[str, bytes | None]:
    _setup(root, files)
    plan = plan_blocks(root, parse_edits(reply))
    assert plan.ok, plan.error
    return {c.path: c.after for c in plan.changes}


def _refused(root: Path, files: dict[str, bytes | str], reply: str) -> str:
    _setup(root, files)
    plan = plan_blocks(root, parse_edits(reply))
    assert not plan.ok, plan.changes
    return plan.error or ""


def _sr(path: str, old: str, new: str, start: str = "<<<<<<< SEARCH", end: str = ">>>>>>> REPLACE"):
    return f"{path}\n```\n{start}\n{old}\n=======\n{new}\n{end}\n```\n"


# -- 1. a match found only by ignoring indentation shifts the replacement by the same offset ---

NESTED = "class Box:\n{i}def size(self):\n{i}{i}if self.open:\n{i}{i}{i}return 1\n{i}{i}return 0\n"


@pytest.mark.parametrize("unit", ["    ", "  ", "\t"])
@pytest.mark.parametrize("lost", [1, 2])
def test_search_written_shallower_is_reindented_to_the_file(tmp_path, unit, lost):
    src = NESTED.format(i=unit)
    # The model wrote the lines `lost` levels shallower than the file has them.
    old = f"{unit * (2 - lost)}if self.open:\n{unit * (3 - lost)}return 1"
    new = f"{unit * (2 - lost)}if self.open and self.full:\n{unit * (3 - lost)}return 2"
    out = _after(tmp_path, {"box.py": src}, _sr("box.py", old, new))
    assert (
        out["box.py"]
        == src.replace(
            f"{unit * 2}if self.open:\n{unit * 3}return 1",
            f"{unit * 2}if self.open and self.full:\n{unit * 3}return 2",
        ).encode()
    )


def test_search_written_deeper_is_dedented_to_the_file(tmp_path):
    src = "def f():\n    x = 1\n    return x\n"
    reply = _sr("f.py", "        x = 1\n        return x", "        x = 2\n        return x + 1")
    out = _after(tmp_path, {"f.py": src}, reply)
    assert out["f.py"] == b"def f():\n    x = 2\n    return x + 1\n"


def test_inconsistent_indentation_offset_is_refused(tmp_path):
    src = "def f():\n    if a:\n        b()\n"
    # First line shifted by 4, second by 6: no single offset explains it.
    error = _refused(tmp_path, {"f.py": src}, _sr("f.py", "if a:\n  b()", "if a:\n  c()"))
    assert "indentation" in error
    assert (tmp_path / "f.py").read_text() == src


def test_udiff_whose_context_lost_its_indentation_is_reindented(tmp_path):
    src = "def f():\n    a = 1\n    b = 2\n    c = 3\n"
    reply = "--- a/f.py\n+++ b/f.py\n@@ -2,3 +2,3 @@\n a = 1\n-b = 2\n+b = 20\n c = 3\n"
    out = _after(tmp_path, {"f.py": src}, reply)
    assert out["f.py"] == b"def f():\n    a = 1\n    b = 20\n    c = 3\n"


# -- 2. an @@ anchor that is not in the file refuses the hunk ----------------------------------


@pytest.mark.parametrize("anchor", ["def missing():", "class Nowhere:"])
def test_anchor_not_in_the_file_refuses(tmp_path, anchor):
    src = "def a():\n    return 1\n\ndef b():\n    return 1\n"
    reply = f"*** Begin Patch\n*** Update File: m.py\n@@ {anchor}\n-    return 1\n+    return 2\n*** End Patch\n"
    error = _refused(tmp_path, {"m.py": src}, reply)
    assert anchor in error and "not found" in error


def test_second_anchor_missing_refuses_even_when_the_first_is_found(tmp_path):
    src = "class A:\n    def f(self):\n        return 1\n"
    reply = (
        "*** Begin Patch\n*** Update File: m.py\n@@ class A:\n@@     def g(self):\n"
        "-        return 1\n+        return 2\n*** End Patch\n"
    )
    assert "def g(self):" in _refused(tmp_path, {"m.py": src}, reply)


# -- 3. marker variants are SEARCH/REPLACE; a fence holding markers is never a whole file -----


@pytest.mark.parametrize("count", [4, 5, 6, 8, 10, 11, 13])
def test_miscounted_markers_still_read_as_search_replace(tmp_path, count):
    reply = _sr("c.py", "b = 2", "b = 3", "<" * count + " SEARCH", ">" * count + " REPLACE")
    out = _after(tmp_path, {"c.py": "a = 1\nb = 2\n"}, reply)
    assert out["c.py"] == b"a = 1\nb = 3\n"


@pytest.mark.parametrize("dashes", [3, 7, 9])
def test_cline_markers(tmp_path, dashes):
    reply = _sr("c.py", "b = 2", "b = 3", "-" * dashes + " SEARCH", "+" * dashes + " REPLACE")
    out = _after(tmp_path, {"c.py": "a = 1\nb = 2\n"}, reply)
    assert out["c.py"] == b"a = 1\nb = 3\n"


@pytest.mark.parametrize(
    "body",
    [
        "<<<<<<< SERACH\nb = 2\n=======\nb = 3\n>>>>>>> REPLACE",  # a typo
        "SEARCH\nb = 2\n=======\nb = 3\n>>>>>>> REPLACE",  # the start marker lost
        "<<<<<<< HEAD\nb = 2\n=======\nb = 3\n>>>>>>> branch",  # a merge conflict
        "b = 2\n=======\nb = 3",  # a divider alone
    ],
)
def test_a_fence_holding_edit_markers_is_never_written_as_the_file(tmp_path, body):
    src = "a = 1\nb = 2\n"
    error = _refused(tmp_path, {"c.py": src}, f"c.py\n```python\n{body}\n```\n")
    assert "marker" in error
    assert (tmp_path / "c.py").read_text() == src


def test_a_setext_heading_in_a_markdown_whole_file_is_content(tmp_path):
    reply = "README.md\n```\nTitle\n=======\n\nText.\n```\n"
    assert _after(tmp_path, {"README.md": "old\n"}, reply)["README.md"] == (
        b"Title\n=======\n\nText.\n"
    )


def test_search_after_a_comment_inside_a_path_fence_is_search_replace(tmp_path):
    reply = (
        "c.py\n```python\n# the fix\n<<<<<<< SEARCH\nb = 2\n=======\nb = 3\n>>>>>>> REPLACE\n```\n"
    )
    assert _after(tmp_path, {"c.py": "a = 1\nb = 2\n"}, reply)["c.py"] == b"a = 1\nb = 3\n"


# -- 4. a cut-off apply_patch is refused whole ------------------------------------------------

PATCH_OPS = {
    "delete": "*** Delete File: gone.txt\n",
    "add": "*** Add File: new.txt\n+hello\n",
    "update": "*** Update File: keep.txt\n@@\n-one\n+uno\n",
    "move": "*** Update File: keep.txt\n*** Move to: moved.txt\n",
}


@pytest.mark.parametrize("last", list(PATCH_OPS))
def test_truncated_apply_patch_is_refused_whatever_its_last_operation(tmp_path, last):
    files = {"gone.txt": "bye\n", "keep.txt": "one\ntwo\n"}
    first = "*** Update File: keep.txt\n@@\n two\n+three\n" if last != "update" else ""
    reply = "*** Begin Patch\n" + first + PATCH_OPS[last]
    assert "End Patch missing" in _refused(tmp_path, files, reply)


# -- 5. a hunk header with no lines is a corrupt patch ----------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n",
        "--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n\nThat is all.\n",
        "--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,3 @@\n",
        "--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-x\n+y\n@@ -5,2 +5,2 @@\n",
    ],
)
def test_hunk_header_without_lines_is_refused(tmp_path, reply):
    assert "no diff lines" in _refused(tmp_path, {"f.txt": "x\ny\n"}, reply)


# -- 6. line ends, symlinks, unprefixed new paths ---------------------------------------------


@pytest.mark.parametrize(
    "src, expect",
    [
        (b"a\r\nb", b"a\r\nc\r\nd"),  # one CRLF, no final newline
        (b"a\r\nb\r\nlast", b"a\r\nc\r\nd\r\nlast"),
    ],
)
def test_crlf_without_final_newline_stays_crlf(tmp_path, src, expect):
    out = _after(tmp_path, {"w.txt": src}, _sr("w.txt", "b", "c\nd"))
    assert out["w.txt"] == expect


def test_appending_after_an_unterminated_crlf_last_line(tmp_path):
    reply = "*** Begin Patch\n*** Update File: w.txt\n@@\n+tail\n*** End Patch\n"
    assert _after(tmp_path, {"w.txt": b"a\r\nb"}, reply)["w.txt"] == b"a\r\nb\r\ntail"


def test_mixed_line_ends_each_line_keeps_its_own(tmp_path):
    src = b"lf1\ncr1\r\nlf2\ncr2\r\n"
    reply = _sr("m.txt", "cr1\nlf2\ncr2", "CR1\nLF2\nCR2\nextra")
    out = _after(tmp_path, {"m.txt": src}, reply)
    # Replaced lines keep the end of the line they replace; the extra one takes the usual end
    # (a tie between LF and CRLF goes to LF).
    assert out["m.txt"] == b"lf1\nCR1\r\nLF2\nCR2\r\nextra\n"


@pytest.mark.parametrize("header", ["new file mode 120000", "old mode 100644\nnew mode 120000"])
def test_diffs_that_make_symlinks_are_refused(tmp_path, header):
    minus = "/dev/null" if header.startswith("new file") else "a/link"
    reply = (
        f"diff --git a/link b/link\n{header}\n--- {minus}\n+++ b/link\n@@ -0,0 +1 @@\n"
        "+/etc/passwd\n\\ No newline at end of file\n"
    )
    error = _refused(tmp_path, {"link": "x\n"}, reply)
    assert "symbolic link" in error


@pytest.mark.parametrize("path", ["pkg/new_mod.py", "a/deep/er.py", "src/x/y.py"])
def test_new_file_without_prefixes_keeps_its_path(tmp_path, path):
    reply = f"--- /dev/null\n+++ {path}\n@@ -0,0 +1 @@\n+x = 1\n"
    assert _after(tmp_path, {"other.py": "y\n"}, reply) == {path: b"x = 1\n"}


def test_new_file_in_a_directory_diff_still_drops_the_version_prefix(tmp_path):
    reply = "--- old/new.c\t1970-01-01 00:00:00.000000000 +0000\n+++ new/new.c\n@@ -0,0 +1 @@\n+int x;\n"
    assert _after(tmp_path, {"a.c": "int a;\n"}, reply) == {"new.c": b"int x;\n"}


def test_whole_block_kind_survives_the_marker_guard():
    (block,) = parse_edits("notes.txt\n```\njust text\n```\n")
    assert block.kind is EditKind.WHOLE


# -- 7. a whole file is an edit only when asked for (or clearly meant); never a snippet --------

CALC = (
    "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n\n\ndef mul(a, b):\n"
)
CALC += "    return a * b\n"
QUOTE = "calc.py:\n```python\ndef mul(a, b):\n    return a * b\n```\n"
RAMBLE = (
    "Let me look at the code. The function you mean is this one:\n\n" + QUOTE + "\nIt multiplies."
    " You could also keep helpers apart:\n\nhelpers.py\n```python\ndef helper():\n    pass\n```\n"
)


@pytest.mark.parametrize("fmt", ["search-replace", "udiff", "apply-patch"])
def test_a_quoted_file_is_not_an_edit_when_another_format_was_asked(tmp_path, fmt):
    assert parse_edits(RAMBLE, fmt) == []
    # redline's own context format (the path, then the fenced file) read back: not an edit.
    context = "calc.py\n```python\n" + CALC + "```\n\nPlease double `mul`.\n\nSure.\n"
    assert parse_edits(context, fmt) == []


@pytest.mark.parametrize("fmt", [None, "whole"])
def test_a_snippet_that_would_delete_most_of_a_file_is_refused(tmp_path, fmt):
    _setup(tmp_path, {"calc.py": CALC})
    plan = plan_blocks(tmp_path, parse_edits(RAMBLE, fmt))
    assert not plan.ok and "delete most of the file" in (plan.error or "")


def test_a_reply_that_is_only_whole_files_is_clearly_one(tmp_path):
    reply = "Here is the updated file.\n\ncalc.py\n```python\n" + CALC.replace("a * b", "b * a")
    reply += "```\n"
    _setup(tmp_path, {"calc.py": CALC})
    (block,) = parse_edits(reply, "search-replace")
    assert block.kind is EditKind.WHOLE
    plan = plan_blocks(tmp_path, [block])
    assert plan.ok and plan.changes[0].after == CALC.replace("a * b", "b * a").encode()


def test_whole_files_beside_other_edits_are_not_edits_unless_asked():
    reply = "calc.py\n```\nx = 1\n```\n" + _sr("other.py", "a", "b")
    assert [b.kind for b in parse_edits(reply, "search-replace")] == [EditKind.SEARCH_REPLACE]
    assert [b.kind for b in parse_edits(reply, "whole")] == [
        EditKind.WHOLE,
        EditKind.SEARCH_REPLACE,
    ]


@pytest.mark.parametrize(
    "second",
    [
        "calc.py\n```python\n" + CALC.replace("a + b", "b + a") + "```\n",
        _sr("calc.py", "    return a - b", "    return b - a"),
    ],
)
def test_two_conflicting_edits_of_one_file_are_refused(tmp_path, second):
    first = "calc.py\n```python\n" + CALC.replace("a * b", "b * a") + "```\n"
    error = _refused(tmp_path, {"calc.py": CALC}, first + "\n" + second)
    assert "conflict" in error and "block 1 and block 2" in error
    assert (tmp_path / "calc.py").read_text() == CALC


def test_a_file_created_twice_with_different_content_is_refused(tmp_path):
    reply = "*** Begin Patch\n*** Add File: n.txt\n+one\n*** Add File: n.txt\n+two\n*** End Patch\n"
    assert "conflict" in _refused(tmp_path, {"x": "x\n"}, reply)


def test_the_same_whole_file_sent_twice_is_not_a_conflict(tmp_path):
    block = "calc.py\n```python\n" + CALC.replace("a * b", "b * a") + "```\n"
    out = _after(tmp_path, {"calc.py": CALC}, block + "\n" + block)
    assert out["calc.py"] == CALC.replace("a * b", "b * a").encode()


def test_delete_then_create_again_is_one_reading(tmp_path):
    reply = "*** Begin Patch\n*** Delete File: n.txt\n*** Add File: n.txt\n+fresh\n*** End Patch\n"
    assert _after(tmp_path, {"n.txt": "old\n"}, reply) == {"n.txt": b"fresh\n"}


# -- formats redline does not claim are refused, and never written as the file ----------------

OTHER_DIFFS = {
    "normal": "2c2\n< b\n---\n> B\n",
    "ed": "2c\nB\n.\nw\n",
    "context": "*** a.txt\n--- a.txt\n***************\n*** 1,3 ****\n  a\n! b\n  c\n--- 1,3 ----\n"
    "  a\n! B\n  c\n",
}


@pytest.mark.parametrize("kind", list(OTHER_DIFFS))
@pytest.mark.parametrize("info", ["", "diff"])
@pytest.mark.parametrize("fmt", [None, "whole", "udiff"])
def test_normal_ed_and_context_diffs_are_never_a_whole_file(tmp_path, kind, info, fmt):
    reply = f"a.txt\n```{info}\n{OTHER_DIFFS[kind]}```\n"
    _setup(tmp_path, {"a.txt": "a\nb\nc\n"})
    plan = plan_blocks(tmp_path, parse_edits(reply, fmt))
    assert not plan.ok and not plan.changes
    assert (tmp_path / "a.txt").read_text() == "a\nb\nc\n"


@pytest.mark.parametrize("kind", list(OTHER_DIFFS))
def test_other_diffs_in_prose_are_no_edit(kind):
    assert parse_edits(f"Here:\n\n{OTHER_DIFFS[kind]}\nDone.\n") == []


@pytest.mark.parametrize(
    "reply",
    [
        "path/to/calc.py\n```\nx = 1\n```\n",
        "--- /dev/null\n+++ b/path/to/file.py\n@@ -0,0 +1 @@\n+x = 1\n",
    ],
)
def test_the_prompts_placeholder_path_is_never_created(tmp_path, reply):
    assert "placeholder" in _refused(tmp_path, {"calc.py": "x = 0\n"}, reply)


def test_an_anchor_changed_by_an_earlier_hunk_still_counts(tmp_path):
    # Codex reads anchors in the file as it was: the first hunk rewrites the `def` line the
    # second hunk names.
    src = "def f(a):\n    x = 1\n    y = 2\n    z = 3\n    return x\n"
    reply = (
        "*** Begin Patch\n*** Update File: m.py\n@@\n-def f(a):\n+def f(a, b):\n     x = 1\n"
        "@@ def f(a):\n     z = 3\n-    return x\n+    return x + b\n*** End Patch\n"
    )
    out = _after(tmp_path, {"m.py": src}, reply)
    assert out["m.py"] == b"def f(a, b):\n    x = 1\n    y = 2\n    z = 3\n    return x + b\n"


def test_an_anchor_cut_at_gits_80_bytes_names_the_line_it_begins(tmp_path):
    head = "def configure(name: str, verbose: bool = False, retries: int = 3, timeout: float"
    src = f"{head} = 1.0) -> None:\n    return None\n\ndef other():\n    return None\n"
    reply = (
        f"*** Begin Patch\n*** Update File: c.py\n@@ {head[:80]}\n-    return None\n"
        "+    return print(name)\n*** End Patch\n"
    )
    out = _after(tmp_path, {"c.py": src}, reply)
    assert out["c.py"] == src.replace("    return None", "    return print(name)", 1).encode()
    # A short anchor that only begins a line is not that line.
    short = reply.replace(f"@@ {head[:80]}", "@@ def configure(")
    assert "not found" in _refused(tmp_path, {}, short)
