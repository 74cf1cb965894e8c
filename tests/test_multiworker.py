"""Several workers, no sticky sessions: two (or three) real daphne processes and one real Redis.

Each worker is ``python -m daphne`` serving ``tests.multiworker.asgi`` (django-redis cache,
channels-redis layer, Redis database 3). The test process is the browser: it talks to the
workers over real WebSockets with the ``websockets`` package. The app (tests/multiworker/app.py)
reports which worker answered each event, and its unload listener and delete callback write to
Redis lists, so the test sees them whichever process ran them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blocksstate.testing import eventually
from tests.conftest import start_redis, stop_redis
from tests.multiworker.app import APP, build
from tests.multiworker.client import WsPage
from tests.multiworker.global_app import APP as GLOBAL_APP
from tests.multiworker.global_app import build as global_build
from tests.multiworker.render_app import APP as RENDER_APP
from tests.multiworker.render_app import build as render_build

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parent.parent
DEMO = build()  # the same Blocks as in the workers, for its ids
COUNT = next(c.id for c in DEMO.components.values() if getattr(c, "label", None) == "Count")
WORKER = next(c.id for c in DEMO.components.values() if getattr(c, "label", None) == "Worker")
ADD, SLOW = 0, 1  # the "Add" and "Slow" buttons' clicks
CLOSE_TRY_AGAIN = 4503


# -- processes -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Worker:
    """One daphne process."""

    def __init__(
        self, name: str, redis_url: str, logdir: Path, env: dict[str, str] | None = None
    ) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = logdir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop())
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.multiworker.settings",
            "BLOCKSSTATE_MW_REDIS_URL": redis_url,
            "BLOCKSSTATE_MW_MEDIA_ROOT": str(logdir / "media"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "tests.multiworker.asgi:application"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.pid = str(self.process.pid)
        self.url = f"ws://127.0.0.1:{self.port}"
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(
                    f"worker {self.name} exited with {self.process.returncode}:\n{self.log()}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                return
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"worker {self.name} did not listen on {self.port}:\n{self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no disconnect, no grace timer, no unload from this process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._log.close()

    def assert_quiet(self) -> None:
        assert "Traceback" not in self.log(), self.log()


@pytest.fixture(scope="module")
def redis_db(redis_server):
    """Redis database 3 (the other tests use 0), flushed before and after; yield (url, client)."""
    import redis

    url = redis_server.rsplit("/", 1)[0] + "/3"
    client = redis.Redis.from_url(url, decode_responses=True)
    client.flushdb()
    yield url, client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def workers(redis_db, tmp_path_factory):
    """Two daphne workers, A and B, for the whole module; killed at the end."""
    url, _ = redis_db
    logdir = tmp_path_factory.mktemp("workers")
    started = []
    try:
        started.append(Worker("A", url, logdir))
        started.append(Worker("B", url, logdir))
        yield tuple(started)
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def spare_worker(redis_db, tmp_path):
    """A third worker for a test that kills it."""
    url, _ = redis_db
    worker = Worker("C", url, tmp_path)
    yield worker
    worker.stop()


@pytest.fixture
def redis_client(redis_db):
    return redis_db[1]


def unloads(client, session_id: str) -> list[str]:
    """Pids of the workers that ran the unload listener for this session."""
    return [
        entry.split("|")[1]
        for entry in client.lrange("mw:unload", 0, -1)
        if entry.startswith(session_id + "|")
    ]


def deletions(client, count: int) -> list[str]:
    """Pids of the workers whose sweep called the delete callback on a State holding ``count``."""
    return [
        entry.split("|")[1]
        for entry in client.lrange("mw:deleted", 0, -1)
        if entry.startswith(f"{count}|")
    ]


def session_keys(client, session_id: str) -> list[str]:
    return client.keys(f"*{session_id}*")


def done(frames) -> bool:
    return frames[-1]["type"] == "done"


# -- (a) one session, events alternately through both workers ---------------------------------------


async def test_one_session_sends_events_alternately_through_both_workers(workers, redis_client):
    a, b = workers
    page = await WsPage(a.url, APP).open()
    session_id = page.session_id
    served = []
    for n in range(1, 9):
        if n > 1:
            # The socket is lost (no close frame); the page reconnects to the other worker.
            await page.drop()
            page = await WsPage((a, b)[(n - 1) % 2].url, APP).open(resume=page.resume_token)
            assert page.session["resumed"] is True and page.session_id == session_id
            assert page.value(COUNT) == n - 1  # resynced from what the other worker stored
        frames = await page.event(ADD)
        assert done(frames), frames
        assert page.value(COUNT) == n
        served.append(page.value(WORKER))

    assert served == [a.pid, b.pid] * 4
    await page.close_page()
    await eventually(lambda: unloads(redis_client, session_id), what="unload")
    # The workers' grace timers for the dropped sockets see the page had come back: no more unloads.
    # Waiting is the point: a timer that rightly does nothing sends no signal, so the test lets
    # them all run out (RESUME_GRACE is 2 s in tests/multiworker/settings.py).
    await asyncio.sleep(2.5)
    assert unloads(redis_client, session_id) == [b.pid]
    a.assert_quiet()
    b.assert_quiet()


# -- (b) a page that resumes at the other worker in the middle of a burst ---------------------------


async def test_events_resent_at_the_other_worker_after_a_resume_run_once(workers, redis_client):
    """50 clicks sent at A; the page resumes at B before they are all answered and re-sends
    them all: A lets go of the session (closed with 4409) and each click runs once, at A or B."""
    a, b = workers
    at_a = await WsPage(a.url, APP).open()
    seqs = [next(at_a.seqs) for _ in range(50)]
    for seq in seqs:
        await at_a.send({"type": "event", "seq": seq, "dep": ADD, "values": {}})
    at_b = await WsPage(b.url, APP).open(resume=at_a.resume_token)
    assert at_b.session["resumed"] is True and at_b.session_id == at_a.session_id

    frames = await at_b.burst(ADD, seqs=seqs)
    old_frames, code = await at_a.until_closed()

    assert code == 4409
    finals = [f for f in frames if f["type"] in ("done", "failed", "error")]
    assert [f["type"] for f in finals] == ["done"] * 50, [f for f in finals if f["type"] != "done"]
    counts = sorted(
        update["value"]
        for f in old_frames + frames
        if f["type"] == "update" and f["seq"] is not None
        for key, update in f["updates"].items()
        if key == str(COUNT)
    )
    assert counts == list(range(1, 51))  # each increment ran once and saw every one before it
    assert at_b.value(COUNT) == 50
    await at_b.close_page()
    await eventually(lambda: unloads(redis_client, at_a.session_id), what="unload")
    await asyncio.sleep(2.5)  # waiting is the point: past both workers' grace timers, as above
    assert len(unloads(redis_client, at_a.session_id)) == 1
    a.assert_quiet()
    b.assert_quiet()


# -- (c) a worker killed mid-session ------------------------------------------------------------------


async def test_a_killed_worker_pages_resume_elsewhere_and_its_orphans_are_ended_by_a_survivor(
    workers, spare_worker, redis_client
):
    a, b = workers
    c = spare_worker
    resumed = await WsPage(c.url, APP).open()
    for _ in range(3):
        assert done(await resumed.event(ADD))
    orphan = await WsPage(c.url, APP).open()
    for _ in range(5):
        assert done(await orphan.event(ADD))
    # The worker dies in the middle of an event of the first page, holding its session's lock.
    await resumed.send({"type": "event", "seq": 99, "dep": SLOW, "values": {}})
    await eventually(lambda: redis_client.lrange("mw:slow", 0, -1) == [c.pid], what="slow event")

    c.kill()

    # The page whose socket died comes back on another worker, with its state, once the dead
    # worker's lock has expired (LOCK_TIMEOUT); the unfinished event changed nothing.
    back = await WsPage(b.url, APP).open(resume=resumed.resume_token)
    assert back.session["resumed"] is True and back.session_id == resumed.session_id
    assert back.value(COUNT) == 3
    assert done(await back.event(ADD))
    assert back.value(COUNT) == 4 and back.value(WORKER) == b.pid

    # The page that never comes back is ended by a surviving worker's sweep, once...
    ended_by = await eventually(
        lambda: unloads(redis_client, orphan.session_id), timeout=30, what="unload"
    )
    assert ended_by[0] in (a.pid, b.pid)
    # ...and its values are deleted `age` seconds later, with the delete callback, by a survivor.
    deleted_by = await eventually(lambda: deletions(redis_client, 5), timeout=30, what="deletion")
    assert deleted_by[0] in (a.pid, b.pid)
    await eventually(
        lambda: session_keys(redis_client, orphan.session_id) == [], what="keys deleted"
    )
    assert unloads(redis_client, orphan.session_id) == ended_by == ended_by[:1]
    assert deletions(redis_client, 5) == deleted_by[:1]

    # The resumed session was not ended meanwhile.
    assert unloads(redis_client, resumed.session_id) == []
    assert done(await back.event(ADD))
    assert back.value(COUNT) == 5
    await back.close_page()
    assert unloads(redis_client, resumed.session_id) == [b.pid]
    a.assert_quiet()
    b.assert_quiet()


# -- (d) expiry across workers ------------------------------------------------------------------------


async def test_an_ended_session_is_expired_by_another_worker(workers, spare_worker, redis_client):
    a, b = workers
    c = spare_worker
    page = await WsPage(c.url, APP).open()
    for _ in range(7):
        assert done(await page.event(ADD))
    await page.close_page()
    assert unloads(redis_client, page.session_id) == [c.pid]
    assert session_keys(redis_client, page.session_id)  # kept `age` seconds after the end
    c.kill()  # only A and B remain to delete it

    deleted_by = await eventually(lambda: deletions(redis_client, 7), timeout=30, what="deletion")
    await eventually(lambda: session_keys(redis_client, page.session_id) == [], what="keys deleted")

    assert deleted_by == deleted_by[:1] and deleted_by[0] in (a.pid, b.pid)
    late = await WsPage(a.url, APP).open(resume=page.resume_token)
    assert late.session["resumed"] is False and "ended" in late.session["notice"]
    await late.close_page()
    a.assert_quiet()
    b.assert_quiet()


async def test_a_connected_session_is_not_expired_by_any_worker(workers, redis_client):
    """Keys outlive their cache timeout and the sweeps of both workers while the page is open."""
    a, b = workers
    page = await WsPage(a.url, APP).open()
    assert done(await page.event(ADD))
    # age (2 s) + 2 x frequency (1 s) + grace (1 s) is the keys' timeout without the keepalive.
    await asyncio.sleep(5.5)  # waiting is the point: time must pass while connected

    assert done(await page.event(ADD))
    assert page.value(COUNT) == 2
    await page.drop()
    elsewhere = await WsPage(b.url, APP).open(resume=page.resume_token)
    assert elsewhere.value(COUNT) == 2
    await elsewhere.close_page()


# -- GlobalState across workers ---------------------------------------------------------------------

GLOBAL = global_build()
TOTAL = next(c.id for c in GLOBAL.components.values() if getattr(c, "label", None) == "Total")
GLOBAL_ADD = 0  # the "Add" click


async def test_global_increments_from_both_workers_are_atomic(workers):
    a, b = workers
    at_a = await WsPage(a.url, GLOBAL_APP).open()
    at_b = await WsPage(b.url, GLOBAL_APP).open()
    start = at_a.value(TOTAL)

    results = await asyncio.gather(at_a.burst(GLOBAL_ADD, 100), at_b.burst(GLOBAL_ADD, 100))

    finals = [f for f in results[0] + results[1] if f["type"] in ("done", "failed", "error")]
    assert [f["type"] for f in finals] == ["done"] * 200, [f for f in finals if f["type"] != "done"]
    newcomer = await WsPage(b.url, GLOBAL_APP).open()
    assert newcomer.value(TOTAL) == start + 200
    for page in (at_a, at_b, newcomer):
        await page.close_page()
    a.assert_quiet()
    b.assert_quiet()


async def test_a_global_change_is_pushed_to_sessions_on_the_other_worker(workers):
    a, b = workers
    clicker = await WsPage(a.url, GLOBAL_APP).open()
    watcher = await WsPage(b.url, GLOBAL_APP).open()
    before = watcher.value(TOTAL)

    frames = await clicker.event(GLOBAL_ADD)
    assert done(frames), frames

    # The watcher sent nothing: the new total arrives by itself, from the other worker.
    pushed = await watcher.until(lambda f: f["type"] == "update" and str(TOTAL) in f["updates"])
    assert pushed[-1]["seq"] is None
    assert watcher.value(TOTAL) == before + 1
    await clicker.close_page()
    await watcher.close_page()


# -- a Redis restart under a running worker ----------------------------------------------------------


class RestartableRedis:
    """A redis-server of one test's own (no persistence), which the test can restart."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = start_redis(self.port)

    def restart(self) -> None:
        """Stop the server and start it again on the same port: every client's connection is stale."""
        stop_redis(self.process)
        self.process = start_redis(self.port)

    def stop(self) -> None:
        stop_redis(self.process)


@pytest.fixture
def restartable_redis():
    server = RestartableRedis()
    yield server
    server.stop()


@pytest.fixture
def lone_worker(restartable_redis, tmp_path):
    """One daphne worker on the restartable Redis."""
    worker = Worker("R", restartable_redis.url, tmp_path)
    yield worker
    worker.stop()


@pytest.mark.parametrize(
    ("app", "add", "shown"),
    [(APP, ADD, COUNT), (GLOBAL_APP, GLOBAL_ADD, TOTAL)],
    ids=["session group only", "with GlobalState groups and load"],
)
async def test_after_a_redis_restart_the_first_hello_gets_a_whole_start(
    restartable_redis, lone_worker, app, add, shown
):
    before = await WsPage(lone_worker.url, app).open()
    assert done(await before.event(add))
    await before.close_page()

    # The worker's pooled connections to Redis (cache and channel layer) are all stale now.
    restartable_redis.restart()
    page = await WsPage(lone_worker.url, app).open()

    # Whole: the session, the load listener's value if any (the restart lost the old
    # total), and events that work; no error.
    assert [f for f in page.opening if f["type"] == "error"] == []
    assert page.session["resumed"] is False
    if app == GLOBAL_APP:
        assert page.value(TOTAL) == 0
    frames = await page.event(add)
    assert done(frames), frames
    assert page.value(shown) == 1
    await page.close_page()


async def test_a_page_connected_through_a_redis_restart_is_asked_to_come_back(
    restartable_redis, lone_worker
):
    from websockets.exceptions import ConnectionClosed

    page = await WsPage(lone_worker.url, GLOBAL_APP).open()

    # The layer's receive fails under the connected page while Redis is down.
    restartable_redis.restart()
    with pytest.raises(ConnectionClosed):
        await page.receive()
    assert page.ws.close_code == CLOSE_TRY_AGAIN

    # The page comes back as it does after a close: a hello with its resume token.
    again = await WsPage(lone_worker.url, GLOBAL_APP).open(resume=page.resume_token)
    assert again.value(TOTAL) == 0  # the session was lost with Redis: a new one, loaded
    frames = await again.event(GLOBAL_ADD)
    assert done(frames), frames
    assert again.value(TOTAL) == 1
    await again.close_page()


# -- a @gr.render region built on one worker, used on the other -------------------------------------


async def test_a_region_made_on_one_worker_answers_an_event_on_the_other(workers):
    a, b = workers
    demo = render_build()
    count = next(
        c for c in demo.components.values() if getattr(c, "label", None) == "Textbox Count"
    )
    output = next(c for c in demo.components.values() if getattr(c, "label", None) == "Output")
    region_id = str(demo.renderables[0].id)
    at_a = await WsPage(a.url, RENDER_APP).open()
    frames = await at_a.event(demo.renderables[0].dependency.id, {str(count.id): 2})
    assert done(frames), frames
    region = at_a.page[region_id]["region"]
    first, second = [
        int(key) for key, info in region["components"].items() if info["type"] == "textbox"
    ]
    (merge,) = [d["id"] for d in region["dependencies"]]
    frames = await at_a.event(merge, {str(first): "hello", str(second): "world"})
    assert at_a.value(output.id) == f"hello world|{a.pid}"
    await at_a.drop()

    at_b = await WsPage(b.url, RENDER_APP).open(resume=at_a.resume_token)
    assert at_b.session["resumed"] is True, at_b.session
    assert at_b.page[region_id]["region"]["dependencies"][0]["id"] == merge  # same ids at B
    frames = await at_b.event(merge, {str(second): "there"})
    assert done(frames), frames
    assert at_b.value(output.id) == f"hello there|{b.pid}"
    await at_b.close_page()
    a.assert_quiet()
    b.assert_quiet()
