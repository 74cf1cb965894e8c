"""The frames of one moment go to the page in one message; none is held across a wait.

An event that ends without waiting is answered with its ``update`` and its ``done`` in
one WebSocket message (a JSON array); a frame made before the server waits (a
generator between two yields, a handler thread) goes out before it; the order of
frames and of the socket's close never changes (docs/protocol.md, "One message per
moment"; that an administrator's ``closed`` frame comes before the close is
``test_admin``'s ``receive_close``).
"""

import asyncio
import json
import threading

import pytest

import blocksstate as gr
from blocksstate import protocol
from blocksstate.testing import TIMEOUT, PageClient, button, dependency, registered
from blocksstate.transport.frames_out import FramesOut

pytestmark = pytest.mark.django_db(transaction=True)
pytest_plugins = ["tests.helpers_fixtures"]  # cache_alias


def counter() -> gr.Blocks:
    with gr.Blocks() as demo:
        count = gr.Number(label="Count", value=0)
        gr.Button("Add").click(lambda n: n + 1, count, count)
    return demo


async def click_raw(client: PageClient, label: str, seq: int) -> None:
    dep = dependency(client.blocks, button(client.blocks, label), "click")
    await client.send_text(json.dumps({"type": "event", "seq": seq, "dep": dep.id, "values": {}}))


async def message_text(client: PageClient) -> str:
    output = await client.communicator.receive_output(timeout=TIMEOUT)
    assert output["type"] == "websocket.send", output
    return output["text"]


async def test_an_event_that_does_not_wait_is_answered_in_one_message(cache_alias):
    """With Redis too: the wait for the session's write keeps the update for the done."""
    with registered(counter()) as app:
        async with PageClient(app) as client:
            for seq in (1, 2):
                await click_raw(client, "Add", seq)
                text = await message_text(client)
                frames = json.loads(text)
                assert [f["type"] for f in frames] == ["update", "done"], text
                assert next(iter(frames[0]["updates"].values()))["value"] == seq
                assert frames[1]["type"] == "done" and frames[1]["seq"] == seq, frames
            assert await client.communicator.receive_nothing(timeout=0.2)


async def test_a_streamed_update_goes_out_before_the_generator_goes_on():
    """The generator's second step waits until the page has its first update: an update
    held back until the event ends would leave both waiting (and fail the test)."""
    page_has_first = threading.Event()

    def stream(n):
        yield n + 1
        assert page_has_first.wait(TIMEOUT), "the first update was held back"
        yield n + 2

    with gr.Blocks() as demo:
        count = gr.Number(label="Count", value=0)
        gr.Button("Go").click(stream, count, count)

    with registered(demo) as app:
        async with PageClient(app) as client:
            await click_raw(client, "Go", 1)
            first = protocol.frames_of(await message_text(client))
            assert [f["type"] for f in first] == ["update"], first
            assert next(iter(first[0]["updates"].values()))["value"] == 1
            page_has_first.set()
            rest = []
            while not any(f["type"] == "done" for f in rest):
                rest += protocol.frames_of(await message_text(client))
            assert [f["type"] for f in rest] == ["update", "done"], rest


class SlowServer:
    """An ASGI send that sometimes waits (a server's flow control), recording what it sent."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.hold: asyncio.Event | None = None

    async def send(self, message: dict) -> None:
        if self.hold is not None:
            await self.hold.wait()
        self.sent.append(message)

    def texts(self) -> list[str]:
        return [m.get("text", m["type"]) for m in self.sent]


async def test_frames_keep_their_order_when_the_server_makes_a_send_wait():
    server = SlowServer()
    frames = FramesOut(server.send)
    frames.put('{"n":1}')
    frames.put('{"n":2}')
    await asyncio.sleep(0)  # the turn ends: one message
    assert server.texts() == ['[{"n":1},{"n":2}]']

    server.hold = asyncio.Event()  # the server now makes the next send wait
    frames.put('{"n":3}')
    await asyncio.sleep(0)
    frames.put('{"n":4}')
    await asyncio.sleep(0)
    frames.put('{"n":5}')
    closing = asyncio.ensure_future(frames.send({"type": "websocket.close"}))
    await asyncio.sleep(0.01)
    assert server.texts() == ['[{"n":1},{"n":2}]'], "sent while the server waits"
    assert not closing.done()

    server.hold.set()
    await asyncio.wait_for(closing, TIMEOUT)
    assert server.texts() == [
        '[{"n":1},{"n":2}]',
        '{"n":3}',
        '{"n":4}',
        '{"n":5}',
        "websocket.close",
    ]


async def test_the_characters_counted_for_a_message_are_its_length():
    """What the page acknowledges (``received``) is the length of the messages it read."""
    server = SlowServer()
    out = FramesOut(server.send)
    for frames in (['{"a":1}'], ['{"a":1}', '{"bb":22}'], ['{"a":1}', "{}", '{"ccc":"x"}', "[]"]):
        counted = sum(out.put(text) for text in frames)
        out.flush()
        assert counted == len(server.sent[-1]["text"]), server.sent[-1]
        assert protocol.frames_of(server.sent[-1]["text"]) == [json.loads(t) for t in frames]
