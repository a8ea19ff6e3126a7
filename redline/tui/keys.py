"""The App's keys. The edit review keys (f2-f4) show only when they would do something."""

from __future__ import annotations

from textual.binding import Binding

APP_BINDINGS: tuple[Binding, ...] = (
    Binding("escape", "interrupt", "Interrupt", tooltip="stop the answer, keep what came"),
    Binding("ctrl+b", "pick_backend", "Backend", tooltip="pick a provider"),
    Binding("ctrl+o", "pick_model", "Model", tooltip="pick a model from /v1/models"),
    Binding("f1", "help", "Help", tooltip="keys and commands"),
    Binding(
        "shift+tab",
        "cycle_approval",
        "Approval",
        show=False,
        priority=True,
        tooltip="cycle the approval mode: read-only, ask, auto-edit, full-auto",
    ),
    Binding("f2", "apply_edits", "Apply edits", tooltip="apply the last answer's edits (/apply)"),
    Binding("f3", "discard_edits", "Discard", tooltip="drop the last answer's edits (/discard)"),
    Binding("f4", "fix_edits", "Fix edit", tooltip="send the failed edit back to the model (/fix)"),
    Binding(
        "f6",
        "merge_edits",
        "Merge",
        priority=True,  # over the prompt's own f6 (select line) while an edit waits for a merge
        tooltip="let Mercury merge the edit that did not apply (/merge)",
    ),
    Binding(
        "f5",
        "toggle_context",
        "Context",
        show=False,
        tooltip="show or hide the context panel: what the next request carries (/context)",
    ),
    Binding(
        "f8",
        "race",
        "Race",
        show=False,
        tooltip="race 2-4 backends on the prompt you typed (/race)",
    ),
    Binding(
        "ctrl+r",
        "toggle_reasoning",
        "Reasoning",
        show=False,
        tooltip="open or fold the newest reasoning",
    ),
    Binding(
        "pageup",
        "scroll_transcript(-1)",
        "Page up",
        show=False,
        priority=True,
        tooltip="scroll the transcript up",
    ),
    Binding(
        "pagedown",
        "scroll_transcript(1)",
        "Page down",
        show=False,
        priority=True,
        tooltip="scroll the transcript down",
    ),
    Binding(
        "end",
        "follow_tail(True)",
        "Follow",
        show=False,
        priority=True,
        tooltip="back to the live tail (in the prompt: once its cursor is at the line's end)",
    ),
    Binding(
        "ctrl+end",
        "follow_tail(False)",
        "Follow",
        show=False,
        priority=True,
        tooltip="back to the live tail",
    ),
    Binding(
        "f9",
        "copy_answer",
        "Copy",
        show=False,
        tooltip="copy the last answer to the clipboard (/copy code: its last code block)",
    ),
    Binding(
        "alt+up",
        "edit_queued",
        "Edit queued",
        show=False,
        priority=True,
        tooltip="the last queued prompt back into the prompt to edit (/queue edit N, drop N)",
    ),
    Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="leave redline"),
)
