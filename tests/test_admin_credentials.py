"""No credential reaches the admin: a staff viewer sees nothing that opens another visitor's session.

A real visitor, logged in as a superuser with a real Django session cookie,
uses a page through the real consumer (behind Channels' auth middleware, as
every deployment has it). A staff user who may view sessions, their state
values and the event log then walks every admin page of blocksstate, and reads
the raw rows: the visitor's session key, CSRF token, Authorization header,
resume token and BrowserState token appear nowhere, and nothing the viewer
sees logs in when replayed as the ``sessionid`` cookie or resumes the session.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from html import unescape

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import AsyncClient
from django.urls import reverse

import blocksstate as gr
import blocksstate.routing
from blocksstate.activity import recorder
from blocksstate.activity.describe import browser_hash
from blocksstate.models import EventLog, LiveSession
from blocksstate.testing import PageClient, eventually, registered
from tests.helpers_activity import rows
from tests.helpers_session import blocksstate_settings

# The admin tests' fixtures: the recorder on, database connections closed after each test.
from tests.test_admin import _close_connections, admin_client, recording  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

VIEWER = ["view_livesession", "view_session_state", "view_eventlog", "view_registeredapp"]
# What a viewer sees that could pass for a token: long runs of token characters.
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-:.]{16,}")


def careless_app() -> gr.Blocks:
    """A cart, a nickname kept in the browser, and a handler that quotes the request in its error."""
    with gr.Blocks() as demo:
        cart = gr.State([])
        nickname = gr.BrowserState("", storage_key="nickname")
        name = gr.Textbox(label="Name")

        def add(name, cart):
            return cart + [name], name

        def who_am_i(request: gr.Request):
            raise PermissionError(
                f"refused {request.cookies} {request.headers['cookie']} "
                f"{request.headers['authorization']} {request!r}"
            )

        gr.Button("Add").click(add, [name, cart], [cart, nickname])
        gr.Button("Who am I").click(who_am_i, None, None)
    return demo


class Visitor:
    """A logged-in superuser's browser: its Django session, CSRF cookie and API token."""

    def __init__(self, session_key: str, user_pk: int) -> None:
        self.session_key = session_key
        self.user_pk = user_pk
        self.csrf_token = secrets.token_urlsafe(24)
        self.api_token = secrets.token_urlsafe(24)

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        cookie = f"sessionid={self.session_key}; csrftoken={self.csrf_token}; theme=dark"
        return [
            (b"cookie", cookie.encode()),
            (b"authorization", f"Bearer {self.api_token}".encode()),
            (b"origin", b"http://testserver"),
            (b"user-agent", b"VisitorBrowser/1.0"),
        ]

    def page(self, app: str) -> PageClient:
        """A page of ``app`` whose socket goes through the auth middleware, with this browser's cookies."""
        return PageClient(
            app,
            headers=self.headers,
            application=AuthMiddlewareStack(URLRouter(blocksstate.routing.websocket_urlpatterns)),
        )


async def logged_in_superuser() -> Visitor:
    def create():
        return get_user_model().objects.create_superuser("root", password="root-password-x")

    user = await sync_to_async(create)()
    http = AsyncClient()
    assert await http.alogin(username="root", password="root-password-x")
    return Visitor(http.cookies["sessionid"].value, user.pk)


async def logs_in(session_cookie: str) -> bool:
    """Whether replaying ``session_cookie`` as the ``sessionid`` cookie opens the admin."""
    http = AsyncClient()
    http.cookies["sessionid"] = session_cookie
    return (await http.get(reverse("admin:index"))).status_code == 200


async def admin_pages(viewer: AsyncClient, live: LiveSession) -> dict[str, str]:
    """Every blocksstate admin page the viewer may open about the visitor's session, as text."""
    sessions = reverse("admin:blocksstate_livesession_changelist")
    events = reverse("admin:blocksstate_eventlog_changelist")
    urls = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["blocksstate"]),
        sessions,
        f"{sessions}?q={live.session_id[:8]}",
        f"{sessions}?q=root",
        f"{sessions}?q={live.client_address}",
        f"{sessions}?app={live.app}",
        f"{sessions}?status=live",
        f"{sessions}?status=all",
        f"{sessions}?user__id__exact={live.user_id}",
        f"{sessions}?browser_hash={live.browser_hash}",
        f"{sessions}?connected_at__year={live.connected_at.year}",
        reverse("admin:blocksstate_livesession_change", args=[live.pk]),
        reverse("admin:blocksstate_livesession_history", args=[live.pk]),
        events,
        f"{events}?q=refused",
        f"{events}?outcome=failed",
        f"{events}?session__app={live.app}",
        reverse("admin:blocksstate_registeredapp_changelist"),
        reverse("admin:blocksstate_registeredapp_app", args=[live.app]),
    ]
    async for entry in EventLog.objects.filter(session=live):
        urls.append(reverse("admin:blocksstate_eventlog_change", args=[entry.pk]))
    pages = {}
    for url in urls:
        response = await viewer.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages[url] = unescape(response.content.decode())
    return pages


async def raw_rows() -> str:
    """Every blocksstate row in the database, as text."""
    sessions = [row async for row in LiveSession.objects.values()]
    events = [row async for row in EventLog.objects.values()]
    return repr(sessions + events)


@pytest.mark.usefixtures("recording")
async def test_a_staff_viewer_finds_no_credential_of_another_visitor(settings):
    blocksstate_settings(settings, SHOW_ERRORS=True)
    visitor = await logged_in_superuser()
    assert await logs_in(visitor.session_key)  # the replay below can succeed, with the real key

    with registered(careless_app()) as app:
        page = visitor.page(app)
        await page.open()
        added = await page.click("Add", {"Name": "Ada"})
        (stored,) = [f for f in page.received if f["type"] == "browser_state"]
        failed = await page.trigger("Who am I", "click")
        assert failed.alerts and visitor.api_token in failed.alerts[0]["message"]  # the page's own
        tokens = [page.resume_token, *stored["tokens"].values()]

        async def recorded():
            await recorder.flush()
            live, events = await rows(page.session_id)
            return live if live is not None and len(events) == 2 else None

        live = await eventually(recorded, what="the session and its two events")
        assert live.user_id == visitor.user_pk  # the socket was the superuser's
        assert added.status == "done"

        viewer = await admin_client(VIEWER, "viewer")
        pages = await admin_pages(viewer, live)
        database = await raw_rows()
        change = pages[reverse("admin:blocksstate_livesession_change", args=[live.pk])]
        assert "Ada" in change and "1 session(s) of this browser" in change  # values, grouping
        assert "PermissionError: refused" in database  # the error is recorded, cleaned

        credentials = {
            "Django session key": visitor.session_key,
            "CSRF token": visitor.csrf_token,
            "Authorization token": visitor.api_token,
            **{f"token {n}": token for n, token in enumerate(tokens)},
        }
        for name, secret in credentials.items():
            found = [url for url, text in pages.items() if secret in text]
            assert not found, f"the visitor's {name} is shown on {found}"
            assert secret not in database, f"the visitor's {name} is stored"

        seen = {m for text in [*pages.values(), database] for m in TOKEN_LIKE.findall(text)}
        assert live.session_id in seen and live.browser_hash in seen
        opening = [value for value in sorted(seen) if await logs_in(value)]
        assert opening == [], f"these log in as the visitor: {opening}"

        for value in (live.session_id, live.browser_hash):
            other = visitor.page(app)
            await other.open(resume=value)
            assert not other.session["resumed"], f"{value} resumed the session"
            await other.close()
        await page.close()


@pytest.mark.usefixtures("recording")
async def test_recorded_sessions_of_one_browser_share_a_hash_that_is_not_the_key():
    visitor = await logged_in_superuser()
    with registered(careless_app()) as app:
        ids = []
        for _ in range(2):
            page = visitor.page(app)
            await page.open()
            ids.append(page.session_id)
            await page.close()
        await recorder.flush()

    first, second = [(await rows(session_id))[0] for session_id in ids]
    assert first.browser_hash == second.browser_hash == browser_hash(visitor.session_key)
    assert visitor.session_key not in first.browser_hash


# -- the migration --------------------------------------------------------------------------------

BEFORE = [("blocksstate", "0001_initial")]
AFTER = [("blocksstate", "0003_browser_hash_index_drop_session_key")]


def migrate(targets: list[tuple[str, str]]):
    """Migrate the test database to ``targets``; return the app registry as it is there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_migration_replaces_stored_session_keys_by_their_hash():
    # More rows than the migration updates at once, and one of a visitor without a session.
    keys = {f"visitor-{n}": f"s3cr3t{n:026d}" for n in range(1500)}
    old = migrate(BEFORE)
    try:
        sessions = old.get_model("blocksstate", "LiveSession")
        now = datetime.now(UTC)
        rows = [("anonymous", ""), *keys.items()]
        sessions.objects.bulk_create(
            sessions(
                session_id=session_id,
                app="cart",
                django_session_key=key,
                connected_at=now,
                last_seen_at=now,
            )
            for session_id, key in rows
        )
    finally:
        new = migrate(AFTER)

    sessions = new.get_model("blocksstate", "LiveSession")
    assert "django_session_key" not in {f.name for f in sessions._meta.get_fields()}
    hashes = dict(sessions.objects.values_list("session_id", "browser_hash"))
    assert hashes == {
        "anonymous": "",
        **{session_id: browser_hash(key) for session_id, key in keys.items()},
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM blocksstate_livesession")
        stored = repr(cursor.fetchall())
    assert not [key for key in keys.values() if key in stored]


def test_a_requests_repr_shows_no_credential():
    """Reprs reach logs, error messages and the admin's value previews."""
    scope = {
        "headers": [
            (b"cookie", b"sessionid=abcdefgh12345678"),
            (b"authorization", b"Bearer api-token-12345678"),
            (b"user-agent", b"VisitorBrowser/1.0"),
        ],
        "cookies": {"sessionid": "abcdefgh12345678"},
        "session": {"_auth_user_id": "1"},
    }
    text = repr(gr.Request.from_scope(scope, "session-id", "cart"))

    assert "VisitorBrowser/1.0" in text and "session-id" in text
    for secret in ("abcdefgh12345678", "api-token-12345678", "_auth_user_id"):
        assert secret not in text
