"""Resume tokens: a page that lost its connection takes its session back with one, once.

A token is signed (``django.core.signing``) and names the session, the app, the
user and the epoch it was issued at. Whether that epoch's token is still good is
the stored session's to say (``Session.proven_epoch``): each token is single-use.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext

from ..conf import setting
from .session import Session

RESUME_SALT = "blocksstate.resume"


class ResumeRefused(Exception):
    """A resume token is invalid, expired, or for another session, app or user (said to the
    visitor, in their language, when a new session starts in its place)."""


class UserChanged(ResumeRefused):
    """A valid resume token of another user (or of none): the page's user changed since."""


def resume_token(session: Session) -> str:
    """Return a signed token that lets this page (and only it) resume ``session`` once."""
    return signing.dumps(
        [session.id, session.app, session.user_id, session.epoch], salt=RESUME_SALT, compress=False
    )


def read_resume_token(token: Any, app: str, user_id: str | None) -> tuple[str, int]:
    """Return the session id and epoch a resume token names, after checking it fits this app and user."""
    if not isinstance(token, str) or len(token) > 512:
        raise ResumeRefused(gettext("malformed resume token"))
    try:
        session_id, token_app, token_user, epoch = signing.loads(
            token, salt=RESUME_SALT, max_age=setting("RESUME_MAX_AGE")
        )
    except signing.SignatureExpired:
        raise ResumeRefused(gettext("the resume token has expired")) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ResumeRefused(gettext("the resume token is not valid")) from None
    if token_app != app:
        raise ResumeRefused(gettext("the resume token is for another app"))
    if token_user != user_id:
        raise UserChanged(gettext("the resume token is for another user"))
    if not isinstance(epoch, int) or isinstance(epoch, bool):
        raise ResumeRefused(gettext("the resume token is not valid"))
    return session_id, epoch
