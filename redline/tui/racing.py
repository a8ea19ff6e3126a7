"""The race flow in the app: pick 2-4 backends, race them on one prompt, keep one answer.

The picker and the race screen own their screens; this module opens the lanes' backends, hands
the kept lane to the session (it joins the conversation; its edits go to review, or are applied
under auto-apply) and records every lane: the speed history, and the session file (the other
lanes as ``race-lane`` lines, which are not part of the conversation).
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from redline.agent import Backend, Conversation, Notice, RepoContext, Turn
from redline.agent.edits import turn_blocks
from redline.agent.history import SpeedHistory, append_quietly, turn_record
from redline.agent.race import MAX_LANES, MIN_LANES, Lane, Race
from redline.backends.events import TextDelta
from redline.backends.prices import Price, price_for
from redline.tools.lanes import LaneError, LaneWorktrees
from redline.tui.screens.race import RaceScreen
from redline.tui.screens.race_picker import RacePickerScreen
from redline.tui.slash.edits import FIX_HINT, with_fix_hint
from redline.tui.widgets.prompt import PromptInput
from redline.tui.widgets.transcript import TurnHandle

if TYPE_CHECKING:
    from redline.tui.app import RedlineApp

NEEDS_PROMPT = "Type the prompt to race first (or /race PROMPT), then press f8."
CHECKED_FAILED = (
    "These edits did not apply in the lane's worktree (at the commit the race began from): "
    "{error} f2 tries them on your files; f3 drops them."
)


def show_cards(handle: TurnHandle, turn: Turn, status: str) -> None:
    """A diff card for each of the turn's edits, after its text (as a normal turn shows them)."""
    from redline.tui.widgets.diff_card import diff_card  # GitPython: imported by the race screen

    for block in turn_blocks(turn):
        handle.add_block(diff_card(block, status="failed" if block.error else status))


class RaceFlow:
    def __init__(self, app: RedlineApp) -> None:
        self.app = app
        self.last_picked: list[str] = []

    def start(self, prompt: str) -> None:
        """Offer the backends to race on ``prompt``."""
        app = self.app
        if not prompt.strip():
            app.notify(NEEDS_PROMPT, severity="warning")
            return
        if app.session.turn_running:
            app.notify("A turn is streaming: race when it ends (esc stops it).", severity="warning")
            return
        from redline.backends.selection import all_presets
        from redline.tui.backend_choices import local_choices, preset_choices

        choices = preset_choices(all_presets(app.config).values(), os.environ, None)
        choices += local_choices(app.local_servers or [], None)
        speeds = app.speeds
        choices = [c.with_speed(speeds.get(c.name, "")) for c in choices]
        current = app.session.backend.name if app.session.backend is not None else None
        wanted = self.last_picked or [n for n in (current,) if n]

        def picked(names: list[str] | None) -> None:
            if names:
                self.last_picked = names
                app.run_worker(self._race(prompt, names), group="race", exclusive=True)

        app.push_screen(RacePickerScreen(choices, prompt, wanted), picked)

    async def _race(self, prompt: str, names: list[str]) -> None:
        app = self.app
        session = app.session
        opened = await asyncio.gather(
            *(app.open_lane_backend(name) for name in names[:MAX_LANES]), return_exceptions=True
        )
        backends: list[Backend] = []
        for name, result in zip(names, opened, strict=False):
            if isinstance(result, BaseException):
                app.notify(f"{name}: {result}", title="Race", severity="error")
            else:
                backends.append(result)
        try:
            if len(backends) < MIN_LANES:
                return
            context_text = ""
            if session.context_set is not None:
                built = await asyncio.to_thread(
                    RepoContext(session.context_set).build, prompt, session.conversation
                )
                context_text = built.text
            config = app.config

            def price_of(backend: Backend) -> Price | None:
                overrides = config.price_overrides() if config is not None else None
                return price_for(backend.name, backend.model, overrides)

            # Each lane applies its edits in a git worktree of its own (no repository: none), so
            # the lanes' edits cannot collide and each lane shows whether its edits apply.
            trees = LaneWorktrees(session.repo_root)
            race = Race(
                backends,
                Conversation(list(session.conversation.turns)),
                context_text=context_text,
                edit_format=session.edit_format,
                max_tokens=session.max_tokens,
                clock=session.clock,
                price_of=price_of,
                repo_root=session.repo_root,
                worktrees=trees,
                protected=session.review.protected,
            )
            screen = RaceScreen(race, prompt, display_clock=app.display_clock)
            try:
                kept = await app.push_screen_wait(screen)
                await self._settle(race, kept)
            finally:
                await race.discard_trees()
        finally:
            for backend in backends:
                try:
                    await backend.aclose()
                except Exception:
                    pass  # closing is best effort

    async def _settle(self, race: Race, kept: int | None) -> None:
        app = self.app
        session = app.session
        history = SpeedHistory()
        for lane in race.lanes:
            turn = lane.turn
            if turn is None:
                continue
            record = turn_record(turn, lane.cost, "race")
            problem = await asyncio.to_thread(append_quietly, history, record)
            if problem:
                app.notify(problem, severity="warning")
            if lane.index != kept:
                await session.save(turn, kind="race-lane")
        if kept is None:
            await app.speeds_changed()
            app.notify("Race over: no answer kept (every lane is in the session file).")
            return
        lane = race.lanes[kept]
        if lane.turn is not None:
            await self._keep(race, lane)

    async def _keep(self, race: Race, lane: Lane) -> None:
        """The kept lane joins the conversation: shown with its diff cards, saved, and its edits
        applied under auto-apply (its worktree commit landed), else waiting for f2 / f3."""
        app = self.app
        session = app.session
        turn = lane.turn
        assert turn is not None
        problem = await session.adopt(turn)
        if problem is not None:
            app.notify(problem, severity="warning")
        app.prompt_history.append(turn.prompt)
        handle = app.transcript.start_turn(
            session.turn_count, turn.prompt, turn.provider, turn.model
        )
        if turn.text:
            handle.push(TextDelta(turn.text))
        landing = app.options.auto_apply and lane.tree is not None and lane.commit is not None
        show_cards(handle, turn, "applied" if landing else "proposed")
        handle.finish(turn)
        prompts = app.main.query(PromptInput)
        if prompts and prompts.first().text.strip() == turn.prompt.strip():
            prompts.first().clear()  # f8 raced what was typed: it has been sent
        await app.costed(turn, "race", lane.cost)
        if not app.options.auto_apply:
            if lane.edit_error and session.review.waiting is not None:
                app.say(Notice(CHECKED_FAILED.format(error=lane.edit_error), "warning"))
        elif landing:  # the lane committed in its worktree: bring that onto the branch
            await self._land(race, lane)
        elif lane.edit_error:
            session.review.decided(lane.edit_error)
            app.say(Notice(f"Edits not applied: {lane.edit_error}{FIX_HINT}", "error"))
        elif lane.tree is None:  # no worktree (not a repository): the normal applier says why
            notice = with_fix_hint(await session.review.apply(turn, quiet=True))
            if notice is not None:
                app.say(notice)
        app.refresh_bindings()
        app.refresh_git_state()
        app.context_changed()

    async def _land(self, race: Race, lane: Lane) -> None:
        app = self.app
        try:
            landed = await race.keep(lane.index)
        except LaneError as exc:
            error = f"the kept answer's edits were not applied: {exc}."
            app.session.review.decided(error)
            app.say(Notice(error[0].upper() + error[1:], "error"))
        else:
            if landed:
                app.say(Notice(f"Applied the kept answer's edits: committed {landed[-1][:10]}."))
            app.session.review.decided(None)
