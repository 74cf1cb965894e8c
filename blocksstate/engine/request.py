"""``gr.Request``: who sent an event, for handlers that declare a ``request: gr.Request`` parameter."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..empty import EMPTY

# Headers whose value opens the visitor's session: hidden from a repr and from the event log.
CREDENTIAL_HEADERS = ("cookie", "authorization", "proxy-authorization")
REDACTED = "[redacted]"


class Client(NamedTuple):
    host: str | None
    port: int | None


class ScopeHeaders(Mapping[str, str]):
    """A request's headers by lower-case name, decoded from the ASGI scope when first read.

    Most handlers never look at them; an idle page then keeps only the scope's own list.
    """

    __slots__ = ("_raw", "_decoded")

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._decoded: dict[str, str] | None = None

    def _headers(self) -> dict[str, str]:
        if self._decoded is None:
            self._decoded = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in self._raw}
        return self._decoded

    def __getitem__(self, name: str) -> str:
        return self._headers()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers())

    def __len__(self) -> int:
        return len(self._headers())

    def __repr__(self) -> str:
        # A repr ends up in logs, errors and the admin's value previews: never a credential.
        return repr(
            {k: REDACTED if k in CREDENTIAL_HEADERS else v for k, v in self._headers().items()}
        )


@dataclass(slots=True)
class Request:
    """The session and the HTTP request behind the WebSocket that carries the event."""

    session_hash: str | None = None
    user: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict, repr=False)
    client: Client = Client(None, None)
    path: str = ""
    query_params: Mapping[str, str] = field(default_factory=dict)
    session: Any = field(default=None, repr=False)
    app: str | None = None

    @property
    def username(self) -> str | None:
        """The logged-in Django user's username, or None."""
        user = self.user
        if user is not None and getattr(user, "is_authenticated", False):
            return user.get_username()
        return None

    @classmethod
    def from_scope(
        cls, scope: Mapping[str, Any], session_hash: str | None = None, app: str | None = None
    ) -> Request:
        """Build a Request from an ASGI (Channels) scope."""
        from urllib.parse import parse_qsl

        host, port = (scope.get("client") or (None, None))[:2]
        query = scope.get("query_string", b"").decode("latin-1")
        return cls(
            session_hash=session_hash,
            user=scope.get("user"),
            headers=ScopeHeaders(scope.get("headers", ())),
            cookies=_cookies(scope),
            client=Client(host, port),
            path=scope.get("path", ""),
            query_params=dict(parse_qsl(query)) or EMPTY,
            session=scope.get("session"),
            app=app,
        )


def _cookies(scope: Mapping[str, Any]) -> Mapping[str, str]:
    """The request's cookies: Channels' CookieMiddleware's, or read from the header without it."""
    cookies = scope.get("cookies")
    if cookies is None:
        from django.http.cookie import parse_cookie

        header = dict(scope.get("headers", ())).get(b"cookie", b"")
        cookies = parse_cookie(header.decode("latin-1"))
    return dict(cookies) or EMPTY
