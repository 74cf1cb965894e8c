"""Files on a storage that is not this machine's file system (as S3 is): nothing else changes.

Django's ``InMemoryStorage`` has no ``path()``, like django-storages' S3 backend: uploads,
handlers taking ``filepath``, files handlers return, serving and expiry all go through the
storage API (a handler's path is a local copy, deleted with the session's files).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

import blocksstate as gr
from blocksstate.app.registry import get_engine
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.sweep import expire_session
from blocksstate.testing import registered
from tests.helpers_files import browser, page, stored_names, upload

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


@pytest.fixture
def memory_storage(settings, media):
    settings.STORAGES = {
        **settings.STORAGES,
        "blocksstate-memory": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, "FILE_STORAGE": "blocksstate-memory"}
    return storages["blocksstate-memory"]


def digest_app():
    with gr.Blocks() as demo:
        upload_box = gr.File(label="In")
        digest = gr.Textbox(label="Digest")
        local = gr.Textbox(label="Local")
        back = gr.File(label="Back")

        def read(path):
            data = Path(path).read_bytes()
            return hashlib.sha256(data).hexdigest(), path, path

        upload_box.upload(read, upload_box, [digest, local, back])
    return demo, upload_box, digest, local, back


async def test_a_storage_without_paths_takes_uploads_serves_them_and_deletes_them(
    memory_storage, media
):
    demo, box, digest, local, back = digest_app()
    data = b"not on this disk\n" * 500
    with registered(demo, "memory-files") as app:
        async with page(app) as tab:
            response = await upload(
                browser(), app, tab.session["upload"], box, SimpleUploadedFile("a.txt", data)
            )
            assert response.status_code == 200, response.content
            [record] = response.json()["files"]
            assert memory_storage.exists(record["path"])
            reply = await tab.trigger(box, "upload", values={box: record})
            assert reply.status == "done", reply.frames
            assert tab.value(digest) == hashlib.sha256(data).hexdigest()
            copy = Path(tab.value(local))
            assert copy.read_bytes() == data  # a local copy for the handler
            returned = tab.value(back)
            assert memory_storage.exists(returned["path"])
            served = await browser().get(returned["url"])
            assert served.status_code == 200
            assert b"".join([chunk async for chunk in served.streaming_content]) == data
            session_id = tab.session_id
        assert stored_names(media) == []  # nothing went to MEDIA_ROOT
        await expire_session(get_engine(app), get_store(), session_id)
        assert not memory_storage.exists(record["path"])
        assert not memory_storage.exists(returned["path"])
        assert not copy.exists()
