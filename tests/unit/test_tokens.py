"""The token estimate: calibrated on the simulator, sane on English and code, cheap to stream."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from redline.backends.sim.replies import ReplyRequest, build_reply
from redline.backends.tokens import TokenCounter, count_tokens, split_tokens

ROOT = Path(__file__).resolve().parents[2]

ENGLISH = (
    "Redline is a terminal coding assistant built for fast inference. It streams answers from "
    "many backends, shows a live tokens per second meter, picks code context with tree-sitter, "
    "and applies the edits it gets back through git, one commit per turn, with undo. The point "
    "is to feel how fast each provider really is in an interactive loop, where the client must "
    "never be the slow part. Measured figures belong in benchmarks, not in the test suite."
)


def test_pieces_join_back_to_the_text() -> None:
    text = "def f(x):\n    return x  # 123456\n\n\tdone's HTTPServer getUserName"
    assert "".join(split_tokens(text)) == text
    assert count_tokens(text) == len(split_tokens(text))


def test_english_prose_is_about_four_characters_a_token() -> None:
    chars_per_token = len(ENGLISH) / count_tokens(ENGLISH)
    assert 3.8 <= chars_per_token <= 5.5
    words = len(ENGLISH.split())
    assert words <= count_tokens(ENGLISH) <= words * 1.5


def test_code_is_denser_than_prose() -> None:
    source = (ROOT / "redline" / "backends" / "meter.py").read_text()
    chars_per_token = len(source) / count_tokens(source)
    assert 2.8 <= chars_per_token <= 4.8
    assert chars_per_token < len(ENGLISH) / count_tokens(ENGLISH)


def test_identifiers_split_like_word_pieces() -> None:
    assert split_tokens("getUserName") == ["get", "User", "Name"]
    assert split_tokens(" HTTPServer") == [" HTTP", "Server"]
    assert split_tokens("user_id") == ["user", "_id"]
    assert split_tokens("1234567") == ["123", "456", "7"]


@pytest.mark.parametrize("max_tokens", [1, 7, 64, 400, 5000])
@pytest.mark.parametrize("reasoning", [False, True])
def test_estimate_is_exact_on_simulated_replies(max_tokens: int, reasoning: bool) -> None:
    context = "src/app.py\n```python\nimport os\n\nprint(os.getcwd())\n```\n"
    request = ReplyRequest("Edit format: udiff", context, "go", max_tokens, reasoning)
    reply = build_reply(request, profile="cerebras", model="m")
    assert len(reply.tokens) == max_tokens
    answer = reply.tokens[reply.reasoning :]
    assert count_tokens("".join(answer)) == len(answer)
    assert count_tokens(reply.reasoning_text) == reply.reasoning


@pytest.mark.parametrize("seed", range(20))
def test_streaming_count_matches_one_shot_count(seed: int) -> None:
    rng = random.Random(seed)
    text = (ROOT / "redline" / "backends" / "tokens.py").read_text() + ENGLISH
    counter = TokenCounter()
    i = 0
    while i < len(text):
        j = i + rng.randint(1, 16)
        counter.add(text[i:j])
        i = j
    assert counter.count == count_tokens(text)


def test_counter_stays_bounded_on_text_without_boundaries() -> None:
    counter = TokenCounter()
    blob = "A" * 5000
    for i in range(0, len(blob), 10):
        counter.add(blob[i : i + 10])
    assert counter.count == pytest.approx(count_tokens(blob), rel=0.02)
    assert len(counter._pending) <= 600


def test_reset_replaces_the_text() -> None:
    counter = TokenCounter()
    counter.add("one two three four")
    assert counter.reset("one two") == 2


WHITESPACE_CASES = (
    "def f(x):\n    if x:\n        return x  \n    \n\n    return 0\n\t\tdone\r\n    crlf\r\n\r\n"
    "a \n \n b\n \t \n  c\n\n\n    deep\n )\n    ]\n\u2028 sep\n    x = 1  # note\n"
    "  \n\n  y\n" * 3
)


@pytest.mark.parametrize("seed", range(40))
def test_streaming_count_matches_one_shot_on_indented_code_and_blank_lines(seed: int) -> None:
    """Line breaks before indentation are boundaries too (not only before column 0): every
    chunking of code with indentation, blank lines of spaces, CRLF and tabs counts the same."""
    rng = random.Random(seed)
    text = WHITESPACE_CASES + (ROOT / "redline" / "tui" / "app.py").read_text()[:6000]
    counter = TokenCounter()
    i = 0
    while i < len(text):
        j = i + rng.choice((1, 1, 2, 3, rng.randint(1, 24)))
        counter.add(text[i:j])
        i = j
        if rng.random() < 0.05:  # and at every point on the way, not only at the end
            assert counter.count == count_tokens(text[:i])
    assert counter.count == count_tokens(text)


def test_indented_code_keeps_little_pending() -> None:
    counter = TokenCounter()
    for line in ["def f(x):", "    value = x", "    value += 1", "    return value"] * 20:
        for piece in (line[:4], line[4:], "\n"):
            counter.add(piece)
    assert len(counter._pending) < 40  # a line at most, not every line since column 0


def test_the_short_count_memo_is_bounded_and_exact() -> None:
    from redline.backends import tokens

    counter = TokenCounter()
    words = [f" w{i}x" for i in range(10_000)]  # distinct short pieces
    for word in words:
        counter.add(word)
    assert len(tokens._short_counts) <= 8192
    assert counter.count == count_tokens("".join(words))


UNICODE_WORDS = (
    ENGLISH + " café naïve ²³ x² Ωmega 中文 ١٢٣ abc١ __init__ foo_bar  double  spaces 7 up\n"
) * 5


@pytest.mark.parametrize("seed", range(10))
def test_word_after_word_fast_path_counts_as_the_pattern_does(seed: int) -> None:
    """A delta that is " word" after a word takes a shortcut: on letters, digits, superscripts,
    scripts without case, underscores and double spaces it must agree with the one-shot count."""
    rng = random.Random(seed)
    counter = TokenCounter()
    pieces = split_tokens(UNICODE_WORDS)  # the way a model streams: a token a delta
    if seed % 2:  # or cut anywhere
        pieces, i = [], 0
        while i < len(UNICODE_WORDS):
            j = i + rng.randint(1, 8)
            pieces.append(UNICODE_WORDS[i:j])
            i = j
    for piece in pieces:
        counter.add(piece)
    assert counter.count == count_tokens(UNICODE_WORDS)
