"""The neutral conversation and tools rendered per wire, under each provider's tool rules.

Chat Completions: ``messages`` with assistant ``tool_calls`` and ``role: tool`` answers, and
``tools`` as ``{"type": "function", "function": {...}}``. Responses: ``input`` items with
``function_call`` / ``function_call_output`` (joined by ``call_id``), flat function tools.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from redline.backends.events import ReasoningItem
from redline.backends.presets import ToolRules, Wire
from redline.backends.request import ChatRequest, Message, ToolSpec

NO_RESULT = "(no result: the call was interrupted before it finished)"
EMPTY_RESULT = "(no output)"
_CHOICES = ("auto", "required", "none")


def paired(messages: Sequence[Message]) -> list[Message]:
    """Every tool call answered right after its assistant turn, in call order; no orphans.

    A result is looked for between its call and the next assistant turn (ids may repeat across
    turns); a call with none gets ``NO_RESULT``; a ``tool`` message answering nothing is dropped.
    Other messages in between (a person steering mid-step) follow the results.
    """
    out: list[Message] = []
    i = 0
    n = len(messages)
    while i < n:
        m = messages[i]
        i += 1
        if m.role == "tool":
            continue  # an orphan: no assistant turn before it made this call
        out.append(m)
        if m.role != "assistant" or not m.tool_calls:
            continue
        j = i
        while j < n and messages[j].role != "assistant":
            j += 1
        window = messages[i:j]
        results: dict[str, Message] = {}
        for r in window:
            if r.role == "tool" and r.call_id is not None:
                results.setdefault(r.call_id, r)
        for call in m.tool_calls:
            answer = results.pop(call.call_id, None)
            out.append(answer or Message("tool", NO_RESULT, call_id=call.call_id))
        out.extend(r for r in window if r.role != "tool")
        i = j
    return out


def echoes_reasoning(rules: ToolRules, model: str) -> bool:
    low = model.lower()
    return any(part in low for part in rules.echo_reasoning_models)


def chat_messages(
    messages: Sequence[Message], *, rules: ToolRules, model: str, provider: str
) -> list[dict[str, object]]:
    echo = echoes_reasoning(rules, model)
    out: list[dict[str, object]] = []
    for m in paired(messages):
        if m.role == "tool":
            out.append(
                {"role": "tool", "tool_call_id": m.call_id, "content": m.content or EMPTY_RESULT}
            )
        elif m.role == "assistant" and m.tool_calls:
            item: dict[str, object] = {
                "role": "assistant",
                "content": m.content or None,
                "tool_calls": [
                    {
                        "id": c.call_id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments or "{}"},
                    }
                    for c in m.tool_calls
                ],
            }
            if echo:
                # Another provider's reasoning is not this model's: echo it empty.
                same = m.reasoning_provider in ("", provider)
                item["reasoning_content"] = m.reasoning if same else ""
            out.append(item)
        elif m.role == "assistant" and echo and m.reasoning and m.reasoning_provider == provider:
            # A final answer's reasoning goes back too (the chat template keeps what it needs).
            out.append(
                {"role": "assistant", "content": m.content, "reasoning_content": m.reasoning}
            )
        else:
            out.append({"role": m.role, "content": m.content})
    return out


def responses_input(
    messages: Sequence[Message], *, provider: str = "", model: str = ""
) -> tuple[str, list[dict[str, object]]]:
    """The ``instructions`` (system messages joined) and the ``input`` items.

    An assistant turn's reasoning items from this provider and this model go back first,
    unchanged (id, summary, encrypted content), as the Responses API wants them before the calls
    they led to. Another model's are dropped: its encrypted content is not this model's to read.
    """
    system: list[str] = []
    items: list[dict[str, object]] = []
    for m in paired(messages):
        if m.role == "system":
            system.append(m.content)
            continue
        if (
            m.role == "assistant"
            and m.reasoning_items
            and m.reasoning_provider == provider
            and m.reasoning_model == model
        ):
            items.extend(reasoning_input(r) for r in m.reasoning_items)
        if m.role == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": m.call_id,
                    "output": m.content or EMPTY_RESULT,
                }
            )
        else:
            if m.content or not m.tool_calls:
                items.append({"role": m.role, "content": m.content})
            for c in m.tool_calls:
                items.append(
                    {
                        "type": "function_call",
                        "call_id": c.call_id,
                        "name": c.name,
                        "arguments": c.arguments or "{}",
                    }
                )
    return "\n\n".join(system), items


def reasoning_input(item: ReasoningItem) -> dict[str, object]:
    out: dict[str, object] = {
        "type": "reasoning",
        "id": item.item_id,
        "summary": [{"type": "summary_text", "text": t} for t in item.summary],
    }
    if item.encrypted_content is not None:
        out["encrypted_content"] = item.encrypted_content
    return out


def encrypted_reasoning(rules: ToolRules, model: str) -> bool:
    low = model.lower()
    return any(part in low for part in rules.encrypted_reasoning_models)


def strict_schema(schema: Mapping[str, object]) -> dict[str, object]:
    """A JSON schema in strict form (Cerebras API v2, OpenAI): every property required, the
    optional ones as ``anyOf`` with null, ``additionalProperties: false`` on every object."""
    out = dict(schema)
    props = schema.get("properties")
    if schema.get("type") == "object" or isinstance(props, Mapping):
        required = schema.get("required")
        needed = set(required) if isinstance(required, list) else set()
        new_props: dict[str, object] = {}
        if isinstance(props, Mapping):
            for key, sub in props.items():
                sub_schema = strict_schema(sub) if isinstance(sub, Mapping) else sub
                if key not in needed and isinstance(sub_schema, dict):
                    sub_schema = _nullable(sub_schema)
                new_props[key] = sub_schema
        out["properties"] = new_props
        out["required"] = list(new_props)
        out["additionalProperties"] = False
    items = schema.get("items")
    if isinstance(items, Mapping):
        out["items"] = strict_schema(items)
    return out


def _nullable(schema: dict[str, object]) -> dict[str, object]:
    """``anyOf`` with null: Cerebras refuses the ``"type": [T, "null"]`` shorthand."""
    if schema.get("type") == "null":
        return schema
    inner = {k: v for k, v in schema.items() if k != "description"}
    out: dict[str, object] = {"anyOf": [inner, {"type": "null"}]}
    if "description" in schema:
        out["description"] = schema["description"]
    return out


def _parameters(spec: ToolSpec, strict: bool) -> dict[str, object]:
    return strict_schema(spec.parameters) if strict else dict(spec.parameters)


def add_tools(body: dict[str, object], request: ChatRequest, rules: ToolRules, wire: Wire) -> None:
    """``tools``, ``tool_choice`` and ``parallel_tool_calls``, only when tools are offered."""
    if not request.tools:
        return
    strict = rules.strict_schemas
    if wire == "responses":
        body["tools"] = [
            {
                "type": "function",
                "name": t.name,
                "description": t.description,
                "parameters": _parameters(t, strict),
                "strict": strict,  # the Responses API defaults to strict: say which it is
            }
            for t in request.tools
        ]
    else:
        tools: list[dict[str, object]] = []
        for t in request.tools:
            fn: dict[str, object] = {
                "name": t.name,
                "description": t.description,
                "parameters": _parameters(t, strict),
            }
            if strict:
                fn["strict"] = True
            tools.append({"type": "function", "function": fn})
        body["tools"] = tools
    choice = request.tool_choice
    if choice is not None:
        if choice in _CHOICES:
            body["tool_choice"] = choice
        elif not rules.named_tool_choice:
            body["tool_choice"] = "required"
        elif wire == "responses":
            body["tool_choice"] = {"type": "function", "name": choice}
        else:
            body["tool_choice"] = {"type": "function", "function": {"name": choice}}
    if request.parallel_tool_calls is not None and rules.parallel_calls_field:
        body["parallel_tool_calls"] = request.parallel_tool_calls
