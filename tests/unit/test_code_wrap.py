"""Long code lines are wrapped with a visible continuation marker, never clipped: the whole
line can be read at 80 columns, with the context panel open, while it streams and once
highlighted (and highlighting never changes the block's height)."""

from __future__ import annotations

from redline.backends.events import TextDelta
from redline.tui.render_lines import CONTINUATION
from tests.helpers_render import TranscriptApp

LONG = "result = compute_something(alpha_value, beta_value, gamma_value, delta_value, epsilon_value)  # END"
ANSWER = f"Here:\n\n```python\n{LONG}\nshort = 1\n```\n\nafter\n"


def _joined(lines: list[str]) -> str:
    """The screen's text with each continuation row joined to the row before it."""
    out: list[str] = []
    for line in lines:
        body = line.strip()
        if body.startswith(CONTINUATION) and out:
            out[-1] += body[len(CONTINUATION) :]
        else:
            out.append(body)
    return "\n".join(out)


async def test_a_long_code_line_wraps_with_a_marker_while_streaming_and_polished() -> None:
    app = TranscriptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.transcript
        handle = transcript.start_turn(1, "code", "sim", "m")
        handle.push(TextDelta(ANSWER[: ANSWER.index("short")]))  # the fence still open
        transcript.flush()
        live = transcript.lines_text()
        assert any(line.strip().startswith(CONTINUATION) for line in live)
        assert LONG in _joined(live)
        handle.push(TextDelta(ANSWER[ANSWER.index("short") :]))
        transcript.flush()
        await pilot.pause()
        done = transcript.lines_text()
        assert LONG in _joined(done)
        assert all(len(line) <= 80 for line in done)


async def test_highlighting_a_big_wrapped_block_keeps_its_height() -> None:
    from redline.tui.widgets._parts import BlockPart

    body = "\n".join(f"line_{i} = {LONG}" if i % 3 == 0 else f"x{i} = {i}" for i in range(120))
    app = TranscriptApp()
    async with app.run_test(size=(60, 24)):
        transcript = app.transcript
        handle = transcript.start_turn(1, "code", "sim", "m")
        handle.push(TextDelta(f"```python\n{body}\n```\n"))
        transcript._tick(polish_budget=0.0)  # drained, plain, not polished yet
        view = transcript._turns[0]
        (code,) = [p for p in view.blocks if isinstance(p, BlockPart)]
        plain = code.height
        transcript.flush()
        assert code.polished and code.height == plain
        text = _joined(transcript.lines_text())
        assert f"line_117 = {LONG}" in text
