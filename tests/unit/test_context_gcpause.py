"""The worker's garbage-collection pause: on during the build, always restored afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from redline.tools.context import build_context
from redline.tools.context.gcpause import gc_paused


def test_pause_nests_and_restores_collection() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer build still runs
    assert gc.isenabled()


def test_pause_restores_collection_after_an_error() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_pause_leaves_collection_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_build_leaves_collection_on(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def helper():\n    return 1\n")
    (tmp_path / "b.py").write_text("from a import helper\n\nhelper()\n")
    bundle = build_context(tmp_path, budget=512, cache_dir=tmp_path / "cache")
    assert "helper" in bundle.text
    assert gc.isenabled()
