"""One GlobalState changed by two daphne workers and a plain process at once (issue 21).

1,000 ``incr(1)``: 333 from an async view of worker A (``aincr``), 333 from a sync view of
worker B (``incr``), 334 from a separate Python process with eight threads, all on one
Redis. The value ends at exactly 1,000, written with version 1,000 (one per change, the
value and its version in one Lua script), every page on either worker shows 1,000, and no
session ran its listener twice for one value.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import urllib.request
from collections import defaultdict

import pytest

from tests import test_multiworker
from tests.multiworker.client import WsPage
from tests.multiworker.tally_app import APP, KEY, build
from tests.test_multiworker import ROOT, Worker

pytestmark = pytest.mark.redis

# The two workers and their Redis database, as in tests/test_multiworker.py (for this module).
redis_db = test_multiworker.redis_db
workers = test_multiworker.workers

DEMO = build()
TALLY = next(c.id for c in DEMO.components.values() if getattr(c, "label", None) == "Tally")
# Generous: the machine may be loaded; the test waits for what the pages show, never for time.
PROCESS_TIMEOUT = 300


def http_url(worker: Worker) -> str:
    return worker.url.replace("ws://", "http://")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=PROCESS_TIMEOUT) as response:
        return response.read().decode()


async def until_shows(page: WsPage, value: int) -> None:
    if page.value(TALLY) != value:
        await page.until(lambda f: f["type"] == "update" and page.value(TALLY) == value)


async def test_a_thousand_increments_from_two_workers_and_a_process_end_exact(workers, redis_db):
    a, b = workers
    url, client = redis_db
    pages = [await WsPage(worker.url, APP).open() for worker in (a, b, a, b)]
    assert [page.value(TALLY) for page in pages] == [0, 0, 0, 0]

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.multiworker.settings",
        "BLOCKSSTATE_MW_REDIS_URL": url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.multiworker.incr_process", "334", "8"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    answers = await asyncio.gather(
        *(asyncio.to_thread(fetch, f"{http_url(a)}/tally/async/?n=111") for _ in range(3)),
        *(asyncio.to_thread(fetch, f"{http_url(b)}/tally/sync/?n=37") for _ in range(9)),
    )
    out, err = await asyncio.to_thread(process.communicate, timeout=PROCESS_TIMEOUT)
    assert process.returncode == 0, err
    assert sum(map(int, answers)) + int(out) == 1000

    # Stored as django-redis stores it: the value and its version, both exact.
    assert client.get(f":1:blocksstate:global:{{{KEY}}}") == "1000"
    assert client.get(f":1:blocksstate:global:{{{KEY}}}:version") == "1000"

    for page in pages:
        await until_shows(page, 1000)

    runs: dict[str, list[int]] = defaultdict(list)
    for entry in client.lrange("mw:tally-runs", 0, -1):
        session, value = entry.split("|")
        runs[session].append(int(value))
    for page in pages:
        seen = runs[page.session_id]
        assert len(seen) == len(set(seen)), f"a listener ran twice for one value: {seen}"
        assert seen == sorted(seen) and seen[-1] == 1000
    for page in pages:
        await page.close_page()
    for worker in (a, b):
        worker.assert_quiet()
        # Told at most every ANNOUNCE_INTERVAL per process: no page's channel overflowed.
        assert "over capacity" not in worker.log()
