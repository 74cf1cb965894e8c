"""Backpressure: a page that does not read, or sends faster than it is served, is closed.

Past ``MAX_UNACKED_CHARS`` (sent and not acknowledged by the page's ``received``
frames), ``MAX_QUEUED_FRAMES`` or ``MAX_QUEUED_CHARS`` (frames waiting behind a
running event), the socket is closed with ``CLOSE_BACKPRESSURE`` (4509) and the
session can be resumed like after any drop. The consumer tests run in-process;
``test_a_socket_that_never_reads...`` runs a real daphne and watches its memory.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from typing import Any

import pytest
from django.test import override_settings

import blocksstate as gr
from blocksstate.protocol import CLOSE_BACKPRESSURE, frames_of
from blocksstate.testing import TIMEOUT, PageClient, button, dependency, registered
from tests.backpressure.client import RawPage
from tests.e2e.support import ServerProcess, child_environment, free_port
from tests.multiworker.client import WsPage

ANSWER_CHARS = 300_000


def build_app(gate: asyncio.Event | None = None) -> gr.Blocks:
    """An app whose "Big" answers 300,000 characters; its "Wait" holds the session on ``gate``."""
    with gr.Blocks() as demo:
        count = gr.State(0)
        shown = gr.Number(label="Count")
        answer = gr.Textbox(label="Answer")
        note = gr.Textbox(label="Note")
        big = gr.Button("Big")
        wait = gr.Button("Wait")

        def big_answer(n: int, note: str) -> tuple[int, int, str]:
            return n + 1, n + 1, "x" * ANSWER_CHARS

        async def wait_for_gate(n: int) -> tuple[int, int]:
            assert gate is not None
            await gate.wait()
            return n + 1, n + 1

        big.click(big_answer, [count, note], [count, shown, answer], trigger_mode="multiple")
        wait.click(wait_for_gate, count, [count, shown])
    return demo


def event_frame(client: PageClient, label: str, seq: int, values: Any = None) -> str:
    dep = dependency(client.blocks, button(client.blocks, label), "click")
    return json.dumps({"type": "event", "seq": seq, "dep": dep.id, "values": values or {}})


async def outputs_until_close(client: PageClient) -> tuple[list[dict[str, Any]], int]:
    """Read what the server sent up to its close; return the frames and the close code."""
    frames = []
    while True:
        message = await client.communicator.receive_output(timeout=TIMEOUT)
        if message["type"] == "websocket.close":
            return frames, message.get("code")
        frames.extend(frames_of(message["text"]))


async def resumed_page(app: str, token: str) -> PageClient:
    client = PageClient(app)
    await client.open(resume=token)
    assert client.session["resumed"] is True, client.session
    return client


# -- outgoing: what the page was sent and has not read --------------------------------------------


@override_settings(BLOCKSSTATE={"MAX_UNACKED_CHARS": 1_000_000, "UNACKED_TIMEOUT": 0.5})
async def test_a_page_that_does_not_read_is_closed_with_4509_and_resumes():
    with registered(build_app()) as app:
        client = PageClient(app)
        await client.open()
        for seq in range(1, 11):
            await client.send_text(event_frame(client, "Big", seq))
        frames, code = await outputs_until_close(client)
        assert code == CLOSE_BACKPRESSURE
        # Closed once a million characters were unread: 4 answers of 300,000, not 10.
        answered = [f for f in frames if f["type"] == "done"]
        assert len(answered) <= 4, [f["type"] for f in frames]
        await client.drop()

        again = await resumed_page(app, client.resume_token)
        assert again.session_id == client.session_id
        await again.click("Big")
        assert again.value("Count") >= 2  # the events before the close counted, and this one
        await again.close()


@override_settings(BLOCKSSTATE={"MAX_UNACKED_CHARS": 1_000_000, "UNACKED_TIMEOUT": 0.5})
@pytest.mark.parametrize("pings", [False, True], ids=["reading", "reading and pinging"])
async def test_a_page_that_acknowledges_what_it_reads_is_never_closed(pings):
    with registered(build_app()) as app:
        client = PageClient(app)
        await client.open()
        read = sum(len(json.dumps(f, separators=(",", ":"))) for f in client.received)
        for seq in range(1, 11):
            await client.send_text(event_frame(client, "Big", seq))
        answered = 0
        while answered < 10:
            message = await client.communicator.receive_output(timeout=TIMEOUT)
            assert message["type"] == "websocket.send", message
            read += len(message["text"])
            answered += sum(f["type"] == "done" for f in frames_of(message["text"]))
            if pings:
                if read <= 1_000_000:
                    continue  # reads without saying so: the server gets past the window and waits
                pings = False  # then pings while it waits, and says what it read
                await client.send({"type": "ping", "session": client.session_id})
            await client.send({"type": "received", "chars": read})
        # Three million characters went out, three times the window, and the page is still served.
        assert (await client.click("Big")).status == "done"
        await client.close()


@pytest.mark.parametrize("chars", [-1, "12", None])
async def test_an_impossible_acknowledgement_is_refused_and_changes_nothing(chars):
    with registered(build_app()) as app:
        client = PageClient(app)
        await client.open()
        await client.send({"type": "received", "chars": chars})
        assert (await client.expect_error())["code"] == "bad_frame"
        assert (await client.click("Big")).status == "done"
        await client.close()


@override_settings(BLOCKSSTATE={"MAX_UNACKED_CHARS": 1_000_000, "UNACKED_TIMEOUT": 0.5})
async def test_acknowledging_what_was_never_sent_buys_no_room():
    with registered(build_app()) as app:
        client = PageClient(app)
        await client.open()
        await client.send({"type": "received", "chars": 10**12})  # counts as all sent so far
        await client.send({"type": "received", "chars": 10})
        assert "went back" in (await client.expect_error())["message"]
        for seq in range(1, 11):
            await client.send_text(event_frame(client, "Big", seq))
        _, code = await outputs_until_close(client)
        assert code == CLOSE_BACKPRESSURE


# -- incoming: frames waiting behind a running event ------------------------------------------


async def hold_then_send(client: PageClient, gate: asyncio.Event, frames: int, note: str) -> int:
    """Block the session on "Wait", then send ``frames`` "Big" events; return the last seq."""
    gate.clear()
    seq = next(client.seqs)
    await client.send_text(event_frame(client, "Wait", seq))
    for _ in range(frames):
        seq = next(client.seqs)
        await client.send_text(event_frame(client, "Big", seq, client.wire_values({"Note": note})))
    return seq


@pytest.mark.parametrize(
    ("limits", "note", "fits"),
    [({"MAX_QUEUED_FRAMES": 5}, "", 5), ({"MAX_QUEUED_CHARS": 5_000}, "p" * 1_500, 3)],
    ids=["frames", "chars"],
)
async def test_a_page_that_sends_faster_than_it_is_served_is_closed_with_4509(limits, note, fits):
    gate = asyncio.Event()
    with override_settings(BLOCKSSTATE=limits), registered(build_app(gate)) as app:
        client = PageClient(app)
        await client.open()
        # As many frames as fit wait for "Wait" to end, and are served.
        last = await hold_then_send(client, gate, fits, note)
        gate.set()
        frames = await client.receive_until(lambda f: f["type"] == "done" and f["seq"] == last)
        assert [f["type"] for f in frames].count("done") == fits + 1

        # One more, and the connection is closed; the session is kept for a resume.
        await hold_then_send(client, gate, fits + 1, note)
        _, code = await outputs_until_close(client)
        assert code == CLOSE_BACKPRESSURE
        await client.drop()
        gate.set()

        again = await resumed_page(app, client.resume_token)
        assert again.session_id == client.session_id
        assert (await again.click("Big")).status == "done"
        await again.close()


# -- a real server, a socket that never reads -----------------------------------------------------


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise LookupError("no VmRSS")


class PeakRss:
    """Samples a process's resident memory in a thread; ``peak`` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = rss_bytes(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@pytest.fixture
def flood_server(tmp_path):
    port = free_port()
    server = ServerProcess(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "tests.backpressure.asgi:application"],
        child_environment(DJANGO_SETTINGS_MODULE="tests.backpressure.settings"),
        tmp_path / "daphne.log",
        port,
    )  # fmt: skip
    server.start()
    yield server
    server.stop()


def test_a_socket_that_never_reads_is_closed_and_the_server_memory_stays_bounded(flood_server):
    from tests.backpressure.blocks import APP, BIG

    page = RawPage(flood_server.port, APP)
    page.send({"type": "hello", "protocol": 1, "resume": None, "values": {}})
    session = page.receive()
    assert session["type"] == "session", session
    # One answer read in full, so the server's memory is measured after its first big event.
    page.send({"type": "event", "seq": 1, "dep": BIG, "values": {}})
    while page.receive()["type"] != "done":
        pass
    before = rss_bytes(flood_server.process.pid)
    memory = PeakRss(flood_server.process.pid)

    # 95 answers of 900 kB (85 MB) that are never read: today the server buffers them all.
    for seq in range(2, 97):
        page.send({"type": "event", "seq": seq, "dep": BIG, "values": {}})
    closed = page.wait_until_closed_by_server(timeout=30)
    growth = memory.stop() - before
    page.close()
    assert closed, "the server kept the connection of a page that reads nothing"
    # The window is 16 million characters; its bytes, and a copy or two in flight, stay under 40 MB.
    assert growth < 40 * 2**20, f"the server grew by {growth / 2**20:.0f} MB"

    async def resume() -> dict[str, Any]:
        again = await WsPage(flood_server.url.replace("http", "ws"), APP).open(session["resume"])
        await again.ws.close()
        return again.session

    resumed = asyncio.run(resume())
    assert resumed["resumed"] is True and resumed["session"] == session["session"], resumed
