"""The seam between the turn engine and the model-facing layer: a narrow, typed Backend."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Protocol

from redline.backends.events import Event
from redline.backends.request import ChatRequest


class ModelClient(Protocol):
    """What the engine needs of a streaming client (``redline.backends.client.StreamClient``)."""

    base_url: str
    local: bool  # a server on this machine (asked for exact counts after the stream)

    @property
    def busy(self) -> bool: ...  # a request in flight: a single-slot server is not probed

    def stream(self, request: ChatRequest) -> AsyncGenerator[Event, None]: ...

    async def list_models(self) -> list[str]: ...

    async def count_tokens(self, texts: list[str], timeout_s: float = 5.0) -> int | None: ...
    def supports_tools(self, model: str) -> bool: ...

    async def aclose(self) -> None: ...


class Backend(Protocol):
    """A provider ready to stream (``redline.backends.selection.Backend``)."""

    name: str
    model: str
    reason: str

    @property
    def client(self) -> ModelClient: ...

    async def aclose(self) -> None: ...


BackendOpener = Callable[[str | None, str | None, str | None], Awaitable[Backend]]


def backend_label(backend: Backend) -> str:
    return f"{backend.name} · {short_model(backend.model)}"


MODEL_FILE_SUFFIXES = (".gguf", ".bin", ".safetensors", ".ggml", ".onnx", ".pt", ".pth")


def short_model(model: str) -> str:
    """The file name of a model id that is a path (llama-cpp-python reports the full path)."""
    path_like = model.startswith(("/", "~", "./", "../")) or (
        "/" in model and model.lower().endswith(MODEL_FILE_SUFFIXES)
    )
    if path_like or (len(model) > 2 and model[1] == ":" and model[2] in "\\/"):
        name = model.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        return name or model
    return model
