"""Provider tool rules as data: what each preset's request body carries with tools."""

from __future__ import annotations

import pytest

from redline.backends._conversation import (
    NO_RESULT,
    add_tools,
    chat_messages,
    paired,
    strict_schema,
)
from redline.backends.events import ToolCall
from redline.backends.presets import PRESETS, ToolRules
from redline.backends.request import ChatRequest, Message, ToolSpec

SPEC = ToolSpec(
    "read_file",
    "Read a file.",
    {
        "type": "object",
        "properties": {"path": {"type": "string"}, "start_line": {"type": "integer"}},
        "required": ["path"],
        "additionalProperties": False,
    },
)
CALL = ToolCall("c1", "read_file", '{"path": "a.py"}')


def body_for(provider: str, request: ChatRequest) -> dict[str, object]:
    preset = PRESETS[provider]
    body: dict[str, object] = {}
    add_tools(body, request, preset.tool_rules, preset.wire)
    return body


def test_cerebras_strict_schemas_and_no_parallel_field():
    request = ChatRequest("gpt-oss-120b", (), tools=(SPEC,), parallel_tool_calls=False)
    body = body_for("cerebras", request)
    fn = body["tools"][0]["function"]  # type: ignore[index]
    assert fn["strict"] is True
    assert fn["parameters"] == {
        "type": "object",
        "properties": {
            "path": {"type": "string"},
            "start_line": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
        "required": ["path", "start_line"],
        "additionalProperties": False,
    }
    assert "parallel_tool_calls" not in body


def test_other_providers_keep_the_schema_and_may_send_parallel():
    request = ChatRequest("m", (), tools=(SPEC,), parallel_tool_calls=False)
    body = body_for("baseten", request)
    assert body["tools"][0]["function"]["parameters"] == SPEC.parameters  # type: ignore[index]
    assert body["parallel_tool_calls"] is False


@pytest.mark.parametrize("provider", ["cerebras", "baseten", "inception", "openai"])
def test_tool_choice_only_with_tools(provider: str):
    assert body_for(provider, ChatRequest("m", (), tool_choice="required")) == {}


def test_inception_tool_choice_only_auto_required_none():
    named = body_for(
        "inception", ChatRequest("mercury-coder", (), tools=(SPEC,), tool_choice="read_file")
    )
    assert named["tool_choice"] == "required"
    assert (
        body_for("inception", ChatRequest("m", (), tools=(SPEC,), tool_choice="none"))[
            "tool_choice"
        ]
        == "none"
    )
    elsewhere = body_for("baseten", ChatRequest("m", (), tools=(SPEC,), tool_choice="read_file"))
    assert elsewhere["tool_choice"] == {"type": "function", "function": {"name": "read_file"}}


def test_no_developer_role_anywhere():
    messages = (Message("system", "rules"), Message("user", "hi"))
    for preset in PRESETS.values():
        rendered = chat_messages(messages, rules=preset.tool_rules, model="m", provider=preset.name)
        assert [m["role"] for m in rendered] == ["system", "user"]


def test_every_call_is_answered_right_after_it():
    messages = (
        Message("user", "go"),
        Message("assistant", "", (CALL, ToolCall("c2", "search", "{}"))),
        Message("tool", "second", call_id="c2"),
        Message("user", "steer"),
        Message("assistant", "done"),
        Message("tool", "late orphan", call_id="c1"),
    )
    out = paired(messages)
    assert [(m.role, m.call_id, m.content) for m in out] == [
        ("user", None, "go"),
        ("assistant", None, ""),
        ("tool", "c1", NO_RESULT),  # never answered: a placeholder, not a 400
        ("tool", "c2", "second"),
        ("user", None, "steer"),
        ("assistant", None, "done"),
    ]


def test_repeated_call_ids_across_steps_pair_with_their_own_step():
    messages = (
        Message("assistant", "", (CALL,)),
        Message("tool", "first", call_id="c1"),
        Message("assistant", "", (CALL,)),
        Message("tool", "second", call_id="c1"),
    )
    assert [m.content for m in paired(messages) if m.role == "tool"] == ["first", "second"]


def test_kimi_reasoning_echo_only_for_kimi_and_only_its_own():
    rules = ToolRules()
    turn = Message("assistant", "", (CALL,), reasoning="mine", reasoning_provider="baseten")
    kimi = chat_messages((turn,), rules=rules, model="moonshotai/Kimi-K2.5", provider="baseten")
    assert kimi[0]["reasoning_content"] == "mine"
    switched = chat_messages((turn,), rules=rules, model="kimi-k2", provider="moonshot")
    assert switched[0]["reasoning_content"] == ""  # another provider's thoughts stay there
    other = chat_messages((turn,), rules=rules, model="gpt-oss-120b", provider="baseten")
    assert "reasoning_content" not in other[0]
    plain = chat_messages(
        (Message("assistant", "hi", reasoning="x"),), rules=rules, model="kimi", provider="baseten"
    )
    assert "reasoning_content" not in plain[0]


def test_strict_schema_nests():
    schema = {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"a": {"type": "string"}}},
            }
        },
    }
    out = strict_schema(schema)
    inner = out["properties"]["items"]["anyOf"][0]["items"]  # type: ignore[index]
    assert inner["additionalProperties"] is False and inner["required"] == ["a"]
    listed = out["properties"]["items"]["anyOf"][0]  # type: ignore[index]
    assert listed["type"] == "array"
