"""Browser tier: tokens that carry a BrowserState value through the visitor's localStorage.

The server makes every token; the browser only stores it and hands it back.
A token is ``django.core.signing`` output (JSON, timestamped) salted with its
purpose, the app and the storage key, so a token of another app or key does
not verify. With ``encrypt=True`` the JSON is also encrypted with Fernet,
keyed from the same secret and salt, so the visitor cannot read the value.

``secret=None`` uses ``SECRET_KEY``; ``SECRET_KEY_FALLBACKS`` keep tokens made
with an old key readable after a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from typing import Any

from django.core import signing

from ..components.schema import InvalidValue, check_json_safe
from ..conf import setting

logger = logging.getLogger("blocksstate")

ENCRYPTED_PREFIX = "e1:"


class TokenRejected(Exception):
    """A stored token is tampered, foreign, expired or malformed."""


class TokenTooLarge(ValueError):
    """A BrowserState value is too large for its token to be stored."""


def token_salt(app: str, storage_key: str) -> str:
    return f"blocksstate.browser:{app}:{storage_key}"


def _keys(secret: str | None) -> list[str]:
    """The signing keys, newest first: the explicit secret, or SECRET_KEY and its fallbacks."""
    from django.conf import settings

    if secret is not None:
        return [secret]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _fernet(keys: list[str], salt: str) -> Any:
    from cryptography.fernet import Fernet, MultiFernet

    def derive(key: str) -> Fernet:
        digest = hashlib.sha256(f"{salt}:fernet:{key}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    return MultiFernet([derive(key) for key in keys])


def make_token(value: Any, *, app: str, storage_key: str, secret: str | None, encrypt: bool) -> str:
    """Return the token that stores ``value`` in the browser."""
    salt = token_salt(app, storage_key)
    keys = _keys(secret)
    try:
        check_json_safe(value)
    except InvalidValue as exc:
        raise TypeError(f"a BrowserState value must be JSON-serialisable ({exc})") from None
    data = json.dumps(value, separators=(",", ":"))
    if encrypt:
        token = ENCRYPTED_PREFIX + _fernet(keys, salt).encrypt(data.encode()).decode()
    else:
        token = signing.dumps(value, key=keys[0], salt=salt, compress=True)
    limit = setting("MAX_BROWSER_STATE_BYTES")
    if len(token) > limit:
        raise TokenTooLarge(
            f"the stored value would take {len(token):,} bytes, over BLOCKSSTATE['MAX_BROWSER_STATE_BYTES'] ({limit:,})"
        )
    return token


def read_token(
    token: Any, *, app: str, storage_key: str, secret: str | None, encrypted: bool
) -> Any:
    """Return the value a token carries, or raise TokenRejected saying why."""
    if not isinstance(token, str) or not token or len(token) > setting("MAX_BROWSER_STATE_BYTES"):
        raise TokenRejected("malformed token")
    salt = token_salt(app, storage_key)
    keys = _keys(secret)
    max_age = setting("BROWSER_STATE_MAX_AGE")
    if encrypted:
        from cryptography.fernet import InvalidToken

        if not token.startswith(ENCRYPTED_PREFIX):
            raise TokenRejected("not an encrypted token")
        try:
            data = _fernet(keys, salt).decrypt(token[len(ENCRYPTED_PREFIX) :].encode(), ttl=max_age)
        except InvalidToken:
            raise TokenRejected("token does not decrypt (tampered, foreign or expired)") from None
        value = json.loads(data)
    else:
        try:
            value = signing.loads(
                token, key=keys[0], fallback_keys=keys[1:], salt=salt, max_age=max_age
            )
        except signing.SignatureExpired:
            raise TokenRejected("token expired") from None
        except (signing.BadSignature, ValueError):
            raise TokenRejected("bad signature (tampered or foreign)") from None
    try:
        check_json_safe(value)  # a token made before values were checked so
    except InvalidValue as exc:
        raise TokenRejected(f"the stored value cannot be used ({exc})") from None
    return value
