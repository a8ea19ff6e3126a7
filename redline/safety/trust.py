"""Which repository config files the person trusts (``redline trust``).

A cloned repository's ``.redline.toml`` is someone else's file: until the person trusts it, only
its harmless keys apply (``redline.config.NEEDS_TRUST`` names the others). Trusting records the
file's SHA-256 in the user's state directory, so a file that changed afterwards (a pull, a model
edit) is untrusted again until trusted anew.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import platformdirs


class TrustState(Enum):
    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"  # never trusted
    CHANGED = "changed"  # trusted once, edited since


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_store_path() -> Path:
    return Path(platformdirs.user_state_dir("redline", appauthor=False)) / "trusted.json"


@dataclass(slots=True, frozen=True)
class TrustStore:
    """``{absolute config path: sha256}`` in one small JSON file, written atomically."""

    path: Path

    @classmethod
    def default(cls) -> TrustStore:
        return cls(default_store_path())

    def _entries(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # missing or damaged: nothing is trusted, which is the safe reading
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def state(self, config_file: Path, data: bytes) -> TrustState:
        recorded = self._entries().get(_key(config_file))
        if recorded is None:
            return TrustState.UNTRUSTED
        return TrustState.TRUSTED if recorded == digest(data) else TrustState.CHANGED

    def trust(self, config_file: Path) -> str:
        """Record the file's current hash; returns it. Raises ``OSError``."""
        value = digest(config_file.read_bytes())
        entries = self._entries()
        entries[_key(config_file)] = value
        self._write(entries)
        return value

    def revoke(self, config_file: Path) -> bool:
        """Forget the file; False when it was not trusted. Raises ``OSError``."""
        entries = self._entries()
        if entries.pop(_key(config_file), None) is None:
            return False
        self._write(entries)
        return True

    def _write(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


def _key(config_file: Path) -> str:
    return str(config_file.resolve())
