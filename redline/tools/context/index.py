"""The repository index: every source file's tags, refreshed incrementally through the cache.

Cold indexing of a big tree fans out to a small process pool (tree-sitter holds the GIL);
small updates parse inline. Safe to call from a worker thread.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from redline.tools.context.cache import Entry, TagCache, cache_folder, from_entry, to_entry
from redline.tools.context.files import (
    MAX_FILE_BYTES,
    RepoFile,
    Scan,
    is_binary,
    is_secret,
    scan,
)
from redline.tools.context.gcpause import release_gradually
from redline.tools.context.languages import language_for
from redline.tools.context.tags import FileTags, Unparseable, extract_tags

Progress = Callable[[int, int], None]
T = TypeVar("T")

POOL_MIN_FILES = 250
_CPP_HINT = re.compile(
    rb"^[ \t]*(?:namespace\s+\w+\s*\{|template\s*<|class\s+\w+[^;{]*\{|"
    rb"(?:public|private|protected)\s*:|using\s+namespace\b)",
    re.MULTILINE,
)
BATCH = 48


@dataclass(slots=True)
class IndexStats:
    """What the last refresh did."""

    files: int = 0
    source_files: int = 0
    parsed: int = 0
    from_cache: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    elapsed_ms: float = 0.0


def parse_file(root: str, path: str, language: str) -> tuple[str, Entry]:
    """Read and tag one file; any problem becomes a skip reason, never an exception."""
    full = os.path.join(root, path)
    try:
        with open(full, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_size > MAX_FILE_BYTES:
                return path, (info.st_mtime_ns, info.st_size, None, "too_large", None)
            source = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return path, (0, -1, None, "vanished", None)
    except OSError:
        return path, (0, -1, None, "unreadable", None)
    stamp = (info.st_mtime_ns, info.st_size)
    if len(source) > MAX_FILE_BYTES:
        return path, (*stamp, None, "too_large", None)
    if is_binary(source):
        return path, (*stamp, None, "binary", None)
    try:
        source.decode("utf-8")
    except UnicodeDecodeError:
        return path, (*stamp, None, "not_utf8", None)
    if language == "c" and path.endswith(".h") and _CPP_HINT.search(source, 0, 32_768):
        language = "cpp"  # a C++ header: the C grammar would stumble (and crawl) through it
    try:
        tags = extract_tags(path, source, language)
    except (Unparseable, ValueError, RuntimeError):
        return path, (*stamp, None, "unparseable", None)
    return path, to_entry(tags, *stamp)


def _parse_batch(root: str, items: list[tuple[str, str]]) -> list[tuple[str, Entry]]:
    return [parse_file(root, path, language) for path, language in items]


class RepoIndex:
    """Tags for every source file of one repository, kept current by ``refresh()``."""

    def __init__(
        self,
        start: Path,
        *,
        cache_dir: Path | None = None,
        workers: int | None = None,
        pool_min_files: int = POOL_MIN_FILES,
    ) -> None:
        self.start = Path(start)
        self._cache_dir = cache_dir
        self.workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self.pool_min_files = pool_min_files
        self._lock = threading.RLock()
        self._memo_lock = threading.Lock()
        self._cache: TagCache | None = None
        self.root = self.start.resolve()
        self.in_git = False
        self.files: tuple[RepoFile, ...] = ()
        self.tags: dict[str, FileTags] = {}
        self._stamps: dict[str, tuple[int, int]] = {}
        self.stats = IndexStats()
        self.generation = 0  # bumps when any file or tag changes
        self.path_generation = 0  # bumps only when files come or go
        self._derived: dict[str, tuple[int, Any]] = {}
        self._kept: dict[str, Any] = {}

    def derived(self, key: str, build: Callable[[], T], *, paths_only: bool = False) -> T:
        """A value computed from the current tags (or only the file list), rebuilt on change."""
        with self._memo_lock:  # not the refresh lock: the UI thread may ask mid-refresh
            generation = self.path_generation if paths_only else self.generation
            seen = self._derived.get(key)
            if seen is not None and seen[0] == generation:
                return cast(T, seen[1])
            value = build()
            self._derived[key] = (generation, value)
            return value

    def peek(self, key: str) -> Any:
        """The last value ``derived`` built for ``key``, current or not (None if never built)."""
        seen = self._derived.get(key)
        return seen[1] if seen is not None else None

    def keep(self, key: str, factory: Callable[[], T]) -> T:
        """A long-lived helper object (e.g. the reference graph) that updates itself."""
        with self._memo_lock:
            if key not in self._kept:
                self._kept[key] = factory()
            return cast(T, self._kept[key])

    def release(self) -> None:
        """Free a throwaway index slice by slice (one big free would stall other threads)."""
        with self._lock, self._memo_lock:
            parts: list[dict[Any, Any] | list[Any]] = [self._kept, self._derived]
            graph = self._kept.get("graph")
            if graph is not None and hasattr(graph, "containers"):
                parts[:0] = graph.containers()
            parts += [self.tags, self._stamps]
            if self._cache is not None:
                parts += self._cache.containers()
            self.files = ()
            release_gradually(parts)

    def refresh(self, progress: Progress | None = None) -> IndexStats:
        """Rescan the tree and re-tag only what changed since the last refresh or run."""
        with self._lock:
            started = time.perf_counter()
            found = scan(self.start)
            self.root, self.in_git = found.root, found.in_git
            cache = self._cache_for(found)
            stats = IndexStats(files=len(found.files), skipped=dict(found.skipped))
            tags: dict[str, FileTags] = {}
            stale: list[tuple[str, str]] = []
            stamps: dict[str, tuple[int, int]] = {}
            sources = 0
            for item in found.files:
                language = language_for(item.path)
                if language is None or is_secret(item.path):  # .env.sh is still a secret
                    continue
                sources += 1
                stamp = (item.mtime_ns, item.size)
                if self._stamps.get(item.path) == stamp:  # unchanged since the last refresh
                    stats.from_cache += 1
                    tags[item.path] = self.tags[item.path]
                    stamps[item.path] = stamp
                    continue
                entry = cache.lookup(item.path, *stamp)
                if entry is None:
                    stale.append((item.path, language))
                    continue
                stats.from_cache += 1
                if self._take(item.path, entry, tags, stats):
                    stamps[item.path] = stamp
            stats.source_files = sources
            total = len(stale)
            if progress is not None:
                progress(0, total)
            for path, entry in self._parse(found.root, stale, progress):
                stats.parsed += 1
                if entry[1] >= 0:  # vanished or unreadable files are not remembered
                    cache.put(path, entry)
                if self._take(path, entry, tags, stats):
                    stamps[path] = (entry[0], entry[1])
            cache.retain({f.path for f in found.files})
            cache.save()
            changed = stale or len(tags) != len(self.tags) or self.files != found.files
            if len(self.files) != len(found.files) or any(
                a.path != b.path for a, b in zip(self.files, found.files, strict=True)
            ):
                self.path_generation += 1
            self.files = found.files
            self.tags = tags
            self._stamps = stamps
            if changed:
                self.generation += 1
            stats.elapsed_ms = (time.perf_counter() - started) * 1000
            self.stats = stats
            return stats

    def _cache_for(self, found: Scan) -> TagCache:
        path = cache_folder(found.root, self._cache_dir)
        if self._cache is None or self._cache.path != path:
            self._cache = TagCache(path)
        return self._cache

    @staticmethod
    def _take(path: str, entry: Entry, tags: dict[str, FileTags], stats: IndexStats) -> bool:
        file_tags = from_entry(path, entry)
        if file_tags is None:
            reason = str(entry[3])
            stats.skipped[reason] = stats.skipped.get(reason, 0) + 1
            return False
        tags[path] = file_tags
        return True

    def _parse(
        self, root: Path, stale: list[tuple[str, str]], progress: Progress | None
    ) -> list[tuple[str, Entry]]:
        total = len(stale)
        results: list[tuple[str, Entry]] = []
        if total >= self.pool_min_files and self.workers > 1:
            # The pool's modules load here, with the first cold index, not at start-up.
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            batches = [stale[i : i + BATCH] for i in range(0, total, BATCH)]
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            )
            with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
                futures = [pool.submit(_parse_batch, str(root), batch) for batch in batches]
                for future in as_completed(futures):
                    results.extend(future.result())
                    if progress is not None:
                        progress(len(results), total)
            return results
        for i, (path, language) in enumerate(stale, 1):
            results.append(parse_file(str(root), path, language))
            if progress is not None and (i % 25 == 0 or i == total):
                progress(i, total)
        return results
