"""The terminal sanitiser: every escape class removed, invisible characters shown, JSON exact."""

from __future__ import annotations

import json
import unicodedata

import pytest

from redline.safety.terminal import TerminalWriter, for_terminal, is_safe, json_dumps, one_line
from tests.helpers_hostile import BIDI, HOSTILE_TEXT, SEQUENCES, VISIBLE_BIDI


def _controls(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_every_escape_class_leaves_no_control_character(name: str):
    out = for_terminal(f"before {SEQUENCES[name]}\nafter")
    assert _controls(out) == [], repr(out)
    assert out.startswith("before ") and out.endswith("\nafter")


def test_sequence_payloads_are_dropped_with_the_sequence():
    out = for_terminal(SEQUENCES["osc52_clipboard_bel"] + SEQUENCES["osc0_title"] + "x")
    assert out == "x"
    assert for_terminal(SEQUENCES["csi_colour"]) == "red"
    assert for_terminal(SEQUENCES["osc8_hyperlink"]) == "click"


def test_sequences_split_anywhere_still_leave_no_escape():
    for cut in range(1, len(HOSTILE_TEXT)):
        pieces = for_terminal(HOSTILE_TEXT[:cut]) + for_terminal(HOSTILE_TEXT[cut:])
        assert _controls(pieces) == []


def test_an_unterminated_string_sequence_costs_one_line_at_most():
    assert for_terminal("a\x1b]52;c;AAAA\nnext line") == "a\nnext line"


def test_bidi_and_invisible_characters_are_shown_not_applied():
    out = for_terminal(BIDI)
    for visible in VISIBLE_BIDI:
        assert visible in out
    assert not any(unicodedata.category(c) == "Cf" for c in out)


def test_every_format_character_is_shown():
    hidden = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    for ch in hidden:
        if ch == "\u200d":
            continue
        assert for_terminal(ch) == f"<U+{ord(ch):04X}>"


def test_emoji_joiners_stay_but_a_lone_zero_width_joiner_is_shown():
    family = "👨\u200d👩\u200d👧"
    assert for_terminal(family) == family
    assert for_terminal("pass\u200dword") == "pass<U+200D>word"


def test_ordinary_text_is_returned_unchanged():
    text = "def add(a, b):\n\treturn a + b  # café, 日本語, ✓\n"
    assert is_safe(text) and for_terminal(text) is text


def test_crlf_becomes_newline_and_a_lone_surrogate_becomes_replacement():
    assert for_terminal("a\r\nb") == "a\nb"
    assert for_terminal("bad \ud800 char") == "bad \ufffd char"


def test_one_line_flattens_newlines_and_tabs():
    assert one_line("a\nb\tc\x1b[2J") == "a b c"


def test_json_keeps_exact_text_but_escapes_invisible_and_c1():
    obj = {"text": HOSTILE_TEXT + "\x85\u2028\U000e0041"}
    out = json_dumps(obj)
    assert json.loads(out) == obj
    assert _controls(out) == []
    assert not any(unicodedata.category(c) in ("Cf", "Zl", "Zp") for c in out)
    assert "\\u202e" in out and "\\u0085" in out and "\\udb40\\udc41" in out
    assert "日本" in json_dumps({"t": "日本"})  # readable text stays readable


def test_json_turns_a_lone_surrogate_into_replacement():
    assert json.loads(json_dumps({"t": "a\ud800b"})) == {"t": "a\ufffdb"}


class _Sink:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def isatty(self) -> bool:
        return True


def test_terminal_writer_sanitises_every_write_and_keeps_a_trusted_stream():
    sink = _Sink()
    writer = TerminalWriter(sink)
    print("x\x1b]0;t\x07y", file=writer)  # type: ignore[arg-type]
    assert "".join(sink.parts) == "xy\n"
    assert writer.trusted is sink and writer.isatty()


def test_the_printable_fast_path_never_lets_an_unsafe_character_through():
    from redline.safety.terminal import _FORMAT_RANGES

    unsafe = [chr(c) for a, b in _FORMAT_RANGES for c in range(a, b + 1)]
    unsafe += [chr(c) for c in (*range(0, 9), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
    unsafe += [chr(c) for c in range(0xD800, 0xE000)]
    assert not any(ch.isprintable() for ch in unsafe)
    assert not any(is_safe(f"ok {ch}\nline\tx") for ch in unsafe)
    assert is_safe("no-break\u00a0space\nand\ttab")  # not printable, yet safe
