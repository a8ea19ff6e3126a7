"""A calibrated token estimate, with no tokenizer download.

One regular expression in the spirit of a BPE pre-tokenizer (cl100k's pattern, with long and
camelCase words split into word pieces) stands in for a real vocabulary. The simulator emits
exactly these pieces as its tokens, so on simulated replies the estimate is exact; on real
English and code it lands near the usual ~4 characters per token (see tests/unit/test_tokens.py).

``TokenCounter`` keeps a running count over a stream of small deltas: it only re-reads the text
since the last boundary where no token can straddle, so each feed costs O(len(delta)).
"""

from __future__ import annotations

import re

_PATTERN = re.compile(
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)"""  # English contractions
    r"""|(?:[^\r\n\w]|_)?(?:[A-Z]{2,8}(?![a-z])|[^\W\d_][^\W\d_A-Z]{0,8})"""  # word pieces
    r"""|\d{1,3}"""  # numbers, up to three digits a token
    r"""| ?(?:[^\s\w]|_){1,6}[\r\n]*"""  # punctuation runs (with their line ends)
    r"""|\s*[\r\n]+"""  # line breaks
    r"""|\s+(?!\S)|\s+"""  # other whitespace (indentation is one token)
)

# Places no token can straddle: after a line break whose following whitespace (indentation)
# holds no other line break, once the line's first non-space has arrived; or at a space that
# starts a word after a word character. (A line break followed by spaces and another line
# break is inside one token, "\n \n".) Indented code used to keep its lines pending until a
# line that starts at column 0, and every delta re-counted them all.
_BOUNDARY = re.compile(r"\n(?=[^\S\r\n]*\S)|(?<=[^\W_]) (?=[^\W\d_])")

# Past this many characters without a boundary (minified code, base64), count what we have.
_MAX_PENDING = 512


def split_tokens(text: str) -> list[str]:
    """The pieces the estimate counts; ``"".join(split_tokens(t)) == t``."""
    return _PATTERN.findall(text)


def count_tokens(text: str) -> int:
    """Estimated number of tokens in ``text``."""
    return len(_PATTERN.findall(text))


# The counts of short texts seen while streaming (a word, a line's start): tokens repeat, and a
# lookup is a tenth of a pattern scan. Bounded: cleared when full.
_SHORT = 24
_short_counts: dict[str, int] = {}


def _count(text: str) -> int:
    if len(text) > _SHORT:
        return len(_PATTERN.findall(text))
    found = _short_counts.get(text)
    if found is None:
        if len(_short_counts) >= 8192:
            _short_counts.clear()
        found = _short_counts[text] = len(_PATTERN.findall(text))
    return found


class TokenCounter:
    """A running token estimate for text that arrives in pieces."""

    __slots__ = ("_committed", "_pending", "_pending_count")

    def __init__(self) -> None:
        self._committed = 0
        self._pending = ""
        self._pending_count = 0

    @property
    def count(self) -> int:
        return self._committed + self._pending_count

    def add(self, delta: str) -> int:
        """Account for ``delta`` appended to the text; returns the new total."""
        if not delta:
            return self.count
        pending = self._pending
        if (
            delta[0] == " "
            and pending
            and pending[-1].isalnum()  # [^\W_]: what _BOUNDARY wants before the space
            and len(delta) > 1
            and delta[1].isalnum()
            and not delta[1].isdecimal()  # [^\W\d_]: and after it
            and " " not in delta[1:]
            and "\n" not in delta
        ):
            # The common case, a word after a word: the only boundary is where pending ends.
            self._committed += self._pending_count
            self._pending = delta
            self._pending_count = _count(delta)
            return self._committed + self._pending_count
        text = pending + delta
        cut = -1
        # Only the new part can hold a new boundary (the pending part had none), except a line
        # break at the end of the pending part, waiting for its line's first non-space.
        start = max(0, len(pending) - 1)
        line = pending.rfind("\n")
        if line >= 0 and not pending[line + 1 :].strip():
            start = line
        for match in _BOUNDARY.finditer(text, start):
            cut = match.end() if match.group() == "\n" else match.start()
        if cut <= 0 and len(text) > _MAX_PENDING:
            cut = len(text)
        if cut > 0:
            # A boundary where the pending text ended (a word after a word): its count is known.
            self._committed += self._pending_count if cut == len(pending) else _count(text[:cut])
            text = text[cut:]
        self._pending = text
        self._pending_count = _count(text)
        return self.count

    def reset(self, text: str = "") -> int:
        """Start over from ``text`` (a snapshot that replaces everything before it)."""
        self._committed = 0
        self._pending = ""
        self._pending_count = 0
        return self.add(text)
