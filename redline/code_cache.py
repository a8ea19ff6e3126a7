"""What Python compiles at import for dataclasses and regular expressions, kept between launches.

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

Regular expressions are the same case: ``re`` parses and compiles each pattern in Python before
the C engine takes the result (``_sre.compile``), ~0.4 ms a pattern, ~100 of them (Textual's CSS
tokenizer, Rich, redline's sanitiser) before the first frame: 40-50 ms. Kept here are the
arguments of that last call, keyed by (pattern, flags); a hit hands them to ``_sre.compile``, which
checks the code again as it always does. Nothing of ``re``'s own logic is copied: the arguments are
recorded as ``re`` makes them.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
import threading
from types import CodeType
from typing import Any

FORMAT = 2
# Past this many class sources (or patterns) in the file, a save keeps only what this process
# used: what older versions of redline, Textual or Rich made is dropped, never the new.
MAX_ENTRIES = 4096

_codes: dict[str, CodeType] = {}
_patterns: dict[tuple[str | bytes, int], tuple[Any, ...]] = {}
_used: set[str] = set()  # the class sources this process used or compiled
_used_patterns: set[tuple[str | bytes, int]] = set()
_stats = {"hits": 0, "misses": 0, "loaded": 0, "re_hits": 0, "re_misses": 0, "re_loaded": 0}
_dirty = False
_path: str | None = None
_installed = False


def cache_file() -> str | None:
    """One file per Python build: a code object only runs on the interpreter that made it.
    None when there is no home to put it in (never a path relative to the folder redline runs in)."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base or not os.path.isabs(base):
        if sys.platform == "darwin":
            base = os.path.expanduser("~/Library/Caches")
        elif os.name == "nt":
            base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        else:
            base = os.path.expanduser("~/.cache")
    if not os.path.isabs(base):  # no HOME: "~" stayed as it was
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"
    return os.path.join(base, "redline", f"startup-code.{tag}.marshal")


def _header() -> tuple[object, ...]:
    import _sre

    magic = getattr(_sre, "MAGIC", None)
    return ("redline-code", FORMAT, sys.implementation.cache_tag, sys.hexversion, magic)


def _cached_exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    """``exec`` as ``dataclasses`` calls it, with the compiled text looked up first."""
    global _dirty
    if type(source) is str:
        code = _codes.get(source)
        if type(code) is not CodeType:
            _stats["misses"] += 1
            code = compile(source, "<string>", "exec")
            _codes[source] = code
            _dirty = True
        else:
            _stats["hits"] += 1
        _used.add(source)
        source = code
    exec(source, globals, locals, **kwargs)


Loaded = tuple[dict[str, CodeType], dict[tuple[str | bytes, int], tuple[Any, ...]]]


class _SreRecorder:
    """Stands in for ``_sre`` inside ``re._compiler``: everything is the real module's, and the
    arguments of ``compile`` (what ``re`` made of a pattern) are noted for this thread."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def compile(self, *args: Any) -> Any:
        self._local.args = args
        return self._real.compile(*args)

    def take(self) -> tuple[Any, ...] | None:
        args = getattr(self._local, "args", None)
        self._local.args = None
        return args


def _install_re() -> bool:
    """``re`` compiles through the kept arguments from here on (False: its shape is not the
    one this knows, and it is left alone)."""
    import re

    compiler = getattr(re, "_compiler", None)
    real_sre = getattr(compiler, "_sre", None)
    real_compile = getattr(compiler, "compile", None)
    if real_sre is None or not callable(real_compile) or not callable(real_sre.compile):
        return False
    if isinstance(real_sre, _SreRecorder):
        return False
    recorder = _SreRecorder(real_sre)
    debug = int(getattr(re, "DEBUG", 128))

    def cached_compile(p: Any, flags: Any = 0) -> Any:
        global _dirty
        kind = type(p)
        if (kind is not str and kind is not bytes) or type(flags) is not int or flags & debug:
            return real_compile(p, flags)
        key = (p, flags)
        args = _patterns.get(key)
        if type(args) is tuple and len(args) == 6 and args[0] == p:
            try:
                compiled = real_sre.compile(*args)
            except (TypeError, ValueError, RuntimeError, OverflowError):
                del _patterns[key]  # not what re would make: compiled afresh below
            else:
                _stats["re_hits"] += 1
                _used_patterns.add(key)
                return compiled
        _stats["re_misses"] += 1
        recorder.take()
        compiled = real_compile(p, flags)
        args = recorder.take()
        if args is not None and len(args) == 6 and args[0] == p:
            _, final_flags, code, groups, groupindex, indexgroup = args
            # the opcodes are int subclasses (named constants): kept as the ints they are
            opcodes = [int(op) for op in code]
            kept = (p, int(final_flags), opcodes, int(groups), dict(groupindex), tuple(indexgroup))
            try:
                marshal.dumps(kept)  # what cannot be kept is not kept
            except ValueError:
                return compiled
            _patterns[key] = kept
            _used_patterns.add(key)
            _dirty = True
        return compiled

    compiler._sre = recorder  # type: ignore[union-attr]
    compiler.compile = cached_compile  # type: ignore[union-attr]
    return True


def _load(path: str) -> Loaded:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}, {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
            return {}, {}  # written by someone else's hand: never run it
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return {}, {}
        with os.fdopen(fd, "rb", closefd=False) as file:
            raw = file.read()
    except OSError:
        return {}, {}
    finally:
        os.close(fd)
    try:
        header, codes, patterns = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return {}, {}
    if header != _header() or type(codes) is not dict or type(patterns) is not dict:
        return {}, {}
    return codes, patterns  # each entry's type is checked where it is used (a third of the load)


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
    if _path is None:
        return
    codes, patterns = _load(_path)
    _codes.update(codes)
    _stats["loaded"] = len(_codes)
    dataclasses.exec = _cached_exec  # type: ignore[attr-defined]
    if _install_re():
        _patterns.update(patterns)
        _stats["re_loaded"] = len(_patterns)
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
        codes, patterns = dict(_codes), dict(_patterns)
        if len(codes) > MAX_ENTRIES:
            codes = {k: v for k, v in codes.items() if k in _used}
        if len(patterns) > MAX_ENTRIES:
            patterns = {k: v for k, v in patterns.items() if k in _used_patterns}
        kept: Any = (_header(), codes, patterns)
        raw = marshal.dumps(kept)
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
    """Kept code used (``hits``), compiled here (``misses``), read from the file (``loaded``);
    the same for regular expressions (``re_hits``, ``re_misses``, ``re_loaded``)."""
    return dict(_stats)
