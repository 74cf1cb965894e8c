"""Reading files: only by the browser a URL was signed for, safely typed, in ranges."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blocksstate.files import access
from blocksstate.files.store import Owner, save_bytes
from blocksstate.testing import registered
from tests.helpers_files import (
    PASS_A,
    PASS_B,
    PNG,
    browser,
    files_app,
    page,
    upload,
)

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


async def body(response) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


async def uploaded(app, tab, box, name="cat.png", data=PNG, client=None):
    upload_file = SimpleUploadedFile(name, data, "application/octet-stream")
    response = await upload(client or browser(), app, tab.session["upload"], box, upload_file)
    assert response.status_code == 200, response.content
    return response.json()["files"][0]


async def test_the_uploading_browser_reads_its_file_with_safe_headers(media):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            record = await uploaded(app, tab, box)
            response = await browser().get(record["url"])
            assert response.status_code == 200
            assert await body(response) == PNG
            assert response["Content-Type"] == "image/png"
            assert response["Content-Length"] == str(len(PNG))
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Security-Policy"] == "sandbox"
            assert response["Cache-Control"] == "private"
            assert response["Content-Disposition"].startswith("inline")


async def test_only_images_audio_and_video_are_shown_inline(media):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            for name, data, mime in [
                ("page.html", b"<!doctype html><script>alert(1)</script>", "text/html"),
                ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml"),
                ("notes.txt", b"hello", "text/plain"),
                ("paper.pdf", b"%PDF-1.4\n", "application/pdf"),
            ]:
                record = await uploaded(app, tab, box, name, data)
                response = await browser().get(record["url"])
                assert response.status_code == 200
                assert response["Content-Type"] == mime
                assert response["Content-Disposition"].startswith("attachment"), name
                assert response["Content-Security-Policy"] == "sandbox"


async def test_another_browser_cannot_read_a_session_s_file(media):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app, PASS_A) as tab_a, page(app, PASS_B) as tab_b:
            record = await uploaded(app, tab_a, box)
            assert (await browser(PASS_B).get(record["url"])).status_code == 403
            assert (await browser(None).get(record["url"])).status_code == 403
            assert (await browser(PASS_A).get(record["url"])).status_code == 200
            # A's page record sent as B's input is refused, and changes nothing.
            reply = await tab_b.trigger(box, "change", values={box: record})
            assert reply.status == "error"
            assert "another session" in reply.error["message"]
            # B's own upload is B's.
            mine = await uploaded(app, tab_b, box, client=browser(PASS_B))
            reply = await tab_b.trigger(box, "change", values={box: mine})
            assert reply.status == "done"


async def test_values_sent_to_a_page_carry_urls_for_its_browser(media):
    """An event's update signs the URL for the page's own pass: the page can read it."""
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app, PASS_B) as tab:
            record = await uploaded(app, tab, box, client=browser(PASS_B))
            await tab.trigger(box, "change", values={box: record})
            # The page echoes its value; resync on resume signs it again.
            session_id, resume = tab.session_id, tab.resume_token
            await tab.drop()
        resumed = await page(app, PASS_B).open(resume=resume)
        assert resumed.session_id == session_id
        value = resumed.value(box)  # the resync's
        assert value["path"] == record["path"]
        assert (await browser(PASS_B).get(value["url"])).status_code == 200
        assert (await browser(PASS_A).get(value["url"])).status_code == 403
        await resumed.close()


async def test_tampered_expired_and_guessed_urls(media, settings):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            record = await uploaded(app, tab, box)
            token, name = record["url"].rstrip("/").split("/")[-2:]
            tampered = reverse("blocksstate:file", args=[token[:-3] + "abc", name])
            assert (await browser().get(tampered)).status_code == 403
            wrong_name = reverse("blocksstate:file", args=[token, "other.png"])
            assert (await browser().get(wrong_name)).status_code == 404
            # A URL for a name that is not stored (guessed, or deleted since): 404.
            digest = access.pass_digest({"blocksstate_pass": PASS_A})
            guessed = access.file_url(
                f"blocksstate/{app}/sessions/{tab.session_id}/0000/cat.png",
                access.Viewer(app, tab.session_id, digest),
            )
            assert (await browser().get(guessed)).status_code == 404
            outside = access.file_url("blocksstate/../../etc/passwd", None)
            assert (await browser().get(outside)).status_code == 403
            settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, "FILE_URL_MAX_AGE": -1}
            response = await browser().get(record["url"])
            assert response.status_code == 403
            assert b"expired" in response.content


async def test_app_files_are_readable_by_any_browser(media):
    record = save_bytes(Owner("files"), PNG, "default.png")
    url = access.file_url(record["path"], None, "image/png")
    response = await browser(None).get(url)
    assert response.status_code == 200
    assert await body(response) == PNG


async def test_range_requests_let_media_seek(media):
    data = bytes(range(256)) * 40  # 10240 bytes
    record = save_bytes(Owner("files"), data, "clip.mp4", "video/mp4")
    url = access.file_url(record["path"], None, "video/mp4")
    client = browser(None)
    response = await client.get(url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 100-199/10240"
    assert response["Content-Length"] == "100"
    assert await body(response) == data[100:200]
    response = await client.get(url, headers={"Range": "bytes=10000-"})
    assert response.status_code == 206
    assert await body(response) == data[10000:]
    response = await client.get(url, headers={"Range": "bytes=-40"})
    assert await body(response) == data[-40:]
    response = await client.get(url, headers={"Range": "bytes=20000-"})
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */10240"
    response = await client.get(url, headers={"Range": "bytes=0-1,5-9"})  # several: answered whole
    assert response.status_code == 200
    assert await body(response) == data
    response = await client.get(url)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"].startswith("inline")
