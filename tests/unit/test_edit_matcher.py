"""The matcher's named passes, uniqueness, and the pins that settle a tie."""

from __future__ import annotations

import pytest

from redline.tools.edits.matcher import LineIndex, Match, NoMatch, seek


def _seek(lines, old, **kw):
    return seek(LineIndex(lines), old, **kw)


@pytest.mark.parametrize(
    "file_line, old_line, pass_name",
    [
        ("x = 1", "x = 1", "exact"),
        ("x = 1\r", "x = 1", "exact"),
        ("x = 1   ", "x = 1", "trailing-whitespace"),
        ("    x = 1", "x = 1", "surrounding-whitespace"),
        ("say(\u201chi\u201d) \u2014 ok", 'say("hi") - ok', "unicode-punctuation"),
        ("a\u00a0b", "a b", "unicode-punctuation"),
    ],
)
def test_passes(file_line, old_line, pass_name):
    found = _seek(["before", file_line, "after"], [old_line])
    assert found == Match(1, pass_name)


def test_an_exact_hit_wins_over_looser_ones():
    found = _seek(["  x", "x"], ["x"])
    assert found == Match(1, "exact")


def test_ambiguous_fails_with_where():
    found = _seek(["a", "x", "b", "x"], ["x"])
    assert isinstance(found, NoMatch) and found.ambiguous
    assert "lines 2, 4" in found.reason


def test_hint_and_bounds_pin_a_tie():
    lines = ["a", "x", "b", "x"]
    assert _seek(lines, ["x"], hint=3) == Match(3, "exact")
    assert _seek(lines, ["x"], start=2) == Match(3, "exact")
    assert _seek(lines, ["x"], upper=3) == Match(1, "exact")
    assert _seek(lines, ["x"], at_end=True) == Match(3, "exact")
    assert isinstance(_seek(lines, ["x"], hint=2), NoMatch)


def test_no_match_reports_the_closest_lines():
    found = _seek(["def f():", "    return 1", "", "def g():"], ["def f():", "    retrun 1"])
    assert isinstance(found, NoMatch) and not found.ambiguous
    assert found.closest_at == 0 and found.closest[0] == "def f():"


@pytest.mark.parametrize("where", ["last", "first", "only"])
def test_the_closest_lines_include_the_line_that_differs(where):
    lines = ["import os", "", "def f():", "    x = 1", "    return x", "", "print(f())"]
    old = {
        "last": ["def f():", "    x = 2"],
        "first": ["    x = 2", "    return x"],
        "only": ["    x = 2"],
    }[where]
    found = _seek(lines, old)
    assert isinstance(found, NoMatch)
    assert "    x = 1" in found.closest
