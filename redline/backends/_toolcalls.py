"""Tool calls as they stream, on either wire: fragments in, ``ToolCallDelta``/``ToolCall`` out.

Chat Completions keys fragments by ``index`` (id and name on the first one, argument pieces
after); some servers send whole calls in one chunk, several calls at index 0 with their own ids,
no index at all, or arguments as an object. The Responses API keys them by item id.
"""

from __future__ import annotations

from json import dumps

from redline.backends.events import Event, ToolCall, ToolCallDelta


class _Call:
    __slots__ = ("call_id", "given_id", "name", "parts")

    def __init__(self, call_id: str, given_id: bool) -> None:
        self.call_id = call_id
        self.given_id = given_id
        self.name = ""
        self.parts: list[str] = []


class ToolCallCollector:
    """Gathers one answer's tool calls; ``finish`` emits them whole, in index order."""

    __slots__ = ("_by_key", "_calls", "_done")

    def __init__(self) -> None:
        self._calls: list[_Call] = []
        self._by_key: dict[object, int] = {}
        self._done: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self._calls)

    def _index_for(self, key: object, call_id: object) -> int:
        has_id = isinstance(call_id, str) and bool(call_id)
        if key is None:  # no index: match by id, else continue the latest call
            if has_id:
                for i, c in enumerate(self._calls):
                    if c.call_id == call_id:
                        return i
                return self._new(None, str(call_id))
            return len(self._calls) - 1 if self._calls else self._new(None, None)
        index = self._by_key.get(key)
        if index is None:
            return self._new(key, str(call_id) if has_id else None)
        call = self._calls[index]
        if has_id and call.given_id and call.call_id != call_id:
            return self._new(key, str(call_id))  # another call reusing the index
        if has_id and not call.given_id:
            call.call_id, call.given_id = str(call_id), True
        return index

    def _new(self, key: object, call_id: str | None) -> int:
        index = len(self._calls)
        self._calls.append(_Call(call_id or f"call_{index}", call_id is not None))
        if key is not None:
            self._by_key[key] = index
        return index

    def fragment(
        self, key: object, call_id: object, name: object, arguments: object, out: list[Event]
    ) -> bool:
        """One fragment of a call; True when it carried a name or argument text."""
        index = self._index_for(key, call_id)
        call = self._calls[index]
        first_name = ""
        if isinstance(name, str) and name and not call.name:
            call.name = first_name = name
        if isinstance(arguments, dict | list):
            arguments = dumps(arguments)
        args = arguments if isinstance(arguments, str) else ""
        if args:
            call.parts.append(args)
        if first_name or args:
            out.append(ToolCallDelta(index, call.call_id, first_name, args))
            return True
        return False

    def alias(self, key: object, other: object) -> None:
        """``other`` names the same call as ``key`` (a Responses item id and its output index)."""
        index = self._by_key.get(key)
        if index is not None:
            self._by_key.setdefault(other, index)

    def whole(self, key: object, call_id: object, name: object, arguments: object) -> None:
        """The full arguments, as a ``done`` event gives them: they replace the fragments."""
        index = self._index_for(key, call_id)
        call = self._calls[index]
        if isinstance(name, str) and name and not call.name:
            call.name = name
        if isinstance(arguments, dict | list):
            arguments = dumps(arguments)
        if isinstance(arguments, str):
            call.parts = [arguments]

    def finish(self, out: list[Event]) -> None:
        """Every call not yet emitted, whole."""
        for index in range(len(self._calls)):
            self._emit(index, out)

    def finish_one(self, key: object, out: list[Event]) -> None:
        """The call keyed ``key`` (a Responses item id), whole, if not yet emitted."""
        index = self._by_key.get(key)
        if index is not None:
            self._emit(index, out)

    def _emit(self, index: int, out: list[Event]) -> None:
        if index in self._done:
            return
        self._done.add(index)
        call = self._calls[index]
        args = "".join(call.parts)
        out.append(ToolCall(call.call_id, call.name, args if args.strip() else "{}"))
