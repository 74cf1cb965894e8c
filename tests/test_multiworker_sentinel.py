"""The two-worker scenario on Redis Sentinel: a primary, a replica, a Sentinel, all real.

A ``redis-server`` primary, one replica of it and one ``redis-server --sentinel`` (quorum 1),
on free ports; the daphne workers use docs/deployment.md's recipe (django-redis's
``SentinelClient`` for the cache, channels-redis's ``sentinels`` and ``master_name`` for the
layer; ``tests/multiworker/settings.py``). The tests of ``tests/test_multiworker.py`` for one
session served alternately by both workers and for GlobalState across workers run here
with this module's ``workers``; the last test ends the primary's process, Sentinel promotes
the replica and the workers go on.

The replica is the point: django-redis's ``SentinelClient`` reads from a replica, which may
not have the last write yet; every read blocksstate makes goes to the primary.
"""

from __future__ import annotations

import time

import pytest
from websockets.exceptions import ConnectionClosed

from tests.conftest import start_redis, stop_redis
from tests.multiworker.client import WsPage
from tests.multiworker.scenarios import *  # noqa: F403  (the shared two-worker tests)
from tests.test_multiworker import (
    ADD,
    APP,
    CLOSE_TRY_AGAIN,
    COUNT,
    GLOBAL_ADD,
    GLOBAL_APP,
    WORKER,
    Worker,
    done,
    free_port,
)

pytestmark = pytest.mark.redis

SERVICE = "mymaster"  # the name tests/multiworker/settings.py gives Sentinel


class Sentinel:
    """A primary, its replica and a Sentinel watching them (quorum 1: it alone decides)."""

    def __init__(self, folder) -> None:
        self.processes = []
        self.primary, self.replica, self.port = free_port(), free_port(), free_port()
        try:
            # A replica writes what it receives to its --dir before loading it.
            here = ("--dir", str(folder))
            self.processes.append(start_redis(self.primary, *here))
            self.processes.append(
                start_redis(self.replica, *here, "--replicaof", "127.0.0.1", str(self.primary))
            )
            self._until(lambda: self._info(self.replica)["master_link_status"] == "up")
            config = folder / "sentinel.conf"  # Sentinel rewrites it: it must be writable
            config.write_text(
                f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary} 1\n"
                f"sentinel down-after-milliseconds {SERVICE} 1000\n"
                f"sentinel failover-timeout {SERVICE} 10000\n"
            )
            self.processes.append(start_redis(self.port, "--sentinel", *here, config=config))
            # Sentinel knows the replica from the primary's INFO (it asks at once on connecting).
            self._until(lambda: self.client().sentinel_slaves(SERVICE))
        except BaseException:
            self.stop()
            raise

    def client(self):
        import redis

        return redis.Redis(port=self.port, decode_responses=True)

    def primary_port(self) -> int:
        return int(self.client().sentinel_get_master_addr_by_name(SERVICE)[1])

    def primary_client(self):
        import redis

        return redis.Redis(port=self.primary_port(), decode_responses=True)

    def _info(self, port: int) -> dict:
        import redis

        return redis.Redis(port=port, decode_responses=True).info("replication")

    @staticmethod
    def _until(ready, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while not ready():
            if time.monotonic() > deadline:
                pytest.fail(f"not ready after {seconds} s: {ready}")
            time.sleep(0.05)

    def crash_primary(self) -> None:
        """The primary's process ends; Sentinel sees it down (after a second) and promotes
        the replica. (``SENTINEL FAILOVER`` would keep the old primary up and taking writes
        until Sentinel turns it into a replica, up to 10 s later: its INFO period.)"""
        from redis.sentinel import Sentinel as Client

        stop_redis(self.processes[0])
        client = Client([("127.0.0.1", self.port)])
        # As the workers' clients ask: a primary Sentinel does not flag as down.
        self._until(lambda: _discovered(client) == ("127.0.0.1", self.replica))
        self._until(lambda: self._info(self.replica)["role"] == "master")

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop_redis(process)


def _discovered(client):
    from redis.sentinel import MasterNotFoundError

    try:
        return client.discover_master(SERVICE)
    except MasterNotFoundError:
        return None


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory):
    servers = Sentinel(tmp_path_factory.mktemp("sentinel"))
    yield servers
    servers.stop()


@pytest.fixture
def redis_client(sentinel):
    """The primary, whichever it is now (the workers' app writes its lists there)."""
    client = sentinel.primary_client()
    yield client
    client.close()


@pytest.fixture(scope="module")
def workers(sentinel, tmp_path_factory):
    """Workers A and B, cache and layer through the Sentinel."""
    logdir = tmp_path_factory.mktemp("workers")
    env = {"BLOCKSSTATE_MW_SENTINELS": f"127.0.0.1:{sentinel.port}"}
    started = []
    try:
        # The Redis URL is unused: the Sentinel settings replace the cache and the layer.
        started.append(Worker("A", "redis://127.0.0.1:1/0", logdir, env))
        started.append(Worker("B", "redis://127.0.0.1:1/0", logdir, env))
        yield tuple(started)
    finally:
        for worker in started:
            worker.stop()


async def test_no_read_goes_to_the_replica(workers, sentinel):
    """After the scenarios above (sessions resumed at the other worker, GlobalState read and
    incremented from both): nothing was read from the replica, which may lag the primary."""
    import redis

    replica = redis.Redis(port=sentinel.replica, decode_responses=True)
    page = await WsPage(workers[1].url, GLOBAL_APP).open()
    assert done(await page.event(GLOBAL_ADD))
    await page.close_page()
    served = {
        name.removeprefix("cmdstat_"): stats["calls"]
        for name, stats in replica.info("commandstats").items()
    }
    assert {c: n for c, n in served.items() if c in ("get", "mget", "exists", "strlen")} == {}


# Last in the module: the primary changes for good.
async def test_after_the_primary_dies_the_workers_go_on_on_the_promoted_replica(workers, sentinel):
    """The primary's process ends; Sentinel promotes the replica. A page connected through it
    is asked to come back (4503), resumes at either worker with what the primary had
    replicated, and its events and new sessions work at both workers."""
    a, b = workers
    page = await WsPage(a.url, APP).open()
    for _ in range(3):
        assert done(await page.event(ADD))
    sentinel.primary_client().wait(1, 5000)  # what was answered is on the replica

    old = sentinel.primary_port()
    sentinel.crash_primary()
    assert sentinel.primary_port() != old

    # The layer's connection under the page was to the old primary: the page is asked back.
    with pytest.raises(ConnectionClosed):
        await page.until(lambda f: False)
    assert page.ws.close_code == CLOSE_TRY_AGAIN
    for worker, count in ((b, 4), (a, 5)):
        page = await WsPage(worker.url, APP).open(resume=page.resume_token)
        assert page.session["resumed"] is True and page.value(COUNT) == count - 1
        frames = await page.event(ADD)
        assert done(frames), frames
        assert page.value(COUNT) == count and page.value(WORKER) == worker.pid
        await page.drop()
    for worker in (a, b):
        fresh = await WsPage(worker.url, APP).open()
        assert done(await fresh.event(ADD)) and fresh.value(COUNT) == 1
        await fresh.close_page()
