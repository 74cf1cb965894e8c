"""The language a page is served in, and keeping it across the socket and handler threads.

A page is rendered in Django's active language (``LocaleMiddleware``, ``i18n_patterns``,
``translation.override`` in a view); its config names it (``language``) and the page
sends it back in its ``hello`` and with its uploads, so the socket's messages and the
upload refusals are in the language the page shows. Before the ``hello``, or when the
page names a language the site does not offer, the socket's own request decides, as
``LocaleMiddleware`` would: the language cookie, then ``Accept-Language``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import gettext

T = TypeVar("T")


def gettext_noop(message: str) -> str:
    """Mark ``message`` for ``makemessages`` and return it untranslated.

    Django's own needs the settings configured; module constants are made at import,
    which a script calling ``launch()`` does before Django is set up.
    """
    return message


# Longest language code taken from a page (``zh-hant-tw`` is 10; a tag may carry more).
MAX_CODE = 32

# Gradio's own default words (a Button's "Run", Interface's "Submit", gr.Error's title...):
# said in the page's language. The same words given explicitly are too; any other text
# is the app's own, shown as it is.
GRADIO_TEXTS = frozenset(
    {
        gettext_noop("Run"),
        gettext_noop("Clear"),
        gettext_noop("Submit"),
        gettext_noop("Send"),
        gettext_noop("Stop"),
        gettext_noop("Generate"),
        gettext_noop("Upload a File"),
        gettext_noop("Download"),
        gettext_noop("Examples"),
        gettext_noop("Chatbot"),
        gettext_noop("Message"),
        gettext_noop("Type a message..."),
        gettext_noop("Type a message or attach files..."),
        gettext_noop("Error"),
        gettext_noop("Warning"),
        gettext_noop("Info"),
        gettext_noop("Error raised."),
        gettext_noop("Warning issued."),
        gettext_noop("Info issued."),
        gettext_noop("steps"),
    }
)


def gradio_text(text: Any) -> Any:
    """``text`` as the visitor reads it: one of Gradio's default words translated, else unchanged."""
    return gettext(text) if isinstance(text, str) and text in GRADIO_TEXTS else text


def supported(code: Any) -> str | None:
    """The site's language for ``code`` (one of ``settings.LANGUAGES``, or its base), or None."""
    if not isinstance(code, str) or not code or len(code) > MAX_CODE:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class _ScopeRequest:
    """The parts of an HttpRequest that ``get_language_from_request`` reads, from ASGI."""

    def __init__(self, scope: Mapping[str, Any]) -> None:
        headers = dict(scope.get("headers", ()))
        cookies = scope.get("cookies")
        if cookies is None:
            cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        self.COOKIES = cookies
        self.META = {"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")}


def scope_language(scope: Mapping[str, Any]) -> str:
    """The language of a socket's own request: its language cookie, ``Accept-Language``,
    else ``LANGUAGE_CODE`` (as ``LocaleMiddleware`` decides, without a URL prefix)."""
    if not settings.USE_I18N:
        return settings.LANGUAGE_CODE
    return translation.get_language_from_request(_ScopeRequest(scope))  # type: ignore[arg-type]


def carrying_language(call: Callable[..., T]) -> Callable[..., T]:
    """``call``, run in the active language on whatever thread runs it.

    Django keeps the active language per thread: a function handed to a thread pool
    (``asyncio.to_thread``, the handler threads) would otherwise speak ``LANGUAGE_CODE``.
    The language is switched only when the thread speaks another (on the event path,
    a page in the site's language costs one look-up).
    """
    language = translation.get_language()

    def run(*args: Any, **kwargs: Any) -> T:
        with in_language(language):
            return call(*args, **kwargs)

    return run


def speak(language: str) -> None:
    """Make ``language`` the active one in this context (a task's own), for good.

    For a task that ends with its work (a connection's worker): cheaper than
    ``in_language``, which switches back when done.
    """
    if translation.get_language() != language:
        translation.activate(language)


def in_language(language: str | None) -> contextlib.AbstractContextManager[None]:
    """``translation.override(language)``, or nothing when it is already the active one."""
    if translation.get_language() == language:
        return contextlib.nullcontext()
    return translation.override(language)
