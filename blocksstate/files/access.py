"""Who may read a file, and what a page may send back: signed references and URLs.

A page is given, for each file it shows, two signed strings:

- ``ref`` names the stored file (its record, signed). A page sends it back when the
  file is an event's input; the server reads the record from the signature, never
  from the page's other fields, and checks the file belongs to the session or its app.
- ``url`` is where the page reads the file. Its signature expires
  (``FILE_URL_MAX_AGE``) and, for a session's file, binds it to the browser of that
  session's page: a random "pass" the page keeps in a cookie (``FILE_PASS_COOKIE``).
  Another browser, or a guessed name, gets 403/404 (``files.views``).

URLs are signed when values are sent (``page_record``), for the viewer of the
current session (``viewing``): stored values hold records only.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from ..conf import setting
from .store import RECORD_KEYS, Owner, Record, safe_name

REF_SALT = "blocksstate.files.ref"
URL_SALT = "blocksstate.files.url"
UPLOAD_SALT = "blocksstate.files.upload"
PASS_SALT = "blocksstate.files.pass"


class RefRefused(ValueError):
    """A file reference or URL is malformed, tampered with, expired or someone else's."""


@dataclass(frozen=True)
class Viewer:
    """The page values are being sent to: its session, and its browser's pass digest."""

    app: str
    session_id: str | None
    pass_digest: str = ""

    @property
    def owners(self) -> tuple[Owner, ...]:
        """Whose files this page may use: its session's and its app's."""
        app = Owner(self.app)
        return (Owner(self.app, self.session_id), app) if self.session_id else (app,)


current_viewer: contextvars.ContextVar[Viewer | None] = contextvars.ContextVar(
    "blocksstate_file_viewer", default=None
)


@contextlib.contextmanager
def viewing(viewer: Viewer | None) -> Iterator[None]:
    """Sign the URLs of values sent meanwhile for ``viewer``."""
    token = current_viewer.set(viewer)
    try:
        yield
    finally:
        current_viewer.reset(token)


def pass_digest(cookies: Mapping[str, str]) -> str:
    """A keyed digest of the browser's pass cookie ("" without a usable one)."""
    value = cookies.get(setting("FILE_PASS_COOKIE"), "")
    if not isinstance(value, str) or not 22 <= len(value) <= 128:
        return ""
    return _digest(value, settings.SECRET_KEY)


@functools.lru_cache(maxsize=4096)
def _digest(value: str, secret: str) -> str:
    # Once per browser and key, not per event (an HMAC costs a few microseconds).
    return salted_hmac(PASS_SALT, value, secret=secret, algorithm="sha256").hexdigest()[:32]


# -- references --------------------------------------------------------------------------------


def sign_ref(rec: Record) -> str:
    """A reference to a stored file that a page can send back, and cannot forge."""
    return signing.dumps([rec[key] for key in RECORD_KEYS], salt=REF_SALT, compress=True)


def read_ref(ref: Any, owners: tuple[Owner, ...]) -> Record:
    """The record a page's reference names, if the file belongs to one of ``owners``."""
    if not isinstance(ref, str) or len(ref) > 2048:
        raise RefRefused("not a file reference")
    try:
        values = signing.loads(ref, salt=REF_SALT)
    except signing.BadSignature:
        raise RefRefused("the file reference is not valid") from None
    if not isinstance(values, list) or len(values) != len(RECORD_KEYS):
        raise RefRefused("the file reference is not valid")
    rec = dict(zip(RECORD_KEYS, values, strict=True))
    if not any(owner.owns(rec["path"]) for owner in owners):
        raise RefRefused("the file belongs to another session")
    return rec


# -- URLs ---------------------------------------------------------------------------------------


def file_url(name: str, viewer: Viewer | None, mime_type: str | None = None) -> str:
    """The URL a page reads the stored file ``name`` from, signed for ``viewer``'s browser.

    ``mime_type`` (the record's) is signed in too: the file is served as that type.
    """
    owner = Owner.of(name)
    digest = (
        "" if owner is None or owner.session_id is None else (viewer.pass_digest if viewer else "")
    )
    token = signing.dumps([name, digest, mime_type], salt=URL_SALT, compress=True)
    return reverse("blocksstate:file", args=[token, safe_name(name.rsplit("/", 1)[-1])])


def read_url_token(token: str, cookies: Mapping[str, str]) -> str:
    """The stored name a file URL's token names, if it is fresh and this browser may read it."""
    return read_url(token, cookies)[0]


def read_url(token: str, cookies: Mapping[str, str]) -> tuple[str, str | None]:
    """The stored name and MIME type a file URL's token names, if this browser may read it."""
    try:
        name, digest, *rest = signing.loads(
            token, salt=URL_SALT, max_age=setting("FILE_URL_MAX_AGE")
        )
    except signing.SignatureExpired:
        raise RefRefused("the file link has expired; reload the page") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise RefRefused("the file link is not valid") from None
    owner = Owner.of(name) if isinstance(name, str) else None
    if owner is None:
        raise RefRefused("the file link is not valid")
    if owner.session_id is not None:
        mine = pass_digest(cookies)
        if (
            not isinstance(digest, str)
            or not digest
            or not mine
            or not constant_time_compare(digest, mine)
        ):
            raise RefRefused("this file belongs to another session")
    mime_type = rest[0] if rest and isinstance(rest[0], str) else None
    return name, mime_type


def page_record(rec: Record | None) -> Record | None:
    """A record as a page is given it: with its ``url`` and ``ref`` (None stays None)."""
    if rec is None or not rec.get("path"):
        return rec  # an external URL, shown as it is
    url = file_url(rec["path"], current_viewer.get(), rec.get("mime_type"))
    return {**rec, "url": url, "ref": sign_ref(rec)}


# -- uploads --------------------------------------------------------------------------------------


def upload_token(app: str, session_id: str) -> str:
    """What a page sends with its uploads to put files in its session (given in ``session``)."""
    return signing.dumps([app, session_id], salt=UPLOAD_SALT, compress=True)


def read_upload_token(token: Any, app: str) -> Owner:
    """The session an upload token names, if it is for ``app`` and fresh."""
    if not isinstance(token, str) or len(token) > 512:
        raise RefRefused("the upload needs the page's upload token")
    try:
        token_app, session_id = signing.loads(
            token, salt=UPLOAD_SALT, max_age=setting("RESUME_MAX_AGE")
        )
    except signing.SignatureExpired:
        raise RefRefused("the upload token has expired; reload the page") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise RefRefused("the upload token is not valid") from None
    if token_app != app or not isinstance(session_id, str):
        raise RefRefused("the upload token is for another app")
    return Owner(app, session_id)
