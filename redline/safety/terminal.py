"""Text made safe for a terminal, and JSON made safe for whoever reads it.

Everything redline writes to a terminal goes through ``for_terminal``: answers, reasoning, code,
file names, error messages, server bodies, status text. It removes every escape sequence (CSI,
OSC including 52 and 0, DCS, SOS, PM, APC, the two-character ``ESC x`` forms and their 8-bit C1
spellings), every other C0 control except newline and tab, DEL and every C1 control; it shows
bidi overrides, isolates and other invisible format characters as ``<U+202E>`` (as GitHub and
editors do), and turns lone surrogates into U+FFFD. ``json_dumps`` keeps the exact text but
writes those ranges as ``\\uXXXX`` escapes so no consumer's terminal interprets them raw.
"""

from __future__ import annotations

import json
import re
from typing import Any

# String sequences (OSC ] , DCS P, SOS X, PM ^, APC _) run to BEL or ST (ESC \ or 0x9c); an
# unterminated one is cut at the end of its line so a stray introducer costs one line at most.
_STRING_BODY = r"[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])"
    + _STRING_BODY  # string sequences
    + r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI (possibly cut short)
    + r"|\x1b[ -/]*[0-~]?"  # two-character ESC forms (ESC c, ESC 7, ESC ( B ...), lone ESC
)
# ZWJ inside an emoji sequence is kept; anywhere else it is a hidden character like the rest.
_EMOJI = r"\u2600-\u27bf\ufe0f\U0001f000-\U0001faff"
_KEPT_ZWJ = re.compile(rf"(?<=[{_EMOJI}])\u200d(?=[{_EMOJI}])")


# Unicode's format characters (category Cf: soft hyphen, Arabic number signs, zero-width
# space/joiners, bidi marks, embeddings, overrides and isolates, word joiner, BOM, annotation
# and tag characters ...) plus the line and paragraph separators (U+2028, U+2029).
_FORMAT_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_FORMAT = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _FORMAT_RANGES)
_CONTROL = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
_SURROGATE = r"\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROL}{_FORMAT}{_SURROGATE}]")
_VISIBLE = re.compile(f"[{_FORMAT}]")
_DROP = re.compile(f"[{_CONTROL}]")
_LONE_SURROGATE = re.compile(f"[{_SURROGATE}]")
_JSON_ESCAPE = re.compile(f"[\\x7f-\\x9f{_FORMAT}{_SURROGATE}]")


def _visible(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group()):04X}>"


def is_safe(text: str) -> bool:
    """True when ``for_terminal`` would return ``text`` unchanged.

    ``str.isprintable`` (C speed) is False for every unsafe character (all are Unicode "Other"
    or "Separator"), so printable text, line by line, needs no regex at all."""
    if text.isprintable():
        return True
    if ("\n" in text or "\t" in text) and all(
        line.isprintable() for line in text.replace("\t", " ").split("\n")
    ):
        return True
    return _UNSAFE.search(text) is None  # e.g. a no-break space: not printable, yet safe


def for_terminal(text: str) -> str:
    """``text`` with nothing a terminal would act on: see the module docstring."""
    if is_safe(text):
        return text
    text = _SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n")
    text = _DROP.sub("", text)
    text = _LONE_SURROGATE.sub("\ufffd", text)
    if _VISIBLE.search(text) is None:
        return text
    kept = _KEPT_ZWJ.sub("\x00", text)  # NUL cannot survive _DROP, so it marks kept ZWJs only
    return _VISIBLE.sub(_visible, kept).replace("\x00", "\u200d")


def one_line(text: str) -> str:
    """``for_terminal`` for a single-line place (status bar, a path, a title): newlines and
    tabs become spaces."""
    return for_terminal(text).replace("\n", " ").replace("\t", " ")


def _json_escape(match: re.Match[str]) -> str:
    cp = ord(match.group())
    if 0xD800 <= cp <= 0xDFFF:
        return "\\ufffd"  # a lone surrogate is not text; no strict JSON reader accepts it
    if cp > 0xFFFF:
        cp -= 0x10000
        return f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}"
    return f"\\u{cp:04x}"


def json_dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` with readable UTF-8 text, but DEL, C1 controls, format characters (bidi,
    zero-width) and separators escaped as ``\\uXXXX`` (C0 is always escaped by ``json``)."""
    out = json.dumps(obj, ensure_ascii=False, **kwargs)
    return _JSON_ESCAPE.sub(_json_escape, out)


class TerminalWriter:
    """A text stream that passes everything written through ``for_terminal`` first.

    The command line wraps ``sys.stdout``/``sys.stderr`` in one when they are terminals, so no
    command can print a hostile byte by forgetting to sanitise. ``trusted`` is the stream
    underneath, for redline's own control output (a ``\\r`` progress line).
    """

    def __init__(self, inner: Any) -> None:
        self.trusted = inner

    def write(self, text: str) -> int:
        self.trusted.write(for_terminal(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, buffer ...
        return getattr(self.trusted, name)


def guard_terminal_streams(sys_module: Any) -> None:
    """Wrap the module's ``stdout``/``stderr`` in a ``TerminalWriter`` when each is a terminal."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys_module, name)
        if stream is None or isinstance(stream, TerminalWriter):
            continue
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError, OSError):
            tty = False
        if tty:
            setattr(sys_module, name, TerminalWriter(stream))
