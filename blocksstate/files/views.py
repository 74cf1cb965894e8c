"""``GET /blocksstate/files/<token>/<filename>``: a stored file, to the browser its URL was signed for.

The file is read from the storage (any storage: ``open``, never ``path``) in chunks
in a thread, as an asynchronous iterator: Django's ASGI handler would otherwise
read a synchronous ``FileResponse`` whole into memory before sending it. Range
requests are answered (206) so that audio and video can seek. Nothing a visitor
uploaded runs in the site's origin: ``nosniff``, ``Content-Security-Policy:
sandbox``, and every type but images (not SVG), audio and video as an attachment.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import IO

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

from ..app.access import NO_SESSION, request_refusal
from ..app.registry import access_rule
from ..sessions.backends import get_store
from . import access, sniff
from .storage import file_storage
from .store import Owner, guess_type, safe_name

CHUNK = 256 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def inline(mime_type: str) -> bool:
    """Whether a browser may show this type in the page (it cannot run scripts)."""
    if mime_type in sniff.ACTIVE_TYPES:
        return False
    return mime_type.startswith(("image/", "audio/", "video/"))


def _open(name: str) -> tuple[IO[bytes], int] | None:
    storage = file_storage()
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation, IsADirectoryError, NotADirectoryError):
        return None
    try:
        size = handle.size
    except OSError:
        handle.close()
        return None
    return handle, size


async def _chunks(handle: IO[bytes], start: int, length: int) -> AsyncIterator[bytes]:
    try:
        if start:
            await asyncio.to_thread(handle.seek, start)
        while length > 0:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        await asyncio.to_thread(handle.close)


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """``(start, end)`` of a single satisfiable range; None: no (usable) range; False: unsatisfiable."""
    if not header:
        return None
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # several ranges, or another unit: answered whole
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return False
    return start, end


async def serve(request: HttpRequest, token: str, filename: str) -> HttpResponse:
    """Send a stored file to the browser its URL was signed for."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse("Files are read with GET.", status=405, content_type="text/plain")
    try:
        name, mime_type = access.read_url(token, request.COOKIES)
    except access.RefRefused as exc:
        return HttpResponse(f"{exc}.", status=403, content_type="text/plain")
    if safe_name(name.rsplit("/", 1)[-1]) != filename:
        return HttpResponse(gettext("No such file."), status=404, content_type="text/plain")
    refusal = await _refusal(request, name)
    if refusal is not None:
        return HttpResponse(refusal, status=403, content_type="text/plain")
    opened = await asyncio.to_thread(_open, name)
    if opened is None:
        return HttpResponse(gettext("No such file."), status=404, content_type="text/plain")
    handle, size = opened
    mime_type = mime_type or guess_type(filename)
    wanted = _byte_range(request.headers.get("Range"), size)
    if wanted is False:
        await asyncio.to_thread(handle.close)
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _protect(response)
    start, end = wanted if wanted else (0, size - 1)
    length = end - start + 1 if size else 0
    if request.method == "HEAD":
        await asyncio.to_thread(handle.close)
        response = HttpResponse(status=206 if wanted else 200, content_type=mime_type)
    else:
        response = FileResponse(_chunks(handle, start, length), content_type=mime_type)
        if wanted:
            response.status_code = 206
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(not inline(mime_type), filename)
    return _protect(response)


async def _refusal(request: HttpRequest, name: str) -> str | None:
    """Why this request's user may not read the file ``name`` of its app, or None.

    Only for an app with an access rule: its rule, and for a session's file, the
    session's own user (a cache read; an open app's files cost nothing more).
    """
    owner = Owner.of(name)
    if owner is None or access_rule(owner.app).open:
        return None
    session_user = NO_SESSION
    if owner.session_id is not None:
        meta = await get_store().read_meta(owner.session_id)
        if not meta:
            return gettext("This file's session has ended; reload the page.")
        session_user = meta.get("user")
    return await request_refusal(request, access_rule(owner.app), session_user)


def _protect(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private"
    return response
