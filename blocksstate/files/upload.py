"""``POST /blocksstate/upload/<app>/``: a page's files, streamed into its session's folder.

The page proves which session it is with the ``X-Blocksstate-Upload`` header (the
upload token its ``session`` frame gave it): a cross-site form cannot send that
header, and no CORS header is ever sent, so the view needs no CSRF cookie. Each
file is written to a temporary file chunk by chunk (``SessionUploadHandler``),
sniffed from its first bytes, and stopped at once when it is too big, too many or
of a refused type; only a complete, accepted upload is stored, whole or not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from .. import i18n
from ..app.access import request_refusal
from ..app.registry import AppNotFound, access_rule, get_app
from ..sessions.backends import get_store
from ..transport.origin import origin_allowed
from . import access, chunks, sniff
from .rules import Refused, Rules, refusal, rules_for
from .storage import file_storage
from .store import FileRefused, Owner, Record, save_file

logger = logging.getLogger("blocksstate")

TOKEN_HEADER = "X-Blocksstate-Upload"
# The page's language (its config's): the refusals it shows are said in it.
LANGUAGE_HEADER = "X-Blocksstate-Language"
# Bytes of multipart framing allowed per file on top of its content (boundaries, headers).
PART_OVERHEAD = 16 * 1024


class SessionUploadHandler(FileUploadHandler):
    """Writes each file of one upload to a temporary file; stops the upload at the first refusal.

    The component's rules are read from the ``component`` field, which the page sends
    before its files. Nothing here is kept in memory beyond one chunk and the first
    bytes sniffed.
    """

    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest, blocks: Any) -> None:
        super().__init__(request)
        self.blocks = blocks
        self.parser: MultiPartParser | None = None
        self.rules: Rules | None = None
        self.refused: Refused | None = None
        self.received: list[TemporaryUploadedFile] = []
        self.count = 0
        self.size = 0
        self.head = b""
        self.kind: sniff.Kind | None = None

    def refuse(self, status: int, message: str) -> None:
        self.refused = Refused(status, message)
        # connection_reset: Django stops reading the body here instead of reading it to the end.
        raise StopUpload(connection_reset=True)

    def check(self, decide: Any, *args: Any) -> Any:
        """Run one of the rules' checks; a refusal stops the upload."""
        try:
            return decide(*args)
        except Refused as exc:
            self.refused = exc
            raise StopUpload(connection_reset=True) from None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != "files":
            self.refuse(400, "Files must be sent in the 'files' field.")
        if self.rules is None:
            fields = getattr(self.parser, "_post", None) or {}
            if "component" not in fields:
                self.refuse(400, "The upload must name its component before its files.")
            try:
                self.rules = rules_for(self.blocks, fields.get("component"))
            except Refused as exc:
                self.refused = exc
                raise StopUpload(connection_reset=True) from None
        self.count += 1
        self.check(self.rules.check_count, self.count)
        self.size, self.head, self.kind = 0, b"", None
        self.file = TemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )
        self.received.append(self.file)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.rules is not None
        self.size += len(raw_data)
        self.check(self.rules.check_size, self.file_name or "", self.size)
        if self.kind is None:
            self.head += raw_data[: sniff.SNIFF_BYTES - len(self.head)]
            if len(self.head) >= sniff.SNIFF_BYTES:
                self._check_type()
        self.file.write(raw_data)
        return None

    def _check_type(self) -> None:
        assert self.rules is not None
        self.kind = self.check(self.rules.check_type, self.file_name or "", self.head)

    def file_complete(self, file_size: int) -> TemporaryUploadedFile:
        if self.kind is None:
            self._check_type()
        assert self.kind is not None
        self.file.seek(0)
        self.file.size = file_size
        self.file.content_type = sniff.mime_type(self.kind, self.file_name or "")
        return self.file

    def discard(self) -> None:
        """Remove every temporary file of this upload."""
        for received in self.received:
            with contextlib.suppress(OSError):
                received.close()


async def admit(request: HttpRequest, app: str) -> tuple[Any, Owner]:
    """The app and session an upload (multipart or chunk) is for, or why it is refused.

    The checks both endpoints share: POST, an Origin of this site (or none), a known app,
    a valid upload token of this app, a session still alive, and a user the app's access
    rule lets in who is the session's own.
    """
    if request.method != "POST":
        raise Refused(405, "Uploads are sent with POST.")
    origin = request.headers.get("Origin")
    if origin is not None and not origin_allowed({"headers": [(b"origin", origin.encode())]}):
        raise Refused(403, gettext("Uploads are only taken from this site's own pages."))
    try:
        blocks = get_app(app)
    except AppNotFound:
        raise Refused(404, "There is no such app.") from None
    try:
        owner = access.read_upload_token(request.headers.get(TOKEN_HEADER), app)
    except access.RefRefused as exc:
        raise Refused(403, f"The upload was refused: {exc}.") from None
    assert owner.session_id is not None
    meta = await get_store().read_meta(owner.session_id)
    if not meta or meta.get("ended") or meta.get("app") != app:
        raise Refused(403, gettext("Your session has ended; reload the page to upload files."))
    refusal = await request_refusal(request, access_rule(app), meta.get("user"))
    if refusal is not None:
        raise Refused(403, refusal)
    return blocks, owner


def answer_records(request: HttpRequest, owner: Owner, records: list[Record]) -> JsonResponse:
    """``{"files": [page records]}``, signed for the browser that uploaded them."""
    assert owner.session_id is not None
    viewer = access.Viewer(owner.app, owner.session_id, access.pass_digest(request.COOKIES))
    with access.viewing(viewer):
        return JsonResponse({"files": [access.page_record(rec) for rec in records]})


def page_language(request: HttpRequest) -> str:
    """The language the uploading page shows, if the site offers it; else the request's."""
    return i18n.supported(request.headers.get(LANGUAGE_HEADER)) or translation.get_language()


@csrf_exempt
async def upload(request: HttpRequest, app: str) -> JsonResponse:
    """Store the files a page uploads in its session; answer their page records."""
    with translation.override(page_language(request)):
        try:
            blocks, owner = await admit(request, app)
            if not request.content_type.startswith("multipart/form-data"):
                raise Refused(400, "Uploads are sent as multipart/form-data.")
            receiving = i18n.carrying_language(receive)
            records = await asyncio.to_thread(receiving, request, blocks, owner)
        except Refused as exc:
            return refusal(exc.status, exc.message)
    return answer_records(request, owner, records)


@csrf_exempt
async def upload_chunk(request: HttpRequest, app: str) -> JsonResponse:
    """Take one chunk of a file (``chunks.py``); the last one answers the file's page record."""
    with translation.override(page_language(request)):
        return await _upload_chunk(request, app)


async def _upload_chunk(request: HttpRequest, app: str) -> JsonResponse:
    try:
        blocks, owner = await admit(request, app)
        chunk = chunks.Chunk.of(request)
        rules = rules_for(blocks, chunk.component)
        chunk.check_length(rules)
        receiving = i18n.carrying_language(chunks.receive_chunk)
        result = await asyncio.to_thread(receiving, request, owner, rules, chunk)
    except chunks.OutOfOrder as exc:
        return JsonResponse({"error": exc.message, "offset": exc.offset}, status=409)
    except Refused as exc:
        return refusal(exc.status, exc.message)
    if isinstance(result, int):
        return JsonResponse({"received": result})
    return answer_records(request, owner, [result])


def receive(request: HttpRequest, blocks: Any, owner: Owner) -> list[Record]:
    """Parse the upload and store its files for ``owner``, all or none (in a thread)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > _largest_body(blocks):
        # Too big for any upload component of the app: refused before its body is parsed.
        raise Refused(413, gettext("The upload is too large."))
    handler = SessionUploadHandler(request, blocks)
    parser = MultiPartParser(request.META, request, [handler], request.encoding)
    handler.parser = parser
    try:
        try:
            _fields, files = parser.parse()
        except TooManyFilesSent:
            raise Refused(413, gettext("Too many files in one upload.")) from None
        except RequestDataTooBig:
            raise Refused(413, "The upload's fields are too large.") from None
        except MultiPartParserError:
            raise Refused(400, "The upload is not a valid multipart form.") from None
        if handler.refused is not None:
            raise handler.refused
        received = files.getlist("files")
        if not received:
            raise Refused(400, "The upload holds no file.")
        return _store_all(owner, received)
    finally:
        handler.discard()


def _store_all(owner: Owner, received: list[Any]) -> list[Record]:
    """Store every file, or none: one that fails removes those stored before it."""
    records: list[Record] = []
    try:
        for uploaded in received:
            records.append(save_file(owner, uploaded, uploaded.name, uploaded.content_type))
    except (OSError, FileRefused) as exc:
        logger.warning("Storing an upload failed: %s", exc)
        storage = file_storage()
        for rec in records:
            with contextlib.suppress(Exception):
                storage.delete(rec["path"])
        raise Refused(507, gettext("The files could not be stored; try again later.")) from None
    return records


def _largest_body(blocks: Any) -> int:
    """The largest body an upload to any component of the app could take."""
    bound = 0
    for component in blocks.components.values():
        if getattr(component, "accepts_upload", False):
            rules = Rules(component, blocks)
            bound = max(bound, (rules.max_size + PART_OVERHEAD) * rules.max_count)
    return bound + PART_OVERHEAD
