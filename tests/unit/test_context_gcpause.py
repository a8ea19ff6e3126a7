"""The worker's garbage-collection pause: on during the build, always restored afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from redline.tools.context import RepoIndex, build_context
from redline.tools.context.gcpause import gc_paused, release_gradually


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


def test_release_gradually_empties_dicts_and_lists() -> None:
    table = {i: (i, str(i)) for i in range(5000)}
    rows = [[i] for i in range(4999)]
    release_gradually([table, rows], chunk=700)
    assert table == {}
    assert rows == []


def test_a_built_index_can_be_released(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def helper():\n    return 1\n")
    (tmp_path / "b.py").write_text("from a import helper\n\nhelper()\n")
    index = RepoIndex(tmp_path, cache_dir=tmp_path / "cache")
    first = build_context(tmp_path, budget=512, index=index)
    index.release()
    assert index.tags == {}
    assert index.files == ()
    # Building again works (the index refills itself) and gives the same map.
    again = build_context(tmp_path, budget=512, index=index)
    assert again.text == first.text
