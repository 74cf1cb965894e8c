"""The consumer over a real (in-process) WebSocket: bad frames, feedback, streaming, lifecycle."""

import asyncio
import json
import time
from pathlib import Path

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

import blocksstate as gr
import blocksstate.routing
from blocksstate.app.registry import get_app
from blocksstate.launch.script import script_module
from blocksstate.sessions.backends import get_store
from blocksstate.testing import PageClient, component, dependency, eventually, registered
from blocksstate.transport.origin import origin_allowed
from tests.helpers_session import blocksstate_settings

pytest_plugins = ["tests.helpers_fixtures"]  # cache_alias

GUIDES = Path(__file__).resolve().parent.parent / "demo_project" / "examples" / "guides"
cart = script_module(GUIDES / "cart.py")
conditional = script_module(GUIDES / "conditional.py")


async def stored_state(client: PageClient, state) -> object:
    session = await get_store().load(client.blocks, client.session_id)
    return session.values[state.id]


# -- bad frames: an error each, and nothing else changes ------------------------------------------

CART_BAD_FRAMES = [
    ("not json", "text", "{not json", "bad_frame", None),
    ("json array", "text", "[1, 2]", "bad_frame", None),
    ("binary frame", "bytes", b'{"type": "event", "seq": 3, "dep": 0}', "bad_frame", None),
    ("unknown type", "json", {"type": "shout", "seq": 5}, "unknown_type", 5),
    ("missing seq", "json", {"type": "event", "dep": 0}, "bad_frame", None),
    ("non-int dep", "json", {"type": "event", "seq": 6, "dep": "0"}, "bad_frame", 6),
    ("unknown dep", "json", {"type": "event", "seq": 7, "dep": 99}, "unknown_event", 7),
    ("server-only dep", "json", {"type": "event", "seq": 8, "dep": "CHANGE"}, "unknown_event", 8),
    (
        "value not in choices",
        "json",
        {"type": "event", "seq": 9, "dep": "CLICK", "values": {"ITEMS": ["Milk", "Beer"]}},
        "invalid_input",
        9,
    ),
    (
        "wrong value type",
        "json",
        {"type": "event", "seq": 10, "dep": "CLICK", "values": {"ITEMS": "Milk"}},
        "invalid_input",
        10,
    ),
    (
        "non-editable component",
        "json",
        {"type": "event", "seq": 11, "dep": "CLICK", "values": {"SIZE": 40}},
        "invalid_input",
        11,
    ),
    (
        "state id",
        "json",
        {"type": "event", "seq": 12, "dep": "CLICK", "values": {"STATE": ["Beer"] * 9}},
        "invalid_input",
        12,
    ),
    (
        "unknown component",
        "json",
        {"type": "event", "seq": 13, "dep": "CLICK", "values": {"404": 1}},
        "invalid_input",
        13,
    ),
    (
        "values not an object",
        "json",
        {"type": "event", "seq": 14, "dep": "CLICK", "values": [1]},
        "bad_frame",
        14,
    ),
    (
        "duplicate hello",
        "json",
        {"type": "hello", "protocol": 1, "resume": None},
        "bad_frame",
        None,
    ),
]


def fill_in(frame):
    """Put the cart app's real ids in a frame template."""
    demo = get_app("cart")
    ids = {
        "CLICK": dependency(demo, component(demo, value="Add Items"), "click").id,
        "CHANGE": dependency(demo, cart.cart, "change").id,
    }
    names = {"ITEMS": cart.items_to_add.id, "SIZE": cart.cart_size.id, "STATE": cart.cart.id}
    frame = dict(frame)
    if frame.get("dep") in ids:
        frame["dep"] = ids[frame["dep"]]
    if isinstance(frame.get("values"), dict):
        frame["values"] = {str(names.get(k, k)): v for k, v in frame["values"].items()}
    return frame


@pytest.mark.parametrize(
    ("how", "data", "code", "seq"),
    [case[1:] for case in CART_BAD_FRAMES],
    ids=[case[0] for case in CART_BAD_FRAMES],
)
async def test_a_bad_frame_gets_an_error_and_leaves_connection_and_state_intact(
    how, data, code, seq
):
    async with PageClient("cart") as client:
        await client.click("Add Items", {cart.items_to_add: ["Milk", "Water"]})
        session_id = client.session_id

        if how == "text":
            await client.send_text(data)
        elif how == "bytes":
            await client.send_bytes(data)
        else:
            await client.send(fill_in(data))
        error = await client.expect_error()

        assert (error["code"], error["seq"]) == (code, seq)
        assert error["message"]
        assert await stored_state(client, cart.cart) == ["Milk", "Water"]
        await client.click("Add Items")
        assert client.value("Cart Size") == 4
        assert client.session_id == session_id
        assert await stored_state(client, cart.cart) == ["Milk", "Water"] * 2


async def test_invalid_input_names_the_component():
    async with PageClient("cart") as client:
        outcome = await client.event(
            fill_in({"dep": "CLICK"})["dep"], {cart.items_to_add: ["Milk", "Beer"]}
        )

    assert outcome.error["code"] == "invalid_input"
    assert outcome.error["message"] == f"{cart.items_to_add!r}: 'Beer' is not one of the choices"


async def test_text_for_a_number_is_refused_and_the_state_is_kept():
    async with PageClient("conditional") as client:
        await client.click("Check and Add", {"Value": 15})

        outcome = await client.trigger("Check and Add", "click", {"Value": "fifteen"})
        assert outcome.status == "error"
        assert outcome.error["code"] == "invalid_input"
        assert "Number 'Value'" in outcome.error["message"]
        assert outcome.frames == [outcome.error]

        await client.click("Check and Add", {"Value": 20})
        assert client.value("Status") == "Added 20.0 to state"
        assert await stored_state(client, conditional.state) == [15.0, 20.0]


async def test_an_oversized_frame_is_refused():
    with override_settings(BLOCKSSTATE={"MAX_FRAME_BYTES": 1000}):
        async with PageClient("cart") as client:
            await client.click("Add Items", {cart.items_to_add: ["Milk"]})
            await client.send({"type": "event", "seq": 3, "dep": 0, "values": {"1": "x" * 1000}})
            error = await client.expect_error()

            assert error["code"] == "too_large"
            await client.click("Add Items")
            assert client.value("Cart Size") == 2


async def test_an_event_before_hello_is_refused_then_the_session_starts():
    client = PageClient("cart")
    await client.connect()

    await client.send({"type": "event", "seq": 1, "dep": 0, "values": {}})
    error = await client.expect_error()
    assert (error["code"], error["seq"]) == ("no_session", 1)

    await client.hello()
    await client.click("Add Items", {cart.items_to_add: ["Water"]})
    assert client.value("Cart Size") == 1
    await client.close()


async def test_a_wrong_protocol_version_is_refused_then_the_right_one_works():
    client = PageClient("cart")
    await client.connect()

    await client.send({"type": "hello", "protocol": 2, "resume": None})
    error = await client.expect_error()
    assert error["code"] == "unsupported_protocol"

    await client.hello()
    assert client.session["protocol"] == 1
    await client.click("Add Items", {cart.items_to_add: ["Water"]})
    assert client.value("Cart Size") == 1
    await client.close()


async def test_invalid_page_values_in_hello_are_ignored_with_an_error():
    client = PageClient("cart")
    await client.connect()

    frames = await client.hello(values={cart.items_to_add: ["Beer"]})

    errors = [f for f in frames if f["type"] == "error"][
        :-1
    ]  # the last one is the helper's barrier
    assert [e["code"] for e in errors] == ["invalid_input"]
    assert "'Beer' is not one of the choices" in errors[0]["message"]
    # Nothing was ticked on the server: adding the (empty) selection changes nothing.
    await client.click("Add Items")
    assert await stored_state(client, cart.cart) == []
    await client.click("Add Items", {cart.items_to_add: ["Milk"]})
    assert client.value("Cart Size") == 1
    await client.close()


async def test_page_values_sent_with_hello_are_used():
    client = PageClient("cart")
    async with await client.open(values={cart.items_to_add: ["Milk", "Cereal"]}):
        await client.click("Add Items")
        assert client.value("Cart Size") == 2


async def refusal(path: str, headers=()) -> tuple[bool, dict]:
    """Connect to ``path``; return whether the socket was accepted, and what came next."""
    communicator = WebsocketCommunicator(
        URLRouter(blocksstate.routing.websocket_urlpatterns), path, headers=list(headers)
    )
    accepted, _ = await communicator.connect()
    following = await communicator.receive_output(timeout=5)
    await communicator.wait()
    return accepted, following


# Accepted first: a socket refused before it is accepted reaches the page as a failed
# handshake (HTTP 403), which it cannot tell from a network fault.
async def test_an_unknown_app_is_accepted_then_closed_with_4404():
    accepted, following = await refusal("/ws/blocks/nope/")

    assert accepted is True
    assert following == {"type": "websocket.close", "code": 4404}


async def test_a_foreign_origin_is_accepted_then_closed_with_4403():
    accepted, following = await refusal(
        "/ws/blocks/cart/", headers=[(b"origin", b"https://evil.example")]
    )

    assert accepted is True
    assert following == {"type": "websocket.close", "code": 4403}


@override_settings(ALLOWED_HOSTS=["shop.example"])
async def test_the_origin_check_reads_allowed_hosts_when_the_socket_opens():
    _, following = await refusal("/ws/blocks/cart/", headers=[(b"origin", b"https://testserver")])
    assert following["code"] == 4403

    client = PageClient("cart", headers=[(b"origin", b"https://shop.example")])
    await client.open()
    assert client.session["resumed"] is False
    await client.close()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser
        (b"https://shop.example:8443", True),  # any port of an allowed host
        (b"https://a.sub.example", True),  # ".sub.example" allows its subdomains
        (b"https://sub.example.evil", False),
        (b"null", False),  # a sandboxed frame
        (b"http://[::1", False),  # malformed
        (b"http://[::1]:8000", True),
    ],
)
@override_settings(ALLOWED_HOSTS=["shop.example", ".sub.example", "[::1]"])
def test_origin_allowed_matches_hosts_as_channels_does(origin, allowed):
    headers = [] if origin is None else [(b"origin", origin)]
    assert origin_allowed({"headers": headers}) is allowed


async def test_an_allowed_origin_connects():
    client = PageClient("cart", headers=[(b"origin", b"http://testserver")])
    await client.open()
    assert client.session["resumed"] is False
    await client.close()


# -- feedback and streaming through the socket -----------------------------------------------------


def feedback_app():
    def slow_count(n):
        for i in range(int(n)):
            yield f"{i + 1} of {int(n)}"

    def save(text):
        gr.Info("Saved")
        gr.Warning("Almost full")
        return text.upper()

    def whoami(request: gr.Request):
        return request.session_hash

    with gr.Blocks() as demo:
        n = gr.Number(label="N", value=3)
        text = gr.Textbox(label="Text")
        out = gr.Textbox(label="Out")
        gr.Button("Count").click(slow_count, n, out)
        gr.Button("Save").click(save, text, out)
        gr.Button("Who").click(whoami, None, out)
    return demo


async def test_a_generator_streams_one_update_per_yield_before_done():
    with registered(feedback_app()) as app:
        async with PageClient(app) as client:
            outcome = await client.click("Count", {"N": 3})

    assert outcome.types() == ["update", "update", "update", "done"]
    assert [next(iter(f["updates"].values()))["value"] for f in outcome.update_frames] == [
        "1 of 3",
        "2 of 3",
        "3 of 3",
    ]
    assert client.value("Out") == "3 of 3"


async def test_info_and_warning_arrive_as_alerts_before_done():
    with registered(feedback_app()) as app:
        async with PageClient(app) as client:
            outcome = await client.click("Save", {"Text": "draft"})

    assert outcome.types() == ["alert", "alert", "update", "done"]
    seq = outcome.last["seq"]
    assert [(a["level"], a["message"], a["seq"]) for a in outcome.alerts] == [
        ("info", "Saved", seq),
        ("warning", "Almost full", seq),
    ]
    assert client.value("Out") == "DRAFT"


async def test_request_session_hash_is_the_session_id():
    with registered(feedback_app()) as app:
        async with PageClient(app) as first, PageClient(app) as second:
            await first.click("Who")
            await second.click("Who")

            assert first.value("Out") == first.session_id
            assert second.value("Out") == second.session_id
            assert first.session_id != second.session_id
            assert len(first.session_id) >= 22  # at least 128 bits, URL-safe


async def test_a_failed_event_answers_failed_after_its_alert():
    def fail():
        raise gr.Error("Out of stock")

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Buy").click(fail, None, out)

    with registered(demo) as app:
        async with PageClient(app) as client:
            outcome = await client.trigger("Buy", "click")

    assert outcome.types() == ["alert", "failed"]
    assert outcome.alerts[0]["message"] == "Out of stock"


async def test_an_unexpected_exception_hides_its_text_from_visitors():
    def broken():
        raise KeyError("secret-internal-detail")

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(broken, None, out)

    with registered(demo) as app:
        async with PageClient(app) as client:
            outcome = await client.trigger("Go", "click")

    assert outcome.status == "failed"
    assert "secret-internal-detail" not in json.dumps(outcome.frames)


# -- session lifecycle -----------------------------------------------------------------------------


async def test_load_runs_once_per_session_and_unload_once_on_close():
    calls = []

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        demo.load(lambda: calls.append("load") or "loaded", None, out)
        demo.unload(lambda: calls.append("unload"))

    with registered(demo) as app:
        client = PageClient(app)
        await client.open()
        assert client.value("Out") == "loaded"
        await client.close()

    assert calls == ["load", "unload"]


async def test_a_session_with_state_frame_carries_id_and_resume_token():
    async with PageClient("cart") as client:
        assert client.session["type"] == "session"
        assert client.session["resumed"] is False
        assert client.session["notice"] is None
        assert client.resume_token and client.resume_token != client.session_id


# -- a failed step changes nothing; a value the server cannot carry is refused ----------------------

NO_RECORDING = {"RECORD_SESSIONS": False}


async def resumed(client: PageClient) -> PageClient:
    """Drop ``client``'s connection and resume its session on a new one."""
    await client.drop()
    again = PageClient(client.app)
    await again.connect()
    await again.hello(resume=client.resume_token)
    return again


def notes_app():
    """Each click keeps a note of the given size in State (in place) and says how many there are."""

    def keep(notes, size):
        notes.append("x" * int(size))
        return f"{len(notes)} notes"

    with gr.Blocks() as demo:
        notes = gr.State([])
        size = gr.Number(label="Size", value=10)
        said = gr.Textbox(label="Said", value="no notes")
        gr.Button("Keep").click(keep, [notes, size], said)
    return demo, notes


async def test_a_state_grown_in_place_past_the_limit_sends_and_keeps_no_output():
    demo, notes = notes_app()
    with (
        registered(demo) as app,
        override_settings(BLOCKSSTATE={**NO_RECORDING, "MAX_STATE_BYTES": 2000}),
    ):
        client = PageClient(app)
        await client.open()
        await client.click("Keep", {"Size": 10})
        assert client.value("Said") == "1 notes"

        outcome = await client.trigger("Keep", "click", {"Size": 5000})

        assert outcome.types() == ["alert", "failed"]
        assert client.value("Said") == "1 notes"
        again = await resumed(client)
        assert again.session["resumed"] is True
        assert again.value("Said") == "1 notes"  # the resync shows what the server keeps
        assert [len(note) for note in await stored_state(again, notes)] == [10]
        await again.click("Keep", {"Size": 20})
        assert again.value("Said") == "2 notes"
        await again.close()


def echo_app():
    with gr.Blocks() as demo:
        text = gr.Textbox(label="Text")
        number = gr.Number(label="N")
        echo = gr.Textbox(label="Echo")
        twice = gr.Number(label="Twice")
        gr.Button("Echo").click(lambda t: t, text, echo)
        gr.Button("Double").click(lambda n: n * 2, number, twice)
    return demo


@pytest.mark.parametrize(
    ("button", "label", "bad", "good", "shown", "message"),
    [
        ("Echo", "Text", "a\ud800b", "ab", "ab", "lone surrogate"),
        ("Double", "N", 10**400, 2, 4, "too large"),
    ],
    ids=["lone surrogate", "int past a float"],
)
async def test_a_value_the_server_cannot_carry_is_refused_and_the_session_stays_usable(
    button, label, bad, good, shown, message
):
    with registered(echo_app()) as app, override_settings(BLOCKSSTATE=NO_RECORDING):
        client = PageClient(app)
        await client.open()

        outcome = await client.trigger(button, "click", {label: bad})

        assert outcome.frames == [outcome.error]
        assert outcome.error["code"] == "invalid_input"
        assert message in outcome.error["message"]
        await client.click(button, {label: good})
        out = "Echo" if button == "Echo" else "Twice"
        assert client.value(out) == shown
        again = await resumed(client)
        assert again.session["resumed"] is True
        assert again.value(out) == shown
        await again.click(button)
        assert again.value(out) == shown
        await again.close()


async def test_a_conflict_on_save_puts_the_page_back_to_what_the_store_keeps():
    """Another worker wrote the session during the event (this one's lock had expired)."""

    async def overtaken(session_id):
        if session_id:
            store = get_store()
            theirs = await store.load(get_app(app), session_id)
            theirs.set_value(said.id, "theirs")
            await store.save(theirs, 60)
        return "mine"

    with gr.Blocks() as demo:
        session_id = gr.Textbox(label="Session")
        said = gr.Textbox(label="Said", value="before")
        gr.Button("Go").click(overtaken, session_id, said)

    with registered(demo) as app, override_settings(BLOCKSSTATE=NO_RECORDING):
        async with PageClient(app) as client:
            outcome = await client.event(
                dependency(demo, component(demo, value="Go"), "click"),
                {session_id: client.session_id},
            )

            assert outcome.error["code"] == "conflict"
            assert client.value("Said") == "theirs"
            await client.click("Go", {session_id: ""})
            assert client.value("Said") == "mine"


async def test_hello_values_the_server_cannot_carry_are_ignored_with_an_error():
    with registered(echo_app()) as app, override_settings(BLOCKSSTATE=NO_RECORDING):
        client = PageClient(app)
        await client.connect()

        frames = await client.hello(values={"Text": "a\ud800b"})

        [error] = [f for f in frames if f["type"] == "error" and f["code"] == "invalid_input"]
        assert "page values ignored" in error["message"] and "lone surrogate" in error["message"]
        await client.click("Echo")
        assert client.value("Echo") == ""  # the server kept nothing of it
        await client.click("Echo", {"Text": "fine"})
        assert client.value("Echo") == "fine"
        await client.close()


# -- liveness, resume and one page per session -------------------------------------------------------

counter = script_module(GUIDES / "counter.py")


def increment_frame(seq: int) -> dict:
    dep = dependency(get_app("counter"), counter.button, "click").id
    return {"type": "event", "seq": seq, "dep": dep, "values": {}}


async def resume_with(token: str) -> PageClient:
    """A new connection of the counter page, resuming with ``token``."""
    client = PageClient("counter")
    await client.connect()
    await client.hello(resume=token)
    return client


async def answers(client: PageClient, seq: int) -> list[dict]:
    return await client.receive_until(
        lambda f: f.get("seq") == seq and f["type"] in ("done", "failed", "error")
    )


async def test_an_event_sent_again_is_answered_and_not_run_again(cache_alias):
    first = await PageClient("counter").open()
    seq = (await first.click("Increment")).last["seq"]
    await first.send(increment_frame(seq))  # the page could not know the answer came
    assert [f["type"] for f in await answers(first, seq)] == ["done"]
    await first.drop()

    # And after a resume (the page re-sends what was not answered on the lost connection).
    second = await resume_with(first.resume_token)
    await second.send(increment_frame(seq))

    assert [f["type"] for f in await answers(second, seq)] == ["done"]
    assert second.value("Current Count") == "Count: 1"
    assert await stored_state(second, counter.state) == 1
    await second.click("Increment")
    assert second.value("Current Count") == "Count: 2"
    await second.close()


async def test_a_resume_token_is_single_use_once_the_page_has_the_next(cache_alias):
    first = await PageClient("counter").open()
    await first.click("Increment")
    await first.drop()
    second = await resume_with(first.resume_token)
    await second.ping()  # what the page does once it has its session frame (and new token)

    async def proof_stored() -> bool:  # the pong comes at once, the proof in turn with events
        meta = await get_store().read_meta(second.session_id)
        return bool(meta) and meta.get("proven_epoch") == meta.get("epoch")

    await eventually(proof_stored, what="the page's proof of its new token to be stored")
    replay = await resume_with(first.resume_token)

    assert replay.session["resumed"] is False and replay.session_id != first.session_id
    assert "already used" in replay.session["notice"]
    await second.click("Increment")  # the page that resumed keeps its session
    assert second.value("Current Count") == "Count: 2"
    await replay.close()
    await second.close()


async def test_an_old_resume_token_is_refused_after_a_newer_one_was_used(cache_alias):
    first = await PageClient("counter").open()
    await first.drop()
    second = await resume_with(first.resume_token)
    await second.drop()
    third = await resume_with(second.resume_token)
    assert third.session["resumed"] is True

    replay = await resume_with(first.resume_token)

    assert replay.session["resumed"] is False and "already used" in replay.session["notice"]
    await replay.close()
    await third.close()


async def test_a_session_frame_lost_on_the_way_does_not_lose_the_session(cache_alias):
    """The page never got the new token (its connection died first): its old one still works."""
    first = await PageClient("counter").open()
    await first.click("Increment")
    await first.drop()
    lost = await resume_with(first.resume_token)
    await lost.drop()  # the session frame went into a black hole: no ping ever came back

    again = await resume_with(first.resume_token)

    assert again.session["resumed"] is True and again.session_id == first.session_id
    assert again.value("Current Count") == "Count: 1"
    await again.close()


async def test_a_resume_detaches_the_page_connected_before(cache_alias):
    first = await PageClient("counter").open()
    await first.click("Increment")
    second = await resume_with(first.resume_token)

    _, code = await first.until_closed()

    assert code == 4409
    await second.click("Increment")
    assert second.value("Current Count") == "Count: 2"
    meta = await get_store().read_meta(second.session_id)
    assert not meta["ended"]
    await second.close()


def unload_recorder(unloads: list) -> gr.Blocks:
    with gr.Blocks() as demo:
        gr.Textbox(label="Out")

        def goodbye(request: gr.Request) -> None:
            unloads.append(request.session_hash)

        demo.unload(goodbye)
    return demo


async def test_a_pinging_page_keeps_its_session_and_a_silent_one_ends_after_the_grace(
    cache_alias, settings
):
    blocksstate_settings(settings, PAGE_TIMEOUT=0.4, RESUME_GRACE=0.2)
    unloads: list[str] = []
    with registered(unload_recorder(unloads)) as app:
        client = await PageClient(app).open()
        deadline = time.monotonic() + 1.5  # well past PAGE_TIMEOUT + RESUME_GRACE
        while time.monotonic() < deadline:
            await client.ping()
            await asyncio.sleep(0.1)  # the page's own pace between pings
        assert unloads == []

        _, code = await client.until_closed()  # the page went silent: its socket may be dead

        assert code == 4001
        await eventually(lambda: unloads == [client.session_id], what="unload after the grace")
        meta = await get_store().read_meta(client.session_id)
        assert meta["ended"]


async def test_a_page_gone_while_its_resume_waited_still_lets_the_session_end(
    cache_alias, settings
):
    """The resume waited for the lock of a running event; its page went meanwhile: no page
    holds the session, so it ends after the grace (no keepalive for a page that is gone)."""
    blocksstate_settings(settings, RESUME_GRACE=0.2)
    gate, unloads = asyncio.Event(), []
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")

        async def held() -> str:
            await gate.wait()
            return "done"

        def goodbye(request: gr.Request) -> None:
            unloads.append(request.session_hash)

        button = gr.Button("Hold")
        button.click(held, None, out)
        demo.unload(goodbye)
    with registered(demo) as app:
        first = await PageClient(app).open()
        hold = dependency(first.blocks, button, "click")
        await first.send({"type": "event", "seq": 1, "dep": hold.id, "values": {}})
        second = PageClient(app)
        await second.connect()
        await second.send(
            {"type": "hello", "protocol": 1, "resume": first.resume_token, "values": {}}
        )
        await second.drop()  # gone while its resume waits for the event's lock
        gate.set()
        _, code = await first.until_closed()
        assert code == 4409  # the resume went through: the first page let go

        await eventually(lambda: unloads == [first.session_id], what="the session to end")
