"""Files die with their session: the expiry, the cleanup command, and GlobalState's own copies."""

from __future__ import annotations

import itertools
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

import blocksstate as gr
from blocksstate.app.registry import get_engine
from blocksstate.files import access
from blocksstate.files.store import Owner, local_path, save_bytes
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.sweep import expire_session
from blocksstate.testing import registered
from tests.helpers_files import (
    PNG,
    FileBox,
    browser,
    files_app,
    page,
    stored_names,
    upload,
)

_keys = itertools.count()

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


async def uploaded(app, tab, box, name="cat.png"):
    upload_file = SimpleUploadedFile(name, PNG, "image/png")
    response = await upload(browser(), app, tab.session["upload"], box, upload_file)
    assert response.status_code == 200, response.content
    return response.json()["files"][0]


async def test_an_expired_session_s_files_are_deleted(media):
    demo, box, _ = files_app()
    with registered(demo, "files") as app:
        async with page(app) as tab:
            record = await uploaded(app, tab, box)
            session_id = tab.session_id
        folder = media / Owner(app, session_id).folder
        assert folder.is_dir()
        await expire_session(get_engine(app), get_store(), session_id)
        assert not folder.exists()
        assert (await browser().get(record["url"])).status_code == 404


def age_files(root, seconds):
    """Make every file under ``root`` look ``seconds`` old."""
    stamp = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))


@pytest.mark.django_db(transaction=True)  # the command also purges the admin's records
async def test_the_cleanup_command_deletes_orphaned_folders_only(media):
    demo, box, _ = files_app()
    demo.delete_cache = (60, 600)
    with registered(demo, "files") as app:
        async with page(app) as live:
            await uploaded(app, live, box, "live.png")
            orphan = Owner(app, "gone-session")
            await sync_to_async(save_bytes)(orphan, b"old", "old.txt")
            recent = Owner(app, "gone-but-recent")
            age_files(media, 3600)  # older than the app's age (600 s)
            await sync_to_async(save_bytes)(recent, b"new", "new.txt")

            out = StringIO()
            await sync_to_async(call_command)("blocksstate_cleanup", "--dry-run", stdout=out)
            assert out.getvalue().splitlines()[1] == (
                "Would remove the files of 1 ended session(s) (1 file(s))."
            )
            assert (media / orphan.folder).is_dir()

            out = StringIO()
            await sync_to_async(call_command)("blocksstate_cleanup", stdout=out)
            assert out.getvalue().splitlines()[1] == (
                "Removed the files of 1 ended session(s) (1 file(s))."
            )
            assert not (media / orphan.folder).exists()
            assert (media / recent.folder).is_dir()  # newer than the age: perhaps still in use
            assert (media / Owner(app, live.session_id).folder).is_dir()  # its session is live


async def test_a_global_state_keeps_a_session_file_after_the_session_expires(media):
    with gr.Blocks() as demo:
        box = FileBox()
        shared = gr.GlobalState(None, key=f"test-files-global-{next(_keys)}")
        path_shared = gr.GlobalState(None, key=f"test-files-global-{next(_keys)}")

        def keep(rec):
            return {"latest": rec}, local_path(rec)

        box.change(keep, box, [shared, path_shared])
    with registered(demo, "files") as app:
        async with page(app) as tab:
            record = await uploaded(app, tab, box)
            reply = await tab.trigger(box, "change", values={box: record})
            assert reply.status == "done", reply.frames
            session_id = tab.session_id
        await expire_session(get_engine(app), get_store(), session_id)
        kept = (await shared.aget())["latest"]
        assert Owner(app).owns(kept["path"])
        assert kept["orig_name"] == "cat.png" and kept["mime_type"] == "image/png"
        assert (media / kept["path"]).read_bytes() == PNG
        assert Path(await path_shared.aget()).read_bytes() == PNG
        assert str(media / Owner(app).folder) in await path_shared.aget()
        assert not any(f"sessions/{session_id}" in name for name in stored_names(media))
        # Any page may read the app's copy.
        response = await browser(None).get(access.file_url(kept["path"], None))
        assert response.status_code == 200


def test_a_file_storage_alias_not_in_storages_is_a_check_error(settings):
    settings.BLOCKSSTATE = {"FILE_STORAGE": "nowhere"}
    errors = [m for m in run_checks() if m.id == "blocksstate.E005"]
    assert len(errors) == 1
    assert "'nowhere'" in errors[0].msg and "STORAGES" in errors[0].hint
    settings.BLOCKSSTATE = {"FILE_STORAGE": "default"}
    assert not [m for m in run_checks() if m.id == "blocksstate.E005"]
