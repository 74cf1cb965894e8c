"""Saving, opening and deleting files, each owned by one session or by its app.

A stored file is described by a *record*, the JSON-safe dict a component keeps as
its value (Gradio's ``FileData`` fields)::

    {"path": "blocksstate/<app>/sessions/<session id>/<random>/photo.png",
     "orig_name": "photo.png", "size": 48213, "mime_type": "image/png"}

``path`` is the name in the storage (``storage.file_storage()``), never a path of
this machine. The folder a name is in says who owns it: a session
(``<app>/sessions/<session id>/``) or the app (``<app>/app/``, content-addressed:
the files of component defaults and of GlobalState values). Every function here
may block (the storage may be S3): call them in a handler thread, never on the
event loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename

from ..conf import setting
from .storage import ROOT, file_storage

Record = dict[str, Any]

RECORD_KEYS = ("path", "orig_name", "size", "mime_type")


class FileRefused(ValueError):
    """A file cannot be stored or read as asked (outside the allowed paths, unknown, too big)."""


@dataclass(frozen=True)
class Owner:
    """Who a file belongs to: one session of an app, or the app itself (``session_id`` None)."""

    app: str
    session_id: str | None = None

    @property
    def folder(self) -> str:
        """The storage folder of this owner's files."""
        if self.session_id is None:
            return f"{ROOT}/{self.app}/app"
        return f"{ROOT}/{self.app}/sessions/{self.session_id}"

    def owns(self, name: str) -> bool:
        """Whether the stored ``name`` is one of this owner's files."""
        return name.startswith(self.folder + "/") and ".." not in name.split("/")

    @classmethod
    def of(cls, name: str) -> Owner | None:
        """The owner of a stored name, or None for a name outside blocksstate's folders."""
        parts = name.split("/")
        if len(parts) < 4 or parts[0] != ROOT or ".." in parts or "" in parts:
            return None
        if parts[2] == "app":
            return cls(parts[1])
        if parts[2] == "sessions" and len(parts) >= 5:
            return cls(parts[1], parts[3])
        return None


def record(name: str, orig_name: str, size: int, mime_type: str | None = None) -> Record:
    """The record of a stored file."""
    return {
        "path": name,
        "orig_name": orig_name,
        "size": int(size),
        "mime_type": mime_type or guess_type(orig_name),
    }


def guess_type(file_name: str) -> str:
    """The MIME type a file name suggests (``application/octet-stream`` when unknown)."""
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"


def safe_name(orig_name: str) -> str:
    """A storage-safe version of a visitor's file name (kept readable, never a path)."""
    base = os.path.basename(str(orig_name).replace("\\", "/")) or "file"
    return (get_valid_filename(base) or "file")[:120]


def _new_name(owner: Owner, orig_name: str, digest: str | None = None) -> str:
    # A session's files each get a random folder, so two uploads of "a.png" never meet;
    # the app's are named by their content, so a default is stored once.
    folder = digest[:32] if digest else secrets.token_hex(8)
    return f"{owner.folder}/{folder}/{safe_name(orig_name)}"


def save_file(
    owner: Owner, content: IO[bytes] | File, orig_name: str, mime_type: str | None = None
) -> Record:
    """Store an open file (read in chunks, never whole) for ``owner``; return its record."""
    storage = file_storage()
    django_file = content if isinstance(content, File) else File(content, name=orig_name)
    name = storage.save(_new_name(owner, orig_name), django_file)
    return record(name, orig_name, storage.size(name), mime_type)


def save_bytes(owner: Owner, data: bytes, orig_name: str, mime_type: str | None = None) -> Record:
    """Store ``data`` for ``owner``; return its record (the app's are stored once per content)."""
    storage = file_storage()
    digest = hashlib.sha256(data).hexdigest() if owner.session_id is None else None
    name = _new_name(owner, orig_name, digest)
    if digest is None or not storage.exists(name):
        name = storage.save(name, ContentFile(data))
    return record(name, orig_name, len(data), mime_type)


def save_path(owner: Owner, path: str | os.PathLike[str], orig_name: str | None = None) -> Record:
    """Copy a file of this machine into the storage for ``owner``; return its record.

    Only files under an allowed folder are taken (``allowed_folders``): a handler that
    returns a path built from a visitor's input cannot serve ``/etc/passwd``.
    """
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise FileRefused(f"{os.fspath(path)!r} is not a file")
    if not any(resolved.is_relative_to(folder) for folder in allowed_folders()):
        raise FileRefused(
            f"{os.fspath(path)!r} is outside the folders files may be served from (the working "
            "directory, the temporary directory and BLOCKSSTATE['FILES_ALLOWED_PATHS']); "
            "add its folder to FILES_ALLOWED_PATHS to serve it"
        )
    orig_name = orig_name or resolved.name
    if owner.session_id is None:
        return save_bytes(owner, resolved.read_bytes(), orig_name)
    with resolved.open("rb") as handle:
        return save_file(owner, handle, orig_name)


def allowed_folders() -> list[Path]:
    """Folders whose files a handler may return by path."""
    folders = [Path.cwd(), Path(tempfile.gettempdir())]
    folders += [Path(folder) for folder in setting("FILES_ALLOWED_PATHS")]
    return [folder.resolve() for folder in folders]


def open_file(rec: Record) -> File:
    """Open a stored file for reading (binary)."""
    return file_storage().open(rec["path"], "rb")


def read_bytes(rec: Record) -> bytes:
    """The content of a stored file."""
    with open_file(rec) as handle:
        return handle.read()


def local_path(rec: Record) -> str:
    """A path of this machine that holds the file, for handlers that take ``filepath``.

    The storage's own path where it has one (the file system); otherwise a copy in this
    machine's temporary directory, kept under the owner's folder name so that
    ``delete_owner`` removes it with the rest.
    """
    storage = file_storage()
    with contextlib.suppress(NotImplementedError):
        own = storage.path(rec["path"])
        if os.path.isfile(own):  # InMemoryStorage has a path() where nothing is
            return own
    target = Path(tempfile.gettempdir(), "blocksstate-local", *rec["path"].split("/"))
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + f".{secrets.token_hex(4)}.part")
        with open_file(rec) as source, partial.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        partial.replace(target)
    return str(target)


def delete_owner(owner: Owner) -> int:
    """Delete every file of ``owner`` (and this machine's local copies); return how many."""
    storage = file_storage()
    count = _delete_tree(storage, owner.folder)
    local = Path(tempfile.gettempdir(), "blocksstate-local", *owner.folder.split("/"))
    shutil.rmtree(local, ignore_errors=True)
    return count


def _delete_tree(storage: Any, folder: str) -> int:
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return 0
    count = 0
    for file_name in files:
        storage.delete(f"{folder}/{file_name}")
        count += 1
    for sub in folders:
        count += _delete_tree(storage, f"{folder}/{sub}")
    with contextlib.suppress(OSError, NotImplementedError):
        os.rmdir(storage.path(folder))  # the empty folder of a file-system storage
    return count


# -- files given to the app (GlobalState values) ----------------------------------------------


def is_record(value: Any) -> bool:
    """Whether ``value`` is a stored file's record."""
    return (
        isinstance(value, dict)
        and all(key in value for key in RECORD_KEYS)
        and isinstance(value["path"], str)
    )


def copy_to(rec: Record, owner: Owner) -> Record:
    """A copy of a stored file owned by ``owner`` (the app's: stored once per content)."""
    storage = file_storage()
    digest = hashlib.sha256()
    with open_file(rec) as source:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            digest.update(chunk)
    name = _new_name(owner, rec["orig_name"], digest.hexdigest())
    if owner.session_id is not None or not storage.exists(name):
        with open_file(rec) as source:
            name = storage.save(name, File(source, name=rec["orig_name"]))
    return record(name, rec["orig_name"], rec["size"], rec["mime_type"])


def stored_name(path: str | os.PathLike[str]) -> str | None:
    """The storage name of a local path that is one of blocksstate's stored files, or None.

    Only a storage with local paths (the file system) has such paths; a handler that
    returns the path it was given then names a file already stored, not a new one.
    """
    storage = file_storage()
    try:
        base = Path(storage.path("")).resolve()
        resolved = Path(path).resolve()
    except (NotImplementedError, OSError, ValueError):
        return None
    if not resolved.is_relative_to(base) or not resolved.is_file():
        return None
    name = resolved.relative_to(base).as_posix()
    return name if Owner.of(name) is not None else None


def _session_file_of_path(value: str) -> str | None:
    """The stored name of a session's file that ``value`` is the local path of, or None."""
    name = stored_name(value)
    owner = Owner.of(name) if name is not None else None
    return name if owner is not None and owner.session_id is not None else None


def holds_session_files(value: Any, depth: int = 0) -> bool:
    """Whether a value holds a session's record, or a path string (cheap: no file is read)."""
    if depth > 20:
        return False
    if is_record(value):
        owner = Owner.of(value["path"])
        return owner is not None and owner.session_id is not None
    if isinstance(value, str):
        return os.path.isabs(value) and f"/{ROOT}/" in value.replace(os.sep, "/")
    if isinstance(value, dict):
        return any(holds_session_files(item, depth + 1) for item in value.values())
    if isinstance(value, list | tuple):
        return any(holds_session_files(item, depth + 1) for item in value)
    return False


def give_to_app(value: Any, app: str, depth: int = 0) -> Any:
    """``value`` with each session's file it holds copied to the app's folder (blocks).

    A GlobalState outlives every session: a record or a local path of a session's
    file is replaced with the app's copy (a path with the copy's path), so the file
    stays when that session expires.
    """
    if depth > 20:
        return value
    if is_record(value):
        owner = Owner.of(value["path"])
        if owner is None or owner.session_id is None:
            return value
        kept = {k: v for k, v in value.items() if k not in ("url", "ref")}  # a page's form
        return {**kept, **copy_to(value, Owner(app))}
    if isinstance(value, str):
        name = _session_file_of_path(value) if holds_session_files(value) else None
        if name is None:
            return value
        size = file_storage().size(name)
        return local_path(copy_to(record(name, name.rsplit("/", 1)[-1], size), Owner(app)))
    if isinstance(value, dict):
        return {key: give_to_app(item, app, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [give_to_app(item, app, depth + 1) for item in value]
    if isinstance(value, tuple):
        items = [give_to_app(item, app, depth + 1) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    return value
