"""The dataclass code kept between launches (redline/code_cache.py): reused when it is the
person's own file from this Python, ignored (and replaced) otherwise, and the classes it makes
behave exactly as compiled ones. Each case is a fresh interpreter, as a launch is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A dataclass of each kind the app uses, made after install; prints what the cache did.
PROBE = r"""
import json, sys
from redline import code_cache
code_cache.install(sys.argv[1])
from dataclasses import FrozenInstanceError, dataclass, field, replace

@dataclass(slots=True, frozen=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()

@dataclass
class Box:
    items: list[int] = field(default_factory=list)
    def total(self) -> int:
        return sum(self.items)

import re
# Fresh patterns (not compiled by anything before) of each kind: groups, flags, bytes, verbose.
word = re.compile(r"(?P<head>[a-z]+)-(?P<tail>\d{2,})x7q")
loud = re.compile(r"hello\s+w0rld+", re.IGNORECASE)
raw = re.compile(rb"\x1b\[[0-9;]*mZq")
verbose = re.compile("(\\d+)  # digits\n \\.(\\d+)q9", re.VERBOSE)
matches = {
    "word": word.fullmatch("abc-123x7q").groupdict(),
    "word_no": word.fullmatch("abc-1x7q") is None,
    "loud": bool(loud.search("say HELLO   W0RLDD")),
    "raw": raw.sub(b"", b"a\x1b[1;31mZqb").decode(),
    "verbose": verbose.match("3.14q9").groups(),
    "groups": [word.groups, sorted(word.groupindex), word.flags == re.compile(word.pattern).flags],
}
p = Point(1, 2, ("a",))
try:
    p.x = 3
    frozen = False
except FrozenInstanceError:
    frozen = True
box = Box()
box.items.append(4)
print(json.dumps({
    "repr": repr(p), "eq": p == Point(1, 2, ("a",)), "ne": p != Point(1, 3),
    "hash": hash(p) == hash(Point(1, 2, ("a",))), "frozen": frozen,
    "replace": repr(replace(p, y=5)), "box": repr(box), "fresh_list": Box().items == [],
    "re": matches,
    "saved": code_cache.save(), **code_cache.stats(),
}))
"""


def _python(code: str, *args: str) -> str:
    """``code`` run in a fresh interpreter (a launch), from the checkout: its standard output."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def _launch(path: Path) -> dict[str, object]:
    return json.loads(_python(PROBE, str(path)))


def _behaviour(result: dict[str, object]) -> dict[str, object]:
    counts = ("saved", "hits", "misses", "loaded", "re_hits", "re_misses", "re_loaded")
    return {k: v for k, v in result.items() if k not in counts}


EXPECTED = {
    "repr": "Point(x=1, y=2, tags=('a',))",
    "eq": True,
    "ne": True,
    "hash": True,
    "frozen": True,
    "replace": "Point(x=1, y=5, tags=('a',))",
    "box": "Box(items=[4])",
    "fresh_list": True,
    "re": {
        "word": {"head": "abc", "tail": "123"},
        "word_no": True,
        "loud": True,
        "raw": "ab",
        "verbose": ["3", "14"],
        "groups": [2, ["head", "tail"], True],
    },
}


def test_the_second_launch_compiles_nothing_and_behaves_the_same(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "code.marshal"
    first = _launch(path)
    assert first["hits"] == 0 and first["misses"] > 0 and first["saved"] is True
    assert path.stat().st_mode & 0o777 == 0o600
    assert first["re_misses"] >= 4 and first["re_hits"] == 0
    second = _launch(path)
    assert second["misses"] == 0 and second["hits"] == first["misses"]
    assert second["re_misses"] == 0 and second["re_hits"] == first["re_misses"]
    assert second["saved"] is False  # nothing new to keep
    assert _behaviour(first) == _behaviour(second) == EXPECTED


def test_a_corrupt_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    path.write_bytes(b"\x00not marshal at all")
    path.chmod(0o600)
    result = _launch(path)
    assert result["loaded"] == 0 and result["hits"] == 0 and result["saved"] is True
    assert result["re_loaded"] == 0 and result["re_hits"] == 0
    assert _behaviour(result) == EXPECTED
    again = _launch(path)
    assert again["misses"] == 0 and again["re_misses"] == 0  # the replacement is good


def test_a_file_others_can_write_is_never_run(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    good = _launch(path)
    path.chmod(0o666)  # anyone could have put code in it
    result = _launch(path)
    assert result["loaded"] == 0 and result["hits"] == 0 and result["re_hits"] == 0
    assert result["misses"] == good["misses"] and result["re_misses"] == good["re_misses"]
    assert _behaviour(result) == EXPECTED


def test_a_file_from_another_python_is_ignored(tmp_path: Path) -> None:
    import marshal

    path = tmp_path / "code.marshal"
    _launch(path)
    header, codes, patterns = marshal.loads(path.read_bytes())
    older = (*header[:3], header[3] - 1, *header[4:])
    path.write_bytes(marshal.dumps((older, codes, patterns)))
    result = _launch(path)
    assert result["loaded"] == 0 and result["hits"] == 0 and result["re_loaded"] == 0


def test_a_cache_that_cannot_be_written_costs_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    result = _launch(blocked / "code.marshal")
    assert result["saved"] is False and _behaviour(result) == EXPECTED


def test_the_default_file_is_in_the_cache_home_and_names_this_python(tmp_path: Path) -> None:
    probe = "from redline import code_cache; print(code_cache.cache_file())"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    path = Path(out.stdout.strip())
    assert path.parent == tmp_path / "redline"
    assert sys.implementation.cache_tag in path.name and f"{sys.hexversion:x}" in path.name


def test_the_command_line_keeps_the_code_of_what_it_ran(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        env[key] = str(tmp_path / key)
    subprocess.run(
        [sys.executable, "-m", "redline", "sessions"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=True,
    )
    [kept] = (tmp_path / "cache" / "redline").glob("startup-code.*.marshal")
    assert kept.stat().st_size > 0


SANITISE = r"""
import json, sys
if sys.argv[1] != "-":
    from redline import code_cache
    code_cache.install(sys.argv[1])
from redline.safety.terminal import for_terminal, json_dumps, one_line
hostile = [
    "plain", "\x1b[2J\x1b[H", "\x1b]52;c;aGVsbG8=\x07", "\x1b]0;title\x1b\\", "\x9b31m",
    "\x1bP+q\x1b\\", "a\u202eb\u2066c", "tab\there\r\nnext", "\x1b_apc\x1b\\", "\x00\x7f\x85",
    "emoji \U0001f600 and \ufeff bom", "\x1b[38;2;1;2;3mcolour\x1b[0m", "\x1bc reset",
]
out = [[for_terminal(t), one_line(t), json_dumps({"t": t})] for t in hostile]
print(json.dumps(out))
"""


def test_the_sanitiser_is_the_same_with_kept_patterns(tmp_path: Path) -> None:
    """redline's terminal sanitiser is regular expressions: from the kept arguments (the second
    launch) it must clean every hostile string exactly as when compiled from scratch."""

    path = tmp_path / "code.marshal"
    fresh = _python(SANITISE, "-")
    _python(SANITISE, str(path))  # writes the file
    assert path.exists()
    assert _python(SANITISE, str(path)) == fresh
    assert "\x1b" not in "".join(json.loads(fresh)[1][:2])  # the probe can tell clean from not


def test_entries_of_the_wrong_shape_are_compiled_afresh(tmp_path: Path) -> None:
    """The file is the person's own, but an entry that is not what Python would make (a damaged
    or hand-edited file) is never used: the class and the pattern are compiled as usual."""
    import marshal

    path = tmp_path / "code.marshal"
    good = _launch(path)
    header, codes, patterns = marshal.loads(path.read_bytes())
    codes = {key: "not code" for key in codes}
    patterns = {key: (key[0], 0, [999999, 1, 2], 0, {}, ()) for key in patterns}
    path.write_bytes(marshal.dumps((header, codes, patterns)))
    path.chmod(0o600)
    result = _launch(path)
    assert result["hits"] == 0 and result["re_hits"] == 0
    assert result["misses"] == good["misses"] and result["re_misses"] == good["re_misses"]
    assert _behaviour(result) == EXPECTED


CAPPED = r"""
import sys
from redline import code_cache
code_cache.install(sys.argv[1])
code_cache.MAX_ENTRIES = 10
from dataclasses import dataclass

@dataclass(frozen=True)
class Fresh:  # new in this version: compiled now, and kept
    name: str = "fresh"

print(code_cache.save())
"""


def test_a_full_file_keeps_what_this_launch_used_and_drops_the_stale(tmp_path: Path) -> None:
    """After upgrades the file fills with classes no version makes any more: past the cap, a
    save keeps only what this process used, so the new classes are never the ones left out."""
    import marshal

    path = tmp_path / "code.marshal"
    _launch(path)  # what the probe's classes compile to
    header, codes, patterns = marshal.loads(path.read_bytes())
    stale = {
        f"def old_{i}(): pass": compile(f"def old_{i}(): pass", "<string>", "exec")
        for i in range(50)
    }
    path.write_bytes(marshal.dumps((header, {**codes, **stale}, patterns)))
    path.chmod(0o600)

    assert _python(CAPPED, str(path)).split() == ["True"]
    _, kept, _ = marshal.loads(path.read_bytes())
    alone = tmp_path / "alone.marshal"
    assert _python(CAPPED, str(alone)).split() == ["True"]  # what Fresh alone compiles to
    _, fresh, _ = marshal.loads(alone.read_bytes())
    assert fresh and set(kept) == set(fresh)  # the new kept, the stale and the unused gone
