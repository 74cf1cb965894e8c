"""How the admin shows things: its stylesheet, short times, the session list's columns, and
what an empty or refused list says."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from ..models import LiveSession

# Characters of a session id the list shows (the search matches ids from their start).
SHOWN_ID_CHARS = 10


class AdminMedia:
    """The ``Media`` of blocksstate's ModelAdmins: the session list fits a 1280 px screen."""

    css = {"all": ["blocksstate/admin.css"]}


def _time(moment: datetime, shown: str) -> SafeString:
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
        shown,
    )


def short_time(moment: datetime) -> SafeString:
    """A time in the locale's short format ("12/03/2026 3:40 p.m."), the full one on hover."""
    return _time(moment, formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT"))


def time_ago(moment: datetime) -> SafeString:
    """How long ago ("just now", "5 minutes ago"), the full time on hover."""
    if (timezone.now() - moment).total_seconds() < 60:
        return _time(moment, "just now")
    return _time(moment, f"{timesince(moment, depth=1)} ago")


def _two_lines(first: str, second: str | SafeString) -> SafeString:
    """A cell's main text, and a quieter line under it (when there is one)."""
    if not second:
        return format_html("{}", first)
    return format_html('{}<br><span class="bs-quiet">{}</span>', first, second)


class SessionColumns:
    """The columns of the session list: six, narrow enough beside the filters at 1280 px.

    A column holds what is read together (the status and when the session was last seen,
    the user and their address, the events and how many failed); the session's page has
    every field on its own.
    """

    @admin.display(description="session", ordering="session_id")
    def short_id(self, obj: LiveSession) -> str:
        return f"{obj.session_id[:SHOWN_ID_CHARS]}\u2026"

    @admin.display(description="status", ordering="closed_at")
    def status_column(self, obj: LiveSession) -> SafeString:
        if obj.is_live:
            return _two_lines("Live", format_html("seen {}", time_ago(obj.last_seen_at)))
        ended = time_ago(obj.closed_at) if obj.closed_at else ""
        if obj.closed_reason:
            ended = format_html("{}, {}", obj.closed_reason, ended) if ended else obj.closed_reason
        return _two_lines("Ended", ended)

    @admin.display(description="visitor")
    def visitor(self, obj: LiveSession) -> SafeString:
        user = str(obj.user) if obj.user_id else "anonymous"
        return _two_lines(user, obj.client_address)

    @admin.display(description="connected", ordering="connected_at")
    def connected(self, obj: LiveSession) -> SafeString:
        return short_time(obj.connected_at)

    # Not ``events``: that names the session's EventLog rows, and the list would sort by them.
    @admin.display(description="events", ordering="event_count")
    def events_column(self, obj: LiveSession) -> SafeString:
        failed = f"{obj.error_count:,} failed" if obj.error_count else ""
        return _two_lines(f"{obj.event_count:,}", failed)


class ExplainedList:
    """A ModelAdmin mixin: a list says why it is empty, or why it dropped its address's filters.

    Django's admin answers a filter it does not know (or a value a filter refuses) by
    redirecting to the list with ``?e=1``, which on its own says nothing.
    """

    change_list_template = "blocksstate/admin/change_list.html"

    def empty_list_note(self, request: HttpRequest) -> str:
        """What to say when the list is empty (besides Django's "0 ..."): why, and where to look."""
        return ""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if ERROR_FLAG in request.GET:
            messages.warning(
                request,
                "The address asked for a filter this list does not have, or for a value it "
                "does not know: the list is shown without it.",
            )
        context = {"empty_list_note": self.empty_list_note(request), **(extra_context or {})}
        return super().changelist_view(request, context)  # type: ignore[misc]
