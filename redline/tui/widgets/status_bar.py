"""One line under the prompt: backend and why, git branch and state, context estimate, activity."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual.widgets import Static

from redline.safety.terminal import one_line
from redline.tui.git_state import GitState


@dataclass(slots=True, frozen=True)
class StatusInfo:
    backend: str = "opening backend…"
    reason: str = ""
    git: GitState | None = None  # None: not read yet
    context_tokens: int | None = None
    activity: str = ""
    spent: str = ""  # the session's cost so far, e.g. "~$0.0123"
    approval: str = ""  # the approval mode (ask, auto-edit ...); "" before the session says


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.info = StatusInfo()

    def on_mount(self) -> None:
        self._redraw()

    def set(self, **changes: object) -> None:
        """Change some fields (names of ``StatusInfo``) and redraw without a layout pass."""
        self.info = replace(self.info, **changes)  # type: ignore[arg-type]
        self._redraw()

    def render_text(self, width: int | None = None) -> Text:
        """The bar's line; with ``width``, the provider's reason is cut to fit, with an ellipsis."""
        info = self.info
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(ellipsize(info.backend, BACKEND_MAX), style="bold")
        text.append("  │  ")
        if info.git is None:
            text.append("git …")
        elif info.git.branch is None:
            text.append("not a git repo")
        else:
            text.append(f" {ellipsize(info.git.branch, BRANCH_MAX)}")
            if info.git.dirty:
                text.append(f" ● {info.git.changed} changed", style="bold")
            else:
                text.append(" ✓ clean")
        text.append("  │  ")
        if info.context_tokens is None:
            text.append("ctx –")
        else:
            text.append(f"ctx ~{_compact(info.context_tokens)} tok")
        if info.approval:  # always shown: what the agent may do without asking
            text.append("  │  ")
            style = "dim" if info.approval == "ask" else "bold yellow"
            text.append(f"⏵ {info.approval}", style=style)
        if info.activity:  # before the cost: the queue count must stay in view
            text.append("  │  ")
            text.append(one_line(info.activity), style="bold")
        if info.spent:
            text.append(f"  │  {info.spent}")
        if info.reason:  # last: it can be long, and the short facts must stay in view
            sep = "  │  "
            reason = one_line(info.reason)
            if width is not None:
                room = width - text.cell_len - len(sep)
                if room < 8:
                    return text
                if len(reason) > room:
                    reason = _cut_at_word(reason, room)
            text.append(f"{sep}{reason}", style="italic dim")
        return text

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        width = self.content_region.width or None
        self.update(self.render_text(width), layout=False)


def _cut_at_word(text: str, room: int) -> str:
    """``text`` in ``room`` cells, cut at a word where one is near, ending in an ellipsis."""
    cut = text[: room - 1]
    space = cut.rfind(" ")
    if space >= room * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


BACKEND_MAX = 44  # so branch and the ctx figure stay in view on a narrow screen
BRANCH_MAX = 28


def ellipsize(label: str, limit: int) -> str:
    """``label`` made safe and cut in the middle to ``limit`` characters: the start and the end
    both tell."""
    label = one_line(label)
    if len(label) <= limit:
        return label
    head = (limit - 1) * 2 // 3
    return label[:head] + "…" + label[len(label) - (limit - 1 - head) :]


def _compact(n: int) -> str:
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)
