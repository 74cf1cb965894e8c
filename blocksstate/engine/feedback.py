"""What a running handler tells the visitor: ``Error``, ``Warning``, ``Info`` and ``Progress``.

Handlers run in worker threads (or on the event loop when async); both reach
the page through the ``Feedback`` of the event being run, found in a context
variable, so ``gr.Info("saved")`` needs no argument.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from django.utils.translation import gettext

from .. import protocol
from ..conf import show_errors
from ..i18n import gradio_text
from .outcome import Outcome, note_shown

logger = logging.getLogger("blocksstate")

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Feedback:
    """Sends the frames of one event, in order, from any thread, and notes its ``Outcome``."""

    __slots__ = (
        "send",
        "seq",
        "loop",
        "outcome",
        "dependency_id",
        "_pending",
        "_lock",
        "_in_turn",
        "_last_progress",
    )

    def __init__(
        self, send: Send, seq: int | None, loop: asyncio.AbstractEventLoop, outcome: Outcome
    ) -> None:
        self.send = send
        self.seq = seq
        self.loop = loop
        self.outcome = outcome
        self.dependency_id: int | None = None
        self._pending: list[dict[str, Any]] = []
        self._lock: asyncio.Lock | None = None  # made when first sent through (``_in_order``)
        self._in_turn = 0  # tasks holding or waiting for ``_lock``
        self._last_progress = 0.0

    @property
    def has_pending(self) -> bool:
        """Whether ``flush`` has anything to do: frames queued, or a send under way."""
        return bool(self._pending or self._in_turn)

    async def flush(self) -> None:
        """Send what was queued from the event loop's own thread."""
        if not self.has_pending:
            return  # nothing queued, nobody sending: what taking the free lock comes to
        await self._in_order()

    async def _in_order(self, frame: dict[str, Any] | None = None) -> None:
        """Holding the lock, send ``frame`` if given, else what is queued."""
        self._in_turn += 1
        try:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                if frame is not None:
                    await self.send(frame)
                while frame is None and self._pending:
                    await self.send(self._pending.pop(0))
        finally:
            self._in_turn -= 1

    def emit(self, frame: dict[str, Any]) -> None:
        """Send ``frame`` now; from a worker thread, wait until it is handed to the socket."""
        if _on_loop(self.loop):
            self._pending.append(frame)
            self.loop.create_task(self.flush())
            return

        async def deliver() -> None:
            await self.flush()
            await self._in_order(frame)

        asyncio.run_coroutine_threadsafe(deliver(), self.loop).result()

    async def update(self, updates: dict[str, Any]) -> None:
        """Show the page the values and properties of the running step (if any)."""
        if updates:
            note_shown(self.outcome.shown, updates)
            await self.send(protocol.update(self.seq, self.dependency_id, updates))

    async def store_in_browser(self, tokens: dict[str, str]) -> None:
        """Give the page BrowserState tokens to keep (if any)."""
        if tokens:
            self.outcome.browser_tokens.update(tokens)
            await self.send(protocol.browser_state(self.seq, self.dependency_id, tokens))

    async def failed(self, step: Any, exc: Exception, app: str | None, developer: bool) -> None:
        """Tell the page a step failed: a ``gr.Error`` as raised, anything else logged, and
        shown as a generic message unless errors are shown (``SHOW_ERRORS``); ``developer``
        errors (the app's own code or data) by their message alone."""
        if isinstance(exc, Error):
            if exc.print_exception:
                logger.info("gr.Error in %r: %s", step, exc.message)
            if exc.visible:
                await self.error(exc.message, title=exc.title, duration=exc.duration)
            return
        logger.error("Error in %r of app %r", step, app, exc_info=exc)
        if show_errors():
            message = str(exc) if developer else f"{type(exc).__name__}: {exc}"
        else:
            message = gettext("Something went wrong while handling this event.")
        await self.error(message)

    async def error(self, message: str, title: str = "Error", duration: float | None = 10) -> None:
        """Tell the visitor the step failed, after what its handler said before failing."""
        await self.flush()
        # Gradio's default title and message in the page's language (``i18n.GRADIO_TEXTS``).
        message, title = gradio_text(message), gradio_text(title)
        self.outcome.errors.append(message)
        await self.send(
            protocol.alert(self.seq, self.dependency_id, "error", title, message, duration)
        )

    async def queued(self) -> None:
        """Tell the page its run waits for a place (a concurrency limit, a handler thread)."""
        await self.flush()
        await self.send(protocol.queued(self.seq, self.dependency_id))

    async def started(self) -> None:
        """Tell the page its queued run got its place: its time starts now."""
        await self.send(protocol.started(self.seq, self.dependency_id))

    def progress_due(self, final: bool) -> bool:
        """Throttle progress frames to 20 a second; the last one always goes."""
        now = time.monotonic()
        if final or now - self._last_progress >= 0.05:
            self._last_progress = now
            return True
        return False


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


current_feedback: contextvars.ContextVar[Feedback | None] = contextvars.ContextVar(
    "blocksstate_feedback", default=None
)


def _alert(level: str, message: str, title: str, duration: float | None, visible: bool) -> None:
    feedback = current_feedback.get()
    if feedback is None:
        logger.log(
            logging.WARNING if level == "warning" else logging.INFO,
            "%s (outside an event): %s",
            title,
            message,
        )
        return
    if visible:
        title, message = gradio_text(str(title)), gradio_text(str(message))
        feedback.emit(
            protocol.alert(feedback.seq, feedback.dependency_id, level, title, message, duration)
        )


class Error(Exception):
    """Raise in a handler to stop it and show ``message`` to the visitor."""

    def __init__(
        self,
        message: str = "Error raised.",
        duration: float | None = 10,
        visible: bool = True,
        title: str = "Error",
        print_exception: bool = True,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.duration = duration
        self.visible = visible
        self.title = title
        self.print_exception = print_exception


def Warning(
    message: str = "Warning issued.",
    duration: float | None = 10,
    visible: bool = True,
    title: str = "Warning",
) -> None:  # noqa: A001, N802
    """Show a warning to the visitor; the handler goes on."""
    _alert("warning", message, title, duration, visible)


def Info(
    message: str = "Info issued.",
    duration: float | None = 10,
    visible: bool = True,
    title: str = "Info",
) -> None:  # noqa: N802
    """Show an information message to the visitor; the handler goes on."""
    _alert("info", message, title, duration, visible)


class Progress:
    """Declare ``progress=gr.Progress()`` as a parameter to report progress of a long handler."""

    def __init__(self, track_tqdm: bool = False) -> None:
        self.track_tqdm = track_tqdm

    def __call__(
        self,
        progress: float | tuple[int, int | None] | None,
        desc: str | None = None,
        total: int | None = None,
        unit: str = "steps",
    ) -> float | None:
        feedback = current_feedback.get()
        index: float | None = None
        if isinstance(progress, tuple):
            index, total = progress
            fraction = index / total if total else None
        else:
            fraction, total = progress, None
        if feedback is not None and feedback.progress_due(
            final=fraction is not None and fraction >= 1
        ):
            feedback.emit(
                protocol.progress(
                    feedback.seq,
                    feedback.dependency_id,
                    fraction,
                    desc,
                    gradio_text(unit),  # Gradio's "steps" in the page's language
                    index,
                    total,
                )
            )
        return fraction

    def tqdm(
        self,
        iterable: Iterable[Any],
        desc: str | None = None,
        total: int | None = None,
        unit: str = "steps",
        **_: Any,
    ) -> Iterator[Any]:
        """Yield from ``iterable``, reporting progress after each item."""
        if total is None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        for index, item in enumerate(iterable):
            self((index, total), desc=desc, unit=unit)
            yield item
        if total:
            self((total, total), desc=desc, unit=unit)
