"""Splitting a streamed Markdown answer into blocks."""

from __future__ import annotations

import pytest

from redline.tui.blocks import Block, BlockSplitter, split_blocks
from tests.helpers_render import ANSWER

TRICKY = (
    "# Title\nFirst paragraph\nstill first.\n\n\n~~~~\ninner ```\n```\n~~~~\n"
    "text right after\n```js\nlet a = 1;\r\n\nlet b = 2;\n```\nlast line without newline"
)


def test_paragraphs_are_split_on_blank_lines() -> None:
    assert split_blocks("one\ntwo\n\nthree\n") == [
        Block("text", "one\ntwo"),
        Block("text", "three"),
    ]


def test_code_fence_becomes_one_block_with_its_language() -> None:
    assert split_blocks(ANSWER)[1] == Block(
        "code", 'def greet(name: str) -> str:\n    return f"Hello, {name}!"', "python"
    )


def test_heading_is_its_own_block_at_once() -> None:
    splitter = BlockSplitter()
    assert splitter.feed("## Plan\nnext") == [Block("text", "## Plan")]
    assert splitter.tail.partial == "next"


def test_partial_line_stays_in_the_tail_until_its_newline() -> None:
    splitter = BlockSplitter()
    assert splitter.feed("Hello wor") == []
    assert splitter.tail.partial == "Hello wor"
    assert splitter.feed("ld\n") == []
    assert splitter.tail.lines == ["Hello world"]
    assert splitter.tail.partial == ""


def test_open_fence_is_a_code_tail_until_closed() -> None:
    splitter = BlockSplitter()
    assert splitter.feed("```py\nx = 1\n") == []
    assert splitter.tail.kind == "code"
    assert splitter.tail.lang == "py"
    assert splitter.feed("```\n") == [Block("code", "x = 1", "py")]
    assert splitter.tail.empty


def test_fence_needs_same_character_and_length_to_close() -> None:
    blocks = split_blocks(TRICKY)
    assert Block("code", "inner ```\n```", "") in blocks
    assert Block("code", "let a = 1;\n\nlet b = 2;", "js") in blocks


def test_close_finishes_an_unclosed_fence_and_the_partial_line() -> None:
    splitter = BlockSplitter()
    splitter.feed("```sh\nls -la")
    assert splitter.close() == [Block("code", "ls -la", "sh")]


@pytest.mark.parametrize("text", [ANSWER, TRICKY])
def test_splitting_at_every_position_gives_the_same_blocks(text: str) -> None:
    whole = split_blocks(text)
    for cut in range(len(text) + 1):
        splitter = BlockSplitter()
        blocks = splitter.feed(text[:cut]) + splitter.feed(text[cut:]) + splitter.close()
        assert blocks == whole, cut


def test_char_by_char_gives_the_same_blocks() -> None:
    splitter = BlockSplitter()
    blocks: list[Block] = []
    for char in TRICKY:
        blocks.extend(splitter.feed(char))
    blocks.extend(splitter.close())
    assert blocks == split_blocks(TRICKY)


def test_a_long_list_is_cut_into_blocks_at_item_boundaries() -> None:
    items = "".join(f"{i + 1}. item {i}\n   more of item {i}\n" for i in range(50)) + "\n"
    blocks = split_blocks(items)
    assert [block.text.split(".")[0] for block in blocks] == ["1", "21", "41"]
    assert "\n".join(block.text for block in blocks) == items.strip("\n")
