"""Edits peers apply and models really write, accepted where only one reading exists (issue 9).

Each test is built from a pattern seen in other projects' edit tests; the ambiguous neighbours
of each pattern stay refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.tools.edits import EditKind, EditStreamParser, parse_edits
from redline.tools.edits.plan import plan_blocks


def _plan(root: Path, files: dict[str, str], reply: str, fmt: str | None = None):
    for name, data in files.items():
        full = root / name
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(data)
    return plan_blocks(root, parse_edits(reply, fmt))


def _after(root: Path, files: dict[str, str], reply: str, fmt: str | None = None):
    plan = _plan(root, files, reply, fmt)
    assert plan.ok, plan.error
    return {c.path: c.after for c in plan.changes}


def _patch(*body: str) -> str:
    return "*** Begin Patch\n" + "".join(body) + "*** End Patch\n"


SEVEN = "a\nb\nc\nd\ne\nf\ng\n"


# -- apply_patch: blank lines, chunk order, anchors --------------------------------------------


@pytest.mark.parametrize("blanks", ["\n", "\n\n"])
@pytest.mark.parametrize("tail", ["", "*** End of File\n"])
def test_blank_lines_before_the_end_markers(tmp_path, blanks, tail):
    last = " f\n-g\n+G\n" if tail else " a\n-b\n+B\n"
    reply = _patch("*** Update File: s.txt\n@@\n", last, blanks, tail)
    out = _after(tmp_path, {"s.txt": SEVEN}, reply)
    assert out["s.txt"] == (SEVEN.replace("g", "G") if tail else SEVEN.replace("b", "B")).encode()


def test_blank_line_between_chunks(tmp_path):
    reply = _patch("*** Update File: s.txt\n@@\n a\n-b\n+B\n\n@@\n f\n-g\n+G\n")
    assert _after(tmp_path, {"s.txt": SEVEN}, reply)["s.txt"] == b"a\nB\nc\nd\ne\nf\nG\n"


def test_a_blank_context_line_the_file_really_has_is_kept(tmp_path):
    src = "x = 1\n\ny = 2\n\nx = 1\nz = 3\n"
    # The empty line is context: with it the lines are unique, without it they are not.
    reply = _patch("*** Update File: k.py\n@@\n-x = 1\n+x = 10\n\n")
    out = _after(tmp_path, {"k.py": src}, reply)
    assert out["k.py"] == b"x = 10\n\ny = 2\n\nx = 1\nz = 3\n"


def test_pure_addition_chunk_then_a_removal(tmp_path):
    reply = _patch("*** Update File: s.txt\n@@\n+h\n@@\n-b\n")
    # Codex: an unanchored addition goes to the end and leaves the cursor where it was.
    assert _after(tmp_path, {"s.txt": SEVEN}, reply)["s.txt"] == b"a\nc\nd\ne\nf\ng\nh\n"


def test_first_match_right_after_the_anchor(tmp_path):
    src = "def f():\n    n = 0\n    n = 0\n    return n\n"
    reply = _patch("*** Update File: f.py\n@@ def f():\n-    n = 0\n+    n = 1\n")
    out = _after(tmp_path, {"f.py": src}, reply)
    assert out["f.py"] == b"def f():\n    n = 1\n    n = 0\n    return n\n"


def test_first_match_after_a_plain_anchor_line(tmp_path):
    src = "[a]\nport=1\n# proxy\n\nport=1\n[b]\nport=1\n"
    reply = _patch("*** Update File: c.ini\n@@ # proxy\n-port=1\n+port=2\n")
    out = _after(tmp_path, {"c.ini": src}, reply)
    assert out["c.ini"] == b"[a]\nport=1\n# proxy\n\nport=2\n[b]\nport=1\n"


def test_a_block_anchor_covering_both_matches_stays_refused(tmp_path):
    src = "class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 1\n"
    reply = _patch("*** Update File: a.py\n@@ class A:\n-        return 1\n+        return 2\n")
    plan = _plan(tmp_path, {"a.py": src}, reply)
    assert not plan.ok and "2 places" in (plan.error or "")


def test_search_twice_with_nothing_to_pin_it_stays_refused(tmp_path):
    reply = "t.py\n```\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n```\n"
    plan = _plan(tmp_path, {"t.py": "x = 1\ny = 0\nx = 1\n"}, reply)
    assert not plan.ok and "2 places" in (plan.error or "")


# -- SEARCH/REPLACE: the path in its own fence ---------------------------------------------------


@pytest.mark.parametrize("info", ["", "python"])
def test_path_alone_in_one_fence_and_the_block_in_the_next(tmp_path, info):
    reply = (
        f"```{info}\nweb/app.py\n```\n```{info}\n<<<<<<< SEARCH\nimport os\n=======\n"
        "import os\nimport sys\n>>>>>>> REPLACE\n```\n"
    )
    out = _after(tmp_path, {"web/app.py": "import os\n"}, reply)
    assert out["web/app.py"] == b"import os\nimport sys\n"


def test_a_path_fence_followed_by_prose_does_not_name_a_later_block():
    reply = (
        "```\nweb/app.py\n```\nThen:\n```\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n"
    )
    (block,) = parse_edits(reply)
    assert block.kind is EditKind.INVALID and "no file path" in (block.error or "")


# -- unified diffs ---------------------------------------------------------------------------


def test_blank_line_between_files_of_an_unnumbered_diff(tmp_path):
    reply = (
        "```diff\n--- a/x.txt\n+++ b/x.txt\n@@ ... @@\n-a\n+A\n\n"
        "--- a/y.txt\n+++ b/y.txt\n@@ ... @@\n-c\n+C\n```\n"
    )
    out = _after(tmp_path, {"x.txt": "a\nb\n", "y.txt": "c\nd\n"}, reply)
    assert out == {"x.txt": b"A\nb\n", "y.txt": b"C\nd\n"}


@pytest.mark.parametrize(
    "after",
    ["---\n", "---\n\nThat is the change.\n", "-----\nDone.\n", "+++\n", "\n---\n"],
)
@pytest.mark.parametrize("header", ["@@ -1,3 +1,3 @@", "@@ ... @@"])
def test_a_rule_or_junk_after_a_complete_hunk(tmp_path, after, header):
    reply = f"--- a/f.txt\n+++ b/f.txt\n{header}\n a\n-b\n+B\n c\n{after}"
    assert _after(tmp_path, {"f.txt": "a\nb\nc\nd\n"}, reply)["f.txt"] == b"a\nB\nc\nd\n"


def test_a_dashes_line_that_continues_the_hunk_is_a_removed_line(tmp_path):
    reply = "--- a/s.sql\n+++ b/s.sql\n@@ ... @@\n x\n---\n y\n"
    assert _after(tmp_path, {"s.sql": "x\n--\ny\n"}, reply)["s.sql"] == b"x\ny\n"


@pytest.mark.parametrize("mark", ["(revision 0)", "(nonexistent)"])
def test_svn_new_file(tmp_path, mark):
    reply = (
        "Index: lib/new.c\n===================================================================\n"
        f"--- lib/new.c\t{mark}\n+++ lib/new.c\t(working copy)\n@@ -0,0 +1,2 @@\n+int a;\n+int b;\n"
    )
    assert _after(tmp_path, {"lib/old.c": "x\n"}, reply) == {"lib/new.c": b"int a;\nint b;\n"}


# -- whole files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [".gitignore", ".env.example", "CODEOWNERS", "Vagrantfile"])
def test_whole_files_without_an_extension(tmp_path, name):
    reply = f"{name}\n```\nnew content\n```\n"
    assert _after(tmp_path, {name: "old\n"}, reply, "whole") == {name: b"new content\n"}


@pytest.mark.parametrize("word", ["Output", "python", "Example"])
def test_plain_words_before_a_fence_are_not_file_names(tmp_path, word):
    assert parse_edits(f"{word}\n```\nsome text\n```\n", "whole") == []


def test_a_one_line_whole_file_that_looks_like_a_path_is_still_a_file(tmp_path):
    reply = ".python-version\n```\n3.11.4\n```\n"
    out = _after(tmp_path, {".python-version": "3.10\n"}, reply, "whole")
    assert out == {".python-version": b"3.11.4\n"}


# -- streaming: the new shapes split anywhere give the same blocks ----------------------------

NEW_SHAPES = (
    "```python\nweb/app.py\n```\n```python\n<<<<<<< SEARCH\nimport os\n=======\nimport re\n"
    ">>>>>>> REPLACE\n```\n\n--- a/x.txt\n+++ b/x.txt\n@@ ... @@\n-a\n+A\n\n--- a/y.txt\n"
    "+++ b/y.txt\n@@ -1,2 +1,2 @@\n-c\n+C\n d\n---\n\nnotes.md\n```\nTitle\n=====\n```\n"
    "c.py\n```\n<<<< SEARCH\nb\n=======\nc\n>>>> REPLACE\n```\n"
    "*** Begin Patch\n*** Update File: s.txt\n@@\n a\n-b\n+B\n\n*** End Patch\n"
)


@pytest.mark.parametrize("fmt", [None, "whole", "search-replace"])
def test_new_shapes_split_at_every_position(fmt):
    whole = parse_edits(NEW_SHAPES, fmt)
    assert len(whole) >= 5
    for cut in range(len(NEW_SHAPES) + 1):
        parser = EditStreamParser(fmt)
        got = parser.feed(NEW_SHAPES[:cut]) + parser.feed(NEW_SHAPES[cut:]) + parser.finish()
        assert got == whole, cut


# -- SEARCH with blank lines the file does not have around it ---------------------------------


@pytest.mark.parametrize(
    "search, replace",
    [
        ("\n  one\n  two", "  uno\n  dos"),  # a stray leading blank line (and lost indentation)
        ("    one\n    two\n", "    uno\n    dos\n"),  # a trailing blank line on both sides
    ],
)
def test_blank_lines_around_search_that_the_file_lacks(tmp_path, search, replace):
    reply = f"n.py\n```\n<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n```\n"
    out = _after(tmp_path, {"n.py": "    one\n    two\n    three\n"}, reply)
    assert out["n.py"] == b"    uno\n    dos\n    three\n"


def test_a_blank_line_that_pins_the_search_is_used_first(tmp_path):
    reply = "n.py\n```\n<<<<<<< SEARCH\nx = 1\n\n=======\nx = 2\n\n>>>>>>> REPLACE\n```\n"
    out = _after(tmp_path, {"n.py": "x = 1\n\ny = 1\nx = 1\nz = 1\n"}, reply)
    assert out["n.py"] == b"x = 2\n\ny = 1\nx = 1\nz = 1\n"


# -- Roo Code's line hint ------------------------------------------------------------------------

TWICE = "def a():\n    return 1\n\ndef b():\n    return 1\n"


@pytest.mark.parametrize("hint, line", [(":start_line:5\n-------\n", 5), (":start_line:2\n", 2)])
def test_roo_start_line_hint_settles_a_tie(tmp_path, hint, line):
    reply = f"m.py\n```\n<<<<<<< SEARCH\n{hint}    return 1\n=======\n    return 2\n>>>>>>> REPLACE\n```\n"
    out = _after(tmp_path, {"m.py": TWICE}, reply)
    lines = TWICE.splitlines()
    lines[line - 1] = "    return 2"
    assert out["m.py"] == ("\n".join(lines) + "\n").encode()


def test_a_start_line_hint_that_names_neither_match_stays_refused(tmp_path):
    reply = (
        "m.py\n```\n<<<<<<< SEARCH\n:start_line:3\n-------\n    return 1\n=======\n"
        "    return 2\n>>>>>>> REPLACE\n```\n"
    )
    plan = _plan(tmp_path, {"m.py": TWICE}, reply)
    assert not plan.ok and "2 places" in (plan.error or "")


@pytest.mark.parametrize("marker", ["@@ ", "@@   ", "@@\t"])
def test_an_at_at_line_with_only_spaces_is_a_bare_chunk_marker(tmp_path, marker):
    reply = _patch(f"*** Update File: s.txt\n{marker}\n a\n-b\n+B\n")
    assert _after(tmp_path, {"s.txt": SEVEN}, reply)["s.txt"] == SEVEN.replace("b", "B").encode()
