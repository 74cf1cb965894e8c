"""Who may open an app: the rule ``register()`` was given, and the one place it is decided.

Every door of an app asks here: its page (``views.app_page``), the ``{% blocks %}``
tag, its socket (``transport.hello``), its uploads and its files. A rule is checked
once per page view or connection, never per event.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("blocksstate")

# ``<app_label>.<codename>``, as ``User.has_perm`` takes it.
PERMISSION_NAME = re.compile(r"[^.\s]+\.[^.\s]+")

# What the visitor reads when an app is refused to them (the page, the tag, the socket).
SIGN_IN = _("Sign in to use this app.")
NOT_PERMITTED = _("You do not have permission to use this app.")
USER_CHANGED = _(
    "You signed in or out (or as someone else) since this page was opened: reload the page."
)


@dataclass(frozen=True)
class AccessRule:
    """Who may open one app: anyone (the default), signed-in users, holders of permissions,
    users a ``check(user)`` accepts; each condition given must hold."""

    login_required: bool = False
    permissions: tuple[str, ...] = ()
    check: Callable[[Any], bool] | None = None

    @property
    def open(self) -> bool:
        """Whether anyone may open the app (nothing to check, no user to read)."""
        return not (self.login_required or self.permissions or self.check)

    def describe(self) -> str:
        """Who may open the app, in words (for the admin)."""
        if self.open:
            return "anyone"
        words = ["signed-in users" if self.login_required else "users"]
        if self.permissions:
            words.append("with " + " and ".join(self.permissions))
        if self.check is not None:
            name = getattr(self.check, "__name__", None) or repr(self.check)
            words.append(f"accepted by {name}")
        return ", ".join(words)

    @classmethod
    def of(
        cls,
        login_required: bool = False,
        permission: str | Iterable[str] | None = None,
        check: Callable[[Any], bool] | None = None,
    ) -> AccessRule:
        """The rule of ``register()``'s keywords, or a clear error about a bad one."""
        if not isinstance(login_required, bool):
            raise TypeError(f"login_required= takes True or False, not {login_required!r}")
        permissions = _permissions(permission)
        if check is not None:
            if not callable(check):
                raise TypeError(f"check= takes a function (user) -> bool, not {check!r}")
            if inspect.iscoroutinefunction(check):
                raise TypeError(
                    "check= takes a synchronous function (user) -> bool; "
                    "for the socket blocksstate runs it in a thread"
                )
        return cls(login_required, permissions, check)


OPEN = AccessRule()


def _permissions(permission: str | Iterable[str] | None) -> tuple[str, ...]:
    if permission is None:
        return ()
    names = (permission,) if isinstance(permission, str) else tuple(permission)
    if not names:
        raise ValueError("permission= names no permission: give one, a list of them, or None")
    for name in names:
        if not isinstance(name, str) or not PERMISSION_NAME.fullmatch(name):
            raise ValueError(
                f"permission= takes Django permission names such as 'shop.view_cart' "
                f"('<app_label>.<codename>'), not {name!r}"
            )
    return names


@dataclass(frozen=True)
class Decision:
    """Whether a user may open an app; if not, why (for the visitor) and whether signing in may help."""

    allowed: bool
    reason: str = ""
    sign_in: bool = False


ALLOWED = Decision(True)


def is_anonymous(user: Any) -> bool:
    return user is None or not getattr(user, "is_authenticated", False)


def user_key(user: Any) -> str | None:
    """What a session keeps of its user (the primary key as text; None when signed out)."""
    return None if is_anonymous(user) else str(user.pk)


def decide(rule: AccessRule, user: Any) -> Decision:
    """Whether ``user`` (None: no authentication at all) may open an app with ``rule``.

    Synchronous: permissions and ``check`` may read the database. A ``check`` that
    raises refuses (and is logged).
    """
    if rule.open:
        return ALLOWED
    anonymous = is_anonymous(user)
    refused = Decision(False, str(SIGN_IN if anonymous else NOT_PERMITTED), anonymous)
    if user is None:
        logger.warning(
            "An app with an access rule was asked for without a user: is "
            "AuthenticationMiddleware (or Channels' AuthMiddlewareStack) in place?"
        )
        return refused
    if rule.login_required and anonymous:
        return refused
    if rule.permissions and not user.has_perms(rule.permissions):
        return refused
    if rule.check is not None:
        try:
            if not rule.check(user):
                return refused
        except Exception:
            logger.exception(
                "The access check %r of an app raised; the user was refused", rule.check
            )
            return refused
    return ALLOWED


def allowed(rule: AccessRule, user: Any) -> bool:
    """Whether ``user`` may open an app with ``rule``."""
    return decide(rule, user).allowed


async def decide_async(rule: AccessRule, user: Any) -> Decision:
    """``decide`` from async code: in a thread, unless the app is open to anyone."""
    if rule.open:
        return ALLOWED
    return await database_sync_to_async(decide)(rule, user)


# ``request_refusal``'s ``session_user`` when the request is not for a session's content.
NO_SESSION: Any = object()


async def request_refusal(
    request: Any, rule: AccessRule, session_user: str | None = NO_SESSION
) -> str | None:
    """Why an async view's request may not reach an app (its uploads, its files), or None.

    ``session_user``: what the session the request is for keeps of its user; a request
    of another user (or of none) is refused, as a resume is.
    """
    if rule.open:
        return None
    auser = getattr(request, "auser", None)  # set by AuthenticationMiddleware
    user = await auser() if auser is not None else None
    decision = await decide_async(rule, user)
    if not decision.allowed:
        return decision.reason
    if session_user is not NO_SESSION and session_user != user_key(user):
        return str(USER_CHANGED)
    return None


def decide_for_request(request: Any, app: str, rule: AccessRule) -> Decision:
    """``decide`` for an HTTP request's user, once per request and app (page and tag agree)."""
    if rule.open:
        return ALLOWED
    if request is None:
        logger.warning(
            "The app %r, which has an access rule, was rendered without a request in the "
            "template's context (render(request, ...) gives one): refused",
            app,
        )
        return Decision(False, str(SIGN_IN), True)
    memo = getattr(request, "_blocksstate_access", None)
    if memo is None:
        memo = request._blocksstate_access = {}
    if app not in memo:
        memo[app] = decide(rule, getattr(request, "user", None))
    return memo[app]


def login_url(request: Any) -> str:
    """``settings.LOGIN_URL`` with ``next`` back to this page, as ``@login_required`` redirects."""
    url = urlsplit(resolve_url(settings.LOGIN_URL))
    query = QueryDict(url.query, mutable=True)
    query["next"] = request.get_full_path() if request is not None else "/"
    return urlunsplit(url._replace(query=query.urlencode(safe="/")))
