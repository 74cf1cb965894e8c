"""File records as components take and give them: from a page (by its signed ref), to a
handler (a local path, ``NamedString``), from a handler (paths, bytes, URLs: stored), checked
against their owners."""

from __future__ import annotations

import os
from typing import Any

from ..app.event_data import FileData
from ..files import access, store
from ..files.storage import file_storage
from ..files.store import RECORD_KEYS, Owner, Record
from .schema import InvalidValue


def page_owners(required: bool = True) -> tuple[Owner, ...] | None:
    """Whose files the page being served may use (``access.viewing``, set by the engine)."""
    viewer = access.current_viewer.get()
    if viewer is None:
        if required:
            raise InvalidValue("files can only be sent within a session")
        return None
    return viewer.owners


def record_from_page(item: Any, owners: tuple[Owner, ...]) -> Record:
    """The record a page's file names by its ``ref`` (an external URL is kept as it is)."""
    if not isinstance(item, dict):
        raise InvalidValue(f"expected a file, got {type(item).__name__}")
    if item.get("ref") is None and not item.get("path") and is_url(item.get("url")):
        return url_record(item["url"])
    try:
        return access.read_ref(item.get("ref"), owners)
    except access.RefRefused as exc:
        raise InvalidValue(str(exc)) from None


def check_record(item: Any, owners: tuple[Owner, ...]) -> Record:
    """A stored record, checked: its keys, and a file the session or the app owns."""
    if not isinstance(item, dict) or set(item) != set(RECORD_KEYS):
        raise InvalidValue("expected a stored file record (handlers' files are stored first)")
    if not item["path"]:
        if not is_url(item.get("url", item.get("orig_name"))):
            raise InvalidValue("a file record needs a stored path")
        return item
    if owners and not any(owner.owns(item["path"]) for owner in owners):
        raise InvalidValue("the file belongs to another session")
    if Owner.of(item["path"]) is None:
        raise InvalidValue(f"{item['path']!r} is not a stored file")
    return item


def is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def url_record(url: str) -> Record:
    """A file shown from an external URL: nothing stored (its ``path`` is None)."""
    name = url.rsplit("/", 1)[-1].split("?", 1)[0] or "file"
    return {"path": None, "orig_name": url, "size": None, "mime_type": store.guess_type(name)}


class NamedString(str):
    """A file's path as handlers get it: a ``str`` that also has the path as ``.name``.

    As Gradio's: code written for file objects (``[f.name for f in files]``) keeps working.
    """

    @property
    def name(self) -> str:
        return str(self)


def handler_path(rec: Record) -> NamedString:
    """A path of this machine holding the file (an external URL as it is)."""
    if not rec.get("path"):
        return NamedString(rec["orig_name"])
    return NamedString(store.local_path(rec))


def store_file(value: Any, owner: Owner, name: str = "file") -> Record:
    """Store one file a handler returned (path, bytes, record, FileData) for ``owner``."""
    if isinstance(value, FileData):
        return stored_record(value.path, owner) or _save_path(value.path, owner, value.orig_name)
    if isinstance(value, dict) and set(RECORD_KEYS) <= set(value):
        return {key: value[key] for key in RECORD_KEYS}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return store.save_bytes(owner, bytes(value), name)
    if isinstance(value, str) and is_url(value):
        return url_record(value)
    if isinstance(value, (str, os.PathLike)):
        return stored_record(value, owner) or _save_path(value, owner)
    raise InvalidValue(f"expected a file path, bytes or a file record, got {type(value).__name__}")


def _save_path(path: str | os.PathLike[str], owner: Owner, orig_name: str | None = None) -> Record:
    try:
        return store.save_path(owner, path, orig_name)
    except store.FileRefused as exc:
        raise InvalidValue(str(exc)) from None


def stored_record(path: str | os.PathLike[str], owner: Owner) -> Record | None:
    """The record of a path that is already ``owner``'s (or its app's) stored file, if it is.

    A handler that returns the path it was given (``type="filepath"``) is not copied.
    """
    name = store.stored_name(path)
    if name is None or not (owner.owns(name) or Owner(owner.app).owns(name)):
        return None
    storage = file_storage()
    return store.record(name, name.rsplit("/", 1)[-1], storage.size(name))


# -- the components ------------------------------------------------------------------------------
