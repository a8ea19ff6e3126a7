"""The frame the pickers, the help and the diff view share, made to read well at 80x24.

One rounded border with the title in it (Textual cuts a long title with an ellipsis), no
padding rows, as tall as the content up to the whole screen, a note docked on the frame's
last lines, list rows cut with an ellipsis instead of wrapped, and the keys in a footer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import OptionList, Static

from redline.safety.terminal import for_terminal, one_line
from redline.tui.widgets.key_footer import KeyFooter

# The keys every scrolling frame shows in its footer (the body scrolls; the keys work from any
# widget in the frame, so they are priority bindings).
SCROLL_BINDINGS = (
    Binding("pageup", "page(-1)", "Page up", key_display="pgup", priority=True),
    Binding("pagedown", "page(1)", "Page down", key_display="pgdn", priority=True),
)


class FramedScreen(ModalScreen[ScreenResultType]):
    """Subclasses yield their body from ``compose_body``, inside ``#frame`` titled ``frame_title``;
    ``SCROLLS``: the whole body scrolls (help, a diff) rather than a list inside it."""

    SCROLLS = False

    DEFAULT_CSS = """
    FramedScreen { align: center middle; }
    FramedScreen > #frame {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; border-title-color: $primary; border-title-style: bold;
        padding: 0 1; background: $surface;
    }
    FramedScreen #frame > OptionList, FramedScreen #frame > SelectionList {
        height: auto; border: none; padding: 0; background: $surface;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    FramedScreen #frame > OptionList:focus, FramedScreen #frame > SelectionList:focus {
        border: none; background-tint: transparent;
    }
    FramedScreen .frame-note { dock: bottom; height: auto; }
    """

    def frame_title(self) -> str:
        return ""

    def compose(self) -> ComposeResult:
        frame = VerticalScroll(id="frame") if self.SCROLLS else Vertical(id="frame")
        frame.border_title = Text(one_line(self.frame_title()))  # Text: never read as markup
        with frame:
            yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def highlighted_id(self) -> str | None:
        """The id of the highlighted row of the frame's list (None: no list, or it is empty)."""
        lists = self.query("#frame > OptionList")
        if not lists:
            return None
        options = lists.first(OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    def action_choose(self) -> None:
        """enter: the highlighted row (a priority key, so the footer shows it over the list's)."""
        chosen = self.highlighted_id()
        if chosen is not None:
            self.dismiss(chosen)  # type: ignore[arg-type]  # list pickers return an id

    def note(self, text: str, style: str = "dim") -> None:
        """The frame's note (counts, a problem), sanitised: it may carry a server's words."""
        self.query_one(".frame-note", Static).update(Text(for_terminal(text), style=style))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)  # type: ignore[arg-type]  # a click on a row

    def action_dismiss_none(self) -> None:
        self.dismiss(None)  # type: ignore[arg-type]

    def action_page(self, pages: int) -> None:
        """pgup / pgdn in a scrolling frame."""
        frame = self.query_one("#frame")
        if pages < 0:
            frame.scroll_page_up(animate=False)
        else:
            frame.scroll_page_down(animate=False)
