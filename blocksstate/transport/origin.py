"""Which pages may open a socket: the ``Origin`` check, by Channels' own host matching."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from channels.security.websocket import OriginValidator
from django.conf import settings

# Django's own default for DEBUG with no ALLOWED_HOSTS (HttpRequest.get_host).
DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


def origin_allowed(scope: Mapping[str, Any]) -> bool:
    """Accept a browser's Origin only if its host is in ALLOWED_HOSTS (read now, not at import).

    The same test as Channels' ``AllowedHostsOriginValidator``, made after the socket
    is accepted (docs/security.md says why), and a socket without Origin is let in:
    browsers always send one, so it comes from a client that holds no visitor's cookies.
    """
    origin = dict(scope.get("headers", [])).get(b"origin")
    if origin is None:
        return True
    allowed = list(settings.ALLOWED_HOSTS) or (DEBUG_HOSTS if settings.DEBUG else [])
    try:
        parsed = urlparse(origin.decode("latin-1"))
        return OriginValidator(None, allowed).valid_origin(parsed)
    except ValueError:  # a malformed URL, such as an unclosed IPv6 bracket
        return False
