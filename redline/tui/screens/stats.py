"""/stats: the speed history per provider and model, medians and a trend, in a table."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from redline.agent.history import HistoryLoad, SpeedHistory
from redline.agent.speed_stats import SpeedRow, sparkline, speed_rows
from redline.backends.prices import format_usd

COLUMNS = ("provider", "model", "turns", "TTFT", "decode", "end-to-end", "cost/turn", "total")


def _num(value: float | None, unit: str) -> Text:
    return Text("-" if value is None else f"{value:,.0f}{unit}", justify="right")


def _usd(value: float | None, exact: bool) -> Text:
    label = "-" if value is None else ("" if exact else "~") + format_usd(value)
    return Text(label, justify="right")


def _cell(text: str, width: int = 28) -> Text:
    safe = "".join(ch if ch.isprintable() else "?" for ch in text)  # history lines are data
    return Text(safe if len(safe) <= width else "…" + safe[-(width - 1) :])


def row_cells(row: SpeedRow) -> tuple[Text, ...]:
    return (
        _cell(row.provider, 16),
        _cell(row.model, 24),
        Text(str(row.turns), justify="right"),
        _num(row.ttft_ms_median, " ms"),
        _num(row.decode_tps_median, " tok/s"),
        _num(row.e2e_tps_median, " tok/s"),
        _usd(row.cost_usd_median, row.cost_exact),
        _usd(row.cost_usd_total, row.cost_exact),
        Text(sparkline(row.decode_trend, 12), style="cyan"),
    )


class StatsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen #stats {
        width: 96%; height: auto; max-height: 90%;
        padding: 1 2; border: thick $primary; background: $surface;
    }
    StatsScreen #stats-title { margin-bottom: 1; color: $primary; text-style: bold; }
    StatsScreen DataTable { height: auto; max-height: 24; }
    StatsScreen #stats-note { margin-top: 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, history: SpeedHistory | None = None, *, load_now: bool = False) -> None:
        super().__init__()
        self.history = history or SpeedHistory()
        self._load_now = load_now

    def compose(self) -> ComposeResult:
        with Vertical(id="stats"):
            yield Static("Speed history", id="stats-title")
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS, "trend")
            yield table
            yield Static(Text("reading the history…", style="dim"), id="stats-note")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        if self._load_now:
            self.show(self.history.load())
        else:
            self._load()

    @work(thread=True, exclusive=True, group="stats")
    def _load(self) -> None:
        try:
            loaded = self.history.load()
        except OSError as exc:
            message = f"Cannot read {self.history.path}: {exc.strerror or exc}"
            self.app.call_from_thread(self._problem, message)
            return
        self.app.call_from_thread(self.show, loaded)

    def _problem(self, message: str) -> None:
        self.query_one("#stats-note", Static).update(Text(message, style="red"))

    def show(self, loaded: HistoryLoad) -> None:
        table = self.query_one(DataTable)
        table.clear()
        rows = speed_rows(loaded.records)
        for row in rows:
            table.add_row(*row_cells(row))
        if not rows:
            note = "No speed history yet: every turn (TUI, exec, race, bench) adds a line."
        else:
            note = "medians per turn · decode excludes TTFT · trend: decode tok/s, latest turns"
        if loaded.damaged:
            lines = "line" if loaded.damaged == 1 else "lines"
            note += f" · skipped {loaded.damaged} damaged {lines}"
        self.query_one("#stats-note", Static).update(Text(note + " · esc closes", style="dim"))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
