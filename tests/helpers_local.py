"""Keep tests that probe for local servers away from real ones on this machine.

``probe_local`` tries every built-in local preset (ollama 11434, lmstudio 1234, llamacpp 8080,
vllm 8000). A developer with a model server running would otherwise see those tests pick it up
(and a llama-cpp-python server even cuts its own running answer short when probed).
"""

from __future__ import annotations

import socket

from redline.backends.presets import PRESETS


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dead_local_presets_toml() -> str:
    """Config tables pointing every built-in local preset at a closed loopback port."""
    port = closed_port()
    return "".join(
        f'[providers.{name}]\nbase_url = "http://127.0.0.1:{port}/v1"\n'
        for name, preset in PRESETS.items()
        if preset.local
    )
