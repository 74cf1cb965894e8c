"""The two-worker scenario on a real 3-node Redis Cluster (the cache; the layer on plain Redis).

Three ``redis-server --cluster-enabled yes`` on free ports, joined by ``redis-cli --cluster
create``; the daphne workers' cache is django-redis with
``blocksstate.state.redis_cluster.ClusterConnectionFactory``. The tests are those of
``tests/test_multiworker.py`` for one session served alternately by both workers and for
GlobalState across workers, run here with this module's ``workers``.
"""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from tests.conftest import require_tool, start_redis, stop_redis
from tests.multiworker.client import WsPage
from tests.multiworker.scenarios import *  # noqa: F403  (the shared two-worker tests)
from tests.test_multiworker import (
    ADD,
    APP,
    Worker,
    free_port,
)

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Three master nodes covering all 16,384 slots; yield a node's URL."""
    folder = tmp_path_factory.mktemp("cluster")
    ports = _cluster_ports(3)
    nodes = []
    try:
        for port in ports:
            nodes.append(
                start_redis(
                    port,
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    f"nodes-{port}.conf",
                    "--dir",
                    str(folder),
                )  # fmt: skip
            )
        subprocess.run(
            [require_tool("redis-cli"), "--cluster", "create",
             *(f"127.0.0.1:{port}" for port in ports), "--cluster-replicas", "0", "--cluster-yes"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        _wait_until_ok(ports)
        yield f"redis://127.0.0.1:{ports[0]}/0"
    finally:
        for node in nodes:
            stop_redis(node)


def _cluster_ports(count: int) -> list[int]:
    """Free ports whose cluster bus port (the port + 10,000) is free and valid too.

    The kernel's ephemeral ports run up to 60,999: a node on 57,000 cannot open its bus
    on 67,000 and redis-server exits at start.
    """
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port + 10000 > 65535 or port in ports:
            continue
        with socket.socket() as bus:
            try:
                bus.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        ports.append(port)
    return ports


def _wait_until_ok(ports: list[int]) -> None:
    import redis

    deadline = time.monotonic() + 30
    for port in ports:
        client = redis.Redis(port=port)
        while client.cluster("info").get("cluster_state") != "ok":
            if time.monotonic() > deadline:
                pytest.fail(f"the cluster is not ok on node {port}")
            time.sleep(0.1)
        client.close()


@pytest.fixture(scope="module")
def redis_client(cluster):
    from redis.cluster import RedisCluster

    client = RedisCluster.from_url(cluster, decode_responses=True)
    yield client
    client.close()


@pytest.fixture(scope="module")
def workers(cluster, redis_server, tmp_path_factory):
    """Workers A and B: the cache on the cluster, the channel layer on the test Redis (db 4)."""
    import redis

    layer_url = redis_server.rsplit("/", 1)[0] + "/4"
    redis.Redis.from_url(layer_url).flushdb()
    logdir = tmp_path_factory.mktemp("workers")
    env = {"BLOCKSSTATE_MW_CLUSTER_URL": cluster}
    started = []
    try:
        started.append(Worker("A", layer_url, logdir, env))
        started.append(Worker("B", layer_url, logdir, env))
        yield tuple(started)
    finally:
        for worker in started:
            worker.stop()


async def test_a_session_s_keys_share_one_slot(workers, redis_client):
    """What the scenarios rely on: a session's keys are in one slot (its scripts would be
    refused otherwise); the sessions themselves spread over the nodes."""
    from redis.crc import key_slot

    nodes = set()
    checked = 0
    # At least 6 sessions, and more until two nodes hold some (30 on one node of 3: 1 in 10^14).
    while checked < 6 or (len(nodes) < 2 and checked < 30):
        page = await WsPage(workers[0].url, APP).open()
        assert (await page.event(ADD))[-1]["type"] == "done"
        keys = [k for node in redis_client.get_primaries() for k in _keys(redis_client, node, page)]
        assert len(keys) >= 3, keys  # its values, meta, version...
        assert len({key_slot(k.encode()) for k in keys}) == 1, keys
        nodes.add(redis_client.get_node_from_key(keys[0]).name)
        await page.close_page()
        checked += 1
    assert len(nodes) > 1, f"{checked} sessions all on one node"


def _keys(client, node, page) -> list[str]:
    return client.keys(f"*{{{page.session_id}}}*", target_nodes=node)
