"""The admin: live sessions listed, inspected and acted on; each app's wiring; as staff see it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth.models import Permission
from django.db import OperationalError, transaction
from django.test import AsyncClient
from django.urls import reverse

import blocksstate as gr
from blocksstate.activity import recorder
from blocksstate.admin.values import preview
from blocksstate.models import EventLog, LiveSession
from blocksstate.protocol import frames_of
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.session import Session
from blocksstate.testing import TIMEOUT, PageClient, eventually, registered
from tests.helpers_activity import cart_app, closing_connections, recording_on, rows
from tests.helpers_session import stored
from tests.test_session_store import bytes_in_cache

CHANGELIST = "admin:blocksstate_livesession_changelist"
VIEW = ["view_livesession"]
VIEW_STATE = ["view_livesession", "view_session_state"]
MANAGE = ["view_livesession", "view_session_state", "change_livesession"]


@pytest.fixture
def recording(settings):
    yield from recording_on(settings)


@pytest.fixture(autouse=True)
async def _close_connections():
    async for _ in closing_connections():
        yield


def make_staff(django_user_model, username: str, codenames: list[str]):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="blocksstate", codename__in=codenames)
    )
    return user


@pytest.fixture
def staff(django_user_model):
    """Log a staff user with the given blocksstate permissions into a test client."""

    def login(client, codenames: list[str], username: str = "staff"):
        user = make_staff(django_user_model, username, codenames)
        client.force_login(user)
        return user

    return login


def change_url(obj: LiveSession) -> str:
    return reverse("admin:blocksstate_livesession_change", args=[obj.pk])


def live_session(session_id: str, app: str = "cart", **fields) -> LiveSession:
    now = datetime.now(UTC)
    fields.setdefault("connected_at", now)
    fields.setdefault("last_seen_at", fields["connected_at"])
    return LiveSession.objects.create(session_id=session_id, app=app, **fields)


def listed(response) -> list[str]:
    return [s.session_id for s in response.context_data["cl"].result_list]


# -- the list -------------------------------------------------------------------------------------


@pytest.fixture
def sessions(django_user_model):
    ada = django_user_model.objects.create_user("ada")
    now = datetime.now(UTC)
    live_session("aaaa-cart-ada", user=ada, client_address="203.0.113.5", event_count=5)
    live_session(
        "bbbb-cart-ended",
        connected_at=now - timedelta(hours=1),
        closed_at=now,
        closed_reason="page closed",
        event_count=1,
    )
    live_session(
        "cccc-counter", app="counter", connected_at=now - timedelta(hours=2), event_count=9
    )
    return ada


@pytest.mark.django_db
def test_the_list_filters_by_app_status_and_user(client, staff, sessions):
    staff(client, VIEW)
    url = reverse(CHANGELIST)

    response = client.get(url, {"status": "all"})
    assert response.status_code == 200
    assert listed(response) == ["aaaa-cart-ada", "bbbb-cart-ended", "cccc-counter"]  # newest first
    assert listed(client.get(url, {"app": "counter"})) == ["cccc-counter"]
    assert listed(client.get(url, {"status": "live"})) == ["aaaa-cart-ada", "cccc-counter"]
    assert listed(client.get(url, {"status": "ended"})) == ["bbbb-cart-ended"]
    assert listed(client.get(url, {"user__id__exact": sessions.pk})) == ["aaaa-cart-ada"]
    assert "page closed" in response.content.decode()


@pytest.mark.django_db
def test_the_list_searches_session_ids_usernames_and_addresses(client, staff, sessions):
    staff(client, VIEW)
    url = reverse(CHANGELIST)

    assert listed(client.get(url, {"q": "bbbb"})) == ["bbbb-cart-ended"]
    assert listed(client.get(url, {"q": "ada"})) == ["aaaa-cart-ada"]
    assert listed(client.get(url, {"q": "203.0.113"})) == ["aaaa-cart-ada"]
    assert listed(client.get(url, {"q": "cart"})) == []  # ids are matched from their start


@pytest.mark.django_db
def test_the_list_sorts_by_its_columns(client, staff, sessions):
    staff(client, VIEW)
    url = reverse(CHANGELIST)
    columns = list(response_columns(client.get(url)))
    events = str(columns.index("events_column"))

    assert listed(client.get(url, {"o": events, "status": "all"})) == [
        "bbbb-cart-ended",
        "aaaa-cart-ada",
        "cccc-counter",
    ]
    assert listed(client.get(url, {"o": f"-{events}", "status": "all"})) == [
        "cccc-counter",
        "aaaa-cart-ada",
        "bbbb-cart-ended",
    ]


def response_columns(response):
    return response.context_data["cl"].list_display


@pytest.mark.django_db
def test_only_staff_with_the_view_permission_see_sessions(client, staff, django_user_model):
    url = reverse(CHANGELIST)
    assert client.get(url).status_code == 302  # to the login page

    staff(client, [])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_nothing_is_added_edited_or_deleted_here(client, staff, sessions):
    staff(client, MANAGE)
    obj = LiveSession.objects.get(session_id="aaaa-cart-ada")

    page_html = client.get(change_url(obj)).content.decode()
    assert 'name="_save"' not in page_html and "deletelink" not in page_html
    assert client.get(reverse("admin:blocksstate_livesession_add")).status_code == 403
    assert client.post(change_url(obj), {"app": "hacked"}).status_code == 403
    assert LiveSession.objects.get(pk=obj.pk).app == "cart"
    actions = dict(
        client.get(reverse(CHANGELIST)).context_data["action_form"].fields["action"].choices
    )
    assert set(actions) == {"", "disconnect_sessions", "clear_session_state"}


# -- a session's page -------------------------------------------------------------------------------


@pytest.fixture
def stored_cart():
    """A registered cart app and a session of it in the cache, holding two items."""
    demo = cart_app()
    with registered(demo) as app:
        session = Session.new(demo)
        cart_state = next(c for c in demo.components.values() if isinstance(c, gr.State))
        session.set_state(cart_state.id, ["Milk", "Water"], cart_state.dumps(["Milk", "Water"]))
        async_to_sync(get_store().save)(session, 600)
        yield app, session, cart_state


@pytest.mark.django_db
def test_the_session_page_shows_state_values_with_the_permission(client, staff, stored_cart):
    app, session, cart_state = stored_cart
    obj = live_session(session.id, app=app)
    staff(client, VIEW_STATE)

    html = unescape(client.get(change_url(obj)).content.decode())

    assert "['Milk', 'Water']" in html
    size = bytes_in_cache(get_store(), get_store().key(session.id, cart_state.id))
    assert f'title="{size} bytes"' in html
    assert f"State {cart_state.id}" in html and "read by add_items" in html
    assert "State values are hidden" not in html


@pytest.mark.django_db
def test_state_values_are_hidden_without_the_permission(client, staff, stored_cart):
    app, session, _ = stored_cart
    obj = live_session(session.id, app=app, client_address="198.51.100.7")
    staff(client, VIEW)

    response = client.get(change_url(obj))
    html = response.content.decode()

    assert response.status_code == 200
    assert session.id in html and "198.51.100.7" in html  # the session itself is shown
    assert "State values are hidden" in html
    assert "Milk" not in html


@pytest.mark.django_db
def test_a_session_no_longer_in_the_cache_says_so(client, staff):
    with registered(cart_app()) as app:
        obj = live_session("expired-session", app=app)
        staff(client, VIEW_STATE)
        html = client.get(change_url(obj)).content.decode()
    assert "no longer in the cache" in html


def test_long_values_are_cut_and_say_how_much():
    text = preview(list(range(5000)), limit=100)
    assert len(text) < 140 and text.endswith("more characters)")
    huge = preview(["x" * 10] * 100_000, size=2_000_000)  # too big to pretty-print whole
    assert "..." in huge and len(huge) < 2100

    class Broken:
        def __repr__(self):
            raise RuntimeError("no")

    assert preview(Broken()) == "<cannot show this value: RuntimeError>"


@pytest.mark.django_db
def test_the_session_page_lists_recent_events_newest_first_and_errors(client, staff):
    obj = live_session("with-events", error_count=1)
    start = datetime.now(UTC) - timedelta(minutes=5)
    for n in range(60):
        EventLog.objects.create(
            session=obj,
            dependency_id=0,
            event=f"click {n}",
            started_at=start + timedelta(seconds=n),
            duration_ms=2.5,
            ok=n != 3,
            error="The shop is closed" if n == 3 else "",
        )
    staff(client, VIEW)

    response = client.get(change_url(obj))
    html = response.content.decode()

    (events,) = [f for f in response.context_data["inline_admin_formsets"]]
    shown = [form.original.event for form in events]
    assert shown == [f"click {n}" for n in range(59, 9, -1)]  # the newest 50
    errors = html[html.index('id="recent-errors"') :]
    assert "click 3" in errors and "The shop is closed" in errors


# -- actions ------------------------------------------------------------------------------------------


async def admin_client(codenames: list[str], username: str = "admin") -> AsyncClient:
    from django.contrib.auth import get_user_model

    def create():
        with transaction.atomic():  # all or nothing, so that a refused try can be made again
            return make_staff(get_user_model(), username, codenames)

    # The recorder's thread may be writing its batch: in-memory SQLite's shared cache then
    # refuses another writer at once ("database table is locked"), with no busy timeout.
    for attempt in range(40):
        try:
            user = await sync_to_async(create)()
            break
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 39:
                raise
            await asyncio.sleep(0.05)
    client = AsyncClient()
    await client.aforce_login(user)
    return client


async def recorded(session_id: str) -> LiveSession:
    async def found():
        await recorder.flush()
        return (await rows(session_id))[0]

    return await eventually(found, what="the session to be recorded")


async def receive_close(client: PageClient) -> dict:
    """The next frames until the server closes the socket; return the ``closed`` frame."""
    closed = None
    while True:
        message = await client.communicator.receive_output(TIMEOUT)
        if message["type"] == "websocket.close":
            assert closed is not None, "the socket closed without a closed frame"
            client.connected = False
            await client.communicator.disconnect()
            return closed
        for frame in frames_of(message["text"]):
            if frame["type"] == "closed":
                closed = frame


@pytest.mark.django_db(transaction=True)
async def test_disconnect_tells_the_page_ends_the_session_and_closes_the_socket(recording):
    unloaded = []
    demo = cart_app()
    demo.unload(lambda: unloaded.append(True))
    with registered(demo) as app:
        visitor = PageClient(app)
        await visitor.open()
        await visitor.click("Add Items", {"Items": ["Milk"]})
        obj = await recorded(visitor.session_id)
        admin = await admin_client(MANAGE)

        response = await admin.post(
            reverse("admin:blocksstate_livesession_disconnect", args=[obj.pk])
        )

        assert response.status_code == 302 and response.url == change_url(obj)
        closed = await receive_close(visitor)
        assert closed == {"type": "closed", "reason": "Disconnected by an administrator."}
        await eventually(lambda: unloaded, what="unload")

        async def ended():
            await recorder.flush()
            live, _ = await rows(visitor.session_id)
            return not live.is_live and live

        live = await eventually(ended, what="the end to be recorded")
        assert live.closed_reason == "disconnected by an administrator"
        html = (await admin.get(change_url(obj))).content.decode()
        assert "Ended" in html and "disconnected by an administrator" in html

        # The page cannot take the session back.
        again = PageClient(app)
        await again.open(resume=visitor.resume_token)
        assert not again.session["resumed"] and "had ended" in again.session["notice"]
        await again.close()


@pytest.mark.django_db(transaction=True)
async def test_the_list_action_disconnects_the_selected_live_sessions(recording):
    with registered(cart_app()) as app:
        first, second, kept = PageClient(app), PageClient(app), PageClient(app)
        for client in (first, second, kept):
            await client.open()
        selected = [await recorded(c.session_id) for c in (first, second)]
        await recorded(kept.session_id)
        admin = await admin_client(MANAGE)

        response = await admin.post(
            reverse(CHANGELIST),
            {"action": "disconnect_sessions", "_selected_action": [s.pk for s in selected]},
        )

        assert response.status_code == 302
        for client in (first, second):
            assert (await receive_close(client))["reason"] == "Disconnected by an administrator."
        await kept.click("Add Items", {"Items": ["Milk"]})  # untouched
        await kept.close()


@pytest.mark.django_db(transaction=True)
async def test_clear_state_resets_a_live_session_and_its_page_follows(recording):
    with registered(cart_app()) as app:
        async with PageClient(app) as visitor:
            await visitor.click("Add Items", {"Items": ["Milk", "Water"]})
            assert visitor.value("Cart Size") == 2
            obj = await recorded(visitor.session_id)
            admin = await admin_client(MANAGE)

            response = await admin.post(
                reverse("admin:blocksstate_livesession_clear_state", args=[obj.pk])
            )
            assert response.status_code == 302

            # The cart's .change listener ran on the page's worker: the page shows the reset.
            await visitor.receive_until(lambda f: f["type"] == "update" and f["seq"] is None)
            assert visitor.value("Cart Size") == 0
            await visitor.click("Add Items", {"Items": ["Cereal"]})
            assert visitor.value("Cart Size") == 1
            cart_state = next(
                c for c in visitor.blocks.components.values() if isinstance(c, gr.State)
            )
            assert (await stored(visitor.blocks, visitor.session_id)).values[cart_state.id] == [
                "Cereal"
            ]


@pytest.mark.django_db(transaction=True)
async def test_clear_state_works_with_no_page_connected(recording):
    deleted = []
    with gr.Blocks() as demo:
        cart = gr.State([], delete_callback=deleted.append)
        gr.Button("Add").click(lambda c: c + ["Milk"], cart, cart)
    with registered(demo) as app:
        visitor = PageClient(app)
        await visitor.open()
        await visitor.click("Add")
        obj = await recorded(visitor.session_id)
        await visitor.drop()  # gone, within the resume grace period: nobody to tell
        admin = await admin_client(MANAGE)

        response = await admin.post(
            reverse(CHANGELIST), {"action": "clear_session_state", "_selected_action": [obj.pk]}
        )

        assert response.status_code == 302
        assert (await stored(demo, visitor.session_id)).values[cart.id] == []
        assert deleted == [["Milk"]]
        back = PageClient(app)
        await back.open(resume=visitor.resume_token)
        assert back.session["resumed"]
        await back.click("Add")
        assert (await stored(demo, visitor.session_id)).values[cart.id] == ["Milk"]
        await back.close()


@pytest.mark.django_db(transaction=True)
async def test_actions_need_the_change_permission(recording):
    with registered(cart_app()) as app:
        async with PageClient(app) as visitor:
            obj = await recorded(visitor.session_id)
            viewer = await admin_client(VIEW_STATE, "viewer")

            for name in ("disconnect", "clear_state"):
                url = reverse(f"admin:blocksstate_livesession_{name}", args=[obj.pk])
                assert (await viewer.post(url)).status_code == 403
            html = (await viewer.get(change_url(obj))).content.decode()
            assert "Disconnect</button>" not in html and "Clear state</button>" not in html
            await visitor.click("Add Items", {"Items": ["Milk"]})  # still connected


# -- each app's wiring ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_registered_apps_are_listed_from_the_admin_index(client, staff):
    staff(client, VIEW)
    with registered(cart_app(), "wired-cart"):
        index = client.get(reverse("admin:index")).content.decode()
        listing = client.get(reverse("admin:blocksstate_registeredapp_changelist"))

    assert reverse("admin:blocksstate_registeredapp_changelist") in index
    html = listing.content.decode()
    assert reverse("admin:blocksstate_registeredapp_app", args=["wired-cart"]) in html
    assert reverse("admin:blocksstate_registeredapp_app", args=["cart"]) in html  # the demo's


@pytest.mark.django_db
def test_an_apps_page_shows_its_components_and_what_is_wired_to_what(client, staff):
    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name")
        greeting = gr.Textbox(label="Greeting")
        count = gr.State(0)
        go = gr.Button("Greet")

        def greet(name, count):
            return f"Hello {name}", count + 1

        def shout(text):
            return text.upper()

        go.click(greet, [name, count], [greeting, count]).then(shout, greeting, greeting)
    staff(client, VIEW)
    with registered(demo, "wired") as app:
        html = client.get(reverse("admin:blocksstate_registeredapp_app", args=[app])).content
    html = re.sub(r"\s+", " ", html.decode())

    components = html[html.index('id="components"') : html.index('id="events"')]
    assert "Textbox" in components and "Name" in components and "Greeting" in components
    assert "&quot;kind&quot;: &quot;string&quot;" in components  # the value schema
    assert "triggers: click \u2192 greet" in components  # on the button's row
    assert "read by: greet" in components and "written by: greet, shout" in components
    events = html[html.index('id="events"') :]
    first = events[events.index('id="event-0"') : events.index('id="event-1"')]
    assert "click on Button &#x27;Greet&#x27;" in first
    assert "<code>greet</code>" in first
    assert "Textbox &#x27;Name&#x27;" in first and f"State {count.id}" in first
    assert "then \u2192 event 1 (shout)" in first
    second = events[events.index('id="event-1"') :]
    assert "then of event 0" in second and "run by the server" in second


@pytest.mark.django_db
def test_an_unknown_app_is_not_found(client, staff):
    staff(client, VIEW)
    url = reverse("admin:blocksstate_registeredapp_app", args=["no-such-app"])
    assert client.get(url).status_code == 404


# -- a session served by another worker ------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_the_actions_reach_a_session_served_by_another_worker(
    redis_server, tmp_path, settings
):
    """A real daphne worker serves the page; the admin runs here; Redis carries both ways."""
    import redis
    from websockets.exceptions import ConnectionClosed

    from tests.multiworker.app import APP, build
    from tests.multiworker.client import WsPage
    from tests.test_multiworker import ADD, COUNT, Worker, unloads

    url = redis_server.rsplit("/", 1)[0] + "/4"
    client = redis.Redis.from_url(url, decode_responses=True)
    client.flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "worker": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url},
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": url, "socket_timeout": None}]},
        }
    }
    settings.BLOCKSSTATE = {"CACHE_ALIAS": "worker"}
    worker = Worker("admin", url, tmp_path)
    try:
        with registered(build(), APP):
            visitor = await WsPage(worker.url, APP).open()
            for _ in range(3):
                await visitor.event(ADD)
            assert visitor.value(COUNT) == 3
            obj = await LiveSession.objects.acreate(
                session_id=visitor.session_id,
                app=APP,
                connected_at=datetime.now(UTC),
                last_seen_at=datetime.now(UTC),
            )
            admin = await admin_client(MANAGE)

            await admin.post(reverse("admin:blocksstate_livesession_clear_state", args=[obj.pk]))
            await visitor.event(ADD)
            assert visitor.value(COUNT) == 1  # the worker took the cleared value from the store

            await admin.post(reverse("admin:blocksstate_livesession_disconnect", args=[obj.pk]))
            closed = await visitor.until(lambda f: f["type"] == "closed")
            assert closed[-1]["reason"] == "Disconnected by an administrator."
            with pytest.raises(ConnectionClosed):  # and the worker closed the socket
                await visitor.receive()
            await eventually(lambda: unloads(client, visitor.session_id) == [worker.pid])
        worker.assert_quiet()
    finally:
        worker.stop()
        client.flushdb()
        client.close()
        from channels.layers import get_channel_layer

        await get_channel_layer().close_pools()


@pytest.mark.django_db
def test_the_event_log_lists_failures_across_sessions(client, staff):
    first, second = live_session("first-session"), live_session("second-session", app="counter")
    now = datetime.now(UTC)
    EventLog.objects.create(session=first, event="click ok", started_at=now, duration_ms=1)
    EventLog.objects.create(
        session=second, event="click bad", started_at=now, duration_ms=1, ok=False, error="boom"
    )
    staff(client, VIEW + ["view_eventlog"])
    url = reverse("admin:blocksstate_eventlog_changelist")

    response = client.get(url, {"outcome": "failed"})

    assert [e.event for e in response.context_data["cl"].result_list] == ["click bad"]
    assert change_url(second) in response.content.decode()
    assert [
        e.event for e in client.get(url, {"session__app": "cart"}).context_data["cl"].result_list
    ] == ["click ok"]


@pytest.mark.django_db
def test_an_action_on_an_unknown_session_is_not_found(client, staff):
    staff(client, MANAGE)
    for url in (
        reverse("admin:blocksstate_livesession_disconnect", args=[12345]),
        reverse("admin:blocksstate_livesession_clear_state", args=["not-a-number"]),
    ):
        assert client.post(url).status_code == 404
    live = live_session("some-session")
    assert (
        client.get(reverse("admin:blocksstate_livesession_disconnect", args=[live.pk])).status_code
        == 405
    )
