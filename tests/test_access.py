"""Who can open an app: ``register(login_required=, permission=, check=)`` at every door.

The same three visitors knock at each door (the app's page, the ``{% blocks %}`` tag,
the socket, a resume, uploads and files): someone signed out, Bob (signed in, without
the permission) and Alice (who holds it).
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, RequestContext, Template
from django.test import AsyncClient, RequestFactory
from django.urls import reverse

import blocksstate as gr
from blocksstate import protocol
from blocksstate.app.access import AccessRule, decide
from blocksstate.app.registry import access_rule
from blocksstate.sessions.backends import get_store
from blocksstate.testing import PageClient, registered
from tests.helpers_files import PASS_A, PNG, browser, files_app, upload

pytest_plugins = ["tests.helpers_files_fixtures"]  # media

PERMISSION = "auth.open_secret"
SIGN_IN = "Sign in to use this app."
NOT_PERMITTED = "You do not have permission to use this app."
USER_CHANGED = "You signed in or out (or as someone else) since this page was opened"


def counter_app() -> gr.Blocks:
    with gr.Blocks(title="Secret counter") as demo:
        count = gr.State(0)
        shown = gr.Number(label="Count")
        gr.Button("Add").click(lambda c: (c + 1, c + 1), count, [count, shown])
    return demo


@pytest.fixture
def people(transactional_db):
    """Alice holds the permission, Bob does not; both are signed-in users.

    A transactional database: the socket's checks read it from a thread of their own.
    """
    permission = Permission.objects.create(
        codename="open_secret",
        name="Can open the secret app",
        content_type=ContentType.objects.get_for_model(User),
    )
    alice = User.objects.create_user("alice")  # no password: tests log in with force_login
    alice.user_permissions.add(permission)
    bob = User.objects.create_user("bob")
    # Fresh objects: no permission cache from before the permission was given.
    return User.objects.get(pk=alice.pk), User.objects.get(pk=bob.pk)


@pytest.fixture
def secret(people):
    """A counter only holders of the permission may open, registered as "secret"."""
    with registered(counter_app(), "secret", permission=PERMISSION) as name:
        yield name


@pytest.fixture
def members(people):
    """A counter any signed-in user may open, registered as "members"."""
    with registered(counter_app(), "members", login_required=True) as name:
        yield name


# -- registering -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "says"),
    [
        ({"login_required": "yes"}, TypeError, "login_required= takes True or False"),
        ({"permission": "open_secret"}, ValueError, "'<app_label>.<codename>'"),
        ({"permission": ["auth.a", "auth."]}, ValueError, "not 'auth.'"),
        ({"permission": []}, ValueError, "names no permission"),
        ({"permission": [3]}, ValueError, "not 3"),
        ({"check": "staff only"}, TypeError, "a function (user) -> bool"),
    ],
)
def test_a_bad_access_option_is_refused_when_registering(options, error, says):
    demo = counter_app()
    with pytest.raises(error) as raised:
        gr.register("bad", demo, **options)
    assert says in str(raised.value)
    assert demo.name is None  # nothing was registered
    assert access_rule("bad").open


def test_an_async_check_is_refused_since_it_runs_in_a_thread():
    async def check(user):
        return True

    with pytest.raises(TypeError, match="synchronous function"):
        gr.register("bad", counter_app(), check=check)


def test_apps_are_open_unless_told_and_a_rule_goes_with_its_app():
    with registered(counter_app(), "plain") as plain:
        assert access_rule(plain).open
    with registered(counter_app(), "listed", permission=["auth.a", "auth.b"]) as listed:
        assert access_rule(listed) == AccessRule(permissions=("auth.a", "auth.b"))
    assert access_rule("listed").open  # unregistered with its app


def test_each_condition_given_must_hold(people):
    alice, bob = people
    root = User.objects.create_superuser("root")
    anonymous = AnonymousUser()
    rules = {
        "login": AccessRule(login_required=True),
        "permission": AccessRule(permissions=(PERMISSION,)),
        "two permissions": AccessRule(permissions=(PERMISSION, "auth.view_user")),
        "check": AccessRule(check=lambda user: user.username.startswith("b")),
        "permission and check": AccessRule(
            permissions=(PERMISSION,), check=lambda user: user.username != "alice"
        ),
    }
    allowed = {
        name: [decide(rule, user).allowed for user in (anonymous, bob, alice, root)]
        for name, rule in rules.items()
    }
    assert allowed == {
        "login": [False, True, True, True],
        "permission": [False, False, True, True],
        "two permissions": [False, False, False, True],
        "check": [False, True, False, False],
        "permission and check": [False, False, False, True],
    }
    refused = decide(rules["permission"], anonymous)
    assert (refused.reason, refused.sign_in) == (SIGN_IN, True)
    refused = decide(rules["permission"], bob)
    assert (refused.reason, refused.sign_in) == (NOT_PERMITTED, False)


def test_a_check_that_raises_refuses_and_is_logged(people, caplog):
    _, bob = people

    def broken(user):
        raise RuntimeError("the directory is down")

    decision = decide(AccessRule(check=broken), bob)
    assert not decision.allowed and decision.reason == NOT_PERMITTED
    assert "the directory is down" in caplog.text


# -- the app's page ----------------------------------------------------------------------------------


def test_a_signed_out_visitor_is_sent_to_the_login_page(secret, members, client, settings):
    for app in (secret, members):
        response = client.get(f"/blocksstate/apps/{app}/?tab=2")
        assert response.status_code == 302
        assert response["Location"] == (f"/accounts/login/?next=/blocksstate/apps/{app}/%3Ftab%3D2")
    settings.LOGIN_URL = "/signin/"
    assert client.get(f"/blocksstate/apps/{secret}/")["Location"].startswith("/signin/?next=")


def test_a_user_without_the_permission_gets_403_and_reads_why(secret, people, client):
    _, bob = people
    client.force_login(bob)
    response = client.get(f"/blocksstate/apps/{secret}/")
    assert response.status_code == 403
    text = response.content.decode()
    assert NOT_PERMITTED in text
    assert "data-bs-config" not in text and "Add" not in text  # neither the app nor its config


def test_a_permitted_user_gets_the_app(secret, members, people, client):
    alice, bob = people
    client.force_login(alice)
    response = client.get(f"/blocksstate/apps/{secret}/")
    assert response.status_code == 200
    assert "data-bs-config" in response.content.decode()
    client.force_login(bob)  # signed in is all "members" asks
    assert client.get(f"/blocksstate/apps/{members}/").status_code == 200


def test_an_open_app_is_served_to_anyone(client, db):
    with registered(counter_app(), "open-counter") as app:
        assert client.get(f"/blocksstate/apps/{app}/").status_code == 200


# -- the {% blocks %} tag ----------------------------------------------------------------------------


def render_tag(app: str, user=None, path: str = "/shop/") -> str:
    template = Template('{% load blocksstate %}{% blocks "' + app + '" %}')
    if user is None:
        return template.render(Context({}))
    request = RequestFactory().get(path)
    request.user = user
    return template.render(RequestContext(request, {}))


def test_the_tag_shows_a_refusal_instead_of_the_app(secret, people):
    alice, bob = people
    signed_out = render_tag(secret, AnonymousUser(), "/shop/?page=2")
    assert SIGN_IN in signed_out
    assert 'href="/accounts/login/?next=/shop/%3Fpage%3D2"' in signed_out
    assert "data-bs-config" not in signed_out and "Count" not in signed_out

    without = render_tag(secret, bob)
    assert NOT_PERMITTED in without and "href" not in without
    assert "data-bs-config" not in without

    shown = render_tag(secret, alice)
    assert "data-bs-config" in shown and "Count" in shown and "bs-refused" not in shown


def test_the_tag_refuses_a_protected_app_when_the_template_has_no_request(secret, caplog):
    assert SIGN_IN in render_tag(secret)
    assert "without a request" in caplog.text


def test_the_tag_asks_once_per_request(people):
    alice, _ = people
    calls = []

    def check(user):
        calls.append(user)
        return True

    with registered(counter_app(), "checked", check=check):
        request = RequestFactory().get("/")
        request.user = alice
        html = Template(
            '{% load blocksstate %}{% blocks "checked" %}{% blocks "checked" %}'
        ).render(RequestContext(request, {}))
    assert html.count("data-bs-config") == 2
    assert calls == [alice]


# -- the socket --------------------------------------------------------------------------------------


async def test_the_socket_refuses_who_the_rule_refuses_and_says_why(secret, people):
    alice, bob = people
    for user, reason in [(None, SIGN_IN), (AnonymousUser(), SIGN_IN), (bob, NOT_PERMITTED)]:
        said, code = await PageClient(secret, user=user).refused()
        assert (said, code) == (reason, protocol.CLOSE_ACCESS_DENIED)

    async with PageClient(secret, user=alice) as page:
        await page.click("Add")
        await page.click("Add")
        assert page.value("Count") == 2


async def test_the_check_runs_in_a_thread_once_per_connection(people):
    alice, _ = people
    seen = []

    def check(user):
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        seen.append((user.username, on_loop, threading.current_thread().name))
        return user.username == "alice"

    with registered(counter_app(), "checked", check=check) as app:
        async with PageClient(app, user=alice) as page:
            for _ in range(3):
                await page.click("Add")
        assert [(name, on_loop) for name, on_loop, _ in seen] == [("alice", False)]


# -- resuming ----------------------------------------------------------------------------------------


async def test_only_the_user_who_started_a_session_resumes_it(members, people):
    alice, bob = people
    first = PageClient(members, user=alice)
    await first.open()
    await first.click("Add")
    await first.drop()

    # Bob may open "members", but not Alice's session; nothing of it reaches him.
    said, code = await PageClient(members, user=bob).refused(resume=first.resume_token)
    assert said.startswith(USER_CHANGED) and code == protocol.CLOSE_ACCESS_DENIED
    # Signed out, the rule refuses first.
    said, code = await PageClient(members, user=AnonymousUser()).refused(first.resume_token)
    assert (said, code) == (SIGN_IN, protocol.CLOSE_ACCESS_DENIED)

    back = PageClient(members, user=alice)
    await back.open(resume=first.resume_token)
    assert back.session["resumed"] is True and back.session_id == first.session_id
    await back.click("Add")
    assert back.value("Count") == 2
    await back.close()


async def test_a_signed_in_session_of_an_open_app_is_not_resumed_signed_out(people):
    alice, _ = people
    with registered(counter_app(), "open-counter") as app:
        first = PageClient(app, user=alice)
        await first.open()
        await first.click("Add")
        await first.drop()
        said, code = await PageClient(app).refused(resume=first.resume_token)
        assert said.startswith(USER_CHANGED) and code == protocol.CLOSE_ACCESS_DENIED
        back = PageClient(app, user=alice)
        await back.open(resume=first.resume_token)
        assert back.session["resumed"] is True
        await back.close()


async def test_a_session_keeps_only_its_user_s_primary_key(members, people):
    alice, _ = people
    async with PageClient(members, user=alice) as page:
        meta = await get_store().read_meta(page.session_id)
    assert meta["user"] == str(alice.pk)
    stored = repr(meta)
    assert "alice" not in stored and "password" not in stored and "pbkdf2" not in stored


# -- uploads and files -------------------------------------------------------------------------------


def png() -> SimpleUploadedFile:
    return SimpleUploadedFile("cat.png", PNG, "image/png")


async def signed_in(user) -> AsyncClient:
    client = browser()
    await client.aforce_login(user)
    return client


async def test_uploads_and_files_are_for_the_session_s_own_permitted_user(media, people):
    alice, bob = people
    demo, box, _ = files_app()
    cookie = [(b"cookie", f"blocksstate_pass={PASS_A}".encode())]
    with registered(demo, "secret-files", login_required=True) as app:
        async with PageClient(app, headers=cookie, user=alice) as tab:
            token = tab.session["upload"]
            as_alice, as_bob, signed_out = await signed_in(alice), await signed_in(bob), browser()

            response = await upload(signed_out, app, token, box, png())
            assert (response.status_code, response.json()["error"]) == (403, SIGN_IN)
            response = await upload(as_bob, app, token, box, png())
            assert response.status_code == 403
            assert response.json()["error"].startswith(USER_CHANGED)
            assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

            response = await upload(as_alice, app, token, box, png())
            assert response.status_code == 200, response.content
            [record] = response.json()["files"]

            assert (await as_alice.get(record["url"])).status_code == 200
            refused = await signed_out.get(record["url"])
            assert (refused.status_code, refused.content.decode()) == (403, SIGN_IN)
            refused = await as_bob.get(record["url"])
            assert refused.status_code == 403
            assert refused.content.decode().startswith(USER_CHANGED)


# -- the admin -----------------------------------------------------------------------------------------


def test_the_admin_says_who_can_open_each_app(people, client):
    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_livesession"))
    client.force_login(staff)

    def is_staff(user):
        return user.is_staff

    rules = {
        "plain": ({}, "anyone"),
        "members-only": ({"login_required": True}, "signed-in users"),
        "guarded": (
            {"permission": [PERMISSION, "auth.view_user"], "check": is_staff},
            "users, with auth.open_secret and auth.view_user, accepted by is_staff",
        ),
    }
    for name, (options, said) in rules.items():
        with registered(counter_app(), name, **options):
            response = client.get(reverse("admin:blocksstate_registeredapp_app", args=[name]))
        assert f'<p id="access">Who can open it: {said}.</p>' in response.content.decode()
