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


def test_a_port_out_of_range_is_one_sentence_and_exit_2(run_redline):
    result = run_redline("sim", "--port", "99999")
    assert result.returncode == 2
    assert "99999 is not a port" in result.stderr
    assert "Traceback" not in result.stderr


def test_max_tokens_must_be_positive(run_redline):
    for value in ("0", "-1", "lots"):
        result = run_redline("exec", "hi", "--provider", "sim", "--max-tokens", value)
        assert result.returncode == 2, value
        assert "--max-tokens" in result.stderr
        assert "Traceback" not in result.stderr


def test_simulator_rates_refuse_nan_and_negatives(run_redline):
    for flag, value in (("--rate", "nan"), ("--rate", "0"), ("--ttft", "-5"), ("--ttft", "inf")):
        result = run_redline("sim", flag, value)
        assert result.returncode == 2, (flag, value)
        assert flag in result.stderr


def test_the_tui_with_a_piped_stdin_says_what_to_use_instead(run_redline, tmp_path):
    result = run_redline(cwd=tmp_path, input="hi\n")
    assert result.returncode == 2
    assert "standard input is not a terminal" in result.stderr
    assert "redline exec -" in result.stderr


def test_the_tui_hands_the_gil_to_the_terminal_writer_within_a_millisecond(monkeypatch):
    """Textual writes frames from a thread: at the default 5 ms switch interval a frame waited
    for the GIL while the stream kept the main thread busy. A person's TEXTUAL_FPS is kept."""
    import os
    import sys

    from redline.cli.tui import tune_runtime

    before = sys.getswitchinterval()
    monkeypatch.setenv("TEXTUAL_FPS", "30")
    try:
        sys.setswitchinterval(0.005)
        tune_runtime()
        assert sys.getswitchinterval() <= 0.001
        assert os.environ["TEXTUAL_FPS"] == "30"
    finally:
        sys.setswitchinterval(before)
        from redline.tui import startup_gc

        startup_gc.resume()  # tune_runtime pauses cyclic GC until the first paint
