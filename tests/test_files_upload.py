"""Uploads: into the page's own session, streamed, within the limits and types, or refused whole."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.urls import reverse

from blocksstate.files import limits, sniff
from blocksstate.files.store import Owner
from blocksstate.files.upload import upload as upload_view
from blocksstate.testing import registered
from tests.helpers_files import (
    PNG,
    browser,
    files_app,
    page,
    stored_names,
    upload,
)

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


def png(name="cat.png", data=PNG):
    return SimpleUploadedFile(name, data, "image/png")


async def test_an_upload_is_stored_in_the_session_and_answered_as_page_records(media):
    demo, box, shown = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            token = tab.session["upload"]
            response = await upload(browser(), app, token, box, png())
            assert response.status_code == 200, response.content
            [record] = response.json()["files"]
            assert record["orig_name"] == "cat.png"
            assert record["size"] == len(PNG)
            assert record["mime_type"] == "image/png"
            assert Owner(app, tab.session_id).owns(record["path"])
            assert record["url"].startswith("/blocksstate/files/") and record["ref"]
            stored = media / record["path"]
            assert stored.read_bytes() == PNG
            # The page sends it back as the component's value: the handler gets the record.
            reply = await tab.trigger(box, "change", values={box: record})
            assert reply.status == "done", reply.frames
            assert tab.value(shown) == "cat.png"


async def test_the_upload_needs_a_valid_token_of_a_live_session_of_this_app(media):
    demo, box, _ = files_app()
    other, other_box, _ = files_app()
    with registered(demo, "files") as app, registered(other, "others") as others:
        async with page(app) as tab:
            token = tab.session["upload"]
            client = browser()
            for bad, why in [
                (None, "needs the page's upload token"),
                ("forged", "not valid"),
                (token[:-2] + "xx", "not valid"),
            ]:
                response = await upload(client, app, bad, box, png())
                assert response.status_code == 403
                assert why in response.json()["error"]
            response = await upload(client, others, token, other_box, png())
            assert response.status_code == 403
            assert "another app" in response.json()["error"]
            session_id = tab.session_id
        # The page closed: its session ended.
        response = await upload(client, app, token, box, png())
        assert response.status_code == 403
        assert "session has ended" in response.json()["error"]
        assert stored_names(media) == []
        assert session_id


async def test_an_expired_token_is_refused(media, settings):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, "RESUME_MAX_AGE": -1}
            response = await upload(browser(), app, tab.session["upload"], box, png())
            assert response.status_code == 403
            assert "expired" in response.json()["error"]


async def test_a_cross_origin_upload_is_refused(media):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            token = tab.session["upload"]
            response = await upload(
                browser(), app, token, box, png(), Origin="https://evil.example"
            )
            assert response.status_code == 403
            response = await upload(browser(), app, token, box, png(), Origin="http://testserver")
            assert response.status_code == 200
    assert len(stored_names(media)) == 1


async def test_unknown_apps_and_components_are_404(media):
    demo, box, shown = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            token = tab.session["upload"]
            response = await upload(browser(), "nope", token, box, png())
            assert response.status_code == 404
            for component in (shown, 999, "x"):
                response = await upload(browser(), app, token, component, png())
                assert response.status_code == 404
                assert "does not take files" in response.json()["error"]
    assert stored_names(media) == []


async def test_malformed_uploads_are_400(media):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            token = tab.session["upload"]
            client = browser()
            url = reverse("blocksstate:upload", args=[app])
            headers = {"X-Blocksstate-Upload": token}
            response = await client.post(url, {"component": str(box.id)}, headers=headers)
            assert response.status_code == 400 and "no file" in response.json()["error"]
            response = await client.post(
                url, "{}", content_type="application/json", headers=headers
            )
            assert response.status_code == 400
            response = await client.post(url, {"files": [png()]}, headers=headers)
            assert response.status_code == 400
            assert "component" in response.json()["error"]
            response = await client.get(url, headers=headers)
            assert response.status_code == 405
    assert stored_names(media) == []


async def test_a_file_too_large_is_refused_and_nothing_is_stored(media):
    demo, box, _ = files_app(max_file_size="1kb", file_count="multiple")
    with registered(demo, "files") as app:
        async with page(app) as tab:
            response = await upload(
                browser(),
                app,
                tab.session["upload"],
                box,
                png("small.png"),
                png("big.png", PNG + bytes(2000)),
            )
            assert response.status_code == 413
            assert "big.png is too large" in response.json()["error"]
            assert "1 KB" in response.json()["error"]
    assert stored_names(media) == []


class CountingBody(io.BytesIO):
    """A request body that counts what the server read of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        chunk = super().readline(size)
        self.read_bytes += len(chunk)
        return chunk


def multipart(component: int, name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "xXxBoundaryxXx"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="component"\r\n\r\n{component}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def asgi_request(app: str, token: str, body: bytes, content_type: str, length: int | None = None):
    stream = CountingBody(body)
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body) if length is None else length).encode()),
        (b"x-blocksstate-upload", token.encode()),
    ]
    scope = {
        "type": "http",
        "method": "POST",
        "path": reverse("blocksstate:upload", args=[app]),
        "query_string": b"",
        "headers": headers,
    }
    return ASGIRequest(scope, stream), stream


async def test_an_oversize_file_is_refused_before_the_whole_body_is_read(media):
    demo, box, _ = files_app(max_file_size=256 * 1024)
    with registered(demo, "files") as app:
        async with page(app) as tab:
            body, content_type = multipart(box.id, "big.bin", bytes(4 * 1024 * 1024))
            # A body that claims no more than a component takes is parsed, and cut at the limit.
            request, stream = asgi_request(app, tab.session["upload"], body, content_type, 1000)
            response = await upload_view(request, app)
            assert response.status_code == 413
            assert stream.read_bytes < 1024 * 1024  # of 4 MB
            # A body declared larger than any component takes is refused unread.
            request, stream = asgi_request(app, tab.session["upload"], body, content_type)
            response = await upload_view(request, app)
            assert response.status_code == 413
            assert stream.read_bytes == 0
    assert stored_names(media) == []


async def test_too_many_files_are_refused(media, settings):
    settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, "MAX_UPLOAD_FILES": 2}
    single, one_box, _ = files_app()
    multiple, many_box, _ = files_app(file_count="multiple")
    with registered(single, "single") as one, registered(multiple, "multiple") as many:
        async with page(one) as tab:
            response = await upload(
                browser(), one, tab.session["upload"], one_box, png("a.png"), png("b.png")
            )
            assert response.status_code == 413
            assert "at most 1" in response.json()["error"]
        async with page(many) as tab:
            token = tab.session["upload"]
            three = [png(f"{n}.png") for n in "abc"]
            response = await upload(browser(), many, token, many_box, *three)
            assert response.status_code == 413
            assert "at most 2" in response.json()["error"]
            assert stored_names(media) == []
            response = await upload(browser(), many, token, many_box, *three[:2])
            assert response.status_code == 200
            assert [r["orig_name"] for r in response.json()["files"]] == ["a.png", "b.png"]


@pytest.mark.parametrize(
    "file_types, name, content, taken",
    [
        (["image"], "cat.png", PNG, True),
        (["image"], "cat.jpg", PNG, True),  # an image, whatever its name says
        (["image"], "cat.png", b"just some text, renamed", False),
        ([".png"], "cat.png", b"just some text, renamed", False),
        ([".png"], "cat.txt", PNG, False),
        ([".csv"], "data.csv", b"a,b\n1,2\n", True),
        ([".csv"], "data.csv", PNG, False),
        ([".npy"], "array.npy", b"\x93NUMPY\x01\x00", True),
        ([".dat"], "blob.dat", bytes(range(256)), True),  # a format the table does not claim
        (["audio"], "song.mp3", b"ID3\x03\x00" + bytes(100), True),
        (["audio"], "song.mp3", PNG, False),
        (["video"], "clip.mp4", b"\x00\x00\x00\x18ftypisom" + bytes(100), True),
        (["text"], "notes.md", "# Notes — ünïcode\n".encode(), True),
        (["text"], "notes.md", bytes(range(256)), False),
        ([".pdf", "image"], "paper.pdf", b"%PDF-1.7\n", True),
        (None, "anything.bin", bytes(range(256)), True),
    ],
)
async def test_file_types_are_checked_on_the_content(media, file_types, name, content, taken):
    demo, box, _ = files_app(file_types=file_types)
    with registered(demo, "files") as app:
        async with page(app) as tab:
            upload_file = SimpleUploadedFile(name, content, "application/octet-stream")
            response = await upload(browser(), app, tab.session["upload"], box, upload_file)
            assert response.status_code == (200 if taken else 415), response.content
            if not taken:
                assert name in response.json()["error"]
                assert stored_names(media) == []


async def test_names_with_paths_are_stored_inside_the_session_folder(media):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            for name in (
                "../../../etc/passwd",
                "..\\..\\win.ini",
                "/abs/path.txt",
                "a/../../b.txt",
            ):
                upload_file = SimpleUploadedFile(name, b"text", "text/plain")
                response = await upload(browser(), app, tab.session["upload"], box, upload_file)
                assert response.status_code == 200
                [record] = response.json()["files"]
                assert Owner(app, tab.session_id).owns(record["path"])
                assert "/" not in record["orig_name"] and ".." not in record["path"]
    for name in stored_names(media):
        assert name.startswith(f"blocksstate/{app}/sessions/{tab.session_id}/")


def test_sniffing_tells_the_common_formats():
    assert sniff.sniff(PNG).mime_type == "image/png"
    assert sniff.sniff(b"\xff\xd8\xff\xe0").mime_type == "image/jpeg"
    assert sniff.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ").mime_type == "image/webp"
    assert sniff.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ").mime_type == "audio/wav"
    assert sniff.sniff(b"\x1a\x45\xdf\xa3\x00\x00webm").mime_type == "video/webm"
    assert sniff.sniff(b"PK\x03\x04").family == "archive"
    assert sniff.sniff(bytes(257) + b"ustar").mime_type == "application/x-tar"
    assert sniff.sniff(b"<!DOCTYPE html><p>").mime_type == "text/html"
    assert sniff.sniff(b'<?xml version="1.0"?><svg xmlns="x">').mime_type == "image/svg+xml"
    assert sniff.sniff(b"plain words").family == "text"
    assert sniff.sniff(b"\x00\x01\x02").family == "unknown"


def test_sizes_are_read_as_gradio_writes_them():
    assert limits.parse_size("5mb") == 5 * 1024 * 1024
    assert limits.parse_size("1.5 GB") == int(1.5 * 1024**3)
    assert limits.parse_size("300kb") == 300 * 1024
    assert limits.parse_size(1000) == 1000
    assert limits.parse_size(None) is None
    for bad in ("5 parsecs", "-1mb", 0, -5, "", True):
        with pytest.raises((ValueError, TypeError), match="max_file_size"):
            limits.parse_size(bad)


def test_launch_max_file_size_is_the_app_s_limit(settings):
    demo, box, _ = files_app()
    assert limits.max_file_size(box, demo) == settings.BLOCKSSTATE.get(
        "MAX_FILE_SIZE", 200 * 1024 * 1024
    )
    demo.max_file_size = limits.parse_size("2mb")
    assert limits.max_file_size(box, demo) == 2 * 1024 * 1024
    box.max_file_size = "10kb"
    assert limits.max_file_size(box, demo) == 10 * 1024
