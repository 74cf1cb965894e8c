"""One page's connection, without the socket: frames in, in order, and frames out.

The consumer hands every text frame to ``Connection.receive``. Pings and
acknowledgements are answered at once; every other frame is queued and handled
one at a time in arrival order (so a session's events apply in order) by a
worker task that exists only while something waits, so a slow handler never
stops the socket from reading and an idle page holds no task (docs/performance.md).
What a frame does is elsewhere: ``transport.page_events`` (an event),
``transport.liveness`` and ``transport.backpressure`` (the page's silence and
its bounds), the session lifecycle (start, resume, keepalive, end).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import activity, protocol
from .components.schema import check_json_safe
from .conf import setting
from .engine import InvalidInput
from .outcome import Outcome
from .registry import get_engine
from .request import Request
from .sessions import lifecycle
from .sessions.backends import get_store
from .sessions.base import Session, Superseded
from .sessions.resume import resume_token
from .sessions.sweep import sweeper
from .transport import page_events
from .transport.backpressure import Window
from .transport.liveness import Watchdog

logger = logging.getLogger("blocksstate")

# Sends one frame; returns the length of the text sent (counted against MAX_UNACKED_CHARS).
Send = Callable[[dict[str, Any]], Awaitable[int | None]]

RESYNC_FAILED_NOTICE = (
    "Your session could not be restored (it holds a value this page cannot show); "
    "a new one was started."
)

# ``publish(group, key)``: tell the sessions in ``group`` that the GlobalState ``key`` changed.
Publish = Callable[[str, str], Awaitable[None]]
Subscribe = Callable[[str], Awaitable[None]]
CloseSocket = Callable[..., Awaitable[None]]  # close(code=None)
# ``detach(session_id, epoch)``: close the connections holding the session at an older epoch.
Detach = Callable[[str, int], Awaitable[None]]


@dataclass(frozen=True)
class GlobalChanged:
    """Queue item: another session changed the GlobalState ``key`` this app shows."""

    key: str


@dataclass(frozen=True)
class EndRequested:
    """Queue item: an administrator disconnected this session (see ``sessions.actions``)."""

    reason: str


@dataclass(frozen=True)
class StateCleared:
    """Queue item: an administrator reset this session's State in the store (see ``sessions.actions``)."""


@dataclass(frozen=True)
class TokenReceived:
    """Queue item: the page proved it holds the resume token this connection gave it."""


Item = protocol.Frame | GlobalChanged | EndRequested | StateCleared | TokenReceived


class Connection:
    """Serves one app to one page: session start or resume, events, and the end.

    ``publish(group, key)`` tells the other sessions that a GlobalState changed
    (the consumer relays it to the group, one of ``global_groups``); they call
    ``global_changed(key)``.
    ``subscribe(session_id)`` is awaited once the page has a session, so that the
    admin can reach it (``end_requested``, ``state_cleared``); ``close(code=None)``
    closes the socket after such an end (with a code after a backpressure bound).
    ``detach(session_id, epoch)`` is awaited after a resume, to close the session's
    previous connection on any worker (it calls ``detach`` there).
    """

    def __init__(
        self,
        app: str,
        send: Send,
        scope: Mapping[str, Any] | None = None,
        publish: Publish | None = None,
        subscribe: Subscribe | None = None,
        close: CloseSocket | None = None,
        detach: Detach | None = None,
    ) -> None:
        self.publish = publish
        self.subscribe = subscribe
        self._close = close
        self._detach_previous = detach
        self.engine = get_engine(app)
        self.blocks = self.engine.blocks
        self.store = get_store()
        self.scope = scope or {}
        self._send = send
        self.session: Session | None = None
        self.open = True
        # Items waiting for the worker, each with the length of its frame's text (0: not
        # from the page); the worker task exists only while there are some.
        self._pending: collections.deque[tuple[Item, int]] = collections.deque()
        self._worker: asyncio.Task[None] | None = None
        self._window = Window()
        self._watchdog = Watchdog(self._silent)
        self._silenced: asyncio.Task[None] | None = None
        self._keepalive: lifecycle.Keepalive | None = None
        self._token_proven = False

    async def send(self, frame: dict[str, Any], wait: bool = True) -> None:
        """Send a frame; past the page's unread window, wait until it reads (``wait``) or close."""
        if not self.open:
            return
        behind = self._window.sent(await self._send(frame) or 0)
        if behind and not (wait and await self._window.wait_until_read(lambda: self.open)):
            await self._fell_behind("the page does not read what it is sent")

    async def receive(self, text: str | None) -> None:
        """Accept one frame from the page; bad ones and pings are answered at once, the rest queued."""
        self._watchdog.seen()
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
            self._enqueue(frame, len(text or ""))

    async def disconnect(self) -> None:
        """The socket closed: finish what was received, then give the page time to resume."""
        self._lost(time.monotonic())

    def _lost(self, last_sign: float) -> None:
        """The page is gone: its session ends ``RESUME_GRACE`` after ``last_sign`` unless resumed."""
        if not self.open:
            return
        self._stop_serving()
        session = self.session
        if session is not None:
            deadline = last_sign + setting("RESUME_GRACE")
            lifecycle.grace_timers.start(
                self.engine, self.store, session, deadline, self._worker, lambda: self.session
            )

    def _stop_serving(self) -> None:
        """Take nothing more from the page, and stop its timers and any send waiting for it."""
        self.open = False
        self._stop_keepalive()
        self._window.release()  # a send waiting for the page to read gives up

    async def detach(self, epoch: int) -> None:
        """Another connection resumed this session at ``epoch``: close this one, keep the session."""
        if self.session is not None and self.session.epoch < epoch:
            await self._let_go(protocol.CLOSE_CONTINUED_ELSEWHERE)

    async def _let_go(self, code: int) -> None:
        """Stop serving the session without ending it, and close the socket with ``code``."""
        self._stop_serving()
        self.session = None
        self._pending.clear()
        if self._close is not None:
            await self._close(code=code)

    # -- liveness ------------------------------------------------------------------------------

    async def _ping(self, ping: protocol.Ping) -> None:
        await self.send(protocol.pong())
        if self.open:
            self._watchdog.arm()
        session = self.session
        if (
            not self._token_proven
            and session is not None
            and ping.session == session.id
            and session.proven_epoch < session.epoch
        ):
            self._token_proven = True
            self._enqueue(TokenReceived())

    def _silent(self, last_seen: float, silent: float) -> None:
        """The page sent nothing for PAGE_TIMEOUT: treat it as gone, and close its socket."""
        logger.info("Page of app %r silent for %g s: treated as gone", self.blocks.name, silent)
        self._lost(last_seen)
        if self._close is not None:
            self._silenced = asyncio.create_task(self._close(code=protocol.CLOSE_PAGE_SILENT))

    async def _on_token_received(self) -> None:
        """Tokens older than this connection's are refused from now on (each is single-use)."""
        session = self.session
        if session is None:
            return
        async with self._current(session) as session:
            session.prove_token()

    # -- frames ----------------------------------------------------------------------------

    def _enqueue(self, item: Item, chars: int = 0) -> None:
        """Queue an item for the worker, starting it if idle; nothing is taken once closed.

        ``chars``: the length of the page frame's text (0 for the server's own items).
        """
        if not self.open:
            return
        self._pending.append((item, chars))
        self._window.queue(chars)
        if self._worker is None:
            self._worker = asyncio.create_task(self._work())

    async def _work(self) -> None:
        """Handle the waiting items in order, then end: the next item starts a new worker."""
        try:
            while self._pending:
                item, chars = self._pending.popleft()
                self._window.dequeue(chars)
                await self._handle_safely(item)
        finally:
            self._worker = None

    async def _fell_behind(self, why: str) -> None:
        """Past a backpressure bound: close the socket; the session stays resumable (grace)."""
        if not self.open:
            return
        logger.warning(
            "Closing a connection of app %r (session %s): %s",
            self.blocks.name,
            self.session.id if self.session else None,
            why,
        )
        self._lost(time.monotonic())  # the session waits out RESUME_GRACE, as after any drop
        if self._close is not None:
            await self._close(code=protocol.CLOSE_BACKPRESSURE)

    async def _handle_safely(self, frame: Item) -> None:
        """Handle one item; an error is answered to the page, never raised."""
        try:
            await self._handle(frame)
        except Superseded:
            await self._let_go(protocol.CLOSE_CONTINUED_ELSEWHERE)
        except protocol.ProtocolError as exc:
            await self.send(protocol.error(exc.code, exc.message, exc.seq))
        except Exception:
            logger.exception("Unexpected error in app %r", self.blocks.name)
            message = "the server could not handle this frame"
            await self.send(protocol.error("internal", message, getattr(frame, "seq", None)))

    def global_groups(self) -> list[str]:
        """The channel groups that carry the changes of this app's GlobalStates, one per key."""
        return list(
            {state.key: state.group for state in self.engine.tracker.global_states}.values()
        )

    async def global_changed(self, key: str) -> None:
        """Another session changed GlobalState ``key``: run its listeners here, in turn with events."""
        self._enqueue(GlobalChanged(key))

    async def end_requested(self, reason: str) -> None:
        """End the session and close the page, saying ``reason``, after the running event."""
        self._enqueue(EndRequested(reason))

    async def state_cleared(self) -> None:
        """The session's State was reset in the store: reload it, run its change listeners."""
        self._enqueue(StateCleared())

    async def publish_globals(self, outcome: Outcome) -> None:
        """Tell the other sessions of the GlobalStates ``outcome`` changed."""
        if self.publish is not None:
            for state in self.engine.tracker.global_states:
                if state.id in outcome.globals_changed:
                    await self.publish(state.group, state.key)

    async def _handle(self, frame: Item) -> None:
        if isinstance(frame, GlobalChanged):
            key = frame.key
            await self._in_session(lambda s: self.engine.run_global_change(s, key, self.send))
        elif isinstance(frame, EndRequested):
            await self._on_end_requested(frame.reason)
        elif isinstance(frame, StateCleared) and self.session is not None:
            # The store holds the cleared values: the session is reloaded from it.
            before = dict(self.session.pickled)
            await self._in_session(lambda s: self.engine.run_stored_changes(s, before, self.send))
        elif isinstance(frame, TokenReceived):
            await self._on_token_received()
        elif isinstance(frame, protocol.Hello):
            if self.session is not None:
                raise protocol.ProtocolError("bad_frame", "this connection already has a session")
            await self._start(frame)
        elif isinstance(frame, protocol.EventFrame):
            await page_events.answer(self, frame)
        elif isinstance(frame, protocol.Close):
            self._stop_keepalive()
            if self.session is not None:
                await self._end(self.session)
                self.session = None

    async def _in_session(self, run: Callable[[Session], Awaitable[Outcome]]) -> None:
        """Run listeners of a change made outside the page, in turn with its events."""
        session = self.session
        if session is None:
            return
        async with self._current(session) as session:
            outcome = await run(session)
        await self.publish_globals(outcome)

    async def _on_end_requested(self, reason: str) -> None:
        """An administrator ended this session: say why, end it, close the socket."""
        await self.send(protocol.closed(reason))
        self._stop_keepalive()
        session, self.session = self.session, None
        if self._close is not None:
            await self._close()
        if session is not None:
            await lifecycle.end_session(
                self.engine, self.store, session, reason="disconnected by an administrator"
            )

    @contextlib.asynccontextmanager
    async def _current(self, session: Session) -> AsyncIterator[Session]:
        """Hold the session's lock and yield it up to date (reloaded if another worker wrote
        it); save what changed before letting go."""
        async with self.store.transaction(self.blocks, session, self._timeout) as current:
            assert current is not None  # given a session, never None
            self.session = current
            yield current

    # -- session lifecycle -------------------------------------------------------------------

    @property
    def _timeout(self) -> float:
        return lifecycle.key_timeout(self.engine)

    def _user_id(self) -> str | None:
        user = self.scope.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            return str(user.pk)
        return None

    async def _start(self, hello: protocol.Hello) -> None:
        # A resume takes the session's lock (see _resume) and keeps it until the session is taken over.
        async with contextlib.AsyncExitStack() as resume_lock:
            await self._start_session(hello, resume_lock)

    async def _start_session(
        self, hello: protocol.Hello, resume_lock: contextlib.AsyncExitStack
    ) -> None:
        user_id = self._user_id()
        session, notice = None, None
        if hello.resume:
            session, notice = await lifecycle.resume(
                self.store, self.blocks, hello.resume, user_id, resume_lock
            )
        if session is not None and not self._can_show(session):
            # Left to the sweep, which ends it once its heartbeats stop.
            session, notice = None, RESYNC_FAILED_NOTICE
        resumed = session is not None
        if session is None:
            session = Session.new(self.blocks, user_id)
        session.request = Request.from_scope(self.scope, session.id, self.blocks.name)
        tokens = {}
        if not resumed and hello.browser:
            tokens = self.engine.restore_browser_state(session, hello.browser)
        self.session = session
        if hello.values:
            try:
                self.engine.apply_page_values(
                    session, self.engine.validate_values(session, hello.values)
                )
            except InvalidInput as exc:
                await self.send(
                    protocol.error("invalid_input", f"page values ignored: {exc.message}")
                )
        if not await self._prepare(session):
            return
        if resumed and self._detach_previous is not None:
            try:
                await self._detach_previous(session.id, session.epoch)
            except (
                Exception
            ):  # the previous connection is fenced off anyway (``SessionStore.reload``)
                logger.warning("Could not detach the previous page of a session", exc_info=True)
        await self.send(protocol.session_frame(session.id, resume_token(session), resumed, notice))
        if tokens:
            await self.send(protocol.browser_state(None, None, tokens))
        (activity.session_resumed if resumed else activity.session_started)(session, self.scope)
        if resumed:
            await self.send(protocol.update(None, None, self.engine.page_state(session, True)))
        else:
            # A page that asked to resume shows another session's values: replace them all.
            initial = self.engine.page_state(session, everything=hello.resume is not None)
            if initial:
                await self.send(protocol.update(None, None, initial))
            loaded = await self.engine.run_load(session, self.send)
            await self.store.save(session, self._timeout)
            await self.publish_globals(loaded)
        self._keepalive = lifecycle.Keepalive(
            self.engine, self.store, lambda: self.session, self._current, self._superseded
        )
        self._keepalive.start()
        sweeper.ensure_running()

    async def _prepare(self, session: Session) -> bool:
        """Do what can fail before the page hears of its session: join its group, store it.

        On failure the socket is closed with a code the page retries on, rather than
        leave it a session without the group or the store (no resync, no ``load``).
        """
        try:
            if self.subscribe is not None:
                await self.subscribe(session.id)
            await self.store.save(session, self._timeout)
        except Exception:
            logger.warning("Could not start a session of app %r", self.blocks.name, exc_info=True)
            self.open = False  # take no event for a session the page never heard of
            if self._close is not None:
                await self._close(protocol.CLOSE_TRY_AGAIN)
            return False
        return True

    def _can_show(self, session: Session) -> bool:
        """Whether a resumed session's values can be sent to the page (its resync) and used."""
        try:
            updates = self.engine.page_state(session, True)
            for entry in updates.values():
                check_json_safe(entry["value"])  # e.g. an int that would overflow float()
            protocol.encode(protocol.update(None, None, updates))
        except Exception:
            logger.exception(
                "Session %s of app %r holds a value its page cannot be sent or use; a new session "
                "was started in its place",
                session.id,
                self.blocks.name,
            )
            return False
        return True

    async def _superseded(self) -> None:
        """Another connection resumed the session: let go of it (the keepalive found out)."""
        self._keepalive = None
        await self._let_go(protocol.CLOSE_CONTINUED_ELSEWHERE)

    def _stop_keepalive(self) -> None:
        if self._keepalive is not None:
            self._keepalive.stop()
            self._keepalive = None
        self._watchdog.stop()

    async def _end(self, session: Session) -> None:
        """End a session once (across workers): unload listeners, then expiry after ``age``."""
        await lifecycle.end_session(
            self.engine, self.store, session, epoch=session.epoch, reason="page closed"
        )
