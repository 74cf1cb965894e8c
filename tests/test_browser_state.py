"""Browser tier, server side: BrowserState tokens, their checks, and the page's round trip.

The page keeps tokens only; these tests play the page (``StoringPage`` keeps the
tokens of ``browser_state`` frames as localStorage would, and hands them back in
``hello``) and the visitor who edits them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import secrets
import time
import zlib
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.test import override_settings

import blocksstate as gr
from blocksstate.launch.script import script_module
from blocksstate.rendering import page_config, render_app
from blocksstate.state.browser import (
    ENCRYPTED_PREFIX,
    TokenRejected,
    TokenTooLarge,
    _fernet,
    make_token,
    read_token,
    token_salt,
)
from blocksstate.testing import PageClient, registered
from tests.helpers_engine import Harness

GUIDES = Path(__file__).resolve().parent.parent / "demo_project" / "examples" / "guides"
SECRET = "an-explicit-secret-of-this-app"
OTHER_SECRET = "another-apps-explicit-secret"
FALSY = ["", 0, False, [], {}]


def token(value: Any, *, app: str = "notes", key: str = "note", secret=None, encrypt=False) -> str:
    return make_token(value, app=app, storage_key=key, secret=secret, encrypt=encrypt)


def read(tok: str, *, app: str = "notes", key: str = "note", secret=None, encrypted=False) -> Any:
    return read_token(tok, app=app, storage_key=key, secret=secret, encrypted=encrypted)


@contextlib.contextmanager
def made_seconds_ago(seconds: float):
    """Make tokens as if it were ``seconds`` ago (both signing and Fernet read ``time.time``)."""
    past = time.time() - seconds
    with (
        mock.patch("django.core.signing.time.time", return_value=past),
        mock.patch("cryptography.fernet.time.time", return_value=past),
    ):
        yield


def visitor_can_read(tok: str) -> Any:
    """What a curious visitor gets out of a token with no key at all (base64, maybe zlib)."""
    payload = tok.split(":", 1)[0]
    compressed = payload.startswith(".")
    data = signing.b64_decode(payload.lstrip(".").encode())
    return json.loads(zlib.decompress(data) if compressed else data)


# -- tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
@pytest.mark.parametrize(
    "value",
    ["hello", "héllo ✅", 42, 2.5, None, True, ["a", "b"], {"user": "ada", "tags": [1, 2]}, *FALSY],
    ids=repr,
)
def test_a_token_gives_back_its_value_exactly(value, encrypt):
    restored = read(token(value, encrypt=encrypt), encrypted=encrypt)

    assert restored == value
    assert type(restored) is type(value)  # 0 stays 0, False stays False, [] stays []


def flip(text: str, index: int) -> str:
    """Change one character of ``text`` (to another base64 character)."""
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
def test_a_tampered_token_is_rejected(encrypt):
    good = token({"user": "ada"}, encrypt=encrypt)
    assert read(good, encrypted=encrypt) == {"user": "ada"}

    for bad in (
        flip(good, len(good) // 2),
        flip(good, -6),  # not the last characters: base64 ignores some bits of those
        good[:-4],
        "",
        "not a token",
        ENCRYPTED_PREFIX,
    ):
        with pytest.raises(TokenRejected):
            read(bad, encrypted=encrypt)


def test_a_signed_payload_cannot_be_swapped_under_another_signature():
    ada, eve = token({"user": "ada"}), token({"user": "eve"})
    eve_payload, ada_signature = eve.split(":", 1)[0], ada.split(":", 1)[1]

    with pytest.raises(TokenRejected):
        read(f"{eve_payload}:{ada_signature}")


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
def test_a_token_of_another_app_or_storage_key_is_rejected(encrypt):
    tok = token("ada", app="notes", key="note", encrypt=encrypt)

    with pytest.raises(TokenRejected):
        read(tok, app="other-app", key="note", encrypted=encrypt)
    with pytest.raises(TokenRejected):
        read(tok, app="notes", key="other-key", encrypted=encrypt)
    assert read(tok, app="notes", key="note", encrypted=encrypt) == "ada"


def test_a_signed_token_is_not_read_as_encrypted_nor_the_other_way():
    with pytest.raises(TokenRejected):
        read(token("ada"), encrypted=True)
    with pytest.raises(TokenRejected):
        read(token("ada", encrypt=True), encrypted=False)


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
def test_a_token_older_than_the_max_age_is_rejected(encrypt):
    with override_settings(BLOCKSSTATE={"BROWSER_STATE_MAX_AGE": 60}):
        with made_seconds_ago(120):
            old = token("ada", encrypt=encrypt)
        with made_seconds_ago(30):
            recent = token("ada", encrypt=encrypt)

        with pytest.raises(TokenRejected, match="expired"):
            read(old, encrypted=encrypt)
        assert read(recent, encrypted=encrypt) == "ada"


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
def test_secret_key_fallbacks_keep_old_tokens_valid_after_a_rotation(encrypt):
    with override_settings(SECRET_KEY="the-old-secret-key-0123456789"):
        old = token(["ada", ""], encrypt=encrypt)

    with override_settings(
        SECRET_KEY="the-new-secret-key-9876543210",
        SECRET_KEY_FALLBACKS=["the-old-secret-key-0123456789"],
    ):
        assert read(old, encrypted=encrypt) == ["ada", ""]
        new = token(["ada", ""], encrypt=encrypt)
    with override_settings(SECRET_KEY="the-new-secret-key-9876543210", SECRET_KEY_FALLBACKS=[]):
        assert read(new, encrypted=encrypt) == ["ada", ""]  # new tokens use the new key
        with pytest.raises(TokenRejected):
            read(old, encrypted=encrypt)  # once the old key is dropped, so are its tokens


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
def test_an_explicit_secret_isolates_the_values(encrypt):
    mine = token("ada", secret=SECRET, encrypt=encrypt)

    for other in (OTHER_SECRET, None):  # another app's secret, or the site's SECRET_KEY
        with pytest.raises(TokenRejected):
            read(mine, secret=other, encrypted=encrypt)
    with pytest.raises(TokenRejected):
        read(token("ada", encrypt=encrypt), secret=SECRET, encrypted=encrypt)
    # It does not depend on SECRET_KEY at all.
    with override_settings(SECRET_KEY="a-completely-different-site-key", SECRET_KEY_FALLBACKS=[]):
        assert read(mine, secret=SECRET, encrypted=encrypt) == "ada"


def test_an_encrypted_token_hides_the_value_a_signed_one_only_protects():
    value = {"api_key": "sk-live-4242-very-private"}
    signed = token(value)
    encrypted = token(value, encrypt=True)

    # Signed: the visitor cannot change it, but can read it.
    assert visitor_can_read(signed) == value
    # Encrypted: nothing of the value shows, even decoded.
    assert encrypted.startswith(ENCRYPTED_PREFIX)
    body = encrypted[len(ENCRYPTED_PREFIX) :]
    assert "sk-live" not in encrypted and "api_key" not in encrypted
    decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert b"sk-live" not in decoded and b"api_key" not in decoded
    # A fresh IV each time: the same value never gives the same text twice.
    assert token(value, encrypt=True) != encrypted


def test_a_value_too_large_for_a_token_is_a_clear_error():
    with override_settings(BLOCKSSTATE={"MAX_BROWSER_STATE_BYTES": 500}):
        with pytest.raises(TokenTooLarge, match=r"MAX_BROWSER_STATE_BYTES.*500"):
            token("".join(chr(0x4E00 + i) for i in range(2000)))
        with pytest.raises(TokenRejected):
            read("x" * 501)  # an oversized token is not even looked at


def test_a_value_that_is_not_json_is_a_clear_error():
    with pytest.raises(TypeError, match="BrowserState value must be JSON-serialisable"):
        token({"when": {1, 2}})
    with pytest.raises(TypeError, match="JSON-serialisable"):
        token(float("nan"))


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
def test_a_value_no_page_can_carry_makes_no_token_and_is_not_read_from_one(encrypt):
    with pytest.raises(TypeError, match="lone surrogate"):
        token({"name": "a\ud800b"}, encrypt=encrypt)
    with pytest.raises(TypeError, match="too large"):
        token(10**400, encrypt=encrypt)
    # A token an older version made of such a value gives the default, not the value.
    salt = token_salt("notes", "note")
    if encrypt:
        old = (
            ENCRYPTED_PREFIX
            + _fernet([settings.SECRET_KEY], salt).encrypt(b'{"name":"a\\ud800b"}').decode()
        )
    else:
        old = signing.dumps({"name": "a\ud800b"}, salt=salt, compress=True)
    with pytest.raises(TokenRejected, match="lone surrogate"):
        read(old, encrypted=encrypt)


def test_the_component_checks_its_arguments():
    with pytest.raises(TypeError, match="default must be JSON-serialisable"):
        gr.BrowserState(object())
    with pytest.raises(ValueError, match="at least 16 characters"):
        gr.BrowserState("", secret="short")
    with pytest.raises(ValueError, match="storage_key"):
        gr.BrowserState("", storage_key="")


# -- the page config -------------------------------------------------------------------------------


def test_the_page_config_lists_the_storage_keys_and_never_a_secret():
    with gr.Blocks() as demo:
        derived = gr.BrowserState("")
        gr.BrowserState(0, storage_key="prefs", secret=SECRET, encrypt=True)
        gr.State("server only")
        gr.Textbox(label="Name")

    with registered(demo, "keys-app"):
        config = page_config(demo)
        html = render_app(demo)

    assert config["browser_state"] == [f"blocksstate:keys-app:{derived.id}", "prefs"]
    assert SECRET not in html and SECRET not in json.dumps(config)
    assert "server only" not in html


def test_an_app_without_browser_state_has_an_empty_list():
    with gr.Blocks() as demo:
        gr.Textbox(label="Name")

    with registered(demo, "no-browser-state"):
        assert page_config(demo)["browser_state"] == []


# -- through the engine: restoring, rejecting, counting --------------------------------------------


def notes_app(default: Any = "(nothing saved)", **options: Any):
    """A BrowserState note: Save stores the textbox in it, load and Show read it back."""
    with gr.Blocks() as demo:
        note = gr.BrowserState(default, **options)
        text = gr.Textbox(label="Note")
        shown = gr.JSON(label="Shown")
        save = gr.Button("Save")
        show = gr.Button("Show")
        save.click(lambda t: t, text, note)
        show.click(lambda n: {"value": n, "type": type(n).__name__}, note, shown)
        demo.load(lambda n: {"value": n, "type": type(n).__name__}, note, shown)
    return demo, note, text, shown


@pytest.mark.parametrize("encrypt", [False, True], ids=["signed", "encrypted"])
async def test_the_engine_restores_a_verified_token(encrypt):
    demo, note, text, shown = notes_app(encrypt=encrypt)
    with registered(demo, "notes") as app:
        harness = Harness(demo)
        key = note.key_for(app)
        session = harness.session()
        harness.engine.restore_browser_state(
            session, {key: token("ada", app=app, key=key, encrypt=encrypt)}
        )

        load = await harness.load(session)

    assert session.values[note.id] == "ada"
    assert session.rejected_tokens == 0
    assert load.updates[shown.id]["value"] == {"value": "ada", "type": "str"}


@pytest.mark.parametrize(
    "bad",
    ["tampered", "other app", "other key", "other secret", "expired", "encrypted mismatch", "junk"],
)
async def test_the_engine_ignores_a_bad_token_logs_it_and_counts_it(bad, caplog):
    demo, note, _, shown = notes_app(secret=SECRET)
    with (
        registered(demo, "notes") as app,
        override_settings(BLOCKSSTATE={"BROWSER_STATE_MAX_AGE": 60}),
    ):
        key = note.key_for(app)
        good = {"app": app, "key": key, "secret": SECRET}
        if bad == "tampered":
            tok = token("eve", **good)
            tok = tok[:-1] + ("A" if tok[-1] != "A" else "B")
        elif bad == "other app":
            tok = token("eve", **{**good, "app": "other"})
        elif bad == "other key":
            tok = token("eve", **{**good, "key": "other-key"})
        elif bad == "other secret":
            tok = token("eve", **{**good, "secret": OTHER_SECRET})
        elif bad == "expired":
            with made_seconds_ago(3600):
                tok = token("eve", **good)
        elif bad == "encrypted mismatch":
            tok = token("eve", **good, encrypt=True)
        else:
            tok = "}{ not even base64 \u2603"
        harness = Harness(demo)
        session = harness.session()

        with caplog.at_level(logging.WARNING, logger="blocksstate"):
            harness.engine.restore_browser_state(session, {key: tok})
        load = await harness.load(session)

    assert session.values[note.id] == "(nothing saved)"
    assert session.rejected_tokens == 1
    assert load.updates[shown.id]["value"] == {"value": "(nothing saved)", "type": "str"}
    assert load.alerts == []  # never an error for the visitor
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Ignored the stored value" in warnings[0].getMessage()
    assert "eve" not in warnings[0].getMessage()  # the log says why, not what the token held


async def test_tokens_for_keys_the_app_does_not_have_are_not_looked_at():
    demo, note, _, _ = notes_app()
    with registered(demo, "notes"):
        harness = Harness(demo)
        session = harness.session()
        harness.engine.restore_browser_state(session, {"someone-elses-key": "garbage"})

    assert session.rejected_tokens == 0
    assert session.values[note.id] == "(nothing saved)"


@pytest.mark.parametrize("value", FALSY, ids=repr)
async def test_falsy_values_are_stored_and_restored_like_any_other(value):
    with gr.Blocks() as demo:
        kept = gr.BrowserState("the default")
        shown = gr.JSON(label="Shown")
        gr.Button("Store").click(lambda: value, None, kept)
        demo.load(lambda k: {"value": k, "type": type(k).__name__}, kept, shown)

    with registered(demo, "falsy"):
        harness = Harness(demo)
        first = harness.session()
        run = await harness.run(first, 0)
        frames = run.of_type("browser_state")
        assert len(frames) == 1, run.frames
        tokens = frames[0]["tokens"]

        second = harness.session()
        harness.engine.restore_browser_state(second, tokens)
        load = await harness.load(second)

    restored = second.values[kept.id]
    assert restored == value and type(restored) is type(value)
    assert load.updates[shown.id]["value"] == {"value": value, "type": type(value).__name__}


async def test_only_changed_browser_states_are_sent_and_once_per_step():
    with gr.Blocks() as demo:
        first = gr.BrowserState(0)
        second = gr.BrowserState(0)
        bump = gr.Button("Bump")
        bump.click(lambda a, b: (a + 1, b), [first, second], [first, second])

    with registered(demo, "two-states") as app:
        harness = Harness(demo)
        session = harness.session()
        run = await harness.run(session, 0)

    (frame,) = run.of_type("browser_state")
    assert list(frame["tokens"]) == [first.key_for(app)]
    assert frame["dep"] == 0 and frame["seq"] == 1
    assert read(frame["tokens"][first.key_for(app)], app=app, key=first.key_for(app)) == 1


async def test_a_value_too_large_is_a_clear_error_and_nothing_is_stored(caplog):
    with gr.Blocks() as demo:
        kept = gr.BrowserState("small")
        shown = gr.Textbox(label="Shown")
        gr.Button("Grow").click(lambda: secrets.token_urlsafe(3000), None, kept)
        gr.Button("Show").click(lambda k: k, kept, shown)

    with (
        registered(demo, "too-large"),
        override_settings(BLOCKSSTATE={"MAX_BROWSER_STATE_BYTES": 1000, "SHOW_ERRORS": True}),
    ):
        harness = Harness(demo)
        session = harness.session()
        with caplog.at_level(logging.ERROR, logger="blocksstate"):
            grow = await harness.run(session, 0)
        show = await harness.run(session, 1)

    assert not grow.ok
    assert grow.of_type("browser_state") == []
    (alert,) = grow.alerts
    assert alert["level"] == "error"
    assert "MAX_BROWSER_STATE_BYTES" in alert["message"] and "1,000" in alert["message"]
    assert session.values[kept.id] == "small"
    assert grow.outcome.browser_tokens == {}
    assert show.updates[shown.id]["value"] == "small"
    assert any("MAX_BROWSER_STATE_BYTES" in r.getMessage() or r.exc_info for r in caplog.records)


async def test_a_value_too_large_is_not_detailed_to_visitors_when_errors_are_hidden():
    with gr.Blocks() as demo:
        kept = gr.BrowserState("small")
        gr.Button("Grow").click(lambda: secrets.token_urlsafe(3000), None, kept)

    with (
        registered(demo, "too-large-quiet"),
        override_settings(BLOCKSSTATE={"MAX_BROWSER_STATE_BYTES": 1000, "SHOW_ERRORS": False}),
    ):
        harness = Harness(demo)
        session = harness.session()
        grow = await harness.run(session, 0)

    assert not grow.ok and grow.of_type("browser_state") == []
    assert grow.alerts[0]["message"] == "Something went wrong while handling this event."
    assert session.values[kept.id] == "small"


async def test_a_value_that_is_not_json_is_a_clear_error_and_nothing_is_stored(caplog):
    with gr.Blocks() as demo:
        kept = gr.BrowserState(["a"])
        gr.Button("Set").click(lambda: {"a", "b"}, None, kept)
        gr.Button("Mutate").click(lambda k: k.append(object()), kept, None)

    with registered(demo, "not-json"), override_settings(BLOCKSSTATE={"SHOW_ERRORS": True}):
        harness = Harness(demo)
        session = harness.session()
        with caplog.at_level(logging.ERROR, logger="blocksstate"):
            replaced = await harness.run(session, 0)
            mutated = await harness.run(session, 1)

    for run in (replaced, mutated):
        assert not run.ok
        assert run.of_type("browser_state") == []
        (alert,) = run.alerts
        assert "BrowserState value must be JSON-serialisable" in alert["message"]
    assert session.values[kept.id] == ["a"]  # put back as last saved, mutation included
    assert replaced.outcome.browser_tokens == mutated.outcome.browser_tokens == {}
    assert caplog.records  # the developer sees it in the log too


# -- through the consumer: the page's round trip ---------------------------------------------------


class StoringPage(PageClient):
    """A page with localStorage: keeps every token the server sends, hands them back in hello."""

    def __init__(self, app: str, storage: dict[str, str] | None = None) -> None:
        super().__init__(app)
        self.storage = {} if storage is None else storage
        self.keys = page_config(self.blocks, app)["browser_state"]

    async def receive(self) -> dict[str, Any]:
        frame = await super().receive()
        if frame["type"] == "browser_state":
            for key, tok in frame["tokens"].items():
                assert key in self.keys, (
                    f"the server sent a token for {key!r}, not a key of the page"
                )
                self.storage[key] = tok
        return frame

    async def hello(self, resume=None, values=None, protocol=1):
        browser = {key: self.storage[key] for key in self.keys if key in self.storage}
        await self.send(
            {
                "type": "hello",
                "protocol": protocol,
                "resume": resume,
                "values": self.wire_values(values),
                "browser": browser,
            }
        )
        frames = await self.sync()
        self.session = next(f for f in frames if f["type"] == "session")
        return frames


@contextlib.asynccontextmanager
async def storing_page(app: str, storage: dict[str, str]):
    client = StoringPage(app, storage)
    await client.open()
    try:
        yield client
    finally:
        if client.connected:
            await client.close()


def guide(name: str):
    return script_module(GUIDES / f"{name}.py")


async def test_saved_credentials_welcomes_the_visitor_back():
    module = guide("saved_credentials")
    storage: dict[str, str] = {}

    async with storing_page("saved-credentials", storage) as first:
        assert first.value("Status") == "No saved credentials found."
        outcome = await first.click(
            "Save Credentials", {"Username": "ada", "Password": "analytical-engine"}
        )
        assert first.value("Status") == "Credentials saved!"
        assert outcome.types() == ["update", "browser_state", "done"]

    keys = {
        module.stored_username.key_for("saved-credentials"),
        module.stored_password.key_for("saved-credentials"),
    }
    assert set(storage) == keys
    username_key = module.stored_username.key_for("saved-credentials")
    assert read(storage[username_key], app="saved-credentials", key=username_key) == "ada"

    async with storing_page("saved-credentials", storage) as again:  # a refresh
        assert again.value("Status") == "Welcome back, ada!"

    async with storing_page("saved-credentials", {}) as stranger:  # another browser
        assert stranger.value("Status") == "No saved credentials found."


async def test_generate_randomly_keeps_both_values_and_says_it_saved():
    module = guide("generate_randomly")
    storage: dict[str, str] = {}

    async with storing_page("generate-randomly", storage) as first:
        assert first.props(module.saved_message).get("visible") in (None, False)
        outcome = await first.click("Generate Randomly")
        username, password = first.value("Username"), first.value("Password")
        assert len(username) == 10 and len(password) == 10
        message = first.props(module.saved_message)
        assert message["visible"] is True
        assert message["value"].startswith("✅ Saved to local storage at ")
        assert "browser_state" in outcome.types()

    assert list(storage) == [module.local_storage.key_for("generate-randomly")]

    async with storing_page("generate-randomly", storage) as again:  # a refresh
        assert again.value("Username") == username
        assert again.value("Password") == password
        # Loading the saved values back changes nothing in storage: no "saved" message.
        assert again.props(module.saved_message).get("visible") in (None, False)
        # Only the server's re-issue of what was loaded (fresh signature), no event stored anything.
        reissued = [f for f in again.received if f["type"] == "browser_state"]
        assert [f["seq"] for f in reissued] == [None]


async def test_a_tampered_token_in_hello_falls_back_to_the_default_and_the_page_works(caplog):
    storage: dict[str, str] = {}
    async with storing_page("saved-credentials", storage) as first:
        await first.click("Save Credentials", {"Username": "ada", "Password": "pw"})

    key = guide("saved_credentials").stored_username.key_for("saved-credentials")
    storage[key] = storage[key][:-2] + ("AA" if not storage[key].endswith("AA") else "BB")

    with caplog.at_level(logging.WARNING, logger="blocksstate"):
        async with storing_page("saved-credentials", storage) as again:
            assert again.value("Status") == "No saved credentials found."
            assert not [f for f in again.received if f["type"] == "alert"]
            # The only error is the answer to the helper's own barrier frame.
            assert [f["code"] for f in again.received if f["type"] == "error"] == ["unknown_event"]
            await again.click("Save Credentials", {"Username": "grace", "Password": "pw2"})
            assert again.value("Status") == "Credentials saved!"
    assert any("Ignored the stored value" in r.getMessage() for r in caplog.records)

    async with storing_page("saved-credentials", storage) as third:  # the new token replaced it
        assert third.value("Status") == "Welcome back, grace!"


async def test_a_resumed_session_keeps_its_own_values_not_the_stored_ones():
    demo, note, _, _ = notes_app()
    with registered(demo, "resume-notes") as app:
        key = note.key_for(app)
        page = StoringPage(app, {})
        await page.open()
        await page.click("Save", {"Note": "mine"})
        resume = page.resume_token
        await page.drop()

        # Meanwhile another tab stored another value; the resumed session keeps its own.
        page = StoringPage(app, {key: token("from another tab", app=app, key=key)})
        await page.connect()
        await page.hello(resume=resume)
        assert page.session["resumed"] is True
        await page.click("Show")
        assert page.value("Shown") == {"value": "mine", "type": "str"}
        await page.close()


async def test_hello_with_a_malformed_browser_field_is_refused_cleanly():
    client = PageClient("saved-credentials")
    await client.connect()
    await client.send(
        {"type": "hello", "protocol": 1, "resume": None, "values": {}, "browser": ["x"]}
    )
    frame = await client.expect_error()
    assert frame["code"] == "bad_frame"
    await client.drop()
