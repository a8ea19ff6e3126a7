"""The environment a command sees: the person's, minus anything that looks like a credential.

Removed, whatever the approval mode (and for the person's own `!cmd`, whose output may go to the model):
- every name the caller passes (each preset's key variable and every configured `api_key_env`);
- any name ending in `_API_KEY`, `_APIKEY`, `_KEY`, `_TOKEN`, `_SECRET`, `_PASSWORD`, `_PASSWD`,
  `_CREDENTIALS` or containing `SECRET` (so `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `HF_TOKEN` go too);
- any variable whose value holds one of the removed values (an alias such as `DATABASE_URL` with the key
  in it).
Commands also get a non-interactive terminal: no pager, no colour, no git credential prompt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_SECRET_NAME = re.compile(
    r"(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$|SECRET",
    re.IGNORECASE,
)
_MIN_ALIAS_LEN = 8  # shorter values are too common to treat as a copy of a key

# Set for every command: nothing waits for a person who is not there, nothing paints escape codes.
QUIET = {
    "PAGER": "cat",
    "GIT_PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "TERM": "dumb",
    "NO_COLOR": "1",
}


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def scrub_env(environ: Mapping[str, str], secret_names: Iterable[str] = ()) -> dict[str, str]:
    """A copy of ``environ`` without credentials (see the module doc), with ``QUIET`` set."""
    named = {n.upper() for n in secret_names if n}
    removed = [v for k, v in environ.items() if k.upper() in named or is_secret_name(k)]
    values = [v for v in removed if len(v) >= _MIN_ALIAS_LEN]
    out = {
        k: v
        for k, v in environ.items()
        if k.upper() not in named
        and not is_secret_name(k)
        and not any(secret in v for secret in values)
    }
    out.update(QUIET)
    return out
