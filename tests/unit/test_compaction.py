"""Context windows, the conversation a summary stands in for, and the summary in the session file."""

from __future__ import annotations

import json
from pathlib import Path

from redline.agent import Conversation, Turn
from redline.agent.compaction import RESULT_CHARS, summary_request, transcript, turns_to_fold
from redline.agent.store import SessionStore
from redline.agent.window import context_usage
from redline.backends.events import ToolCall
from redline.backends.meter import MeterReading
from redline.backends.request import Message
from redline.backends.windows import DEFAULT_WINDOW, LOCAL_WINDOW, context_window


def _conversation(*prompts: str) -> Conversation:
    return Conversation([Turn(p, "sim", "gpt-oss-120b", text=f"did {p}") for p in prompts])


class TestWindows:
    def test_the_config_then_known_models_then_the_preset_then_a_default(self):
        assert context_window("sim", "gpt-oss-120b", {"gpt-oss-120b": 9000}).tokens == 9000
        assert context_window("cerebras", "gpt-oss-120b").tokens == 131_072
        assert context_window("baseten", "moonshotai/Kimi-K2.5").tokens == 262_144
        assert context_window("openai", "gpt-5-codex").tokens == 272_000
        assert context_window("inception", "some-new-mercury").tokens == 128_000
        assert context_window("ollama", "qwen2.5-coder:7b").tokens == LOCAL_WINDOW
        assert context_window("custom", "my-model").source == "default"
        assert context_window("custom", "my-model").tokens == DEFAULT_WINDOW

    def test_usage_counts_tool_steps_and_warns_near_the_limit(self):
        conversation = _conversation("one")
        turn = conversation.turns[0]
        call = ToolCall("c1", "read_file", '{"path": "a.py"}')
        turn.items = [
            Message("assistant", "", tool_calls=(call,)),
            Message("tool", "x" * 40_000, call_id="c1"),
        ]
        usage = context_usage(conversation, "sim", "m", 0, {"m": 14_000})
        assert usage.tokens > 10_000 and usage.near_limit and usage.percent >= 80
        assert not context_usage(conversation, "sim", "m", 0, {"m": 100_000}).near_limit

    def test_the_servers_own_count_wins_when_it_is_larger(self):
        conversation = _conversation("one")
        conversation.turns[0].reading = MeterReading(prompt_tokens=50_000)
        assert context_usage(conversation, "sim", "m", 0, {"m": 60_000}).tokens >= 50_000


class TestSummary:
    def test_the_summary_stands_in_for_the_older_turns_in_what_is_sent(self):
        conversation = _conversation("one", "two", "three")
        assert turns_to_fold(conversation) == 2
        conversation.summary, conversation.summarized = "we did one and two", 2
        history = conversation.history()
        assert history[0].role == "user" and history[0].content.endswith("we did one and two")
        assert history[1].role == "assistant"
        assert history[2:] == [Message("user", "three"), Message("assistant", "did three")]
        assert turns_to_fold(conversation) == 0  # only the newest turn is left after it
        assert [t.prompt for t in conversation.turns] == ["one", "two", "three"]

    def test_the_request_for_a_summary_is_plain_text_and_bounded(self):
        conversation = _conversation("read it", "now")
        turn = conversation.turns[0]
        call = ToolCall("c1", "read_file", '{"path": "big.py"}')
        turn.items = [
            Message("assistant", "", tool_calls=(call,)),
            Message("tool", "y" * 50_000, call_id="c1"),
        ]
        request = summary_request(conversation, 1, "m", 131_072)
        assert [m.role for m in request.messages] == ["system", "user"]
        assert not request.tools
        text = request.messages[1].content
        assert "[person] read it" in text and "[tool call] read_file" in text
        assert text.count("y") <= RESULT_CHARS + 10
        assert "now" not in text.split("---")[0]  # the newest turn is not summarised
        assert len(transcript(conversation, 2, 5_000)) <= 5_100


class TestSummaryInTheSessionFile:
    def test_a_compacted_session_resumes_compacted_and_keeps_every_turn(self, tmp_path: Path):
        store = SessionStore(tmp_path)
        writer = store.create(Path("/r"))
        conversation = _conversation("one", "two", "three")
        for turn in conversation.turns:
            writer.append(turn)
        conversation.summary, conversation.summarized = "we did one and two", 2
        writer.append_summary(conversation, "sim", "gpt-oss-120b")
        loaded = store.load(writer.id)
        assert loaded.info.turns == 3 and loaded.info.problem is None
        assert loaded.conversation.summarized == 2
        assert loaded.conversation.history() == conversation.history()
        lines = [json.loads(line) for line in writer.path.read_text().splitlines()]
        assert [line["type"] for line in lines] == ["session", "turn", "turn", "turn", "compact"]

    def test_a_summary_line_that_stands_for_turns_not_there_is_skipped(self, tmp_path: Path):
        path = tmp_path / "s.jsonl"
        path.write_text(
            '{"type": "session", "id": "s", "repo": "/r"}\n'
            '{"type": "turn", "prompt": "hi", "provider": "sim", "model": "m", "text": "hello"}\n'
            '{"type": "compact", "turns": 5, "summary": "ghost"}\n'
        )
        loaded = SessionStore(tmp_path).load("s")
        assert loaded.conversation.summarized == 0
        assert loaded.info.problem == "damaged or unknown line 3 skipped"
