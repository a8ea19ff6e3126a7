"""Multi-megabyte answers in the real app: the turn finishes, huge lines and blocks are folded,
the prompt still takes keys, and Esc stops a huge answer mid-stream."""

from __future__ import annotations

from tests.helpers_client import LoopbackServer, Reply, json_reply
from tests.helpers_hostile import chat_body
from tests.helpers_tui import make_app, settle, wait_until

MODELS = json_reply(200, {"object": "list", "data": [{"id": "m"}]})
ONE_LINE = "x" * 1_500_000  # one 1.5 MB line, no newline anywhere
CODE = "```python\n" + "".join(f"value_{i} = {i}  # line\n" for i in range(40_000)) + "```\n"
PROSE = "".join(f"Paragraph {i} with *some* markdown.\n\n" for i in range(1_000))
HUGE = f"{ONE_LINE}\n\n{CODE}\n{PROSE}end of answer\n"


def _chunks(text: str, piece: int = 65_536) -> list[bytes]:
    body = chat_body(text, piece=piece)
    return [body[i : i + piece] for i in range(0, len(body), piece)]


async def test_a_multi_megabyte_answer_finishes_folded_and_the_app_answers_keys():
    routes = {"/v1/chat/completions": Reply(chunks=_chunks(HUGE)), "/v1/models": MODELS}
    with LoopbackServer(routes) as srv:  # type: ignore[arg-type]
        app = make_app(provider="llamacpp", base_url=srv.url)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press(*"big", "enter")
            turns = app.session.conversation.turns
            await wait_until(pilot, lambda: bool(turns) and not app.session.turn_running, 300)
            app.transcript.flush()
            await pilot.pause()
            assert turns[0].text == HUGE and turns[0].error is None  # nothing was lost
            lines = app.transcript.lines_text()
            await pilot.press("h", "i")
            await pilot.pause()
            prompt_text = app.query_one("PromptInput").text  # type: ignore[attr-defined]
    assert any("more characters not shown" in line for line in lines)
    assert any("more lines not shown" in line for line in lines)
    assert any("end of answer" in line for line in lines)
    assert len(lines) < 20_000  # folded: far fewer lines than the answer has
    assert prompt_text == "hi"


async def test_esc_stops_a_huge_answer_mid_stream():
    # about 2 MB of the answer, then the server holds the stream open: it ends only when esc
    # stops it, however slow the machine is (a stream that finished first made this flaky)
    chunks = _chunks(HUGE, piece=32_768)
    slow = Reply(chunks=chunks[: len(chunks) * 3 // 4], delay_s=0.02, stall_s=600)
    with LoopbackServer({"/v1/chat/completions": slow, "/v1/models": MODELS}) as srv:
        app = make_app(provider="llamacpp", base_url=srv.url)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press(*"big", "enter")
            await wait_until(
                pilot,
                lambda: (
                    app.session.turn_loop is not None
                    and app.session.turn_loop.meter.reading().output_tokens > 50_000
                ),
                300,
            )
            await pilot.press("escape")
            await wait_until(pilot, lambda: not app.session.turn_running, 120)
            [turn] = app.session.conversation.turns
    assert turn.interrupted and 0 < len(turn.text) < len(HUGE)
