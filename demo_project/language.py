"""``?lang=fr`` on any page of the demo: show it (and the pages after it) in that language.

Django's ``LocaleMiddleware`` (before this one) picks the language from the language
cookie, else the browser's ``Accept-Language``; this sets the cookie from the query, so a
visitor can switch without changing their browser's settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class LanguageFromQueryMiddleware:
    """Activate ``?lang=<code>`` when the site offers it, and remember it in the cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        asked = request.GET.get("lang")
        try:
            language = translation.get_supported_language_variant(asked) if asked else None
        except LookupError:
            language = None
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response
