"""Faults the simulator injects on request.

Asked for by a base-URL path prefix ``/fault/<name>/v1/...`` or a header
``x-redline-sim-fault: <name>``. A ``-N`` suffix tunes a fault: ``429-30`` sends
``Retry-After: 30``; ``slow-headers-2`` waits 2 s before the status line; ``stall-5`` stalls
5 s then carries on (plain ``stall`` waits until the client gives up); ``error-frame-20``,
``disconnect-20`` and ``malformed-20`` strike after 20 tokens (default 5). With tools in the
request, ``bad-json``, ``unknown-tool`` and ``tool-stall`` spoil the agent's first tool call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FAULTS = (
    "401",
    "404",
    "429",
    "500",
    "error-frame",
    "disconnect",
    "malformed",
    "stall",
    "slow-headers",
    "bad-json",
    "unknown-tool",
    "tool-stall",
)
HTTP_FAULTS = ("401", "404", "429", "500")
MID_STREAM_FAULTS = ("error-frame", "disconnect", "malformed", "stall")
# The scripted agent's faults (requests with tools): arguments that are not JSON, a tool that
# does not exist, a call that streams half way and then never finishes.
AGENT_FAULTS = ("bad-json", "unknown-tool", "tool-stall")
DEFAULT_RETRY_AFTER_S = 1.0
DEFAULT_SLOW_HEADERS_S = 5.0
DEFAULT_AFTER_TOKENS = 5

_NAME = re.compile(r"^(?P<name>[a-z0-9]+(?:-[a-z]+)*?)(?:-(?P<param>\d+(?:\.\d+)?))?$")


class UnknownFault(ValueError):
    """A fault name the simulator does not know."""


@dataclass(slots=True, frozen=True)
class Fault:
    name: str
    param: float | None = None

    @property
    def retry_after_s(self) -> float:
        return self.param if self.param is not None else DEFAULT_RETRY_AFTER_S

    @property
    def delay_s(self) -> float:
        return self.param if self.param is not None else DEFAULT_SLOW_HEADERS_S

    @property
    def after_tokens(self) -> int:
        if self.name == "stall" or self.param is None:
            return DEFAULT_AFTER_TOKENS
        return int(self.param)

    @property
    def stall_s(self) -> float | None:
        """How long a ``stall`` lasts; None for "until the client goes away"."""
        return self.param


def parse_fault(text: str) -> Fault:
    """``"429-30"`` -> ``Fault("429", 30.0)``; ``UnknownFault`` naming the choices otherwise."""
    match = _NAME.match(text.strip().lower())
    if match:
        name = match.group("name")
        param = match.group("param")
        if name in FAULTS:
            return Fault(name, float(param) if param is not None else None)
        if param is None and text in FAULTS:  # plain status codes like "500"
            return Fault(text)
    if text.strip() in FAULTS:
        return Fault(text.strip())
    raise UnknownFault(f"unknown simulator fault {text!r}; known faults: {', '.join(FAULTS)}")


def split_fault_path(path: str) -> tuple[str | None, str]:
    """``/fault/429-30/v1/models`` -> (``"429-30"``, ``/v1/models``)."""
    if not path.startswith("/fault/"):
        return None, path
    _, _, rest = path.partition("/fault/")
    name, _, tail = rest.partition("/")
    return name, "/" + tail
