"""`/compact`: older turns summarised by the model, so the conversation fits its window again.

The summary replaces the older turns in what is sent to the model (``Conversation.history``);
the turns themselves stay in the conversation and in the session file, so the transcript and a
later resume keep everything. The request that asks for the summary carries the older turns as
one plain-text transcript (tool results cut to a few KiB each, the whole cut to fit the window),
so it works on any backend, with or without tools, and cannot overflow the window it is meant to
relieve.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from redline.agent.backend import Backend
from redline.agent.conversation import Conversation, Turn
from redline.agent.window import context_usage
from redline.backends.events import StreamError, TextDelta, TextSnapshot
from redline.backends.request import ChatRequest, Message
from redline.backends.windows import context_window

SUMMARY_SYSTEM = (
    "You are summarising a coding conversation between a person and an assistant so that the "
    "assistant can continue it in less room. Summarise the conversation so far."
)
SUMMARY_ASK = (
    "Summarise the conversation above for the assistant to continue from. Keep: the task and "
    "its goal; decisions made; every file read, created or changed (its path and what matters "
    "in it); commands run and what they showed; errors met; what is left to do. Plain text, "
    "concise, at most about 400 words. Answer with the summary only."
)
KEEP_TURNS = 1  # the newest turns stay as they are
SUMMARY_MAX_TOKENS = 1_500
RESULT_CHARS = 2_000  # of one tool result in the transcript sent for summarising
WINDOW_SHARE = 0.6  # of the window the summarising request may fill
Progress = Callable[[int], None]  # characters of summary so far


class CompactError(Exception):
    """Why the conversation could not be compacted, as one sentence; nothing was changed."""


@dataclass(slots=True, frozen=True)
class Compacted:
    turns: int  # how many turns the summary now stands for
    summary: str
    before_tokens: int  # what the next request would have carried, roughly
    after_tokens: int
    problem: str | None = None  # the summary could not be saved in the session file


def turns_to_fold(conversation: Conversation) -> int:
    """How many leading turns a compaction now would summarise (0: nothing older to fold)."""
    upto = len(conversation.turns) - KEEP_TURNS
    return upto if upto > conversation.summarized else 0


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit:,} characters left out ...]\n{text[-half:]}"


def _turn_text(turn: Turn) -> list[str]:
    lines = [f"[person] {turn.prompt}"]
    for item in turn.items:
        if item.role == "assistant":
            if item.content.strip():
                lines.append(f"[assistant] {item.content}")
            lines.extend(
                f"[tool call] {c.name} {_cut(c.arguments, RESULT_CHARS)}" for c in item.tool_calls
            )
        elif item.role == "tool":
            lines.append(f"[tool result] {_cut(item.content, RESULT_CHARS)}")
        elif item.role == "user":
            lines.append(f"[person, while the assistant worked] {item.content}")
    answer = turn.text[turn.answer_start :]
    if answer.strip():
        lines.append(f"[assistant] {answer}")
    if turn.interrupted:
        lines.append("[the person stopped this answer]")
    return lines


def transcript(conversation: Conversation, upto: int, max_chars: int) -> str:
    """The earlier summary and turns ``summarized..upto`` as text, the oldest cut first when
    the whole would not fit ``max_chars``."""
    parts: list[str] = []
    if conversation.summary:
        parts.append(f"[summary of what came before]\n{conversation.summary}")
    for turn in conversation.turns[conversation.summarized : upto]:
        parts.append("\n".join(_turn_text(turn)))
    text = "\n\n".join(parts)
    if len(text) > max_chars:
        text = "[... the oldest part left out ...]\n" + text[len(text) - max_chars :]
    return text


def summary_request(
    conversation: Conversation, upto: int, model: str, window_tokens: int
) -> ChatRequest:
    max_chars = max(4_000, int(window_tokens * WINDOW_SHARE * 4))  # ~4 characters a token
    body = transcript(conversation, upto, max_chars)
    return ChatRequest(
        model=model,
        messages=(
            Message("system", SUMMARY_SYSTEM),
            Message("user", f"{body}\n\n---\n\n{SUMMARY_ASK}"),
        ),
        max_tokens=SUMMARY_MAX_TOKENS,
        session_id=conversation.session_id,
    )


async def summarise(backend: Backend, request: ChatRequest, progress: Progress | None) -> str:
    """The backend's summary (raises ``CompactError`` with the backend's sentence)."""
    parts: list[str] = []
    async for event in backend.client.stream(request):
        if isinstance(event, TextDelta):
            parts.append(event.text)
        elif isinstance(event, TextSnapshot):
            parts = [event.text]
        elif isinstance(event, StreamError):
            raise CompactError(event.message)
        else:
            continue
        if progress is not None:
            progress(sum(len(p) for p in parts))
        await asyncio.sleep(0)  # a fast stream still lets the screen show its progress
    summary = "".join(parts).strip()
    if not summary:
        raise CompactError(f"{backend.name} answered with an empty summary")
    return summary


async def compact_conversation(
    conversation: Conversation,
    backend: Backend,
    progress: Progress | None = None,
    *,
    context_tokens: int = 0,
    configured: Mapping[str, int] | None = None,
) -> Compacted:
    """Summarise the older turns with ``backend`` and send the summary in their place from now
    on. Raises ``CompactError`` (nothing changed) when there is nothing to fold or it fails."""
    upto = turns_to_fold(conversation)
    if not upto:
        raise CompactError(
            "there is nothing older to compact yet (the newest turn always stays as it is)"
        )

    def tokens() -> int:
        usage = context_usage(conversation, backend.name, backend.model, context_tokens, configured)
        return usage.tokens

    before = tokens()
    window = context_window(backend.name, backend.model, configured).tokens
    request = summary_request(conversation, upto, backend.model, window)
    try:
        summary = await summarise(backend, request, progress)
    except CompactError:
        raise
    except Exception as exc:  # a bug below us: a sentence, never a traceback
        raise CompactError(
            f"redline failed while asking for the summary ({type(exc).__name__}: {exc})"
        ) from None
    conversation.summary, conversation.summarized = summary, upto
    conversation.summary_at = len(conversation.turns)
    return Compacted(upto, summary, before, tokens())
