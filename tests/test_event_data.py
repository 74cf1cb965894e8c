"""Event data: what the page says of its event reaches handlers annotated for it, checked."""

from __future__ import annotations

import os

import pytest

import blocksstate as gr
from blocksstate import protocol
from blocksstate.testing import PageClient, registered
from tests.helpers_media import media_root, session_file  # noqa: F401

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


def test_an_event_frame_carries_an_object_of_data_or_is_refused():
    frame = protocol.decode('{"type":"event","seq":1,"dep":0,"data":{"index":2}}', 10_000)
    assert frame.data == {"index": 2}
    assert protocol.decode('{"type":"event","seq":1,"dep":0}', 10_000).data is None
    with pytest.raises(protocol.ProtocolError, match="'data' must be a JSON object") as caught:
        protocol.decode('{"type":"event","seq":1,"dep":0,"data":[1]}', 10_000)
    assert caught.value.code == "bad_frame"


def select_app():
    with gr.Blocks() as demo:
        files = gr.File(file_count="multiple")
        out = gr.Textbox(label="Out")

        def selected(evt: gr.SelectData) -> str:
            return f"{evt.target is files} {evt.index} {evt.value} {evt.selected}"

        files.select(selected, None, out)
    return demo, files, out


async def test_a_select_reaches_its_handler_as_select_data():
    demo, files, out = select_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            data = {"index": 1, "value": "b.txt", "selected": True}
            reply = await page.trigger(files, "select", data=data)
            assert reply.status == "done"
            assert page.value(out) == "True 1 b.txt True"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"index": "one"}, "'index' must be an integer or [row, column]"),
        ({"index": [1]}, "'index' must be an integer or [row, column]"),
        ({"index": 1, "selected": "yes"}, "'selected' must be true or false"),
    ],
)
async def test_select_data_that_does_not_fit_is_refused_and_nothing_runs(data, message):
    demo, files, out = select_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            error = (await page.trigger(files, "select", data=data)).error
            assert error["code"] == "invalid_input" and message in error["message"]
            assert page.value(out) == ""


async def test_a_handler_without_data_gets_event_data_with_its_target():
    with gr.Blocks() as demo:
        button = gr.Button("Go")
        out = gr.Textbox()

        def clicked(evt: gr.EventData) -> str:
            return f"{evt.target is button} {evt._data}"

        button.click(clicked, None, out)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Go")
            assert page.value(out) == "True None"


def delete_app(seen):
    with gr.Blocks() as demo:
        files = gr.File(file_count="multiple")

        def deleted(evt: gr.DeletedFileData) -> None:
            seen.append(evt.file)

        files.delete(deleted, None, None)
    return demo, files


async def test_a_delete_gives_the_handler_the_deleted_file_read_by_its_ref():
    seen = []
    demo, files = delete_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, b"gone", "gone.txt")
            reply = await page.trigger(files, "delete", data={"file": given})
            assert reply.status == "done"
    [file] = seen
    assert isinstance(file, gr.FileData)
    assert file.orig_name == "gone.txt" and file.size == 4 and file.mime_type == "text/plain"
    assert os.path.isfile(file.path) and file.url.startswith("/blocksstate/files/")


async def test_a_delete_of_a_forged_or_foreign_file_is_refused_and_nothing_runs():
    seen = []
    demo, files = delete_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as page:
            foreign = session_file(app, other.session_id, b"theirs")
            for data in ({"file": foreign}, {"file": {"ref": "forged"}}, {"file": "a.txt"}):
                error = (await page.trigger(files, "delete", data=data)).error
                assert error["code"] == "invalid_input"
    assert seen == []


def download_app(seen):
    with gr.Blocks() as demo:
        files = gr.File(file_count="multiple")
        out = gr.Textbox(label="Out")

        def downloaded(data: gr.DownloadData) -> str:
            seen.append(data.file)
            return f"Downloaded {data.file.orig_name}"

        files.download(downloaded, None, out)
    return demo, files, out


async def test_a_download_gives_the_handler_download_data_with_the_file_read_by_its_ref():
    seen = []
    demo, files, out = download_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, b"report", "report.txt")
            reply = await page.trigger(files, "download", data={"file": given})
            assert reply.status == "done"
            assert page.value(out) == "Downloaded report.txt"
    [file] = seen
    assert isinstance(file, gr.FileData) and file.size == 6
    assert os.path.isfile(file.path) and file.url.startswith("/blocksstate/files/")


async def test_a_download_of_a_forged_or_foreign_file_is_refused_and_nothing_runs():
    seen = []
    demo, files, out = download_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as page:
            foreign = session_file(app, other.session_id, b"theirs")
            for data in ({"file": foreign}, {"file": {"ref": "forged"}}, {}):
                error = (await page.trigger(files, "download", data=data)).error
                assert error["code"] == "invalid_input"
            assert page.value(out) == ""
    assert seen == []
