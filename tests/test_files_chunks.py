"""Chunked uploads: a big file in chunks, each its own request, joined in the session's folder."""

from __future__ import annotations

import os
import secrets
import time
from io import StringIO

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse

from blocksstate.app.registry import get_engine
from blocksstate.files.store import Owner
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.sweep import expire_session
from blocksstate.testing import registered
from tests.helpers_files import PASS_B, PNG, browser, files_app, page, stored_names

pytest_plugins = ["tests.helpers_files_fixtures"]  # media

CHUNK = 8 * 1024


@pytest.fixture
def chunked(media, settings):
    settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, "UPLOAD_CHUNK_BYTES": CHUNK}
    return media


async def send(
    client,
    app,
    token,
    component,
    upload_id,
    name,
    total,
    offset,
    data,
    count=1,
    **headers,
):
    """One chunk as the page sends it."""
    headers = {
        "X-Blocksstate-Upload": token,
        "X-Blocksstate-Upload-Id": upload_id,
        "X-Blocksstate-Component": str(getattr(component, "id", component)),
        "X-Blocksstate-File-Name": name,
        "X-Blocksstate-File-Size": str(total),
        "X-Blocksstate-Offset": str(offset),
        "X-Blocksstate-File-Count": str(count),
        **headers,
    }
    url = reverse("blocksstate:upload_chunk", args=[app])
    return await client.post(url, data, content_type="application/octet-stream", headers=headers)


async def send_file(client, app, token, component, name, content, count=1):
    """Every chunk of ``content`` in order; the last answer."""
    upload_id = secrets.token_urlsafe(16)
    offset = 0
    while True:
        piece = content[offset : offset + CHUNK]
        response = await send(
            client, app, token, component, upload_id, name, len(content), offset, piece, count
        )
        assert response.status_code == 200, response.content
        offset += len(piece)
        if offset >= len(content):
            return response
        assert response.json() == {"received": offset}


def partial_names(media):
    return [name for name in stored_names(media) if "/.partial/" in name]


async def test_a_file_in_chunks_is_stored_whole_and_answered_as_a_page_record(chunked):
    content = PNG + os.urandom(3 * CHUNK + 123)  # 4 chunks, the last one short
    demo, box, shown = files_app(file_types=["image"])
    with registered(demo, "files") as app:
        async with page(app) as tab:
            response = await send_file(
                browser(), app, tab.session["upload"], box, "big cat.png", content
            )
            [record] = response.json()["files"]
            assert record["orig_name"] == "big cat.png"
            assert record["size"] == len(content)
            assert record["mime_type"] == "image/png"
            assert Owner(app, tab.session_id).owns(record["path"])
            assert (chunked / record["path"]).read_bytes() == content
            assert partial_names(chunked) == []  # the parts are gone
            # Served to this browser like any upload, and taken back as the component's value.
            served = await browser().get(record["url"])
            assert b"".join([part async for part in served.streaming_content]) == content
            reply = await tab.trigger(box, "change", values={box: record})
            assert reply.status == "done", reply.frames
            assert tab.value(shown) == "big cat.png"


@pytest.mark.parametrize(
    ("box", "total", "count", "content", "status", "says"),
    [
        ({"max_file_size": 3 * CHUNK}, 3 * CHUNK + 1, 1, PNG, 413, "too large"),
        ({}, 10**12, 1, PNG, 413, "too large"),  # the site's limit (200 MB)
        ({"file_types": ["image"]}, 3 * CHUNK, 1, b"just text " * 500, 415, "not a file"),
        ({}, 3 * CHUNK, 2, PNG, 413, "Too many files"),  # file_count="single"
    ],
)
async def test_the_first_chunk_is_refused_for_size_type_and_count_and_nothing_is_stored(
    chunked, box, total, count, content, status, says
):
    demo, component, _ = files_app(**box)
    with registered(demo, "files") as app:
        async with page(app) as tab:
            head = (content * CHUNK)[:CHUNK]
            response = await send(
                browser(),
                app,
                tab.session["upload"],
                component,
                "u" * 16,
                "a.png",
                total,
                0,
                head,
                count,
            )
            assert response.status_code == status, response.content
            assert says in response.json()["error"]
    assert stored_names(chunked) == []


async def test_a_chunk_out_of_order_is_409_with_the_offset_to_go_on_from(chunked):
    content = PNG + os.urandom(3 * CHUNK)
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            client, token, upload_id = browser(), tab.session["upload"], "x" * 20
            total = len(content)

            def chunk(offset):
                return send(
                    client, app, token, box, upload_id, "a.bin", total, offset,
                    content[offset : offset + CHUNK],
                )  # fmt: skip

            # A chunk before the first: the upload starts at 0.
            response = await chunk(CHUNK)
            assert response.status_code == 409
            assert response.json()["offset"] == 0
            assert (await chunk(0)).json() == {"received": CHUNK}
            # The same chunk again (a retry after a lost answer), or one skipped: go on from CHUNK.
            for offset in (0, 2 * CHUNK):
                response = await chunk(offset)
                assert response.status_code == 409
                assert response.json()["offset"] == CHUNK
                assert "send from byte" in response.json()["error"]
            for offset in range(CHUNK, total, CHUNK):
                response = await chunk(offset)
                assert response.status_code == 200
            [record] = response.json()["files"]
            assert (chunked / record["path"]).read_bytes() == content


async def test_a_chunk_passing_the_declared_size_or_too_big_is_refused(chunked):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            client, token = browser(), tab.session["upload"]
            first = PNG + bytes(CHUNK - len(PNG))
            response = await send(
                client, app, token, box, "y" * 16, "a.bin", 2 * CHUNK - 10, 0, first
            )
            assert response.status_code == 200
            # The second chunk would end 10 bytes past the size declared.
            response = await send(
                client, app, token, box, "y" * 16, "a.bin", 2 * CHUNK - 10, CHUNK, bytes(CHUNK)
            )
            assert response.status_code == 413
            assert "passes the size" in response.json()["error"]
            # A later chunk that names a bigger file than the first did.
            response = await send(
                client, app, token, box, "y" * 16, "a.bin", 3 * CHUNK, CHUNK, bytes(CHUNK)
            )
            assert response.status_code == 400
            assert "another file" in response.json()["error"]
            # A chunk bigger than the setting.
            response = await send(
                client, app, token, box, "z" * 16, "b.bin", 4 * CHUNK, 0, bytes(2 * CHUNK)
            )
            assert response.status_code == 413
            assert "at most" in response.json()["error"]
            assert [name.rsplit("/", 1)[-1] for name in partial_names(chunked)] == [
                "000000000000000",
                "meta.json",
            ]


async def test_chunks_need_this_browser_s_token_of_this_app_and_well_formed_headers(chunked):
    demo, box, _ = files_app()
    other, other_box, _ = files_app()
    with registered(demo, "files") as app, registered(other, "others") as others:
        async with page(app) as tab, page(others, PASS_B) as foreign:
            token = tab.session["upload"]
            for bad in ("forged", foreign.session["upload"]):
                response = await send(browser(), app, bad, box, "w" * 16, "a", CHUNK, 0, PNG)
                assert response.status_code == 403
            response = await send(browser(), others, token, other_box, "w" * 16, "a", CHUNK, 0, PNG)
            assert response.status_code == 403 and "another app" in response.json()["error"]
            response = await send(
                browser(), app, token, box, "w" * 16, "a", CHUNK, 0, PNG,
                Origin="https://evil.example",
            )  # fmt: skip
            assert response.status_code == 403
            for upload_id, total in (("short", "10"), ("w" * 16, "ten"), ("../" * 8, "10")):
                response = await send(browser(), app, token, box, upload_id, "a", total, 0, PNG)
                assert response.status_code == 400
    assert stored_names(chunked) == []


async def test_parts_left_behind_go_with_the_session_and_with_the_cleanup_command(chunked):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            first = PNG + bytes(CHUNK - len(PNG))
            response = await send(
                browser(), app, tab.session["upload"], box, "v" * 16, "a.bin", 3 * CHUNK, 0, first
            )
            assert response.status_code == 200
            session_id = tab.session_id
        assert partial_names(chunked)  # the page went away mid-upload
        await expire_session(get_engine(app), get_store(), session_id)
        assert stored_names(chunked) == []


@pytest.mark.django_db(transaction=True)  # the command also purges the admin's records
async def test_the_cleanup_command_deletes_parts_of_a_session_gone_from_the_store(chunked):
    demo, box, _ = files_app()
    demo.delete_cache = (60, 600)
    with registered(demo, "files") as app:
        async with page(app) as tab:
            first = PNG + bytes(CHUNK - len(PNG))
            response = await send(
                browser(), app, tab.session["upload"], box, "t" * 16, "a.bin", 3 * CHUNK, 0, first
            )
            assert response.status_code == 200
            session_id = tab.session_id
        assert session_id
        caches["default"].clear()  # the session is gone from the store (a flushed cache)
        stamp = time.time() - 3600
        for path in chunked.rglob("*"):
            if path.is_file():
                os.utime(path, (stamp, stamp))
        await sync_to_async(call_command)("blocksstate_cleanup", stdout=StringIO())
        assert stored_names(chunked) == []
