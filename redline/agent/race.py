"""A race: the same prompt, with the same context and history, streamed to several backends at once.

Each lane is its own turn engine over a copy of the conversation, so lanes never see each other's
answers; the context is built once and every lane sends exactly that text. Plain asyncio: front ends
pass a sink that gets ``(lane index, event)`` (it must be cheap: it runs on the network path) and
read each lane's live meter whenever they redraw.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from redline.agent.backend import Backend
from redline.agent.context import BuiltContext
from redline.agent.conversation import Conversation, Turn
from redline.agent.engine import TurnLoop
from redline.agent.messages import AgentMessage
from redline.agent.session import Session
from redline.backends.events import ReasoningDelta, StreamError, TextDelta, TextSnapshot
from redline.backends.meter import MeterReading
from redline.backends.prices import Cost, Price, reading_cost
from redline.tools.edits.safety import DEFAULT_PROTECTED
from redline.tools.lanes import LaneError, LaneTree, LaneWorktrees

LaneSink = Callable[[int, AgentMessage], None]
PriceOf = Callable[[Backend], Price | None]
MIN_LANES, MAX_LANES = 2, 4
CONTENT = (TextDelta, ReasoningDelta, TextSnapshot)


class FixedContext:
    """The context built once for the race: every lane sends the same text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def build(self, prompt: str, conversation: Conversation) -> BuiltContext:
        return BuiltContext(self.text)


async def _unused_opener(provider: str | None, model: str | None, url: str | None) -> Backend:
    raise RuntimeError("a race lane keeps the backend it was given")


@dataclass(slots=True)
class Lane:
    """One backend's run in a race: a session of its own over a copy of the conversation."""

    index: int
    backend: Backend
    session: Session
    turn: Turn | None = None
    first_token: int | None = None  # 1: this lane's first token came before every other's
    finish: int | None = None  # 1: finished first (only lanes that finished without error)
    done: bool = False
    price: Price | None = None
    tree: LaneTree | None = None  # the lane's own git worktree, when lanes may edit
    commit: str | None = None  # the lane's commit in its worktree
    edit_error: str | None = None

    @property
    def provider(self) -> str:
        return self.backend.name

    @property
    def model(self) -> str:
        return self.backend.model

    @property
    def loop(self) -> TurnLoop:
        loop = self.session.turn_loop
        assert loop is not None
        return loop

    def reading(self) -> MeterReading:
        """The live meter (the final reading once the lane is done)."""
        if self.turn is not None and self.turn.reading is not None:
            return self.turn.reading
        meter = self.loop.meter
        return meter.reading() if meter is not None else MeterReading()

    @property
    def cost(self) -> Cost | None:
        """What the lane has cost so far (its final cost once done); None without a price."""
        turns = self.session.conversation.turns
        estimate = turns[-1].prompt_estimate if turns else 0
        return reading_cost(self.price, self.reading(), prompt_estimate=estimate)

    @property
    def error(self) -> StreamError | None:
        return self.turn.error if self.turn is not None else None

    @property
    def finished_ok(self) -> bool:
        turn = self.turn
        return turn is not None and turn.error is None and not turn.interrupted


@dataclass(slots=True)
class RaceResult:
    lanes: list[Lane]
    fastest_decode: int | None = None  # index of the lane with the highest decode rate
    winner: Lane | None = None  # the lane that finished first
    interrupted: bool = False
    ranks: dict[int, int] = field(default_factory=dict)


class Race:
    """Start with ``run(prompt)``; ``cancel()`` stops every lane, keeping what arrived."""

    def __init__(
        self,
        backends: Sequence[Backend],
        conversation: Conversation,
        *,
        context_text: str = "",
        edit_format: str | None = None,
        max_tokens: int | None = None,
        clock: Callable[[], float] = time.perf_counter,
        price_of: PriceOf | None = None,
        worktrees: LaneWorktrees | None = None,
        repo_root: Path = Path("."),
        protected: tuple[str, ...] = DEFAULT_PROTECTED,
    ) -> None:
        if not MIN_LANES <= len(backends) <= MAX_LANES:
            raise ValueError(f"a race needs {MIN_LANES} to {MAX_LANES} backends")
        context = FixedContext(context_text)
        self.lanes = []
        for i, backend in enumerate(backends):
            session = Session(
                repo_root=repo_root,
                open_backend=_unused_opener,
                conversation=Conversation(list(conversation.turns)),  # history shared, answers not
                clock=clock,
                edit_format=edit_format,
                max_tokens=max_tokens,
            )
            session.use_backend(backend)
            session.turn_loop = TurnLoop(
                backend,
                session.conversation,
                clock=clock,
                context=context,
                edit_format=edit_format,
                max_tokens=max_tokens,
            )
            self.lanes.append(Lane(i, backend, session))
        for lane in self.lanes:
            lane.price = price_of(lane.backend) if price_of is not None else None
        self.worktrees = worktrees
        self.protected = protected  # files no lane's edit may touch (``protected_paths``)
        self.worktree_error: str | None = None  # why the lanes run without worktrees
        self._firsts = 0
        self._finishes = 0
        self._tasks: list[asyncio.Task[None]] = []

    async def run(self, prompt: str, sink: LaneSink | None = None) -> RaceResult:
        """Every lane at once; returns when all have finished, failed or been cancelled."""
        # The edit parser imports GitPython on first use: never inside a lane's stream.
        await asyncio.to_thread(importlib.import_module, "redline.tools.edits")
        if self.worktrees is not None:
            try:
                trees = await asyncio.to_thread(self.worktrees.create, len(self.lanes))
            except LaneError as exc:  # not a repository, no commit yet: lanes only stream
                self.worktree_error = str(exc)
                self.worktrees = None
            else:
                for lane, tree in zip(self.lanes, trees, strict=True):
                    lane.tree = tree
                    lane.session.repo_root = tree.path  # its tools and edits work there
        self._tasks = [asyncio.create_task(self._lane(lane, prompt, sink)) for lane in self.lanes]
        interrupted = False
        try:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        except asyncio.CancelledError:
            interrupted = True
            self.cancel()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            raise
        finally:
            interrupted = interrupted or any(
                lane.turn is not None and lane.turn.interrupted for lane in self.lanes
            )
        return self.result(interrupted)

    def cancel(self) -> None:
        """Stop every lane still streaming; each keeps what arrived, marked interrupted."""
        for lane in self.lanes:
            lane.session.interrupt()

    async def _lane(self, lane: Lane, prompt: str, sink: LaneSink | None) -> None:
        index = lane.index

        def lane_sink(message: AgentMessage) -> None:
            if lane.first_token is None and isinstance(message, CONTENT) and message.text:
                self._firsts += 1
                lane.first_token = self._firsts
            if sink is not None:
                sink(index, message)

        session = lane.session
        task = session.start_turn(prompt, lane_sink)
        try:
            lane.turn = await session.finish_turn(task, lane_sink)
        except asyncio.CancelledError:
            lane.turn = session.conversation.last
            if lane.turn is not None:
                lane.turn.interrupted = True
        except Exception as exc:  # a bug in one lane must not stop the others
            lane.turn = Turn(prompt, lane.provider, lane.model)
            lane.turn.error = StreamError("protocol", f"redline failed in this lane ({exc}).")
        finally:
            lane.done = True
            if lane.finished_ok:
                self._finishes += 1
                lane.finish = self._finishes
        if lane.tree is not None and lane.finished_ok and lane.turn is not None:
            await asyncio.to_thread(self._commit_in_tree, lane, prompt)

    def _commit_in_tree(self, lane: Lane, prompt: str) -> None:
        """The lane's edits, applied and committed in its own worktree (they cannot collide)."""
        from redline.tools.edits import apply_reply, parse_edits  # GitPython: a slow import

        assert lane.tree is not None and lane.turn is not None
        if not parse_edits(lane.turn.text):
            return
        result = apply_reply(
            lane.tree.path,
            lane.turn.edits or lane.turn.text,
            provider=lane.provider,
            model=lane.model,
            summary=prompt,
            protected=self.protected,
        )
        if result.ok:
            lane.commit = result.commit
        else:
            lane.edit_error = result.error

    async def keep(self, index: int) -> list[str]:
        """The chosen lane's commits onto the branch, then every lane worktree removed."""
        if self.worktrees is None:
            return []
        lane = self.lanes[index]
        try:
            if lane.tree is None:
                return []
            return await asyncio.to_thread(self.worktrees.land, lane.tree)
        finally:
            await self.discard_trees()

    async def discard_trees(self) -> None:
        if self.worktrees is not None:
            await asyncio.to_thread(self.worktrees.remove)

    def result(self, interrupted: bool = False) -> RaceResult:
        ranked = sorted((lane for lane in self.lanes if lane.finish), key=lambda x: x.finish or 0)
        rates = [
            (lane.reading().decode_tps or 0.0, lane.index)
            for lane in self.lanes
            if lane.finished_ok and lane.reading().decode_tps
        ]
        return RaceResult(
            lanes=self.lanes,
            fastest_decode=max(rates)[1] if rates else None,
            winner=ranked[0] if ranked else None,
            interrupted=interrupted,
            ranks={lane.index: lane.finish for lane in ranked if lane.finish},
        )

    def fastest_decode_now(self) -> int | None:
        """The lane decoding fastest so far (for a live badge)."""
        rates = [(lane.reading().decode_tps or 0.0, lane.index) for lane in self.lanes]
        best = max(rates) if rates else (0.0, 0)
        return best[1] if best[0] > 0 else None
