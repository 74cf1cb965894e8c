"""What staff read in the admin: names and plurals, filter titles, live sessions by default,
what an empty list says, and the bytes a session really takes in the cache."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.contrib.admin.views.main import ERROR_FLAG
from django.urls import reverse

import blocksstate as gr
from blocksstate.models import EventLog, LiveSession, RegisteredApp
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.backends.locmem import SessionStore as LocmemStore
from blocksstate.sessions.base import SessionStore as BaseStore
from blocksstate.testing import PageClient, registered
from tests.helpers_session import blocksstate_settings
from tests.test_admin import (
    VIEW,
    VIEW_STATE,
    _close_connections,  # noqa: F401  (closes the database connections)
    admin_client,
    change_url,
    listed,
    live_session,
    make_staff,
)
from tests.test_session_store import bytes_in_cache

SESSIONS = reverse("admin:blocksstate_livesession_changelist")
EVENTS = reverse("admin:blocksstate_eventlog_changelist")
VIEW_ALL = VIEW + ["view_eventlog"]


def text(response) -> str:
    """A page's text as a reader sees it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def staff(django_user_model):
    """Log a staff user with the given blocksstate permissions into a test client."""

    def login(client, codenames: list[str]) -> None:
        client.force_login(make_staff(django_user_model, "staff", codenames))

    return login


@pytest.fixture
def live_and_ended(django_user_model):
    """Two live sessions (one of them Ada's) and an ended one."""
    now = datetime.now(UTC)
    ada = django_user_model.objects.create_user("ada")
    live_session("aaaa-live", user=ada, event_count=5, error_count=1, client_address="203.0.113.5")
    live_session(
        "bbbb-ended",
        connected_at=now - timedelta(hours=1),
        closed_at=now,
        closed_reason="page closed",
    )
    live_session("cccc-live", app="counter", connected_at=now - timedelta(hours=2))


# -- names ------------------------------------------------------------------------------------


def test_every_model_has_a_singular_and_a_plural_that_read_well():
    names = {
        model: (model._meta.verbose_name, model._meta.verbose_name_plural)
        for model in (LiveSession, EventLog, RegisteredApp)
    }
    assert names == {
        LiveSession: ("live session", "live sessions"),
        EventLog: ("event log entry", "event log entries"),
        RegisteredApp: ("registered app", "registered apps"),
    }


@pytest.mark.django_db
def test_the_event_list_counts_entries_in_the_plural(client, staff):
    session = live_session("with-events")
    for n in range(7):
        EventLog.objects.create(
            session=session, event=f"click {n}", started_at=datetime.now(UTC), duration_ms=1
        )
    staff(client, VIEW_ALL)

    assert "7 event log entries" in text(client.get(EVENTS))
    assert "1 event log entry" in text(client.get(EVENTS, {"q": "click 3"}))
    index = text(client.get(reverse("admin:index")))
    assert "Event log entries" in index and "Live sessions" in index


@pytest.mark.django_db
def test_every_filter_has_a_title_that_reads_well(client, staff, live_and_ended):
    staff(client, VIEW_ALL)
    titles = {
        url: [spec.title for spec in client.get(url).context_data["cl"].filter_specs]
        for url in (SESSIONS, EVENTS)
    }

    assert titles == {SESSIONS: ["status", "app", "user"], EVENTS: ["outcome", "app"]}
    events_page = text(client.get(EVENTS))
    assert "By outcome All Failed Succeeded" in events_page and "By ok" not in events_page
    assert "By user All ada anonymous" in text(client.get(SESSIONS))


@pytest.mark.django_db
def test_the_column_headers_and_field_labels_read_well(client, staff, live_and_ended):
    staff(client, VIEW_ALL)
    EventLog.objects.create(
        session=LiveSession.objects.get(session_id="aaaa-live"),
        event="click on Button 'Add'",
        started_at=datetime.now(UTC),
        duration_ms=2,
        ok=False,
        error="boom",
    )
    assert "Session App Status Visitor Connected Events" in text(client.get(SESSIONS))
    assert "Started Event App Session Duration (ms) Succeeded Error" in text(client.get(EVENTS))
    page = text(client.get(change_url(LiveSession.objects.get(session_id="bbbb-ended"))))
    for label in (
        "User: anonymous",
        "Connected:",
        "Last seen:",
        "Ended:",
        "Ended because: page closed",
    ):
        assert label in page


@pytest.mark.django_db
def test_a_row_reads_as_a_sentence(client, staff, live_and_ended):
    staff(client, VIEW)
    page = text(client.get(SESSIONS, {"status": "all"}))

    assert "aaaa-live\u2026 cart Live seen just now ada 203.0.113.5" in page
    assert "5 1 failed" in page
    assert "bbbb-ended\u2026 cart Ended page closed, just now anonymous" in page


# -- live sessions by default --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_list_shows_the_live_ones_by_default_and_all_on_request(
    client, staff, live_and_ended
):
    staff(client, VIEW)

    default = client.get(SESSIONS)
    assert listed(default) == ["aaaa-live", "cccc-live"]
    (status,) = [s for s in default.context_data["cl"].filter_specs if s.title == "status"]
    choices = {c["display"]: c for c in status.choices(default.context_data["cl"])}
    assert list(choices) == ["All", "Live", "Ended"]
    assert choices["Live"]["selected"] and not choices["All"]["selected"]
    assert "2 live sessions" in text(default)

    everything = client.get(SESSIONS + choices["All"]["query_string"])
    assert listed(everything) == ["aaaa-live", "bbbb-ended", "cccc-live"]
    assert listed(client.get(SESSIONS + choices["Ended"]["query_string"])) == ["bbbb-ended"]
    # The search bar's "3 total" leads to all of them, not back to the live ones.
    assert '(<a href="?status=all">3 total</a>)' in default.content.decode()
    counted = text(client.get(SESSIONS, {"_facets": "True"}))
    assert "By status All (3) Live (2) Ended (1)" in counted


@pytest.mark.django_db
def test_a_search_looks_through_ended_sessions_unless_a_status_is_chosen(
    client, staff, live_and_ended
):
    staff(client, VIEW)

    assert listed(client.get(SESSIONS, {"q": "bbbb"})) == ["bbbb-ended"]
    assert listed(client.get(SESSIONS, {"q": "bbbb", "status": "live"})) == []


@pytest.mark.django_db
def test_the_links_to_a_browsers_or_an_apps_sessions_include_the_ended_ones(client, staff):
    first = live_session("first-visit", browser_hash="h" * 64, closed_at=datetime.now(UTC))
    live_session("second-visit", browser_hash="h" * 64)
    staff(client, VIEW)

    page = unescape(client.get(change_url(first)).content.decode())
    (link,) = re.findall(r'href="([^"]+)">2 session\(s\) of this browser', page)
    assert listed(client.get(link)) == ["second-visit", "first-visit"]
    with registered(gr.Blocks(), "wired") as app:
        wiring = client.get(reverse("admin:blocksstate_registeredapp_app", args=[app]))
    assert f"?app={app}&amp;status=all" in wiring.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "refused"),
    [(SESSIONS, {"status": "maybe"}), (EVENTS, {"outcome": "maybe"})],
)
def test_a_filter_value_the_list_does_not_know_is_refused_and_said(
    client, staff, live_and_ended, url, refused
):
    staff(client, VIEW_ALL)

    response = client.get(url, refused)

    assert response.status_code == 302 and response.url == f"{url}?{ERROR_FLAG}=1"
    page = client.get(response.url)
    assert "does not have, or for a value it does not know" in text(page)
    assert len(page.context_data["cl"].result_list) == len(
        client.get(url).context_data["cl"].result_list
    )
    assert LiveSession.objects.count() == 3  # nothing changed


# -- empty lists -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_session_list_says_why(client, staff, settings):
    staff(client, VIEW)
    blocksstate_settings(settings, RECORD_SESSIONS=True)
    assert "No session yet: one is recorded when a page" in text(client.get(SESSIONS))

    live_session("gone", closed_at=datetime.now(UTC))
    page = client.get(SESSIONS)
    assert "No page is connected now. All sessions lists the ended ones too." in text(page)
    assert '<a href="?status=all">All sessions</a>' in page.content.decode()
    assert "No page is connected" not in text(client.get(SESSIONS, {"status": "all"}))

    blocksstate_settings(settings, RECORD_SESSIONS=False)
    live_session("other", closed_at=datetime.now(UTC))
    assert 'Sessions are not recorded: BLOCKSSTATE["RECORD_SESSIONS"] is off.' in text(
        client.get(SESSIONS)
    )


@pytest.mark.django_db
def test_an_empty_event_log_says_when_events_are_not_kept(client, staff, settings):
    staff(client, VIEW_ALL)
    blocksstate_settings(settings, RECORD_SESSIONS=True, EVENT_LOG=False)
    assert 'The event log is off (BLOCKSSTATE["EVENT_LOG"] is False)' in text(client.get(EVENTS))
    blocksstate_settings(settings, RECORD_SESSIONS=True, EVENT_LOG=True)
    assert "0 event log entries" in text(client.get(EVENTS))


# -- the bytes a session takes ------------------------------------------------------------------------


def chat_app() -> gr.Blocks:
    """A chat as the guides write it: the Chatbot holds the history, no State at all."""
    with gr.Blocks() as demo:
        chatbot = gr.Chatbot(label="Chatbot")
        message = gr.Textbox(label="Message")
        gr.Textbox(label="Notes")

        def respond(text, history):
            reply = {"role": "assistant", "content": "Nice day!"}
            return "", history + [{"role": "user", "content": text}, reply]

        message.submit(respond, [message, chatbot], [message, chatbot])
    return demo


@pytest.mark.django_db(transaction=True)
async def test_a_chat_sessions_page_shows_the_bytes_its_history_takes_in_the_cache():
    demo = chat_app()
    chatbot, message, notes = list(demo.components.values())[:3]
    with registered(demo) as app:
        async with PageClient(app) as visitor:
            await visitor.trigger("Message", "submit", {"Message": "Hello there"})
            assert len(visitor.value("Chatbot")) == 2
            obj = await LiveSession.objects.acreate(
                session_id=visitor.session_id,
                app=app,
                connected_at=datetime.now(UTC),
                last_seen_at=datetime.now(UTC),
            )
            admin = await admin_client(VIEW_STATE)

            page = unescape((await admin.get(change_url(obj))).content.decode())

        store = get_store()
        held = {
            c.id: bytes_in_cache(store, store.key(obj.session_id, c.id)) for c in (chatbot, message)
        }
    values = page[page.index('id="state-values"') :]
    chat_row = values[values.index("Chatbot 'Chatbot'") :]
    assert f'title="{held[chatbot.id]} bytes"' in chat_row.split("</tr>")[0]
    total = sum(held.values())
    assert f'<span id="stored-size" title="{total} bytes">{total}\xa0bytes</span>' in values
    assert total > len("Hello there" + "Nice day!")
    # A value never written holds its initial value and takes nothing.
    notes_row = values[values.index("Textbox 'Notes'") :].split("</tr>")[0]
    assert "not stored: its initial value" in notes_row


class UnmeasuredStore(LocmemStore):
    """A store of a site's own, written before stored_sizes existed."""

    stored_sizes = BaseStore.stored_sizes


@pytest.mark.django_db(transaction=True)
async def test_a_store_that_cannot_measure_still_shows_the_values(settings):
    blocksstate_settings(settings, SESSION_STORE=f"{__name__}.UnmeasuredStore")
    with registered(chat_app()) as app:
        async with PageClient(app) as visitor:
            await visitor.trigger("Message", "submit", {"Message": "Hello there"})
            obj = await LiveSession.objects.acreate(
                session_id=visitor.session_id,
                app=app,
                connected_at=datetime.now(UTC),
                last_seen_at=datetime.now(UTC),
            )
            admin = await admin_client(VIEW_STATE)
            page = text(await admin.get(change_url(obj)))
    assert "The session store does not say how many bytes it keeps." in page
    assert "Hello there" in page
