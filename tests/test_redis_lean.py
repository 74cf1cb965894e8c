"""The lean Redis client of the event path (``state/redis_lean.py``): one pipelined
connection per loop, scripts by SHA, replies in order, one timer per connection."""

from __future__ import annotations

import asyncio

import pytest
import redis.exceptions

from blocksstate.state import redis_async, redis_lean
from blocksstate.state.caches import cache_for
from tests.conftest import _redis_command

pytestmark = pytest.mark.redis

_ECHO = "return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}"


def test_the_event_loop_gets_the_lean_client_on_a_plain_connection(redis_cache):
    async def made() -> object:
        return redis_async.client(cache_for("redis"))

    assert isinstance(asyncio.run(made()), redis_lean.LeanClient)
    assert not redis_lean.supports({"host": "h", "ssl_certfile": "x"})
    assert not redis_lean.supports({"host": "h", "decode_responses": True})
    assert not redis_lean.supports({"host": "h", "socket_keepalive_options": {1: 2}})
    assert not redis_lean.supports({"host": "h", "credential_provider": object()})
    assert redis_lean.supports({"host": "h", "credential_provider": None, "protocol": 3})


async def test_concurrent_calls_share_one_connection_and_get_their_own_replies(redis_cache):
    client = redis_async.client(cache_for("redis"))
    replies = await asyncio.gather(
        *[client.run(_ECHO, [f"k{i}"], [b"v" * i, i]) for i in range(300)]
    )
    assert replies == [[f"k{i}".encode(), b"v" * i, i + 1] for i in range(300)]
    assert await client.call("MGET", "lean-missing", "lean-missing") == [None, None]


async def test_a_server_without_the_script_loads_it_with_eval(redis_cache):
    client = redis_async.client(cache_for("redis"))
    assert await client.run(_ECHO, ["a"], ["b", 1]) == [b"a", b"b", 2]
    assert _redis_command("SCRIPT FLUSH").startswith(b"+OK")
    assert await client.run(_ECHO, ["a"], ["b", 2]) == [b"a", b"b", 3]
    assert await client.run(_ECHO, ["a"], ["b", 3]) == [b"a", b"b", 4]  # by EVALSHA again


async def test_an_error_reply_is_raised_and_the_connection_keeps_working(redis_cache):
    client = redis_async.client(cache_for("redis"))
    await client.call("SET", "lean-text", "text")
    with pytest.raises(redis.exceptions.ResponseError, match="not an integer"):
        await client.call("INCR", "lean-text")
    assert await client.call("GET", "lean-text") == b"text"
    with pytest.raises(redis.exceptions.DataError):
        await client.call("SET", "lean-text", object())


async def test_a_call_unanswered_past_the_socket_timeout_fails_and_the_next_reconnects():
    silent: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        silent.append(writer)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = redis_lean.LeanClient({"host": "127.0.0.1", "port": port, "socket_timeout": 0.2})
    try:
        calls = [asyncio.ensure_future(client.call("GET", "k")) for _ in range(3)]
        for call in calls:
            with pytest.raises(redis.exceptions.TimeoutError):
                await call
        with pytest.raises(redis.exceptions.TimeoutError):
            await client.call("GET", "k")  # on a new connection, which stays silent too
        assert len(silent) == 2
    finally:
        client.close()
        server.close()


def test_the_parser_reads_replies_split_anywhere():
    parser = redis_lean._Parser()
    stream = b"*3\r\n$3\r\nabc\r\n:-7\r\n*2\r\n$-1\r\n+OK\r\n-ERR wrong\r\n$0\r\n\r\n"
    replies = []
    for byte in stream:
        parser.feed(bytes([byte]))
        while (reply := parser.gets()) is not False:
            replies.append(reply)
    assert replies[0] == [b"abc", -7, [None, b"OK"]]
    assert isinstance(replies[1], redis.exceptions.ResponseError) and str(replies[1]) == "ERR wrong"
    assert replies[2] == b""


def test_a_big_array_reply_read_in_pieces_parses_each_item_once():
    parser = redis_lean._Parser()
    parsed = []
    parse = parser._parse

    def counting(at):
        parsed.append(at)
        return parse(at)

    parser._parse = counting
    items = [b"%05d" % i * 20 for i in range(2000)]
    stream = b"*2000\r\n" + b"".join(b"$%d\r\n%b\r\n" % (len(i), i) for i in items) + b":5\r\n"
    replies = []
    for start in range(0, len(stream), 1000):
        parser.feed(stream[start : start + 1000])
        while (reply := parser.gets()) is not False:
            replies.append(reply)
    assert replies == [items, 5]
    # Each item once, plus one try per piece that ended inside an item.
    assert len(parsed) <= 2000 + len(stream) // 1000 + 2
