"""A page's messages through one queue (or Channels' own loop), and frames past the session middleware.

Each test runs both ways: through the socket's plain ``asyncio.Queue`` (as daphne and
Channels' communicator hand it over) and through a server whose ``receive`` is any
other callable, where the consumer falls back on Channels' own wait on both.
"""

import asyncio

import pytest
from channels.auth import AuthMiddlewareStack
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.sessions import InstanceSessionWrapper

import blocksstate as gr
import blocksstate.routing
from blocksstate import protocol
from blocksstate.sessions import actions
from blocksstate.testing import PageClient, eventually, registered
from blocksstate.transport import one_queue

pytestmark = pytest.mark.django_db(transaction=True)


def counter() -> gr.Blocks:
    with gr.Blocks() as demo:
        count = gr.Number(label="Count", value=0)
        gr.Button("Add").click(lambda n: n + 1, count, count)
    return demo


def routes(plain_queue: bool):
    """blocksstate's routes; with ``plain_queue`` off, behind a server whose ``receive``
    is a function of its own rather than an ``asyncio.Queue.get``."""
    inner = URLRouter(blocksstate.routing.websocket_urlpatterns)
    if plain_queue:
        return inner

    async def application(scope, receive, send):
        async def own_receive():
            return await receive()

        await inner(scope, own_receive, send)

    return application


@pytest.fixture(params=[True, False], ids=["one queue", "channels' loop"])
def plain_queue(request):
    return request.param


async def test_events_and_layer_messages_both_reach_the_page(plain_queue):
    """A click is answered, then an administrator's disconnect (a layer message) ends it."""
    with registered(counter()) as app:
        page = PageClient(app, application=routes(plain_queue))
        await page.open()
        await page.click("Add")
        await page.click("Add")
        assert page.value("Count") == 2

        assert await actions.disconnect(page.session_id)
        frames, code = await page.until_closed()
        assert [f["type"] for f in frames] == ["closed"]
        assert code != protocol.CLOSE_TRY_AGAIN  # ended, not dropped


async def test_a_failing_channel_layer_asks_the_page_to_come_back(plain_queue, monkeypatch):
    """The layer's receive failing (Redis gone, say) closes the socket with the code the
    page reconnects on; the events before it were answered."""
    layer = get_channel_layer()
    gone = asyncio.Event()
    real_receive = type(layer).receive

    async def receive(self, channel):
        waiting = asyncio.ensure_future(real_receive(self, channel))
        failed = asyncio.ensure_future(gone.wait())
        await asyncio.wait({waiting, failed}, return_when=asyncio.FIRST_COMPLETED)
        if waiting.done():
            failed.cancel()
            return waiting.result()
        waiting.cancel()
        raise ConnectionError("the layer's server went away")

    monkeypatch.setattr(type(layer), "receive", receive)
    with registered(counter()) as app:
        page = PageClient(app, application=routes(plain_queue))
        await page.open()
        await page.click("Add")
        assert page.value("Count") == 1

        gone.set()
        _, code = await page.until_closed()
        assert code == protocol.CLOSE_TRY_AGAIN


async def test_frames_go_past_the_session_middleware_and_the_page_works_behind_it(settings):
    """Behind ``AuthMiddlewareStack`` (as a project's asgi.py puts it) a page is answered, and
    its frames are sent with the server's own ``send``, not the session wrapper's."""
    with registered(counter()) as app:
        page = PageClient(
            app,
            application=AuthMiddlewareStack(URLRouter(blocksstate.routing.websocket_urlpatterns)),
        )
        await page.open()
        await page.click("Add")
        assert page.value("Count") == 1
        await page.close()

    async def server_send(message):
        pass

    wrapper = InstanceSessionWrapper({"cookies": {}}, server_send)
    twice = InstanceSessionWrapper({"cookies": {}}, wrapper.send)
    assert one_queue.frame_sender(twice.send) is server_send
    assert one_queue.frame_sender(server_send) is server_send


async def test_only_a_plain_unbounded_queue_get_is_pumped_into():
    async def channel_receive():
        await asyncio.Event().wait()

    class OwnQueue(asyncio.Queue):
        pass

    assert await one_queue.pump(channel_receive, asyncio.Queue(maxsize=5).get) is None
    assert await one_queue.pump(channel_receive, OwnQueue().get) is None
    assert await one_queue.pump(channel_receive, lambda: None) is None

    queue = asyncio.Queue()
    pump = await one_queue.pump(channel_receive, queue.get)
    assert pump is not None
    await pump.stop()
    assert pump.task.cancelled()
    await eventually(lambda: queue.empty(), what="nothing put by a stopped pump")
