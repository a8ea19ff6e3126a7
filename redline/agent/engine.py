"""The turn engine: conversation + context -> request -> stream -> tools -> ... -> Turn.

Plain asyncio, no widget in it (DESIGN.md). The TUI, ``redline exec`` and race lanes all drive
it through a ``Session``. A turn is one or more steps: each streams an answer; when the answer
calls tools, they run (or ask, or are denied) and the results go back in the next request,
which only appends to the last one (so providers' prompt caches hit). The engine feeds the
edit parser itself, so every front end gets the same ``EditProposed`` messages.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from redline.agent.approval import DEFAULT_MODE, ApprovalMode
from redline.agent.backend import Backend
from redline.agent.context import BuiltContext, ContextSource
from redline.agent.conversation import Conversation, Turn
from redline.agent.edit_watch import EditWatch
from redline.agent.messages import Emit, Notice, SteeringSent, ignore
from redline.agent.prompt import agent_system_prompt
from redline.agent.step import StepAnswer, stream_step
from redline.agent.timing import PhaseClock, SplitReading, StepTiming, TurnTiming, combined
from redline.backends.events import StreamError, Usage
from redline.backends.meter import MeterReading, SpeedMeter
from redline.backends.request import ChatRequest, Message, ToolSpec
from redline.tools.prompts import default_edit_format, system_prompt

if TYPE_CHECKING:
    from redline.agent.dispatch import ToolDispatch
    from redline.tools.shell import ShellTool

MAX_STEPS = 40  # a model that never stops calling tools is stopped here, with a sentence


def estimate_prompt_tokens(request: ChatRequest) -> int:
    """About four characters a token, plus a few per message for the chat template."""
    return sum(len(m.content) // 4 + 4 for m in request.messages)


class TurnLoop:
    """Runs one turn at a time against ``backend`` (settable: switching keeps the conversation)."""

    def __init__(
        self,
        backend: Backend,
        conversation: Conversation,
        *,
        clock: Callable[[], float] = time.perf_counter,
        context: ContextSource | None = None,
        edit_format: str | None = None,
        max_tokens: int | None = None,
        repo_root: Path | None = None,
        approval: Callable[[], ApprovalMode] = lambda: DEFAULT_MODE,
        can_ask: bool = True,
        shell: ShellTool | None = None,
    ) -> None:
        self.backend = backend
        self.shell = shell  # runs the model's `shell` calls (None: the tool says it cannot)
        self.conversation = conversation
        self.context = context
        self._edit_format = edit_format
        self.max_tokens = max_tokens
        self.repo_root = repo_root  # None: no tools, edit-block turns only
        self.approval = approval
        self.can_ask = can_ask
        self.meter: SpeedMeter | None = None
        self.earlier: tuple[MeterReading, ...] = ()  # the running turn's steps before ``meter``
        self.phases: PhaseClock | None = None  # the running turn's, for the live time split
        self.last_context = ""  # the context text the last turn sent
        self.last_requests: list[ChatRequest] = []  # every request of the last turn
        self.steering: list[str] = []  # sent while the turn runs: go in at the next step
        self.protected: tuple[str, ...] = ()  # protected_paths beyond the defaults
        self._clock = clock

    @property
    def edit_format(self) -> str:
        """The configured format, else redline's default for the backend's model."""
        return self._edit_format or default_edit_format(self.backend.model)

    @edit_format.setter
    def edit_format(self, value: str | None) -> None:
        self._edit_format = value

    def uses_tools(self) -> bool:
        return self.repo_root is not None and self.backend.client.supports_tools(self.backend.model)

    def build_request(
        self, prompt: str, context_text: str = "", *, tools: bool = False
    ) -> ChatRequest:
        """System prompt, the history re-sent, then this prompt with its context."""
        system = agent_system_prompt() if tools else system_prompt(self.edit_format)
        messages = [Message("system", system)]
        messages += self.conversation.history()
        content = f"{context_text.rstrip()}\n\n{prompt}" if context_text.strip() else prompt
        messages.append(Message("user", content))
        return self._request(tuple(messages), tools)

    def _request(self, messages: tuple[Message, ...], tools: bool) -> ChatRequest:
        specs = tool_specs() if tools else ()
        return ChatRequest(
            model=self.backend.model,
            messages=messages,
            max_tokens=self.max_tokens,
            session_id=self.conversation.session_id,
            tools=specs,
            tool_choice="auto" if specs else None,
        )

    async def _context(self, prompt: str) -> BuiltContext:
        if self.context is None:
            return BuiltContext("")
        # Parsing the repo is CPU work: keep it off the event loop.
        return await asyncio.to_thread(self.context.build, prompt, self.conversation)

    def live_split(self) -> LiveSplit:
        """The running turn's time split (None until it starts)."""
        return LiveSplit(self)

    def live_meter(self) -> LiveMeter:
        """The reading of the step streaming now (empty until the turn's request is sent)."""
        return LiveMeter(self)

    async def run(self, prompt: str, sink: Emit = ignore) -> Turn:
        """Stream the turn's steps; on cancellation what was done is kept, marked interrupted."""
        backend = self.backend
        started = self._clock()
        phases = self.phases = PhaseClock(self._clock)
        built = await self._context(prompt)
        for warning in built.warnings:
            sink(Notice(warning, "warning"))
        self.last_context = built.text
        tools = self.uses_tools()
        request = self.build_request(prompt, built.text, tools=tools)
        base = request.messages
        turn = Turn(
            prompt, provider=backend.name, model=backend.model, edit_format=self.edit_format
        )
        turn.prompt_estimate = estimate_prompt_tokens(request)
        self.conversation.turns.append(turn)
        self.last_requests = []
        watch = EditWatch(sink, self.edit_format)
        timing = TurnTiming()
        turn.timing = timing
        readings: list[MeterReading] = []
        dispatch: ToolDispatch | None = None  # made at the first call: after the request
        texts: list[str] = []
        reasoning: list[str] = []
        last_byte: float | None = None
        between = 0.0  # tool and approval time since the last byte
        try:
            while True:
                gap = None if last_byte is None else (self._clock() - last_byte) * 1000 - between
                self.last_requests.append(request)
                answer = StepAnswer()
                phases.enter("model")
                try:
                    await self._step(request, watch, sink, readings, answer)
                finally:  # interrupted or failed: what came is kept
                    phases.enter("redline")
                    texts.append(answer.text)
                    reasoning.append(answer.reasoning)
                last_byte = self._clock()
                timing.model_ms += answer.reading.duration_ms
                timing.steps.append(
                    StepTiming(
                        answer.reading.ttft_ms,
                        answer.reading.decode_tps,
                        answer.reading.duration_ms,
                        None if gap is None else max(0.0, gap),
                    )
                )
                turn.finish_reason = answer.finish_reason
                turn.answer_reasoning = answer.reasoning  # the last step's: the final answer's
                turn.answer_items = tuple(answer.reasoning_items)
                if answer.error is not None and tools and answer.refused_tools:
                    sink(Notice(answer.error.message, "warning"))  # once: supports_tools is off now
                    tools, dispatch = False, None
                    request = self._request(self.build_request(prompt, built.text).messages, False)
                    base = request.messages
                    continue
                if answer.error is not None:
                    turn.error = answer.error
                    break
                if not answer.calls or not tools:
                    break
                if len(timing.steps) >= MAX_STEPS:
                    turn.error = StreamError(
                        "protocol",
                        f"The model kept calling tools; stopped after {MAX_STEPS} steps.",
                    )
                    break
                if dispatch is None:  # GitPython loads here, never before a request
                    dispatch = self._dispatch(turn)
                before = dispatch.tool_ms + dispatch.wait_ms
                await self._run_tools(turn, answer, dispatch, sink)
                timing.tool_ms, timing.wait_ms = dispatch.tool_ms, dispatch.wait_ms
                between = timing.tool_ms + timing.wait_ms - before
                for text in self.take_steering():
                    turn.items.append(Message("user", text))
                    sink(SteeringSent(text))
                turn.answer_start = sum(len(t) for t in texts)
                request = await self.next_request(prompt, base, turn)
        except asyncio.CancelledError:
            turn.interrupted = True
            raise
        except Exception as exc:  # a bug must not cost the partial answer or show a traceback
            turn.error = StreamError(
                "protocol",
                f"redline failed while reading the answer ({type(exc).__name__}: {exc}); "
                "the partial answer was kept.",
            )
            sink(turn.error)
        finally:
            turn.text = "".join(texts) if texts else turn.text
            turn.reasoning = "".join(reasoning)
            if dispatch is not None:
                timing.tool_ms, timing.wait_ms = dispatch.tool_ms, dispatch.wait_ms
                turn.commit = self._commit(dispatch, turn, sink)
            timing.wall_ms = (self._clock() - started) * 1000
            turn.reading = (
                combined(readings, timing.wall_ms)
                if len(readings) > 1
                else (readings[0] if readings else None)
            )
            turn.edits = watch.finish(turn.text)
            self.earlier = ()  # not counted into the next turn's live cost
        if turn.finished and len(readings) == 1 and not readings[0].tokens_exact:
            await self._count_exactly(turn)
        return turn

    async def _count_exactly(self, turn: Turn) -> None:
        """A local llama.cpp server sent no usage: count with its tokenizer, after the answer."""
        client, meter = self.backend.client, self.meter
        if not client.local or meter is None:
            return
        answer = await client.count_tokens([turn.text])
        reasoning = await client.count_tokens([turn.reasoning]) if turn.reasoning else 0
        if answer is None or reasoning is None:
            return
        meter.feed(Usage(completion_tokens=answer + reasoning, reasoning_tokens=reasoning))
        turn.reading = meter.reading()

    async def _step(
        self,
        request: ChatRequest,
        watch: EditWatch,
        sink: Emit,
        readings: list[MeterReading],
        answer: StepAnswer,
    ) -> None:
        meter = SpeedMeter(self._clock)
        self.earlier = tuple(readings)  # with the meter: the live cost is the turn's so far
        self.meter = meter
        try:
            await stream_step(self.backend, request, meter, watch, sink, answer)
        finally:
            readings.append(meter.reading())

    async def _run_tools(
        self, turn: Turn, answer: StepAnswer, dispatch: ToolDispatch, sink: Emit
    ) -> None:
        """The assistant's calls, then each result right after (no call left unanswered)."""
        calls = tuple(answer.calls)
        turn.items.append(
            Message(
                "assistant",
                answer.text,
                tool_calls=calls,
                reasoning=answer.reasoning,
                reasoning_provider=(
                    self.backend.name if answer.reasoning or answer.reasoning_items else ""
                ),
                reasoning_items=tuple(answer.reasoning_items),
                reasoning_model=self.backend.model if answer.reasoning_items else "",
            )
        )
        for call in calls:
            try:
                step = await dispatch.run(call, sink)
            except asyncio.CancelledError:
                turn.items.append(Message("tool", "interrupted by the user", call_id=call.call_id))
                raise
            turn.steps.append(step)
            turn.items.append(Message("tool", step.output, call_id=call.call_id))

    async def next_request(self, prompt: str, base: tuple[Message, ...], turn: Turn) -> ChatRequest:
        """The next step's request: the last one with this step's items appended, nothing
        rebuilt (so the provider's prompt cache holds the whole prefix)."""
        return self._request(base + tuple(turn.items), True)

    def _dispatch(self, turn: Turn) -> ToolDispatch:
        from redline.agent.dispatch import ToolDispatch  # GitPython: not before a request
        from redline.tools.agent import Workspace
        from redline.tools.agent.protect import ReadGuard
        from redline.tools.edits.turn_track import TurnTracker

        assert self.repo_root is not None
        # A protected file the person named with @ (this turn or earlier) may be read.
        guard = ReadGuard.for_prompts(self.protected, [t.prompt for t in self.conversation.turns])
        workspace = Workspace.open(
            self.repo_root,
            provider=turn.provider,
            model=turn.model,
            checkpoint=False,
            guard=guard,
        )
        return ToolDispatch(
            workspace,
            self.approval,
            can_ask=self.can_ask,
            clock=self._clock,
            shell=self.shell,
            tracker=TurnTracker(workspace.root) if workspace.in_git else None,
            phases=self.phases,
        )

    def _commit(self, dispatch: ToolDispatch, turn: Turn, sink: Emit) -> str | None:
        """What the turn's edits and commands changed, as one commit (also when it was
        interrupted); what the person changed meanwhile stays theirs, uncommitted."""
        from redline.tools.edits.turn import turn_message
        from redline.tools.edits.turn_track import TrackError

        tracker = dispatch.tracker
        if tracker is None:
            return None
        try:
            if dispatch.track_error is not None:
                raise TrackError(dispatch.track_error)
            done = tracker.commit(
                lambda files: turn_message(turn.prompt, files, turn.provider, turn.model)
            )
        except TrackError as exc:  # git refused (no identity, a lock...): the files keep it all
            sink(
                Notice(f"The turn's changes are in your files but not committed: {exc}", "warning")
            )
            return None
        finally:
            tracker.close()
        return done.commit

    def steer(self, text: str) -> None:
        self.steering.append(text)

    def take_steering(self) -> list[str]:
        taken, self.steering = self.steering, []
        return taken


def tool_specs() -> tuple[ToolSpec, ...]:
    from redline.tools.agent.specs import TOOLS  # not the tools themselves (GitPython)

    return tuple(ToolSpec(t.name, t.description, t.parameters) for t in TOOLS.values())


class LiveMeter:
    """The meter of the step streaming now (the loop makes a new one per step)."""

    def __init__(self, loop: TurnLoop) -> None:
        self._turn_loop = loop
        self._stale = loop.meter  # the previous turn's, until the loop replaces it

    def reading(self) -> MeterReading:
        meter = self._turn_loop.meter
        return MeterReading() if meter is None or meter is self._stale else meter.reading()


class LiveSplit:
    """The time split of the turn running now (the loop makes a new clock per turn)."""

    def __init__(self, loop: TurnLoop) -> None:
        self._turn_loop = loop
        self._stale = loop.phases  # the previous turn's, until the loop replaces it

    def reading(self) -> SplitReading | None:
        phases = self._turn_loop.phases
        return None if phases is None or phases is self._stale else phases.reading()
