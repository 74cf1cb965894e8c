"""The Channels consumer: WebSocket frames in and out, nothing else."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.http.request import split_domain_port, validate_host

from . import protocol
from .connection import Connection
from .registry import AppNotFound, get_engine

CLOSE_UNKNOWN_APP = 4404
CLOSE_FORBIDDEN_ORIGIN = 4403


def origin_allowed(scope: dict[str, Any]) -> bool:
    """Accept a browser's Origin only if its host is in ALLOWED_HOSTS (read now, not at import)."""
    from django.conf import settings

    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin")
    if origin is None:
        return True  # not a browser: browsers always send Origin on WebSocket requests
    from urllib.parse import urlsplit

    host = urlsplit(origin.decode("latin-1")).netloc
    domain, _port = split_domain_port(host)
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


class BlocksConsumer(AsyncWebsocketConsumer):
    """Serves ``/ws/blocks/<app>/``: one connection per page."""

    connection: Connection | None = None

    async def connect(self) -> None:
        app = self.scope["url_route"]["kwargs"]["app"]
        if not origin_allowed(self.scope):
            await self.close(code=CLOSE_FORBIDDEN_ORIGIN)
            return
        try:
            get_engine(app)
        except AppNotFound:
            await self.close(code=CLOSE_UNKNOWN_APP)
            return
        await self.accept()
        self.connection = Connection(app, self.send_frame, self.scope)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=protocol.encode(frame))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.connection is not None:
            await self.connection.receive(text_data)

    async def disconnect(self, code: int) -> None:
        if self.connection is not None:
            await self.connection.disconnect()
