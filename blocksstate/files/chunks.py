"""``POST /blocksstate/upload/<app>/chunk/``: a big file sent in chunks, each its own request.

daphne receives a request's whole body before the application runs and then queues it
to the application all at once (docs/files.md), so one big upload costs the server many
times the file in memory. The page therefore sends a file bigger than
``UPLOAD_CHUNK_BYTES`` in chunks of at most that size: a raw
``application/octet-stream`` body per request, and headers naming the upload::

    X-Blocksstate-Upload        the page's upload token (as for the multipart endpoint)
    X-Blocksstate-Upload-Id     a random id the page picks for this file (16-64 of [A-Za-z0-9_-])
    X-Blocksstate-Component     the component's id
    X-Blocksstate-File-Name     the file's name, percent-encoded (encodeURIComponent)
    X-Blocksstate-File-Size     the file's total size in bytes
    X-Blocksstate-Offset        where this chunk starts in the file
    X-Blocksstate-File-Count    how many files the page's batch holds

Each chunk is kept as its own object in the storage (its API has no append), so the
chunks of one file may land on different workers::

    <session folder>/.partial/<upload id>/meta.json        name, size, component, type
    <session folder>/.partial/<upload id>/<offset, 15 digits>

The first chunk (offset 0) is refused at once when the declared size is over the limit,
the count over the component's, or its first bytes sniff as a type it does not take;
every chunk is refused when it would pass the declared size (413), or when it does not
start where the parts stored end (409, answering that offset, so the page can go on
from there). The last one joins the parts into the file by streaming them in order,
deletes them, and is answered ``{"files": [page record]}``; the others
``{"received": <bytes stored so far>}``. Parts left behind (a page closed mid-upload)
are in the session's folder: deleted with the session, or by ``blocksstate_cleanup``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import unquote

from django.core.files import File
from django.core.files.base import ContentFile
from django.http import HttpRequest
from django.utils.translation import gettext

from ..conf import setting
from . import sniff
from .rules import Refused, Rules
from .storage import file_storage
from .store import FileRefused, Owner, Record, safe_name, save_file

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PARTIAL = ".partial"
META = "meta.json"
READ_BYTES = 64 * 1024


class OutOfOrder(Refused):
    """A chunk that does not start where the stored parts end (409, with where they end)."""

    def __init__(self, offset: int) -> None:
        super().__init__(409, f"This chunk does not follow the upload: send from byte {offset}.")
        self.offset = offset


def _number(request: HttpRequest, header: str) -> int:
    value = request.headers.get(header, "")
    if not value.isdigit():
        raise Refused(400, f"A chunk needs the header {header} (a number of bytes).")
    return int(value)


@dataclass(frozen=True)
class Chunk:
    """What a chunk's headers say."""

    upload_id: str
    component: str
    file_name: str
    total: int
    offset: int
    count: int
    length: int

    @classmethod
    def of(cls, request: HttpRequest) -> Chunk:
        """Read the headers of a chunk; 400 for one missing or malformed."""
        upload_id = request.headers.get("X-Blocksstate-Upload-Id", "")
        if not UPLOAD_ID.match(upload_id):
            raise Refused(400, "A chunk needs an upload id (16-64 letters, digits, - or _).")
        component = request.headers.get("X-Blocksstate-Component", "")
        if not component:
            raise Refused(400, "A chunk needs the header X-Blocksstate-Component.")
        file_name = unquote(request.headers.get("X-Blocksstate-File-Name", ""))
        if not file_name.strip():
            raise Refused(400, "A chunk needs the file's name (X-Blocksstate-File-Name).")
        return cls(
            upload_id=upload_id,
            component=component,
            file_name=file_name,
            total=_number(request, "X-Blocksstate-File-Size"),
            offset=_number(request, "X-Blocksstate-Offset"),
            count=_number(request, "X-Blocksstate-File-Count"),
            length=_number(request, "Content-Length"),
        )

    def check_length(self, rules: Rules) -> None:
        """Refuse, before its body is read, a chunk too big or past the file's declared size."""
        biggest = int(setting("UPLOAD_CHUNK_BYTES"))
        if self.length > biggest:
            raise Refused(413, f"A chunk may hold at most {biggest} bytes.")
        if self.offset + self.length > self.total:
            raise Refused(413, f"{self.file_name}: this chunk passes the size the upload declared.")
        if self.offset == 0:
            rules.check_size(self.file_name, self.total)
            rules.check_count(self.count)
            if self.length < min(self.total, sniff.SNIFF_BYTES):
                raise Refused(400, f"The first chunk must hold at least {sniff.SNIFF_BYTES} bytes.")
        elif self.length == 0:
            raise Refused(400, "A chunk after the first must hold some bytes.")


def _folder(owner: Owner, upload_id: str) -> str:
    return f"{owner.folder}/{PARTIAL}/{upload_id}"


def _parts(storage: Any, folder: str) -> list[tuple[int, str]]:
    """The stored parts of an upload, ``(offset, name)`` in order."""
    try:
        _, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return []
    return sorted((int(name), f"{folder}/{name}") for name in files if name.isdigit())


def _received(storage: Any, parts: list[tuple[int, str]]) -> int:
    """Where the stored parts end."""
    if not parts:
        return 0
    offset, name = parts[-1]
    return offset + storage.size(name)


def _read_body(request: HttpRequest, chunk: Chunk) -> tuple[IO[bytes], bytes]:
    """The chunk's body in a temporary file (64 KB at a time), and its first bytes."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (returned open, closed by the caller)
    head = b""
    size = 0
    try:
        while data := request.read(READ_BYTES):
            size += len(data)
            if size > chunk.length:
                raise Refused(400, "The chunk is longer than its Content-Length.")
            if len(head) < sniff.SNIFF_BYTES:
                head += data[: sniff.SNIFF_BYTES - len(head)]
            spool.write(data)
        if size != chunk.length:
            raise Refused(400, "The chunk is shorter than its Content-Length.")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, head


def _meta(storage: Any, folder: str) -> dict[str, Any] | None:
    try:
        with storage.open(f"{folder}/{META}", "rb") as handle:
            return json.loads(handle.read())
    except (FileNotFoundError, OSError, ValueError):
        return None


def receive_chunk(request: HttpRequest, owner: Owner, rules: Rules, chunk: Chunk) -> int | Record:
    """Store one chunk (in a thread): bytes received so far, or the file's record at the end."""
    storage = file_storage()
    folder = _folder(owner, chunk.upload_id)
    parts = _parts(storage, folder)
    expected = _received(storage, parts)
    if chunk.offset != expected:
        raise OutOfOrder(expected)
    described = {
        "component": str(rules.component.id),
        "file_name": chunk.file_name,
        "total": chunk.total,
    }
    if chunk.offset == 0:
        meta: dict[str, Any] | None = None
    else:
        meta = _meta(storage, folder)
        if meta is None:
            raise OutOfOrder(0)
        if {key: meta.get(key) for key in described} != described:
            raise Refused(400, "This chunk names another file than the upload's first chunk.")
    body, head = _read_body(request, chunk)
    with body:
        if chunk.offset == 0:
            kind = rules.check_type(chunk.file_name, head)
            meta = {**described, "mime_type": sniff.mime_type(kind, chunk.file_name)}
            with contextlib.suppress(FileNotFoundError):
                storage.delete(f"{folder}/{META}")
            storage.save(f"{folder}/{META}", ContentFile(json.dumps(meta).encode()))
        name = f"{folder}/{chunk.offset:015d}"
        saved = storage.save(name, File(body, name=safe_name(chunk.file_name)))
    if saved != name:
        # Another request stored this part first (the same chunk sent twice at once).
        storage.delete(saved)
        raise OutOfOrder(_received(storage, _parts(storage, folder)))
    received = chunk.offset + chunk.length
    if received < chunk.total:
        return received
    assert meta is not None
    return _assemble(storage, owner, folder, meta)


class _Joined(io.RawIOBase):
    """The parts of an upload read one after another, as one stream (never whole)."""

    def __init__(self, storage: Any, names: list[str]) -> None:
        self.storage = storage
        self.names = list(names)
        self.current: Any = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self.current is None:
                if not self.names:
                    return 0
                self.current = self.storage.open(self.names.pop(0), "rb")
            data = self.current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self.current.close()
            self.current = None

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None
        super().close()


def _assemble(storage: Any, owner: Owner, folder: str, meta: dict[str, Any]) -> Record:
    """Join the parts into the session's file (streamed), then delete the parts."""
    names = [name for _, name in _parts(storage, folder)]
    try:
        with io.BufferedReader(_Joined(storage, names), 1024 * 1024) as joined:
            content = File(joined, name=safe_name(meta["file_name"]))
            content.size = meta["total"]
            rec = save_file(owner, content, meta["file_name"], meta["mime_type"])
    except (OSError, FileRefused) as exc:
        raise Refused(507, gettext("The file could not be stored; try again later.")) from exc
    finally:
        delete_partial(storage, folder)
    return rec


def delete_partial(storage: Any, folder: str) -> None:
    """Delete an upload's parts and its meta."""
    try:
        _, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        files = []
    for name in files:
        with contextlib.suppress(OSError):
            storage.delete(f"{folder}/{name}")
    with contextlib.suppress(OSError, NotImplementedError):
        os.rmdir(storage.path(folder))  # the empty folder of a file-system storage
