"""Backend sentences say what to do at the command line (``--provider``, ``--model``); in the
TUI the same advice names its keys and commands (ctrl+b, ``/model``)."""

from __future__ import annotations

import re

SWITCH_HINT = "Press ctrl+b or type /backend to pick another backend."

_TUI_WORDING: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), wording)
    for pattern, wording in (
        (
            r"pick (?:another|a) provider with --provider",
            "press ctrl+b (or type /backend) to pick another backend",
        ),
        (r"[Pp]ick one with --model", "Pick one with /model (ctrl+o)"),
        (
            r"check --base-url and --model",
            "check the backend's base URL and the model (ctrl+b, /model)",
        ),
        (r"--base-url", "the base URL"),
        (r"--model", "/model"),
        (r"--provider", "ctrl+b"),
    )
)


def for_tui(message: str) -> str:
    """``message`` with its command-line advice worded for the TUI."""
    if "--" not in message:
        return message
    for pattern, wording in _TUI_WORDING:
        message = pattern.sub(wording, message)
    return message
