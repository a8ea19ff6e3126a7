"""``json.loads`` for provider data: a lone surrogate escape (``"\\ud800"``) becomes U+FFFD.

Python's ``json`` turns such an escape into a lone surrogate, which no UTF-8 writer accepts
(a terminal, a session file, ``exec --json``): one hostile chunk would cost the whole answer.
The check is one substring search, so well-formed chunks pay nothing more.
"""

from __future__ import annotations

import re
from json import loads as _loads

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(data: str) -> object:
    obj = _loads(data)
    if "\\ud" in data or "\\uD" in data:
        return _clean(obj)
    return obj


def _clean(obj: object) -> object:
    if isinstance(obj, str):
        return LONE_SURROGATE.sub("\ufffd", obj)
    if isinstance(obj, dict):
        return {_clean(k): _clean(v) for k, v in obj.items()}  # type: ignore[misc]
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj
