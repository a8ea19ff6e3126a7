"""Opening backends off the UI loop, and switching them at run time (picker, /backend, /model).

Switching keeps the conversation: the next turn re-sends the whole history to the new backend.
A replaced backend is closed once no turn streams from it.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from textual import work

from redline.backends.selection import all_presets, probe_local, probing_enabled
from redline.tui._base import SWITCH_HINT, AppBase, backend_label
from redline.tui.backend_choices import local_choices, preset_choices
from redline.tui.screens.backend_picker import BackendPickerScreen
from redline.tui.screens.model_picker import ModelPickerScreen

MODEL_LIST_TIMEOUT_S = 10.0
PROBE_TIMEOUT_S = 2.0


class BackendSwitching(AppBase):
    @work(exclusive=True, group="backend")
    async def open_backend(
        self,
        provider: str | None,
        model: str | None,
        base_url: str | None,
        reason: str | None = None,
    ) -> None:
        self._backend_ready.clear()
        self._status(backend=f"opening {provider or 'backend'}…", reason="")
        try:
            backend = await self._open_backend_fn(provider, model, base_url)
        except Exception as exc:  # the backend layer's sentence, never a traceback
            message = str(exc) or exc.__class__.__name__
            if self.backend is not None:  # a failed switch keeps the backend in use
                current = self.backend
                self._status(backend=backend_label(current), reason=getattr(current, "reason", ""))
                self.notify(f"{message} Still using {backend_label(current)}.", severity="error")
                return
            self.backend_error = message
            self._status(backend="no backend", reason=message)
            self.notify(f"{message} {SWITCH_HINT}", title="Backend", severity="error")
        else:
            if reason is not None:  # picked at run time, not by a flag or the config
                backend.reason = reason
            old, self.backend, self.backend_error = self.backend, backend, None
            if self.turn_loop is not None:
                self.turn_loop.backend = backend
            self._status(backend=backend_label(backend), reason=getattr(backend, "reason", ""))
            if old is not None and old is not backend:
                self._retired.append(old)
            if self._turn_task is None:
                await self.close_retired_backends()
        finally:
            self._backend_ready.set()

    def switch_backend(self, provider: str, model: str | None = None) -> None:
        """Use ``provider`` from the next turn on; the conversation is kept and re-sent."""
        self.open_backend(provider, model, None, "picked with /backend")

    def switch_model(self, model: str) -> None:
        """Same backend and connection, another model from the next turn on."""
        backend = self.backend
        if backend is None:
            self.open_backend(self.options.provider, model, self.options.base_url)
            return
        backend.model = model
        backend.reason = "picked with /model"
        self._status(backend=backend_label(backend), reason=backend.reason)

    # --- the backend picker --------------------------------------------------------------

    def presets(self) -> list[Any]:
        return list(all_presets(self.config).values())

    def action_pick_backend(self) -> None:
        current = getattr(self.backend, "name", None)
        choices = preset_choices(self.presets(), os.environ, current)
        probing = self._local_servers is None and probing_allowed()
        if self._local_servers:
            choices += local_choices(self._local_servers, current)
        screen = BackendPickerScreen(choices, probing=probing)
        self.push_screen(screen, self._picked_backend)
        if probing:
            self.detect_local_servers(screen)

    def _picked_backend(self, name: str | None) -> None:
        if name and name != getattr(self.backend, "name", None):
            self.switch_backend(name)

    @work(exclusive=True, group="probe")
    async def detect_local_servers(self, screen: BackendPickerScreen) -> None:
        try:
            client = getattr(self.backend, "client", None)
            busy = [client.base_url] if client is not None and client.busy else []
            answered = await asyncio.wait_for(
                probe_local({p.name: p for p in self.presets()}, busy=busy), PROBE_TIMEOUT_S
            )
        except (TimeoutError, OSError):
            answered = []
        found = [(name, url) for name, url, _models in answered]
        self._local_servers = found
        if screen.is_attached:
            screen.add_local_servers(local_choices(found, getattr(self.backend, "name", None)))

    # --- the model list ------------------------------------------------------------------

    def action_pick_model(self) -> None:
        backend = self.backend
        if backend is None:
            self.notify(f"No backend to ask for models. {SWITCH_HINT}", severity="warning")
            return
        current = getattr(backend, "model", None)
        screen = ModelPickerScreen(backend_label(backend), current, self.list_models)
        self.push_screen(screen, self._picked_model)

    async def list_models(self) -> list[str]:
        client = getattr(self.backend, "client", None)
        if client is None:
            raise RuntimeError("this backend cannot list its models")
        models: list[str] = await asyncio.wait_for(client.list_models(), MODEL_LIST_TIMEOUT_S)
        return models

    def _picked_model(self, model: str | None) -> None:
        if model and model != getattr(self.backend, "model", None):
            self.switch_model(model)


def probing_allowed() -> bool:
    return probing_enabled(os.environ)
