"""The state components: ``State`` (per session), ``BrowserState`` (per visitor), ``GlobalState`` (shared).

``State`` lives on the server and is never sent to the page; ``BrowserState``
also lives in the visitor's localStorage as a signed token (``state/browser.py``).
``GlobalState`` is one value shared by every user of every worker: it lives in
the cache named by ``CACHE_ALIAS`` (Redis in production); it is in
``components/global_state.py``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..state import serializers
from .base import Component

logger = logging.getLogger("blocksstate")

# Pickling a State value for longer than this, on an event, earns a hint (once per State).
SLOW_PICKLE_SECONDS = 0.005


class StateNotPicklable(TypeError):
    """A State value cannot be stored in the shared cache."""

    def __init__(self, component: Component, error: Exception) -> None:
        super().__init__(
            f"The value of {component!r} cannot be pickled ({type(error).__name__}: {error}). "
            "Session state is kept in a shared cache, so its values must be picklable. "
            "For objects that cannot be (locks, connections, models), keep them in a "
            "module-level dict keyed by `request.session_hash`: create them in "
            "`demo.load(...)` with a `request: gr.Request` parameter, and remove them in "
            "`demo.unload(...)`. See docs/state.md."
        )
        self.component = component


class State(Component):
    """A hidden value kept per session; put it in inputs and outputs to read and write it."""

    server_only = True
    accepts_input = False
    # Whether the declaration takes ``serializer=`` (and so a slow pickle earns a hint).
    chooses_serializer = True

    def __init__(
        self,
        value: Any = None,
        render: bool = True,
        *,
        time_to_live: float | None = None,
        delete_callback: Callable[[Any], None] | None = None,
        serializer: str = serializers.PICKLE,
    ) -> None:
        self.serializer = serializers.check(serializer)
        if time_to_live is not None and time_to_live <= 0:
            raise ValueError("time_to_live must be a positive number of seconds")
        self.time_to_live = time_to_live
        self.delete_callback = delete_callback
        self._hinted = False
        super().__init__(value, render=render, visible=False)
        self.default_bytes = None if callable(value) else self.dumps(value)

    def dumps(self, value: Any) -> bytes:
        """Serialize a value of this State, or raise StateNotPicklable naming it."""
        started = time.perf_counter()
        try:
            data = serializers.dumps(value, self.serializer)
        except (
            Exception
        ) as exc:  # pickling raises many types: TypeError, PicklingError, AttributeError...
            raise StateNotPicklable(self, exc) from exc
        took = time.perf_counter() - started
        if took > SLOW_PICKLE_SECONDS:
            self._hint_marshal(took, len(data))
        return data

    def _hint_marshal(self, took: float, size: int) -> None:
        """Say once that a big value of plain data would be stored faster with marshal."""
        if self._hinted or not self.chooses_serializer or self.serializer != serializers.PICKLE:
            return
        self._hinted = True
        logger.warning(
            "Pickling the value of %r took %.0f ms (%s bytes), on every event that changes "
            'it. If it holds plain data (lists, dicts, strings, numbers), serializer="marshal" '
            'stores it two to three times faster; see docs/state.md, "Big values". '
            "(Said once per State.)",
            self,
            took * 1000,
            f"{size:,}",
        )

    def initial(self) -> tuple[Any, bytes]:
        """Return a fresh value for a new session and its serialized form."""
        if self.default_bytes is not None:
            return serializers.loads(self.default_bytes), self.default_bytes
        value = self.value()
        return value, self.dumps(value)

    def initial_value(self) -> Any:
        return self.initial()[0]

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return value

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        raise PermissionError(f"{self!r} lives on the server; the page cannot set it")


class BrowserState(State):
    """A per-visitor value kept in the browser's localStorage, signed (or encrypted) by the server.

    It survives refreshes, new tabs and server restarts. The browser only stores
    the server's token; a token that does not verify is ignored and the default used.
    """

    chooses_serializer = False

    def __init__(
        self,
        default_value: Any = None,
        storage_key: str | None = None,
        secret: str | None = None,
        *,
        encrypt: bool = False,
        render: bool = True,
    ) -> None:
        if storage_key is not None and (not isinstance(storage_key, str) or not storage_key):
            raise ValueError("storage_key must be a non-empty string")
        if secret is not None and (not isinstance(secret, str) or len(secret) < 16):
            raise ValueError(
                "an explicit BrowserState secret must be a string of at least 16 characters"
            )
        self.storage_key = storage_key
        self.secret = secret
        self.encrypt = encrypt
        super().__init__(default_value, render=render)
        try:
            json.dumps(default_value)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{self!r}: a BrowserState default must be JSON-serialisable ({exc})"
            ) from None

    def key_for(self, app: str) -> str:
        """The localStorage key: ``storage_key``, or one derived from the app and this component."""
        return self.storage_key or f"blocksstate:{app}:{self.id}"
