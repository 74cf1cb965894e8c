"""The session store: values round-trip through a Django cache (LocMem, real Redis); resume."""

from pathlib import Path

import pytest
from django.core import signing
from django.core.cache import caches

from blocksstate.app.registry import get_app
from blocksstate.launch.script import script_module
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.resume import (
    RESUME_SALT,
    ResumeRefused,
    read_resume_token,
    resume_token,
)
from blocksstate.sessions.session import Session
from blocksstate.testing import PageClient, button, dependency
from tests.helpers_engine import Harness

GUIDES = Path(__file__).resolve().parent.parent / "demo_project" / "examples" / "guides"
cart = script_module(GUIDES / "cart.py")
custom = script_module(GUIDES / "custom_class.py")


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def cache_alias(request, settings):
    """Run the test once with the local-memory cache and once with a real Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        alias = "redis"
    else:
        alias = "default"
    settings.BLOCKSSTATE = {"CACHE_ALIAS": alias}
    return alias


# -- round trip, through every backend (the contract itself: tests/test_session_store.py) -----------


async def test_a_session_round_trips_through_the_store(store):
    demo = get_app("custom-class")
    session = Session.new(demo)
    session.values[custom.session.id].messages.append("kept")
    session.state_changed(
        custom.session.id, custom.session.dumps(session.values[custom.session.id])
    )
    session.set_value(custom.status.id, "Total messages: 1")
    session.set_props(custom.status.id, {"label": "Now"})

    await store.save(session, 60)
    loaded = await store.load(demo, session.id)

    assert loaded is not None
    assert loaded.values[custom.session.id] == custom.UserSession(messages=["kept"])
    assert type(loaded.values[custom.session.id]) is custom.UserSession
    assert loaded.values[custom.status.id] == "Total messages: 1"
    assert loaded.props == {custom.status.id: {"label": "Now"}}
    assert loaded.app == "custom-class" and loaded.epoch == session.epoch
    assert loaded.version == session.version == 1


async def test_an_unknown_or_foreign_session_is_not_loaded(store):
    session = Session.new(get_app("cart"))
    await store.save(session, 60)

    assert await store.load(get_app("cart"), "no-such-session") is None
    assert await store.load(get_app("counter"), session.id) is None


async def test_values_never_saved_come_back_as_defaults(store):
    session = Session.new(get_app("cart"))
    session.dirty = set()  # only the metadata is written
    await store.save(session, 60)

    loaded = await store.load(get_app("cart"), session.id)

    assert loaded.values[cart.cart.id] == []
    assert loaded.values[cart.items_to_add.id] == []


async def test_only_changed_keys_are_written():
    demo = get_app("cart")
    store = get_store("default")
    harness = Harness(demo)
    session = harness.session()
    await store.save(session, 60)
    cache = store.cache
    version = cache.make_key(store.key(session.id, "version"))
    writes = []

    async def save_recording_writes() -> None:
        # Each write stores a new pickled object: the keys whose object changed were written.
        before = dict(cache._cache)
        await store.save(session, 60)
        written = [k for k, v in cache._cache.items() if before.get(k) is not v and k != version]
        if written:
            writes.append(sorted(written))

    add = dependency(demo, button(demo, "Add Items"), "click")

    await harness.run(session, add, {cart.items_to_add: ["Milk"]})
    await save_recording_writes()
    await save_recording_writes()

    assert writes == [
        sorted(
            cache.make_key(store.key(session.id, i))
            for i in (cart.cart.id, cart.items_to_add.id, cart.cart_size.id)
        )
    ]

    writes.clear()
    await harness.run(session, add)
    await save_recording_writes()
    # The checkbox did not change; the cart and its size did.
    assert writes == [
        sorted(cache.make_key(store.key(session.id, i)) for i in (cart.cart.id, cart.cart_size.id))
    ]


def tampered(token: str) -> str:
    """Change the token's last character (part of its signature)."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


# -- resume tokens ---------------------------------------------------------------------------------


def test_a_resume_token_names_its_session():
    session = Session.new(get_app("cart"), user_id="7")

    assert read_resume_token(resume_token(session), "cart", "7") == (session.id, session.epoch)


@pytest.mark.parametrize(
    ("app", "user", "tamper", "reason"),
    [
        ("counter", "7", False, "another app"),
        ("cart", "8", False, "another user"),
        ("cart", None, False, "another user"),
        ("cart", "7", True, "not valid"),
    ],
)
def test_a_resume_token_for_another_app_or_user_or_tampered_is_refused(app, user, tamper, reason):
    token = resume_token(Session.new(get_app("cart"), user_id="7"))
    if tamper:
        token = tampered(token)

    with pytest.raises(ResumeRefused, match=reason):
        read_resume_token(token, app, user)


def test_a_token_signed_with_another_salt_is_refused():
    forged = signing.dumps(["some-session", "cart", None], salt=RESUME_SALT + ".other")

    with pytest.raises(ResumeRefused):
        read_resume_token(forged, "cart", None)


# -- resuming over the socket ----------------------------------------------------------------------


async def test_a_dropped_connection_resumes_with_the_same_state(cache_alias):
    first = PageClient("cart")
    await first.open()
    await first.click("Add Items", {cart.items_to_add: ["Milk", "Water"]})
    token, session_id = first.resume_token, first.session_id
    await first.drop()
    # The state is in the configured cache (so any worker could pick the session up).
    assert caches[cache_alias].get(get_store(cache_alias).key(session_id, cart.cart.id))

    second = PageClient("cart")
    await second.connect()
    frames = await second.hello(resume=token)

    assert second.session["resumed"] is True
    assert second.session_id == session_id
    # The page is resynced with everything it shows: the cart size and the ticked boxes.
    resync = [f for f in frames if f["type"] == "update"]
    assert len(resync) == 1 and resync[0]["seq"] is None
    assert second.value("Cart Size") == 2
    assert second.value(cart.items_to_add) == ["Milk", "Water"]

    await second.click("Add Items")
    assert second.value("Cart Size") == 4
    await second.close()


async def test_a_resume_of_another_app_starts_a_new_session_with_a_notice(cache_alias):
    first = PageClient("cart")
    await first.open()
    await first.click("Add Items", {cart.items_to_add: ["Milk"]})
    await first.drop()

    other = PageClient("counter")
    await other.connect()
    await other.hello(resume=first.resume_token)

    assert other.session["resumed"] is False
    assert other.session_id != first.session_id
    assert "another app" in other.session["notice"]
    await other.close()


async def test_a_tampered_resume_token_starts_a_new_session(cache_alias):
    first = PageClient("cart")
    await first.open()
    await first.click("Add Items", {cart.items_to_add: ["Milk"]})
    await first.drop()

    second = PageClient("cart")
    await second.connect()
    await second.hello(resume=tampered(first.resume_token))

    assert second.session["resumed"] is False
    assert second.session["notice"]
    await second.click("Add Items", {cart.items_to_add: ["Water"]})
    assert second.value("Cart Size") == 1
    await second.close()


async def test_a_closed_session_cannot_be_resumed(cache_alias):
    first = PageClient("cart")
    await first.open()
    await first.click("Add Items", {cart.items_to_add: ["Milk"]})
    await first.close()

    second = PageClient("cart")
    await second.connect()
    await second.hello(resume=first.resume_token)

    assert second.session["resumed"] is False
    assert "ended" in second.session["notice"]
    await second.close()
