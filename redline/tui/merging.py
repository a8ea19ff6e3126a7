"""Merge with Mercury in the app: an edit that does not apply is merged into its file by
Inception's apply-edit model, shown as diff cards, and waits for f2 / f3 like any edit.

Offered after an apply fails (search text not found, a conflict, a whole-file block that
leaves code out). The merged files go through the normal applier and its rules when applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from redline.agent.conversation import Turn
from redline.agent.notice import Notice
from redline.backends.presets import PRESETS
from redline.safety.terminal import one_line

if TYPE_CHECKING:
    from redline.agent.merge import MergePlan
    from redline.tools.edits import EditBlock
    from redline.tui.app import RedlineApp

Progress = Callable[[int, str], None]
MergeJob = Callable[[Progress], Coroutine[Any, Any, "list[EditBlock]"]]
APPLY_MODEL = "mercury-edit"  # redline.backends.apply_edit's default: named without its import
INCEPTION_KEY_ENV = PRESETS["inception"].key_env or "INCEPTION_API_KEY"
NOTHING_FAILED = (
    "No failed edit to merge: /merge works on the last answer's edits when they do not apply."
)
NEEDS_KEY = (
    f"Merging with Mercury needs {INCEPTION_KEY_ENV}: export your Inception API key "
    "and run /merge (f6) again."
)
PROMPT = "merge with Mercury"


class MergeFlow:
    def __init__(self, app: RedlineApp) -> None:
        self.app = app
        self.task: asyncio.Task[list[EditBlock]] | None = None  # the merge in flight

    @property
    def running(self) -> bool:
        return self.task is not None

    def cancel(self) -> bool:
        """Esc: stop the merge in flight (nothing was changed); False when none runs."""
        if self.task is None:
            return False
        self.task.cancel()
        return True

    def start(self) -> None:
        app = self.app
        session = app.session
        if session.turn_running or self.running:
            app.say(Notice("A turn is streaming: merge when it ends.", "warning"))
            return
        turn = session.review.merge_target()
        if turn is None:
            app.say(Notice(NOTHING_FAILED, "warning"))
            return
        from redline.agent.merge import merge_available  # the edit parser: not at start

        if not merge_available():
            app.say(Notice(NEEDS_KEY, "error"))
            return
        app.run_worker(self._merge(turn), group="merge", exclusive=True)

    async def _merge(self, turn: Turn) -> None:
        from redline.agent.merge import plan_merge
        from redline.backends.client import ProviderError

        app = self.app
        review = app.session.review
        root = app.session.repo_root
        blocks, errors, error = await review.failures(turn)
        if not errors:
            if error:
                app.say(Notice(f"Mercury cannot fix this: {error}", "error"))
            else:
                app.say(Notice("The last answer's edits apply cleanly: f2 applies them."))
            return
        plan = plan_merge(blocks, errors, root)
        if plan.problem is not None:
            app.say(Notice(plan.problem, "error"))
            return
        job = self._job(blocks, plan)

        def progress(number: int, path: str) -> None:
            total = len(plan.failed)
            app.say(
                Notice(
                    f"Merging {one_line(path)} ({number + 1} of {total}) with {APPLY_MODEL}… esc cancels."
                )
            )

        task: asyncio.Task[list[EditBlock]] = asyncio.create_task(job(progress))
        self.task = task
        app.refresh_bindings()
        try:
            await asyncio.wait({task})  # not `await task`: its cancel is the person's, not ours
        finally:
            self.task = None
            app.refresh_bindings()
        if task.cancelled():
            app.say(Notice("Merge cancelled; nothing was changed."))
            return
        problem = task.exception()
        if isinstance(problem, ProviderError):
            app.say(Notice(f"Merge with Mercury failed: {problem.error.message}", "error"))
            return
        if isinstance(problem, OSError):
            why = problem.strerror or problem
            app.say(
                Notice(f"Merge with Mercury failed: a file could not be read ({why}).", "error")
            )
            return
        merged = task.result()  # any other exception is a bug: raised, not hidden
        self._show(merged, {b.index for b in plan.failed})
        review.propose(turn, merged)
        app.refresh_bindings()
        count = len(plan.failed)
        app.say(
            Notice(f"Mercury merged {count} edit{'s' if count > 1 else ''}: f2 applies, f3 drops.")
        )

    def _job(self, blocks: list[EditBlock], plan: MergePlan) -> MergeJob:
        app = self.app
        config = app.config
        preset = config.presets().get("inception") if config is not None else None

        async def job(progress: Progress) -> list[EditBlock]:
            from redline.agent.merge import mercury_client, merge_failed

            client = mercury_client(preset=preset)
            try:
                return await merge_failed(blocks, plan, app.session.repo_root, client, progress)
            finally:
                await client.aclose()

        return job

    def _show(self, merged: list[EditBlock], indices: set[int]) -> None:
        """Mercury's merges as diff cards, in a step of their own under the answer."""
        from redline.tui.widgets.diff_card import diff_card

        handle = self.app.transcript.start_turn(object(), PROMPT, "inception", APPLY_MODEL)
        for block in merged:
            if block.index in indices:
                status = "failed" if block.error else "proposed"
                handle.add_block(diff_card(block, status=status))
        handle.finish(Turn(PROMPT, "inception", APPLY_MODEL))
