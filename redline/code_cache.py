"""The code that ``dataclasses`` compiles at import, kept between launches.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__setattr__`` ... as
source text and compiles it with ``exec`` while the module imports. That is ~0.9 ms a class, and
about 100 classes (redline's, Textual's, Rich's) are made before the TUI's first frame: 70-100 ms
of a 0.5 s launch, measured with ``python -X importtime`` and a counter on ``exec``. The text is the
same on every launch, so its compiled code is too. Like Python's own ``__pycache__``, this module
keeps the code objects in one file (the user's cache folder, one file per Python build), and the
next launch runs the kept code object in place of compiling the same text again.

It changes nothing else: the key is the exact source, the value is what ``compile`` made of it
(same file name, ``<string>``), and every miss compiles as ``dataclasses`` would. A file that is
unreadable, corrupt, from another Python, not the person's own or writable by others is ignored
(and replaced at the next save). Nothing here is ever needed: without the file, or when
``dataclasses`` no longer calls ``exec`` by name, launches compile as before.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
from types import CodeType
from typing import Any

FORMAT = 1
MAX_ENTRIES = 4096  # distinct class sources; past this, new ones compile and are not kept

_codes: dict[str, CodeType] = {}
_stats = {"hits": 0, "misses": 0, "loaded": 0}
_dirty = False
_path: str | None = None
_installed = False


def cache_file() -> str:
    """One file per Python build: a code object only runs on the interpreter that made it."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base or not os.path.isabs(base):
        if sys.platform == "darwin":
            base = os.path.expanduser("~/Library/Caches")
        elif os.name == "nt":
            base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        else:
            base = os.path.expanduser("~/.cache")
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"
    return os.path.join(base, "redline", f"dataclass-code.{tag}.marshal")


def _header() -> tuple[object, ...]:
    return ("redline-dataclass-code", FORMAT, sys.implementation.cache_tag, sys.hexversion)


def _cached_exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    """``exec`` as ``dataclasses`` calls it, with the compiled text looked up first."""
    global _dirty
    if type(source) is str:
        code = _codes.get(source)
        if code is None:
            _stats["misses"] += 1
            code = compile(source, "<string>", "exec")
            if len(_codes) < MAX_ENTRIES:
                _codes[source] = code
                _dirty = True
        else:
            _stats["hits"] += 1
        source = code
    exec(source, globals, locals, **kwargs)


def _load(path: str) -> dict[str, CodeType]:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
            return {}  # written by someone else's hand: never run it
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return {}
        with os.fdopen(fd, "rb", closefd=False) as file:
            raw = file.read()
    except OSError:
        return {}
    finally:
        os.close(fd)
    try:
        header, codes = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return {}
    if header != _header() or type(codes) is not dict:
        return {}
    if not all(type(k) is str and type(v) is CodeType for k, v in codes.items()):
        return {}
    return codes


def install(path: str | None = None) -> None:
    """From here on, classes made by ``@dataclass`` reuse the code kept by earlier launches.

    Call it before the imports that make the classes; ``save`` keeps what was compiled."""
    global _installed, _path
    if _installed:
        return
    import dataclasses

    if "exec" in vars(dataclasses):  # someone else replaced it, or dataclasses changed
        return
    _path = path if path is not None else cache_file()
    _codes.update(_load(_path))
    _stats["loaded"] = len(_codes)
    dataclasses.exec = _cached_exec  # type: ignore[attr-defined]
    _installed = True
    import atexit

    atexit.register(save)


def save() -> bool:
    """Write the code compiled since the file was read (atomic; nothing if nothing is new).
    True when the file was written. Never raises: a cache that cannot be written is no cache."""
    global _dirty
    if not _dirty or _path is None:
        return False
    try:
        raw = marshal.dumps((_header(), dict(_codes)))
        folder = os.path.dirname(_path)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        temp = f"{_path}.{os.getpid()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(temp, flags, 0o600), "wb") as file:
            file.write(raw)
        os.replace(temp, _path)
    except (OSError, ValueError):
        return False
    _dirty = False
    return True


def stats() -> dict[str, int]:
    """Kept code used (``hits``), compiled here (``misses``), read from the file (``loaded``)."""
    return dict(_stats)
