"""Files with several workers: one shared storage, any worker serves any session's file.

Two daphne workers (tests/test_multiworker.py's), one Redis, one MEDIA_ROOT they share:
the page's socket is on worker A, its upload goes to worker B, the handler on A reads
the file, and the file it returns is served by B to the page's browser (and to no other).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import urllib.error
import urllib.request

import pytest

from tests.multiworker.client import WsPage
from tests.multiworker.files_app import APP, build
from tests.test_multiworker import redis_db, workers  # noqa: F401  (module fixtures)

pytestmark = pytest.mark.redis

DEMO = build()
IDS = {c.label: c.id for c in DEMO.components.values() if getattr(c, "label", None)}
READ = 0  # the Read button's click


def http_base(worker) -> str:
    return worker.url.replace("ws://", "http://")


def post_upload(worker, token: str, cookie: str, name: str, data: bytes) -> tuple[int, dict]:
    boundary = secrets.token_hex(8)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="component"\r\n\r\n'
            f"{IDS['Upload']}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{http_base(worker)}/blocksstate/upload/{APP}/",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Blocksstate-Upload": token,
            "Cookie": cookie,
        },
        method="POST",
    )
    return _open(request)


def get(worker, path: str, cookie: str | None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        http_base(worker) + path, headers={"Cookie": cookie} if cookie else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _open(request) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


async def test_a_file_uploaded_to_one_worker_is_read_and_served_by_the_other(workers):  # noqa: F811
    a, b = workers
    cookie = f"blocksstate_pass={secrets.token_urlsafe(32)}"
    page = await WsPage(a.url, APP, cookie=cookie).open()
    data = b"shared between workers\n" * 1000

    status, answer = await asyncio.to_thread(
        post_upload, b, page.session["upload"], cookie, "notes.txt", data
    )
    assert status == 200, answer
    uploaded = answer["files"][0]

    frames = await page.event(READ, {str(IDS["Upload"]): uploaded})
    assert frames[-1]["type"] == "done", frames
    assert page.value(IDS["Digest"]) == hashlib.sha256(data).hexdigest()
    assert page.value(IDS["Worker"]) == a.pid

    copy = page.value(IDS["Copy"])
    assert copy["orig_name"] == "notes.txt"
    status, body = await asyncio.to_thread(get, b, copy["url"], cookie)
    assert (status, body) == (200, data)
    other = f"blocksstate_pass={secrets.token_urlsafe(32)}"
    status, _ = await asyncio.to_thread(get, b, copy["url"], other)
    assert status == 403
    await page.close_page()
    a.assert_quiet()
    b.assert_quiet()
