from __future__ import annotations

import dataclasses

import pytest

from redline import __version__
from redline.backends import Finished, StreamError, TextDelta


def test_version(run_redline):
    result = run_redline("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"redline {__version__}"


def test_unknown_flag_is_usage_error(run_redline):
    result = run_redline("exec", "--no-such-flag")
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_events_are_frozen_values():
    delta = TextDelta("hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delta.text = "x"  # type: ignore[misc]
    assert StreamError("auth", "set X").retry_after_s is None
    assert Finished("stop") == Finished("stop")
