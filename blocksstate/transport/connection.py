"""One page's connection, without the socket: frames in, in order, and frames out.

The consumer hands every text frame to ``Connection.receive``. Pings and
acknowledgements are answered at once; every other frame is queued and handled
one at a time in arrival order (so a session's events apply in order) by a
worker task that exists only while something waits, so a slow handler never
stops the socket from reading and an idle page holds no task (docs/performance.md).
What a frame does is elsewhere: ``hello`` (start or resume the session),
``page_events`` (an event), ``outside`` (the admin's actions, other sessions'
GlobalState changes), ``liveness`` and ``backpressure`` (the page's silence and
its bounds), and ``sessions`` (keepalive, grace, end).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from .. import eager, i18n, protocol
from ..app.registry import get_engine
from ..conf import setting
from ..engine import cancel, file_values
from ..engine.cancel import Stop, current_stop
from ..files import access
from ..sessions.backends import get_store
from ..sessions.base import Superseded
from ..sessions.hold import Hold
from ..sessions.session import Session
from . import hello, outside, page_events
from .backpressure import Window
from .liveness import Liveness
from .page_socket import Socket

logger = logging.getLogger("blocksstate")

# Sends one frame; returns the length of the text sent (counted against MAX_UNACKED_CHARS).
Send = Callable[[dict[str, Any]], Awaitable[int | None]]


@dataclass(frozen=True)
class TokenReceived:
    """Queue item: the page proved it holds the resume token this connection gave it."""


Item = protocol.Frame | outside.Change | TokenReceived

# The worker while it runs before its first wait (no task yet): not None, so not started twice.
_STARTING: Any = object()


class Connection:
    """Serves one app to one page: its frames in order, its session, and the end.

    The rest of the server reaches it through ``changed_outside`` and ``detach``,
    which the consumer calls on channel-layer messages.
    """

    # Slots, not an instance dict: one connection per open page (docs/performance.md).
    __slots__ = (
        "socket",
        "engine",
        "blocks",
        "store",
        "hold",
        "scope",
        "language",
        "_spoken",
        "_shown_to",
        "_send",
        "open",
        "_pending",
        "_worker",
        "_window",
        "_liveness",
        "_closing",
        "_stop",
        "_dropper",
    )

    def __init__(
        self,
        app: str,
        send: Send,
        scope: Mapping[str, Any] | None = None,
        socket: Socket | None = None,
    ) -> None:
        self.socket = socket or Socket()
        self.engine = get_engine(app)
        self.blocks = self.engine.blocks
        self.store = get_store()
        self.hold = Hold(self.engine, self.store)
        self.scope = scope or {}
        # What the server tells the page is in this language: the page's own once its
        # ``hello`` names one the site offers, until then its request's (``i18n``).
        self.language = i18n.scope_language(self.scope)
        # The language last switched on in the consumer's context (its one task serves
        # this page only, and nothing else switches it): checked per frame without asking
        # Django, whose look-up of the active language costs a few microseconds.
        self._spoken: str | None = None
        # The session whose page the consumer's context reads and signs files for (the
        # same idea: set there once, not per event in each worker).
        self._shown_to: str | None = None
        self._send = send
        self.open = True
        # Items waiting for the worker, each with the length of its frame's text (0: not
        # from the page); the worker task, and this queue, exist only while there are some.
        self._pending: collections.deque[tuple[Item, int]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._window = Window()
        self._liveness = Liveness(self._silent)
        self._closing: asyncio.Task[None] | None = None  # a close started by a timer, kept alive
        # What the item being handled may be asked to stop (``cancels=``).
        self._stop: Stop | None = None
        self._dropper: asyncio.Future[None] | None = None

    @property
    def session(self) -> Session | None:
        return self.hold.session

    @session.setter
    def session(self, session: Session | None) -> None:
        self.hold.session = session

    # -- frames in and out ---------------------------------------------------------------------

    async def send(self, frame: dict[str, Any], wait: bool = True) -> None:
        """Send a frame; past the page's unread window, wait until it reads, or close.

        ``wait=False`` is for the small answers ``receive`` gives at once (a pong, an
        error): waiting there would hold back the acknowledgements that end the wait.
        """
        if not self.open:
            return
        behind = self._window.sent(await self._send(frame) or 0)
        if not behind:
            return
        if wait:
            self.socket.release_frames()  # the page cannot read what is kept back
            read = await self._window.wait_until_read(lambda: self.open)
        else:  # only a page that reads nothing while sending on and on gets this far
            read = not self._window.far_behind()
        if not read:
            await self._fell_behind("the page does not read what it is sent")

    async def receive(self, text: str | None) -> None:
        """Accept one frame from the page; bad ones and pings are answered at once, the rest queued."""
        self._liveness.watchdog.seen()
        try:
            frame = protocol.decode(text, setting("MAX_FRAME_BYTES"))
        except protocol.ProtocolError as exc:
            # Never waits: the page's acknowledgements come through here.
            await self.send(protocol.error(exc.code, exc.message, exc.seq), wait=False)
            return
        if isinstance(frame, protocol.Received):
            if (refused := self._window.received(frame.chars)) is not None:
                await self.send(protocol.error("bad_frame", refused), wait=False)
        elif isinstance(frame, protocol.Ping):
            await self._ping(frame)
        elif self._window.queue_full(len(text or "")):
            await self._fell_behind("the page sends frames faster than they are handled")
        else:
            if isinstance(frame, protocol.EventFrame) and cancel.used:
                await self._cancel_for(frame)
            self._enqueue(frame, len(text or ""))

    async def _cancel_for(self, frame: protocol.EventFrame) -> None:
        """An event of a listener with ``cancels=``: stop those listeners' runs now, not in turn."""
        if self.session is None or not cancel.used:
            return
        try:
            dependency = self.engine.client_dependency(frame.dep, self.session)
        except Exception:
            return  # answered in turn, with the reason
        ids = {d.id for d in dependency.cancels}
        if not ids:
            return
        if self._stop is not None:
            self._stop.cancel(ids)  # also drops the queued ones
        else:
            await self._drop_queued(ids)

    async def _drop_queued(self, ids: set[int]) -> None:
        """Take the waiting events of these listeners out of the queue, answered as not done."""
        pending = self._pending or collections.deque()
        dropped = [
            (item, chars)
            for item, chars in pending
            if isinstance(item, protocol.EventFrame) and item.dep in ids
        ]
        for entry in dropped:
            pending.remove(entry)
            self._window.dequeue(entry[1])
        for item, _ in dropped:
            await self.send(protocol.done(item.seq, False), wait=False)

    def _enqueue(self, item: Item, chars: int = 0) -> None:
        """Queue an item for the worker, starting it if idle; nothing is taken once closed."""
        if not self.open:
            return
        if self._pending is None:
            self._pending = collections.deque()
        self._pending.append((item, chars))
        self._window.queue(chars)
        if self._worker is None:
            self._worker_context()
        if self._worker is None and isinstance(item, protocol.EventFrame) and self.store.eager:
            # Started at once, a task only once it waits (``eager``): most events end first.
            # Meanwhile the placeholder makes an item queued from inside wait its turn.
            self._worker = _STARTING
            self._worker = eager.start(self._work())
        elif self._worker is None:
            self._worker = asyncio.create_task(self._work())

    def _worker_context(self) -> None:
        """Set up, in the consumer's context (it serves this page only), what a new worker's
        context, a copy of it, must hold: the page's language and its files' viewer.

        Each is set there only when it changed, not per item (Django's look-up of the
        active language and the viewer's signing both cost microseconds per event).
        """
        if self._spoken != self.language:
            i18n.speak(self.language)
            self._spoken = self.language
        session = self.hold.session
        if session is not None and self._shown_to != session.id:
            access.current_viewer.set(file_values.viewer(session))
            self._shown_to = session.id

    async def _work(self) -> None:
        """Handle the waiting items in order, then end: the next item starts a new worker.

        Each item is handled in the page's language: the worker's context, a copy of the
        consumer's, speaks it (``_worker_context``); a ``hello`` that names another switches
        it there, for good: the worker ends with its items, so nothing else speaks it.
        """
        try:
            while self._pending:
                item, chars = self._pending.popleft()
                self._window.dequeue(chars)
                await self._handle_safely(item)
        finally:
            self._worker = None
            if not self._pending:
                self._pending = None

    async def _handle_safely(self, item: Item) -> None:
        """Handle one item in the page's language; an error is answered to the page, never raised."""
        if isinstance(item, protocol.Hello):  # (otherwise the worker's context speaks it)
            self.language = i18n.supported(item.language) or self.language
            i18n.speak(self.language)
        try:
            await self._handle(item)
        except Superseded:
            await self.superseded()
        except protocol.ProtocolError as exc:
            await self.send(protocol.error(exc.code, exc.message, exc.seq, exc.component, exc.kept))
        except Exception:
            logger.exception("Unexpected error in app %r", self.blocks.name)
            message = gettext("The server could not handle this action.")
            await self.send(protocol.error("internal", message, getattr(item, "seq", None)))

    async def _handle(self, item: Item) -> None:
        # Context variables set per item: every value it sends gets URLs for this page, and
        # a listener with ``cancels=`` can stop what it runs (with none in the process: no Stop).
        stop = token = None
        if cancel.used:
            stop = self._stop = Stop(lambda ids: self._dropping(ids))
            token = current_stop.set(stop)
        try:
            if self.session is None:
                await self._dispatch(item)
                return
            with file_values.viewing(self.session):
                await self._dispatch(item)
        finally:
            if stop is not None:
                current_stop.reset(token)  # type: ignore[arg-type]
                # Tasks started meanwhile (a keepalive) keep the context, and so this Stop:
                # it must not keep the connection.
                stop.forget()
                self._stop = None

    def _dropping(self, ids: set[int]) -> None:
        self._dropper = asyncio.ensure_future(self._drop_queued(ids))

    async def _dispatch(self, item: Item) -> None:
        if isinstance(item, protocol.EventFrame):
            await page_events.answer(self, item)
        elif isinstance(item, protocol.Hello):
            await hello.start(self, item)
        elif isinstance(item, TokenReceived):
            await hello.token_received(self)
        elif isinstance(item, protocol.Close):
            self._liveness.watchdog.stop()
            await self.hold.end("page closed")
        else:
            await outside.handle(self, item)

    # -- what the session and the rest of the server ask of the page --------------------------

    def global_groups(self) -> list[str]:
        """The channel groups that carry the changes of this app's GlobalStates, one per key."""
        return list({s.key: s.group for s in self.engine.tracker.global_states}.values())

    def changed_outside(self, change: outside.Change) -> None:
        """Another session or the admin changed something: handle it in turn with the events."""
        self._enqueue(change)

    async def detach(self, epoch: int) -> None:
        """Another connection resumed this session at ``epoch``: close this one, keep the session."""
        if self.session is not None and self.session.epoch < epoch:
            await self.superseded()

    # -- liveness and the end ---------------------------------------------------------------------

    async def _ping(self, ping: protocol.Ping) -> None:
        await self.send(protocol.pong(), wait=False)
        if self.open and self._liveness.pinged(ping.session, self.session):
            self._enqueue(TokenReceived())

    def _silent(self, last_seen: float, silent: float) -> None:
        """The page sent nothing for PAGE_TIMEOUT: treat it as gone, and close its socket."""
        logger.info("Page of app %r silent for %g s: treated as gone", self.blocks.name, silent)
        self._lost(last_seen)
        self._closing = asyncio.create_task(self.socket.close(code=protocol.CLOSE_PAGE_SILENT))

    async def _fell_behind(self, why: str) -> None:
        """Past a backpressure bound: close the socket; the session stays resumable (grace)."""
        if not self.open:
            return
        session_id = self.session.id if self.session else None
        logger.warning(
            "Closing a page of app %r (session %s): %s", self.blocks.name, session_id, why
        )
        self._lost(time.monotonic())
        await self.socket.close(code=protocol.CLOSE_BACKPRESSURE)

    async def disconnect(self) -> None:
        """The socket closed: finish what was received, then give the page time to resume."""
        self._lost(time.monotonic())

    def _lost(self, last_sign: float) -> None:
        """The page is gone: its session ends ``RESUME_GRACE`` after ``last_sign`` unless resumed."""
        if not self.open:
            return
        self._stop_serving()
        self.hold.lost(last_sign, self._worker)

    async def refuse(self, code: int | None) -> None:
        """Serve the page no more and close its socket with ``code`` (the session is not ended)."""
        self._stop_serving()
        await self.socket.close(code=code)

    async def superseded(self) -> None:
        """Another connection resumed the session: let go of it without ending it, and close."""
        self.session = None
        self._pending = None
        await self.refuse(protocol.CLOSE_CONTINUED_ELSEWHERE)

    def _stop_serving(self) -> None:
        """Take nothing more from the page, and stop its timers and any send waiting for it."""
        self.open = False
        self.hold.stop_keepalive()
        self.hold.let_go()
        self._liveness.watchdog.stop()
        self._window.release()  # a send waiting for the page to read gives up
