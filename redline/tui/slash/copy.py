"""`/copy`: the last answer (or, with `code`, its last code block) to the clipboard.

It goes out as OSC 52 from redline itself (Textual's ``App.copy_to_clipboard``); the text is
first cleaned by ``for_terminal``, so no escape sequence a model wrote reaches the clipboard.
"""

from __future__ import annotations

import re

from redline.agent import Notice
from redline.safety.terminal import for_terminal
from redline.tui.slash import SlashCommand, SlashContext

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)


def last_code_block(text: str) -> str | None:
    """The body of the last closed fenced code block in ``text``."""
    blocks = [m.group("body") for m in _FENCE.finditer(text)]
    return blocks[-1] if blocks else None


def copy_text(ctx: SlashContext, arg: str) -> tuple[str, str] | Notice:
    """What `/copy ARG` copies and how to name it, or why there is nothing."""
    turn = ctx.session.conversation.last
    answer = turn.text[turn.answer_start :] if turn is not None else ""
    if not answer.strip():
        return Notice("No answer to copy yet.", "warning")
    if arg.strip().lower() in ("code", "block"):
        code = last_code_block(answer)
        if code is None:
            return Notice("The last answer has no code block (/copy copies the whole answer).")
        return code, "the last code block"
    if arg.strip():
        return Notice("Usage: /copy (the last answer) or /copy code (its last code block).")
    return answer, "the last answer"


def _copy(ctx: SlashContext, arg: str) -> None:
    found = copy_text(ctx, arg)
    if isinstance(found, Notice):
        ctx.ui.say(found)
        return
    text, what = found
    clean = for_terminal(text)  # never a model's escape sequence into the clipboard
    ctx.ui.copy_to_clipboard(clean)
    lines = clean.count("\n") + (0 if clean.endswith("\n") else 1)
    ctx.ui.say(
        Notice(f"Copied {what} ({lines:,} line{'' if lines == 1 else 's'}) to the clipboard.")
    )


def commands() -> list[SlashCommand]:
    return [
        SlashCommand(
            "copy",
            "copy the last answer to the clipboard (/copy code: its last code block)",
            _copy,
            "[code]",
            "f9",
        )
    ]
