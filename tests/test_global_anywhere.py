"""GlobalState changed from any Django code (issue 21): every open page runs its listeners once.

In-process, through the real consumer and the in-memory channel layer; the Redis script,
several processes and browsers are in tests/test_multiworker_global.py and
tests/e2e/test_global_anywhere.py.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import threading

import pytest
from django.core.cache import caches
from django.core.exceptions import SynchronousOnlyOperation
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.test import override_settings

import blocksstate as gr
from blocksstate.components.global_state import GlobalStateError
from blocksstate.state import global_news
from blocksstate.templatetags.blocksstate import UnknownGlobalState
from blocksstate.testing import PageClient, registered

_keys = itertools.count()


def fresh_key() -> str:
    return f"test-anywhere-{next(_keys)}"


def notice_app(key: str, default="none yet") -> tuple[gr.Blocks, gr.GlobalState]:
    """An app showing the GlobalState ``key`` and how many times its listener ran."""
    with gr.Blocks() as demo:
        notice = gr.GlobalState(default, key=key)
        runs = gr.State(0)
        shown = gr.Textbox(label="Notice")
        count = gr.Number(label="Runs")
        notice.change(
            lambda text, n: (str(text), n + 1, n + 1), [notice, runs], [shown, runs, count]
        )
        demo.load(lambda text: str(text), notice, shown)
    return demo, notice


async def shows(page: PageClient, label: str, value) -> None:
    """Wait until the page shows ``value`` in the component labelled ``label``."""
    if page.value(label) == value:
        return
    await page.receive_until(lambda f: f["type"] == "update" and page.value(label) == value)


async def settled(*pages: PageClient) -> None:
    """Let the server handle what it was sent (changes travel through the channel layer)."""
    for _ in range(3):
        await asyncio.sleep(0.05)
        for page in pages:
            await page.sync()


# -- reaching every page -----------------------------------------------------------------------


async def test_a_change_from_async_code_reaches_every_open_page_once():
    demo, notice = notice_app(fresh_key())
    with registered(demo) as app:
        alice, bob = PageClient(app), PageClient(app)
        await alice.open()
        await bob.open()
        assert alice.value("Notice") == bob.value("Notice") == "none yet"

        await notice.aset("Maintenance at 6 pm")
        for page in (alice, bob):
            await shows(page, "Notice", "Maintenance at 6 pm")
            await shows(page, "Runs", 1)

        assert await notice.aupdate(lambda text: text + "!") == "Maintenance at 6 pm!"
        for page in (alice, bob):
            await shows(page, "Notice", "Maintenance at 6 pm!")
            await shows(page, "Runs", 2)
        await settled(alice, bob)
        assert alice.value("Runs") == bob.value("Runs") == 2  # once per change, never twice
        await alice.close()
        await bob.close()


async def test_a_change_from_sync_code_in_a_server_thread_reaches_every_page():
    """A synchronous view runs in a thread of the server: ``set`` announces through its loop."""
    demo, notice = notice_app(fresh_key())
    with registered(demo) as app:
        alice, bob = PageClient(app), PageClient(app)
        await alice.open()
        await bob.open()
        await asyncio.to_thread(notice.set, "from a view")
        for page in (alice, bob):
            await shows(page, "Notice", "from a view")
        await alice.close()
        await bob.close()


async def test_a_change_made_by_an_event_reaches_the_other_pages_once():
    key = fresh_key()
    with gr.Blocks() as demo:
        clicks = gr.GlobalState(0, key=key)
        runs = gr.State(0)
        total = gr.Number(label="Total")
        count = gr.Number(label="Runs")
        gr.Button("Add").click(lambda c: c + 1, clicks, clicks)
        clicks.change(lambda c, n: (c, n + 1, n + 1), [clicks, runs], [total, runs, count])
    with registered(demo) as app:
        alice, bob = PageClient(app), PageClient(app)
        await alice.open()
        await bob.open()
        await alice.click("Add")
        assert alice.value("Runs") == 1
        await shows(bob, "Total", 1)
        await alice.click("Add")
        await shows(bob, "Total", 2)
        await settled(alice, bob)
        assert alice.value("Runs") == bob.value("Runs") == 2
        await alice.close()
        await bob.close()


async def test_an_announcement_heard_twice_runs_the_listeners_once():
    demo, notice = notice_app(fresh_key())
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        await notice.aset("once")
        await shows(page, "Runs", 1)
        _, version = await asyncio.to_thread(notice.read)
        # The same change announced again (a retried send, a second layer): nothing runs.
        await global_news.aannounce(notice.key, version)
        await global_news.aannounce(notice.key, version)
        await settled(page)
        assert page.value("Runs") == 1
        await page.close()


async def test_a_listener_that_read_a_newer_version_does_not_run_again_for_it():
    """A burst: the listener of change 1 already read change 2, so change 2's news runs nothing."""
    key = fresh_key()
    with gr.Blocks() as demo:
        notice = gr.GlobalState("none yet", key=key)
        runs = gr.State([])
        shown = gr.Textbox(label="Seen")

        def newer_arrives(text):
            if text == "first":
                notice.write("second")  # stored, not yet announced: it comes next
            return text

        def note(text, seen):
            return seen + [text], " ".join(seen + [text])

        notice.change(newer_arrives, notice, None).then(note, [notice, runs], [runs, shown])
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        await notice.aset("first")
        await shows(page, "Seen", "second")
        _, version = await asyncio.to_thread(notice.read)
        await global_news.aannounce(notice.key, version)  # the news of "second", late
        await settled(page)
        assert page.value("Seen") == "second"
        await page.close()


async def test_a_page_that_was_away_shows_the_current_value_when_it_resumes():
    demo, notice = notice_app(fresh_key())
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        token = page.resume_token
        await page.drop()
        await notice.aset("first")
        await notice.aset("second")

        back = PageClient(app)
        await back.open(resume=token)
        await shows(back, "Notice", "second")
        assert back.value("Runs") == 1  # two changes while away: the listeners ran once
        await settled(back)
        assert back.value("Runs") == 1

        # Away again while nothing changed: resuming runs nothing.
        token = back.resume_token
        await back.drop()
        again = PageClient(app)
        await again.open(resume=token)
        await settled(again)
        assert again.value("Notice") == "second" and again.value("Runs") == 1
        await again.close()


async def test_a_new_page_shows_the_value_and_runs_no_listener_for_older_changes():
    demo, notice = notice_app(fresh_key())
    await notice.aset("before the page opened")
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        await settled(page)
        assert page.value("Notice") == "before the page opened"
        assert page.value("Runs") in (0, None)
        await page.close()


# -- atomic and ordered ----------------------------------------------------------------------------


def test_each_change_has_the_next_version(global_cache):
    counter = gr.GlobalState(0, key=fresh_key())
    assert counter.read() == (0, 0)
    assert counter.incr(5) == 5
    assert counter.read() == (5, 1)
    counter.set(10)
    assert counter.update(lambda v: v * 2) == 20
    assert counter.read() == (20, 3)


def test_concurrent_increments_and_their_versions_lose_nothing(global_cache):
    counter = gr.GlobalState(0, key=fresh_key())

    def work() -> None:
        for _ in range(50):
            counter.incr()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter.read() == (200, 200)  # one version per increment: none shared, none lost


def test_incr_on_a_stored_text_is_refused_and_changes_nothing(global_cache):
    counter = gr.GlobalState(0, key=fresh_key())
    counter.set("not a number")
    with pytest.raises(GlobalStateError, match="integer value, not 'not a number'"):
        counter.incr()
    assert counter.read() == ("not a number", 1)


def test_incr_adds_integers_only(global_cache):
    counter = gr.GlobalState(0, key=fresh_key())
    for wrong in (1.5, "2", True):
        with pytest.raises(GlobalStateError, match="adds an integer"):
            counter.incr(wrong)
    assert counter.read() == (0, 0)


async def test_the_sync_methods_refuse_to_block_a_running_event_loop():
    notice = gr.GlobalState("kept", key=fresh_key())
    with pytest.raises(SynchronousOnlyOperation, match=r"use `await state.aset\(...\)`"):
        notice.set("changed")
    for call in (notice.get, lambda: notice.incr(), lambda: notice.update(str)):
        with pytest.raises(SynchronousOnlyOperation, match="cannot be called from async code"):
            call()
    assert await notice.aget() == "kept"


async def test_the_async_twins(global_cache):
    counter = gr.GlobalState(1, key=fresh_key())
    assert await counter.aincr(2) == 3
    assert await counter.aupdate(lambda v: v * 10) == 30
    await counter.aset(7)
    assert await counter.aget() == 7
    results = await asyncio.gather(*(counter.aincr() for _ in range(20)))
    assert sorted(results) == list(range(8, 28)) and await counter.aget() == 27


# -- templates ---------------------------------------------------------------------------------------


def test_the_template_tag_renders_the_current_value_escaped():
    key = fresh_key()
    notice = gr.GlobalState("<b>none</b>", key=key)
    template = Template('{% load blocksstate %}<p>{% global_state "' + key + '" %}</p>')
    assert template.render(Context()) == "<p>&lt;b&gt;none&lt;/b&gt;</p>"
    notice.set("Maintenance")
    assert template.render(Context()) == "<p>Maintenance</p>"
    named = Template('{% load blocksstate %}{% global_state "' + key + '" as text %}[{{ text }}]')
    assert named.render(Context()) == "[Maintenance]"


def test_the_template_tag_names_an_unknown_key():
    template = Template('{% load blocksstate %}{% global_state "no-such-key" %}')
    with pytest.raises(UnknownGlobalState, match="No GlobalState has the key 'no-such-key'"):
        template.render(Context())


def test_the_context_processor_reads_values_when_used():
    from blocksstate.context_processors import global_states

    key = fresh_key()
    gr.GlobalState(3, key=key).set(4)
    values = global_states(None)["global_states"]
    assert values[key] == 4 and key in list(values)
    assert Template("{{ v.nope }}|{{ v.other }}").render(Context({"v": values})) == "|"


# -- the management command -------------------------------------------------------------------------


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("blocksstate_global_state", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_reads_and_changes_a_global_state():
    key = fresh_key()
    gr.GlobalState(0, key=key)
    assert run_command("get", key) == "0"
    assert run_command("incr", key, "5") == "5"
    assert run_command("incr", key) == "6"
    text = fresh_key()
    gr.GlobalState("", key=text)
    assert run_command("set", text, "Maintenance at 6 pm") == '"Maintenance at 6 pm"'
    assert run_command("set", text, '{"a": [1, 2]}', "--json") == '{"a": [1, 2]}'
    assert gr.GlobalState.named(text).get() == {"a": [1, 2]}


def test_the_command_refuses_bad_input_and_changes_nothing():
    key = fresh_key()
    counter = gr.GlobalState(0, key=key)
    with pytest.raises(CommandError, match="No GlobalState has the key 'missing'"):
        run_command("get", "missing")
    with pytest.raises(CommandError, match="incr adds an integer, not 'x'"):
        run_command("incr", key, "x")
    with pytest.raises(CommandError, match="set needs a value"):
        run_command("set", key)
    with pytest.raises(CommandError, match="not JSON"):
        run_command("set", key, "{oops", "--json")
    counter.set("text")
    with pytest.raises(CommandError, match="integer value"):
        run_command("incr", key)
    assert counter.read() == ("text", 1)


# -- the demo's staff page ----------------------------------------------------------------------------


@pytest.fixture
def demo_site(settings):
    """The demo project's URLs and templates."""
    from pathlib import Path

    settings.ROOT_URLCONF = "demo_project.urls"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [Path(__file__).resolve().parent.parent / "templates"]}
    ]
    caches["default"].clear()
    return gr.GlobalState.named("demo-announcement")


@pytest.mark.django_db
def test_the_demo_staff_page_posts_an_announcement(demo_site, client, admin_user):
    assert client.get("/announcement/post/").status_code == 302  # to the admin's login
    client.force_login(admin_user)
    response = client.post("/announcement/post/", {"text": "  Maintenance at 6 pm "}, follow=True)
    assert "Posted: every open page shows it now." in response.content.decode()
    assert demo_site.read() == ("Maintenance at 6 pm", 1)
    page = client.get("/announcement/").content.decode()
    assert "<strong>When this page was rendered:</strong> Maintenance at 6 pm" in page


@pytest.mark.django_db
def test_the_demo_staff_page_refuses_an_empty_or_long_text_and_changes_nothing(
    demo_site, client, admin_user, django_user_model
):
    visitor = django_user_model.objects.create_user("visitor", password="x-not-used-1234")
    client.force_login(visitor)
    client.post("/announcement/post/", {"text": "Not staff"})
    assert demo_site.read() == ("No announcement yet.", 0)
    client.force_login(admin_user)
    for text, error in (("   ", "Write the announcement first."), ("x" * 501, "at most 500")):
        response = client.post("/announcement/post/", {"text": text})
        assert response.status_code == 400 and error in response.content.decode()
    assert demo_site.read() == ("No announcement yet.", 0)


def test_without_a_channel_layer_a_change_is_stored_and_told_to_no_one():
    counter = gr.GlobalState(0, key=fresh_key())
    with override_settings(CHANNEL_LAYERS={}):
        assert counter.incr(2) == 2
        counter.set(5)
    assert counter.read() == (5, 2)
