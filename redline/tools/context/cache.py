"""The per-repository tags cache: a folder of compact marshal shards, entries keyed on (mtime, size).

Shards keep each load and save short (the UI thread never waits on one long call) and let a
one-file change rewrite only its own shard.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import tempfile
import threading
import zlib
from importlib import resources
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from redline.tools.context.tags import FileTags

FORMAT = 3  # bump when tags change meaning (queries, signatures)
SHARDS = 32

# One entry: (mtime_ns, size, language, definitions, references) or, for a skipped file,
# (mtime_ns, size, None, reason, None).
Entry = tuple[int, int, str | None, Any, Any]


def default_cache_dir() -> Path:
    return Path(user_cache_dir("redline")) / "context"


def cache_folder(root: Path, cache_dir: Path | None = None) -> Path:
    """The cache folder for one repository root."""
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    digest = hashlib.sha1(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return folder / f"{root.name or 'root'}-{digest}"


@functools.cache
def queries_digest() -> str:
    """Changes whenever a tags query does, so tags from older queries are never reused."""
    folder = resources.files("redline.tools.context").joinpath("queries")
    digest = hashlib.sha1()
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".scm"):
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()[:12]


def _shard(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS


class TagCache:
    """Tags by path, valid while the file's (mtime, size) is unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._shards: list[dict[str, Entry]] = [{} for _ in range(SHARDS)]
        self._dirty: set[int] = set()
        self.load_error: str | None = None
        self._load()

    @staticmethod
    def _header() -> tuple[int, int, int, int, str]:
        return (FORMAT, SHARDS, sys.version_info[0], sys.version_info[1], queries_digest())

    def _load(self) -> None:
        for k in range(SHARDS):
            try:
                raw = (self.path / f"{k:02d}.tags").read_bytes()
            except FileNotFoundError:
                continue
            except OSError as exc:
                self.load_error = str(exc)
                continue
            try:
                header, entries = marshal.loads(raw)
            except Exception:  # any crafted or cut shard: rebuild it, never fail
                self.load_error = "cache shard unreadable; rebuilding it"
                continue
            if header == self._header() and isinstance(entries, dict):
                self._shards[k] = entries

    def containers(self) -> list[dict[str, Entry]]:
        """The shards, for freeing a throwaway cache gradually."""
        return list(self._shards)

    def __len__(self) -> int:
        return sum(len(s) for s in self._shards)

    def lookup(self, path: str, mtime_ns: int, size: int) -> Entry | None:
        entry = self._shards[_shard(path)].get(path)
        if _valid(entry) and entry[0] == mtime_ns and entry[1] == size:  # type: ignore[index]
            return entry
        return None

    def put(self, path: str, entry: Entry) -> None:
        k = _shard(path)
        with self._lock:
            self._shards[k][path] = entry
            self._dirty.add(k)

    def retain(self, paths: set[str]) -> None:
        """Forget files that are no longer in the repository."""
        with self._lock:
            for k, shard in enumerate(self._shards):
                gone = [p for p in shard if p not in paths]
                for p in gone:
                    del shard[p]
                if gone:
                    self._dirty.add(k)

    def save(self) -> None:
        """Write the changed shards atomically; a failure only costs speed next time."""
        with self._lock:
            dirty = sorted(self._dirty)
            self._dirty.clear()
            blobs = [(k, marshal.dumps((self._header(), self._shards[k]))) for k in dirty]
        if not blobs:
            return
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            for k, data in blobs:
                fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tags-")
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, self.path / f"{k:02d}.tags")
        except OSError:
            pass


def _valid(entry: object) -> bool:
    """The shape ``to_entry`` writes; anything else in a shard (damaged, crafted) is a miss."""
    if type(entry) is not tuple or len(entry) != 5:
        return False
    mtime, size, language, definitions, references = entry
    if type(mtime) is not int or type(size) is not int:
        return False
    if language is None:
        return True
    if type(language) is not str or type(definitions) is not tuple:
        return False
    if type(references) is not dict or not all(
        type(k) is str and type(v) is int for k, v in references.items()
    ):
        return False
    return all(
        type(d) is tuple
        and len(d) == 5
        and type(d[0]) is str
        and type(d[1]) is str
        and type(d[2]) is int
        and type(d[3]) is int
        and type(d[4]) is str
        for d in definitions
    )


def to_entry(tags: FileTags, mtime_ns: int, size: int) -> Entry:
    definitions = tuple(tuple(d) for d in tags.defs)  # plain tuples: marshal takes no subclass
    return (mtime_ns, size, tags.language, definitions, tags.references)


def from_entry(path: str, entry: Entry) -> FileTags | None:
    if entry[2] is None:
        return None
    return FileTags(path, entry[2], entry[3], entry[4])
