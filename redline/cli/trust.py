"""`redline trust [--revoke]`: trust (or stop trusting) this repository's ``.redline.toml``.

Trusting records the file's SHA-256 in the user's state directory; a file changed afterwards
is untrusted again. Until then only its harmless keys apply (``redline.config.NEEDS_TRUST``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from redline.config import ConfigError, read_config_file, repo_config_path, untrusted_part
from redline.safety.trust import TrustState, TrustStore

EXIT_OK, EXIT_USAGE = 0, 2


def config_file(cwd: Path) -> Path | None:
    """The ``.redline.toml`` redline reads here: this directory's, else the repository root's."""
    from redline.cli.exec import repo_root_of

    for root in (cwd, repo_root_of(cwd)):
        path = repo_config_path(root)
        if path.is_file():
            return path
    return None


def run(args: argparse.Namespace) -> int:
    path = config_file(Path.cwd())
    store = TrustStore.default()
    if path is None:
        print("redline trust: no .redline.toml here or at the repository root.", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.revoke:
            if store.revoke(path):
                print(f"No longer trusting {path}: only its harmless keys apply.")
            else:
                print(f"{path} was not trusted; nothing changed.")
            return EXIT_OK
        asks = _asks_for(path)
        was = store.state(path, path.read_bytes())
        digest = store.trust(path)
    except OSError as exc:
        print(f"redline trust: cannot record trust ({exc.strerror or exc}).", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"redline trust: {exc}", file=sys.stderr)
        return EXIT_USAGE
    again = " again" if was is TrustState.CHANGED else ""
    what = f"; it now sets {', '.join(asks)}" if asks else ""
    print(f"Trusted {path}{again} (sha256 {digest[:12]}){what}.")
    print("If the file changes, redline asks again; `redline trust --revoke` undoes this.")
    return EXIT_OK


def _asks_for(path: Path) -> list[str]:
    """The keys in the file that need trust (the file must be valid config to be trusted)."""
    data, _ = read_config_file(path)
    return untrusted_part(data)[1]
