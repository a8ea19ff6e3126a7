"""Tags of one file: the names it defines (with their extent and signature) and the names it uses."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from tree_sitter import Node, Parser, QueryCursor

from redline.tools.context.languages import GRAMMARS, Grammars

MAX_SIGNATURE_LINES = 4
MAX_LINE_CHARS = 160


class Definition(NamedTuple):
    """A definition: `line`/`end_line` are 1-based and span the whole node."""

    name: str
    kind: str
    line: int
    end_line: int
    signature: str


# A definition as stored: a plain tuple (name, kind, line, end_line, signature). Plain tuples of
# strings and ints drop out of the cyclic GC's sight, which keeps a 10k-file index cheap to hold.
RawDefinition = tuple[str, str, int, int, str]


@dataclass(frozen=True, slots=True)
class FileTags:
    """What one file defines and how often it refers to each name."""

    path: str
    language: str
    defs: tuple[RawDefinition, ...]
    references: dict[str, int]

    @property
    def definitions(self) -> tuple[Definition, ...]:
        return tuple(map(Definition._make, self.defs))


class Unparseable(Exception):
    """The grammar could not make sense of the file at all."""


def extract_tags(
    path: str, source: bytes, language: str, grammars: Grammars = GRAMMARS
) -> FileTags:
    """Parse ``source`` and run the language's tags query over it."""
    lang = grammars.language(language)
    query = grammars.query(language)
    tree = Parser(lang).parse(source)
    root = tree.root_node
    if root.type == "ERROR" or (root.has_error and root.named_child_count == 0):
        raise Unparseable(path)
    lines = source.split(b"\n")
    chosen: dict[int, tuple[int, str, str, Node]] = {}  # name start byte -> best definition
    refs: dict[int, str] = {}
    for pattern, captures in QueryCursor(query).matches(root):
        for capture, nodes in captures.items():
            if capture.startswith("name.definition."):
                name_node = nodes[0]
                outer = captures.get("definition." + capture[16:])
                node = outer[0] if outer else name_node
                seen = chosen.get(name_node.start_byte)
                if seen is None or pattern < seen[0]:
                    chosen[name_node.start_byte] = (pattern, capture[16:], _text(name_node), node)
            elif capture.startswith("name.reference."):
                for node in nodes:
                    refs.setdefault(node.start_byte, _text(node))
    definitions: list[RawDefinition] = []
    for start, (_, kind, name, node) in sorted(chosen.items()):
        refs.pop(start, None)
        definitions.append(
            (
                sys.intern(name.lstrip(":")),
                sys.intern(kind),
                node.start_point[0] + 1,
                node.end_point[0] + 1,
                _signature(node, lines),
            )
        )
    counts = Counter(refs.values())
    return FileTags(
        path, language, tuple(definitions), {sys.intern(k): v for k, v in counts.items()}
    )


def _text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def _signature(node: Node, lines: list[bytes]) -> str:
    """The definition's header: its first line(s) up to where the body starts."""
    first = node.start_point[0]
    last = first
    body = node.child_by_field_name("body")
    if body is not None and body.start_point[0] > first:
        row, column = body.start_point
        line = lines[row] if row < len(lines) else b""
        indent = len(line) - len(line.lstrip())
        last = row if column > indent else row - 1
    last = min(last, first + MAX_SIGNATURE_LINES - 1, len(lines) - 1)
    out = []
    for row in range(first, last + 1):
        text = lines[row].decode("utf-8", "replace").rstrip()
        if len(text) > MAX_LINE_CHARS:
            text = text[: MAX_LINE_CHARS - 1] + "…"
        out.append(text)
    while len(out) > 1 and not out[-1].strip():
        out.pop()
    return "\n".join(out)
