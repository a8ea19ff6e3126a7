"""`/queue`: the prompts waiting for the running turn, and editing or dropping them."""

from __future__ import annotations

from redline.agent import Notice
from redline.tui.prompt_text import one_line_prompt
from redline.tui.slash import SlashCommand, SlashContext

USAGE = "Usage: /queue (list), /queue edit [N] (back into the prompt), /queue drop [N|all]."


def _pick(queue: list[str], word: str) -> int | None:
    """The index ``word`` names (1-based; none: the last), or None when it names none."""
    if not word:
        return len(queue) - 1 if queue else None
    if not word.isdigit() or not 1 <= int(word) <= len(queue):
        return None
    return int(word) - 1


def _queue(ctx: SlashContext, arg: str) -> None:
    queue = ctx.session.queue
    verb, _, rest = arg.strip().partition(" ")
    rest = rest.strip()
    if not verb:
        if not queue:
            ctx.ui.say(Notice("Nothing is queued (tab queues a prompt while a turn runs)."))
            return
        rows = "\n".join(f"{i}. {one_line_prompt(p, 70)}" for i, p in enumerate(queue, 1))
        ctx.ui.say(Notice(f"Queued, sent in this order:\n{rows}"))
        return
    if verb == "drop" and rest == "all":
        dropped = len(queue)
        queue.clear()
        ctx.ui.queue_changed()
        ctx.ui.say(Notice(f"Dropped {dropped} queued prompt{'' if dropped == 1 else 's'}."))
        return
    if verb not in ("edit", "drop"):
        ctx.ui.say(Notice(USAGE, "warning"))
        return
    index = _pick(queue, rest)
    if index is None:
        what = f"no queued prompt {rest}" if rest else "nothing queued"
        ctx.ui.say(Notice(f"There is {what} ({len(queue)} queued). {USAGE}", "warning"))
        return
    text = queue.pop(index)
    ctx.ui.queue_changed()
    if verb == "edit":
        ctx.ui.edit_prompt(text)
        ctx.ui.say(Notice("Back in the prompt: enter sends it, tab queues it again."))
    else:
        ctx.ui.say(Notice(f"Dropped queued prompt {index + 1}: {one_line_prompt(text, 50)}"))


def commands() -> list[SlashCommand]:
    return [
        SlashCommand(
            "queue",
            "the prompts waiting for this turn (/queue edit N, /queue drop N|all)",
            _queue,
            "[edit|drop N]",
        )
    ]
