"""A small Redis client for the event path: one connection per event loop, calls pipelined.

redis-py's asyncio client pays, per call, for its connection pool (take and give back a
connection), a timeout task around each read, its encoder and its RESP3 parser: about a
hundred Python calls per command. An event makes two (the session's take and commit),
so ``redis_async.client`` gives this client instead where it can (a plain TCP or Unix
socket connection, no TLS, no credential provider):

- **One connection per event loop**, an ``asyncio.Protocol``: a call queues its command
  and waits for a future; replies come back in the order the commands were sent (Redis
  answers each connection in order), so each reply resolves the oldest waiting future.
  Concurrent events share the connection; no pool, no lock. A command sent while none
  is in flight is written at once; those sent while replies are awaited are queued,
  and the ones queued in one turn of the loop go out in one write (one system call,
  one wake-up of redis-server for many sessions' events).
- **Scripts by ``EVALSHA``** with the SHA computed here; a server without the script
  (``NOSCRIPT``: restarted, flushed) gets ``EVAL`` once, which loads it.
- **One timer per connection, not per call**: with ``socket_timeout`` set, a call
  unanswered that long closes the connection and fails every call waiting on it with
  ``redis.exceptions.TimeoutError`` (as redis-py drops a connection that timed out).
- **Replies parsed by the small RESP2 parser here** (the replies of these commands are
  a few short values; parsing them is about 1 % of an event). Values are bytes, as
  redis-py gives them.
- A call that finds the connection lost (a Redis restart) is tried once more on a new
  one, on ``ConnectionError`` only, as the redis-py client is configured here.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import socket
import time
from typing import Any

# redis-py connection settings this client does not honour: set (to anything but
# these values), they keep redis-py's asyncio client. The rest of what
# ``redis_async.connection_settings`` passes on (host, port or path, db, username,
# password, client name, timeouts, keepalive, encoding) it honours; the protocol does not
# matter (these commands' replies read the same in RESP2 and RESP3), nor the health check
# (a lost connection is seen at once, by ``connection_lost``).
_UNSUPPORTED = {"credential_provider": None, "decode_responses": False, "retry_on_timeout": False}


def supports(kwargs: dict[str, Any]) -> bool:
    """Whether this client can connect with these (redis-py) connection settings."""
    options = kwargs.get("socket_keepalive_options")
    return (
        not any(name.startswith("ssl_") for name in kwargs)
        and all(kwargs.get(name, unset) == unset for name, unset in _UNSUPPORTED.items())
        and not (isinstance(options, dict) and options)  # redis-py's default is a marker
    )


def _sha(source: str) -> bytes:
    return hashlib.sha1(source.encode()).hexdigest().encode()


class _Parser:
    """RESP2 replies from a byte stream: ``feed`` bytes, ``gets`` a reply or False.

    A reply that is an array keeps the items read so far while its bytes arrive, so a
    big array (an ``MGET`` of large values) read in many pieces parses each item once.
    """

    def __init__(self) -> None:
        self.buffer = bytearray()
        # An array reply under way: its items so far, its size, where the next item starts.
        self.array: tuple[list[Any], int, int] | None = None

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def gets(self) -> Any:
        buffer = self.buffer
        try:
            if self.array is None:
                if not buffer.startswith(b"*"):
                    reply, end = self._parse(0)
                    del buffer[:end]
                    return reply
                end = buffer.find(b"\r\n")
                if end < 0:
                    return False
                size = int(buffer[1:end])
                if size < 0:
                    del buffer[: end + 2]
                    return None
                self.array = ([], size, end + 2)
            items, size, at = self.array
            while len(items) < size:
                item, at = self._parse(at)
                items.append(item)
                self.array = (items, size, at)
        except IndexError:  # incomplete
            return False
        self.array = None
        del buffer[:at]
        return items

    def _parse(self, at: int) -> tuple[Any, int]:
        buffer = self.buffer
        end = buffer.find(b"\r\n", at)
        if end < 0:
            raise IndexError
        kind, line, at = buffer[at], buffer[at + 1 : end], end + 2
        if kind == 36:  # $ bulk string
            size = int(line)
            if size < 0:
                return None, at
            if len(buffer) < at + size + 2:
                raise IndexError
            return bytes(buffer[at : at + size]), at + size + 2
        if kind == 58:  # : integer
            return int(line), at
        if kind == 42:  # * array
            size = int(line)
            if size < 0:
                return None, at
            items = []
            for _ in range(size):
                item, at = self._parse(at)
                items.append(item)
            return items, at
        if kind == 43:  # + simple string
            return bytes(line), at
        if kind == 45:  # - error
            return _error(line.decode(errors="replace")), at
        raise _connection_error(f"Protocol error: {bytes(buffer[at - 2 :])[:40]!r}")


def _error(message: str) -> Exception:
    import redis.exceptions

    return redis.exceptions.ResponseError(message)


def _connection_error(message: str) -> Exception:
    import redis.exceptions

    return redis.exceptions.ConnectionError(message)


class _Connection(asyncio.Protocol):
    """One connection: commands written in order, each reply resolving the oldest waiter."""

    def __init__(self, timeout: float | None) -> None:
        self.transport: Any = None
        self.parser = _Parser()
        self.waiting: collections.deque[tuple[asyncio.Future[Any], float]] = collections.deque()
        self.lost: Exception | None = None
        self.timeout = timeout
        self.timer: asyncio.TimerHandle | None = None
        self.outgoing: list[bytes] = []

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        parser = self.parser
        parser.feed(data)
        waiting = self.waiting
        while waiting:
            reply = parser.gets()
            if reply is False:
                return
            future = waiting.popleft()[0]
            if not future.done():
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(exc or _connection_error("Connection closed by server."))

    def fail(self, error: Exception) -> None:
        if self.lost is None:
            self.lost = (
                error if isinstance(error, _transport_errors()) else _connection_error(str(error))
            )
        if self.transport is not None:
            self.transport.abort()
        self.outgoing.clear()
        while self.waiting:
            future = self.waiting.popleft()[0]
            if not future.done():
                future.set_exception(self.lost)

    def send(self, command: bytes) -> asyncio.Future[Any]:
        """Write a command, or queue it: the commands queued in one turn of the loop go out
        in one write. A command sent while none is in flight is written at once (nothing
        to share a write with yet, and the turn of the loop a queued write waits for is an
        ``epoll`` call more per round trip); the ones after it, until its reply, queue."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        idle = not self.waiting
        if self.timeout and idle and self.timer is None:
            self.timer = loop.call_later(self.timeout, self._check)
        self.waiting.append((future, time.monotonic()))
        if idle:
            if self.lost is None:
                self.transport.write(command)
        else:
            self.outgoing.append(command)
            if len(self.outgoing) == 1:
                loop.call_soon(self._flush)
        return future

    def _flush(self) -> None:
        outgoing = self.outgoing
        if outgoing and self.lost is None:
            self.transport.write(outgoing[0] if len(outgoing) == 1 else b"".join(outgoing))
        outgoing.clear()

    def _check(self) -> None:
        """The connection's one timer: fail everything if the oldest call waited too long."""
        self.timer = None
        if not self.waiting:
            return
        due = self.waiting[0][1] + self.timeout - time.monotonic()  # type: ignore[operator]
        if due <= 0:
            import redis.exceptions

            self.fail(redis.exceptions.TimeoutError("Timeout reading from Redis"))
        else:
            self.timer = asyncio.get_running_loop().call_later(due, self._check)


def _transport_errors() -> tuple[type, ...]:
    import redis.exceptions

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class LeanClient:
    """This event loop's connection to a cache's Redis, and the calls the event path makes."""

    def __init__(self, kwargs: dict[str, Any]) -> None:
        self.settings = kwargs
        self.encoding = kwargs.get("encoding") or "utf-8"
        self.errors = kwargs.get("encoding_errors") or "strict"
        self._connection: _Connection | None = None
        self._opening: asyncio.Future[_Connection] | None = None
        self._shas: dict[str, bytes] = {}

    # -- the calls ------------------------------------------------------------------------------

    async def run(self, source: str, keys: list[Any], args: list[Any]) -> Any:
        """Run the Lua script ``source`` by ``EVALSHA`` (``EVAL`` if the server lacks it)."""
        sha = self._shas.get(source)
        if sha is None:
            sha = self._shas[source] = _sha(source)
        try:
            return await self._call(b"EVALSHA", sha, len(keys), *keys, *args)
        except Exception as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
        return await self._call(b"EVAL", source, len(keys), *keys, *args)

    async def call(self, *args: Any) -> Any:
        """Run one Redis command (``"MGET", key, ...``); its reply, values as bytes."""
        return await self._call(*args)

    async def _call(self, *args: Any) -> Any:
        command = self.pack(args)
        for tries_left in (1, 0):
            connection = self._connection
            if connection is None or connection.lost is not None:
                connection = await self._connect()
            try:
                reply = await connection.send(command)
            except _transport_errors()[0]:
                if not tries_left:
                    raise
                continue
            if isinstance(reply, Exception):
                raise reply
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    def pack(self, args: tuple[Any, ...]) -> bytes:
        """The command in RESP: an array of bulk strings."""
        parts = [b"*%d\r\n" % len(args)]
        for arg in args:
            kind = type(arg)  # the exact types first: an event packs about 15 arguments
            if kind is not bytes:
                if kind is str or isinstance(arg, str):
                    arg = arg.encode(self.encoding, self.errors)
                elif kind is int or (isinstance(arg, int) and kind is not bool):
                    arg = b"%d" % arg
                elif kind is float or isinstance(arg, float):
                    arg = repr(arg).encode()
                elif isinstance(arg, bytes):
                    pass
                else:
                    import redis.exceptions

                    raise redis.exceptions.DataError(
                        f"Invalid input of type: {type(arg).__name__!r}"
                    )
            parts.append(b"$%d\r\n%b\r\n" % (len(arg), arg))
        return b"".join(parts)

    # -- the connection -------------------------------------------------------------------------

    async def _connect(self) -> _Connection:
        """A new connection (one at a time: concurrent callers wait for the same one)."""
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._open())
        opening = self._opening
        try:
            return await asyncio.shield(opening)
        finally:
            if opening.done():
                self._opening = None

    async def _open(self) -> _Connection:
        import redis.exceptions

        found = self.settings
        loop = asyncio.get_running_loop()
        protocol = _Connection(found.get("socket_timeout"))
        try:
            async with asyncio.timeout(found.get("socket_connect_timeout")):
                if found.get("path"):
                    await loop.create_unix_connection(lambda: protocol, found["path"])
                else:
                    host, port = found.get("host") or "localhost", found.get("port") or 6379
                    transport, _ = await loop.create_connection(lambda: protocol, host, port)
                    if found.get("socket_keepalive"):
                        sock = transport.get_extra_info("socket")
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        except (OSError, TimeoutError) as exc:
            raise redis.exceptions.ConnectionError(f"Error connecting to Redis: {exc}") from exc
        hello = []
        if found.get("password") is not None:
            user = found.get("username")
            hello.append(("AUTH", user, found["password"]) if user else ("AUTH", found["password"]))
        if found.get("db"):
            hello.append(("SELECT", found["db"]))
        if found.get("client_name"):
            hello.append(("CLIENT", "SETNAME", found["client_name"]))
        for reply in await asyncio.gather(*[protocol.send(self.pack(c)) for c in hello]):
            if isinstance(reply, Exception):
                protocol.fail(_connection_error(str(reply)))
                raise redis.exceptions.AuthenticationError(str(reply))
        self._connection = protocol
        return protocol

    def close(self) -> None:
        if self._connection is not None and self._connection.transport is not None:
            self._connection.transport.close()
