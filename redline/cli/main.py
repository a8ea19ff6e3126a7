"""The command line (DESIGN.md "Command line"): argument parsing and dispatch only.

Each subcommand lives in ``redline.cli.<name>`` with ``run(args) -> int``.
Exit codes: 0 ok, 2 usage or config error, 3 provider error, 4 edit refused or failed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from redline import __version__

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_PROVIDER = 3
EXIT_EDIT = 4


def _port(text: str) -> int:
    port = _whole(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port (0-65535; 0 picks a free one)")
    return port


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _positive_int(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be 1 or more")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} must be a number above 0")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} must be a number of 0 or more")
    return value


def _add_backend_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--provider", "-p", help="provider preset or config name (sim, sim:PROFILE, ...)"
    )
    p.add_argument("--model", "-m", help="model id (default: the provider's default)")
    p.add_argument("--base-url", help="override the provider's base URL")


def _add_approval_flag(p: argparse.ArgumentParser, default: object = None) -> None:
    p.add_argument(
        "--approval",
        choices=["read-only", "ask", "auto-edit", "full-auto"],
        default=default,
        metavar="MODE",
        help="which tool calls run without asking: read-only, ask (default), auto-edit, full-auto",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redline",
        description="A terminal coding assistant built for fast inference.",
    )
    parser.add_argument("--version", action="version", version=f"redline {__version__}")
    _add_backend_flags(parser)
    parser.add_argument(
        "--resume", nargs="?", const="last", metavar="ID|last", help="resume a saved session"
    )
    parser.add_argument(
        "--auto-apply", action="store_true", help="apply edits as soon as a turn ends"
    )
    _add_approval_flag(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("exec", help="run one prompt headless and print the answer")
    p.add_argument("prompt", help="the request ('-' reads it from stdin)")
    _add_backend_flags(p)
    p.add_argument("--wire", choices=["chat", "responses"], help="wire API (default: the preset's)")
    output = p.add_mutually_exclusive_group()
    output.add_argument(
        "--json", action="store_true", help="print exactly one JSON object on stdout"
    )
    output.add_argument(
        "--jsonl", action="store_true", help="print one JSON event per line as the turn runs"
    )
    _add_approval_flag(p, argparse.SUPPRESS)  # `redline --approval M exec` works too
    p.add_argument("--apply", action="store_true", help="apply the edits in the answer and commit")
    p.add_argument(
        "--edit-format",
        choices=["search-replace", "apply-patch", "udiff", "whole"],
        help="the edit format asked of the model",
    )
    p.add_argument("--no-context", action="store_true", help="send no repository context")
    p.add_argument(
        "--no-tools", action="store_true", help="offer the model no tools (one edit-block answer)"
    )
    p.add_argument("--session", metavar="ID", help="continue a saved session")
    p.add_argument("--max-tokens", type=_positive_int, help="cap the answer length")

    p = sub.add_parser("apply", help="apply the edit blocks in a model reply")
    p.add_argument("file", nargs="?", default="-", help="the reply (default: stdin)")
    p.add_argument("--check", action="store_true", help="only check that every edit applies")
    p.add_argument("--no-commit", action="store_true", help="change the files but do not commit")
    p.add_argument(
        "--init", action="store_true", help="run `git init` first if not in a repository"
    )
    p.add_argument(
        "--merge",
        action="store_true",
        help="merge whole-file blocks that elide code with Mercury (needs INCEPTION_API_KEY)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("undo", help="revert the last redline commit")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("context", help="show the context that would be sent")
    p.add_argument(
        "--budget", type=_positive_int, default=None, help="token budget for the repo map"
    )
    p.add_argument("--mention", action="append", default=[], metavar="X", help="@path or @symbol")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("bench", help="speed test across providers")
    p.add_argument("--provider", "-p", action="append", default=[], help="provider (repeatable)")
    p.add_argument("--model", "-m", help="model id")
    p.add_argument("--runs", type=_positive_int, default=3, help="runs per provider")
    p.add_argument("--prompt", default=None, help="the prompt to send")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("race", help="the same prompt streamed to 2-4 providers at once")
    p.add_argument("prompt", help="the request ('-' reads it from stdin)")
    p.add_argument(
        "--provider", "-p", action="append", default=[], help="a lane's provider (2-4 times)"
    )
    p.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    p.add_argument("--no-context", action="store_true", help="send no repository context")
    p.add_argument("--max-tokens", type=int, help="cap each answer's length")

    p = sub.add_parser("stats", help="speed history: medians per provider and model")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("providers", help="presets, keys present, local servers found")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("sessions", help="saved sessions")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("trust", help="trust this repository's .redline.toml")
    p.add_argument("--revoke", action="store_true", help="stop trusting it")

    p = sub.add_parser("sim", help="run the built-in provider simulator")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=0, help="port (default: any free port)")
    p.add_argument(
        "--profile", default="cerebras", help="cerebras, baseten, mercury, openai, llamacpp"
    )
    p.add_argument("--rate", type=_positive_float, default=None, help="tokens per second")
    p.add_argument("--ttft", type=_non_negative_float, default=None, help="time to first token, ms")
    p.add_argument(
        "--tokens",
        type=_positive_int,
        default=None,
        help="reply length when a request names none (default: about 4 s at the rate)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from redline import code_cache

    code_cache.install()  # before the imports that make dataclasses and patterns (~120 ms)
    from redline.safety.terminal import guard_terminal_streams

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    command = args.command or "tui"
    guard_terminal_streams(sys)  # nothing printed from here on can drive the terminal
    module = importlib.import_module(f"redline.cli.{command}")
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `redline ... | head`: the reader left; stay quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
