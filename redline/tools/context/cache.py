"""The per-repository tags cache: one compact marshal file, entries keyed on (mtime, size)."""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from redline.tools.context.tags import Definition, FileTags

FORMAT = 1

# One entry: (mtime_ns, size, language, definitions, references) or, for a skipped file,
# (mtime_ns, size, None, reason, None).
Entry = tuple[int, int, str | None, Any, Any]


def default_cache_dir() -> Path:
    return Path(user_cache_dir("redline")) / "context"


def cache_file(root: Path, cache_dir: Path | None = None) -> Path:
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    digest = hashlib.sha1(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return folder / f"{root.name or 'root'}-{digest}.tags"


class TagCache:
    """Tags by path, valid while the file's (mtime, size) is unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._dirty = False
        self.load_error: str | None = None
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self.load_error = str(exc)
            return
        try:
            header, entries = marshal.loads(raw)
            if header != self._header() or not isinstance(entries, dict):
                return
        except (EOFError, ValueError, TypeError):
            self.load_error = "cache file unreadable; rebuilding"
            return
        self._entries = entries

    @staticmethod
    def _header() -> tuple[int, int, int]:
        return (FORMAT, sys.version_info[0], sys.version_info[1])

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, path: str, mtime_ns: int, size: int) -> Entry | None:
        entry = self._entries.get(path)
        if entry is not None and entry[0] == mtime_ns and entry[1] == size:
            return entry
        return None

    def put(self, path: str, entry: Entry) -> None:
        with self._lock:
            self._entries[path] = entry
            self._dirty = True

    def retain(self, paths: set[str]) -> None:
        """Forget files that are no longer in the repository."""
        with self._lock:
            gone = [p for p in self._entries if p not in paths]
            for p in gone:
                del self._entries[p]
            if gone:
                self._dirty = True

    def save(self) -> None:
        """Write the cache atomically if anything changed; a failure only costs speed."""
        with self._lock:
            if not self._dirty:
                return
            data = marshal.dumps((self._header(), self._entries))
            self._dirty = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tags-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, self.path)
        except OSError:
            pass


def to_entry(tags: FileTags, mtime_ns: int, size: int) -> Entry:
    return (
        mtime_ns,
        size,
        tags.language,
        tuple(tuple(d) for d in tags.definitions),
        tags.references,
    )


def from_entry(path: str, entry: Entry) -> FileTags | None:
    if entry[2] is None:
        return None
    return FileTags(path, entry[2], tuple(Definition._make(d) for d in entry[3]), entry[4])
