"""A strict Content-Security-Policy for pages asked for with ``?csp=strict``.

Neither django-csp nor Django 6's own CSP is needed: this sets ``request.csp_nonce``
(read by ``{% blocks %}``) and the header, with no 'unsafe-inline' and no 'unsafe-eval',
so a page that ``eval``'d anything or ran a script without the nonce would fail.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class StrictCspMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("csp") != "strict":
            return self.get_response(request)
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; "
            "connect-src 'self' ws: wss:; media-src 'self' blob:"
        )
        return response
