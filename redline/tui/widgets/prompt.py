"""The prompt: a multi-line TextArea where Enter sends and shift+enter / ctrl+j add a line.

Up on the first line and down on the last recall earlier prompts. Words starting with a
completion trigger (``/`` at the very start, ``@`` anywhere) are offered to the
``CompletionMenu`` the prompt is paired with; while the menu shows, up/down/tab/enter/esc
drive it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea

from redline.tui.widgets.completion_menu import Completion, CompletionMenu

CompletionSource = Callable[[str], list[Completion]]

PLACEHOLDER = "Ask for a change · / commands · @ files · ctrl+j new line · f1 help"
NEWLINE_KEYS = frozenset({"shift+enter", "ctrl+j", "alt+enter"})


@dataclass(slots=True, frozen=True)
class WordAtCursor:
    """The word being completed: its text and where it starts on the cursor's line."""

    text: str
    row: int
    start_col: int
    end_col: int


class PromptInput(TextArea):
    """Where the person types; posts ``PromptInput.Submitted`` on Enter."""

    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        min-height: 3;
        max-height: 10;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+l", "clear_prompt", "Clear", tooltip="clear the whole prompt (ctrl+z undoes)"
        ),
        Binding("f7", "select_all", "Select all", show=False, tooltip="select the whole prompt"),
    ]

    class Submitted(Message):
        """The person pressed Enter on a non-empty prompt."""

        def __init__(self, prompt: PromptInput, text: str, *, queue: bool = False) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text
            self.queue = queue  # tab: after the running turn, not into it

    class Resized(Message):
        """The prompt grew or shrank (a new line, a paste): the toasts keep clear of it."""

    def on_resize(self, event: events.Resize) -> None:  # beside TextArea's own _on_resize
        self.post_message(self.Resized())

    def __init__(
        self,
        *,
        history: list[str] | None = None,
        cursor_blink: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(
            "",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            highlight_cursor_line=False,
            placeholder=PLACEHOLDER,
            id=id,
        )
        self.cursor_blink = cursor_blink
        self.past_prompts: list[str] = history if history is not None else []
        self._history_index: int | None = None  # None: editing a new prompt
        self._draft = ""
        self.sources: dict[str, CompletionSource] = {}
        self.menu: CompletionMenu | None = None
        self._word: WordAtCursor | None = None
        self._many_lines = False
        self._recalled: str | None = None  # text put back by history: no menu until edited

    # --- history -------------------------------------------------------------------------

    def remember(self, text: str) -> None:
        if text and (not self.past_prompts or self.past_prompts[-1] != text):
            self.past_prompts.append(text)
        self._history_index = None
        self._draft = ""
        self._recalled = None

    def _recall(self, step: int) -> bool:
        if not self.past_prompts:
            return False
        if self._history_index is None:
            if step > 0:
                return False
            self._draft = self.text
            index = len(self.past_prompts) - 1
        else:
            index = self._history_index + step
        if index >= len(self.past_prompts):
            self._history_index = None
            self._set_text(self._draft, cursor_end=True)
            return True
        if index < 0:
            return True  # already at the oldest: stay
        self._history_index = index
        self._set_text(self.past_prompts[index], cursor_end=step > 0)
        return True

    def restore(self, text: str) -> None:
        """A prompt that was not sent comes back as it was (no menu until it is edited)."""
        self._history_index = None
        self._set_text(text, cursor_end=True)

    def _set_text(self, text: str, *, cursor_end: bool) -> None:
        self._recalled = text  # a recalled `/command` must not open the menu (it takes the arrows)
        self._hide_menu()
        self.load_text(text)
        if cursor_end:
            self.move_cursor(self.document.end)
        else:
            self.move_cursor((0, len(text.split("\n", 1)[0])))

    # --- keys ----------------------------------------------------------------------------

    def action_clear_prompt(self) -> None:
        """ctrl+l: the whole prompt goes (a recalled 2,000-line paste too); ctrl+z brings it back."""
        self._hide_menu()
        self.delete(self.document.start, self.document.end)
        self._history_index = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_prompt":  # in the footer only when there is a lot to clear
            return self.document.line_count > 1
        return super().check_action(action, parameters)

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        if self.menu is not None and self.menu.display and self._menu_key(key):
            event.stop()
            event.prevent_default()
            return
        if key == "enter" or (key == "tab" and self.text.strip()):
            event.stop()
            event.prevent_default()
            self._submit(queue=key == "tab")
            return
        if key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
            return
        row = self.cursor_location[0]
        if key == "up" and row == 0 and self._recall(-1):
            event.stop()
            event.prevent_default()
            return
        if key == "down" and row == self.document.line_count - 1 and self._recall(+1):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def _submit(self, *, queue: bool = False) -> None:
        text = self.text.strip("\n")
        if not text.strip():
            return
        self.remember(text)
        self.clear()
        self._hide_menu()
        self.post_message(self.Submitted(self, text, queue=queue))

    # --- completion ----------------------------------------------------------------------

    def _menu_key(self, key: str) -> bool:
        assert self.menu is not None
        if key == "up":
            self.menu.action_cursor_up()
        elif key == "down":
            self.menu.action_cursor_down()
        elif key in ("tab", "enter"):
            chosen = self.menu.chosen()
            if chosen is None:
                self._hide_menu()
                return key == "tab"
            typed_in_full = self._word is not None and self._word.text == chosen.value.strip()
            self.accept_completion(chosen)
            if key == "enter" and (chosen.submit or typed_in_full):
                self._submit()  # `/model` typed whole runs on this Enter, not the next
        elif key == "escape":
            self._hide_menu()
        else:
            return False
        return True

    def accept_completion(self, completion: Completion) -> None:
        """Replace the word being completed with ``completion.value``."""
        word = self._word
        self._hide_menu()
        if word is None:
            return
        self.replace(completion.value, (word.row, word.start_col), (word.row, word.end_col))

    def word_at_cursor(self) -> WordAtCursor | None:
        row, col = self.cursor_location
        line = self.document.get_line(row)
        before = line[:col]
        start = max(before.rfind(" "), before.rfind("\t")) + 1
        word = before[start:]
        if not word:
            return None
        return WordAtCursor(word, row, start, col)

    def _hide_menu(self) -> None:
        self._word = None
        if self.menu is not None:
            self.menu.hide()

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.refresh_completion()
        lines = self.document.line_count
        if (lines > 1) != self._many_lines:  # the footer's "ctrl+l Clear" follows
            self._many_lines = lines > 1
            self.app.refresh_bindings()

    def refresh_completion(self) -> None:
        if self.menu is None:
            return
        if self._recalled is not None and self.text == self._recalled:
            self._hide_menu()
            return
        word = self.word_at_cursor()
        if word is None:
            self._hide_menu()
            return
        trigger = word.text[0]
        source = self.sources.get(trigger)
        at_start = word.row == 0 and word.start_col == 0
        if source is None or (trigger == "/" and not at_start):
            self._hide_menu()
            return
        items = source(word.text)
        if not items:
            self._hide_menu()
            return
        self._word = word
        self.menu.show(items)
