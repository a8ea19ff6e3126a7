"""Model lists cached on disk, one small JSON file per provider and base URL.

The model picker opens from the cache at once (and while the provider is unreachable); a
list older than ``ttl_s`` is refreshed from ``GET /models`` first, and kept as the fallback
when that fails. Only model ids are stored: no key, no header, nothing a server said besides.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import platformdirs

MAX_IDS = 2000  # a hostile server cannot make the cache file grow without bound
MAX_ID_LEN = 200


def default_dir() -> Path:
    return Path(platformdirs.user_cache_dir("redline", appauthor=False)) / "models"


class ModelListCache:
    def __init__(
        self,
        directory: Path | None = None,
        *,
        ttl_s: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory or default_dir()
        self.ttl_s = ttl_s
        self._clock = clock

    def path_for(self, provider: str, base_url: str) -> Path:
        digest = hashlib.sha1(base_url.encode()).hexdigest()[:10]
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in provider)[:40]
        return self.directory / f"{safe}-{digest}.json"

    def read(self, provider: str, base_url: str) -> tuple[float, list[str]] | None:
        """(age in seconds, ids), or None when nothing usable is stored."""
        try:
            data = json.loads(self.path_for(provider, base_url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        saved, ids = data.get("saved"), data.get("ids")
        if not isinstance(saved, (int, float)) or not isinstance(ids, list):
            return None
        clean = [i for i in ids if isinstance(i, str) and 0 < len(i) <= MAX_ID_LEN][:MAX_IDS]
        return max(0.0, self._clock() - float(saved)), clean

    def fresh(self, provider: str, base_url: str) -> list[str] | None:
        found = self.read(provider, base_url)
        if found is None or found[0] > self.ttl_s:
            return None
        return found[1]

    def write(self, provider: str, base_url: str, ids: list[str]) -> None:
        """Store ``ids``; a cache that cannot be written is only a slower picker next time."""
        clean = [i for i in ids if 0 < len(i) <= MAX_ID_LEN][:MAX_IDS]
        path = self.path_for(provider, base_url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"saved": self._clock(), "ids": clean}), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass
