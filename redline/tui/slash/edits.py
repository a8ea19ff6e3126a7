"""The edits commands: `/apply`, `/discard`, `/fix`, `/undo`, `/diff` (the work is the session's)."""

from __future__ import annotations

from redline.agent import Notice
from redline.tui.slash import SlashCommand, SlashContext

FIX_HINT = " /fix (f4) sends this back to the model."
MERGE_HINT = " /merge (f6) lets Mercury merge it."


def with_fix_hint(notice: Notice | None) -> Notice | None:
    """A failed apply says how to send the error back to the model (when the model can help;
    a folder that is not a repository gets /init instead)."""
    from redline.tui.repository import model_can_fix

    if notice is None or notice.severity != "error":
        return notice
    if not model_can_fix(notice.text):
        return Notice(notice.text + INIT_HINT, notice.severity)
    return Notice(notice.text + FIX_HINT + MERGE_HINT, notice.severity)


def _merge(ctx: SlashContext, arg: str) -> None:
    ctx.ui.merge_edits()


INIT_HINT = " /init runs git init here (it asks first)."


def _init(ctx: SlashContext, arg: str) -> None:
    ctx.ui.offer_git_init()


async def _apply(ctx: SlashContext, arg: str) -> None:
    notice = await ctx.session.review.apply(only=arg.split() or None)
    if notice is not None:
        ctx.ui.say(with_fix_hint(notice) or notice)


def _fix(ctx: SlashContext, arg: str) -> None:
    prompt = ctx.session.review.take_fix() or ctx.session.own.take_fix()
    if prompt is None:
        ctx.ui.say(Notice("No failed edit, test run or command to send back.", "warning"))
        return
    ctx.ui.send_prompt(prompt)


def _discard(ctx: SlashContext, arg: str) -> None:
    ctx.ui.say(ctx.session.review.discard())


async def _undo(ctx: SlashContext, arg: str) -> None:
    ctx.ui.say(await ctx.session.review.undo())


async def _diff(ctx: SlashContext, arg: str) -> None:
    from redline.agent.review import WAITING_TITLE
    from redline.tools.edits.gitops import NotARepository

    try:
        title, text = await ctx.session.review.diff()
    except NotARepository as exc:
        ctx.ui.say(Notice(str(exc), "warning"))
        return
    await ctx.ui.show_diff(title, text, review=title == WAITING_TITLE)  # f2 / f3 in the view


def commands() -> list[SlashCommand]:
    return [
        SlashCommand(
            "apply",
            "apply the last answer's edits (/apply PATH...: only those)",
            _apply,
            key="f2",
        ),
        SlashCommand("discard", "drop the last answer's edits", _discard, key="f3"),
        SlashCommand(
            "merge",
            "let Mercury merge the edit that did not apply (needs INCEPTION_API_KEY)",
            _merge,
            key="f6",
        ),
        SlashCommand(
            "fix", "send the last failed edit (or failing /test) back to the model", _fix, key="f4"
        ),
        SlashCommand("undo", "revert the last redline commit (when safe)", _undo),
        SlashCommand("diff", "what this session changed", _diff),
        SlashCommand("init", "make this folder a git repository (git init; asks first)", _init),
    ]
