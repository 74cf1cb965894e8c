"""Session folders no sweep will delete: their session is gone from the store (a worker died,
the cache was flushed or evicted it) and their newest file is older than the app's ``age``."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from ..app.blocks import DEFAULT_DELETE_CACHE
from ..app.registry import registered
from ..sessions.backends import get_store
from .storage import ROOT, file_storage
from .store import Owner, delete_owner


@dataclass
class Orphans:
    """Session folders found without their session, and the files they hold."""

    owners: list[Owner] = field(default_factory=list)
    files: int = 0


def _listdir(folder: str) -> tuple[list[str], list[str]]:
    try:
        return file_storage().listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return [], []


def _newest(folder: str) -> tuple[float | None, int]:
    """The newest modification time under ``folder`` and how many files it holds."""
    storage: Any = file_storage()
    folders, files = _listdir(folder)
    newest: float | None = None
    count = len(files)
    for name in files:
        try:
            stamp = storage.get_modified_time(f"{folder}/{name}").timestamp()
        except (NotImplementedError, OSError):
            stamp = time.time()  # a storage that cannot tell: kept as if new
        newest = stamp if newest is None else max(newest, stamp)
    for sub in folders:
        stamp, inner = _newest(f"{folder}/{sub}")
        count += inner
        if stamp is not None:
            newest = stamp if newest is None else max(newest, stamp)
    return newest, count


def _age(app: str) -> float:
    blocks = registered().get(app)
    return float((blocks.delete_cache if blocks is not None else DEFAULT_DELETE_CACHE)[1])


async def find_orphans(now: float | None = None) -> Orphans:
    """Session folders whose session the store no longer has, untouched for the app's age."""
    now = time.time() if now is None else now
    store = get_store()
    found = Orphans()
    apps, _ = await asyncio.to_thread(_listdir, ROOT)
    for app in apps:
        age = _age(app)
        sessions, _ = await asyncio.to_thread(_listdir, f"{ROOT}/{app}/sessions")
        for session_id in sessions:
            if await store.read_meta(session_id) is not None:
                continue
            owner = Owner(app, session_id)
            newest, count = await asyncio.to_thread(_newest, owner.folder)
            if newest is None or now - newest > age:
                found.owners.append(owner)
                found.files += count
    return found


async def delete_orphans(now: float | None = None, dry_run: bool = False) -> Orphans:
    """Delete (or only count, ``dry_run``) the orphaned session folders."""
    found = await find_orphans(now)
    if not dry_run:
        for owner in found.owners:
            await asyncio.to_thread(delete_owner, owner)
    return found
