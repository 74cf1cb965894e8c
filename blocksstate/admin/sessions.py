"""The live sessions and the event log in the admin, with the actions on a live session.

A session's values are shown only to staff with ``STATE_PERMISSION`` (see
``values``). Disconnecting a session and clearing its state need
``MANAGE_PERMISSION``; both reach the worker serving the page through the
channel layer (see ``sessions.actions``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from ..app.registry import AppNotFound, registered
from ..conf import setting
from ..models import EventLog, LiveSession
from ..sessions import actions
from ..sessions.base import SessionBusy
from .display import AdminMedia, ExplainedList, SessionColumns
from .filters import OutcomeFilter, StatusFilter, UserFilter
from .readonly import ReadOnlyModelAdmin
from .values import session_values

RECENT_EVENTS = 50
RECENT_ERRORS = 20
STATE_PERMISSION = "blocksstate.view_session_state"
MANAGE_PERMISSION = "blocksstate.change_livesession"


class EventLogInline(admin.TabularInline):
    """The session's most recent events, newest first."""

    model = EventLog
    fields = ("started_at", "event", "duration_ms", "ok", "error")
    readonly_fields = fields
    ordering = ("-started_at", "-id")
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = f"Recent events (newest {RECENT_EVENTS})"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        session = getattr(request, "_blocksstate_session", None)
        if session is None:
            return queryset.none()
        recent = EventLog.objects.filter(session=session).order_by("-started_at", "-id")
        return queryset.filter(pk__in=list(recent.values_list("pk", flat=True)[:RECENT_EVENTS]))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("blocksstate.view_livesession")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _username_field() -> str:
    return f"user__{get_user_model().USERNAME_FIELD}"


@admin.register(LiveSession)
class LiveSessionAdmin(ExplainedList, SessionColumns, ReadOnlyModelAdmin):
    """Read-only: rows are written by the recorder; the actions act on the live session."""

    change_form_template = "blocksstate/admin/livesession/change_form.html"
    list_display = ("short_id", "app", "status_column", "visitor", "connected", "events_column")
    list_filter = (StatusFilter, "app", ("user", UserFilter))
    search_fields = ("^session_id", _username_field(), "^client_address")
    search_help_text = "Session id (or its beginning), username, or client address."
    date_hierarchy = "connected_at"
    list_select_related = ("user",)
    ordering = ("-connected_at",)
    inlines = [EventLogInline]
    Media = AdminMedia
    actions = ["disconnect_sessions", "clear_session_state"]
    fieldsets = [
        (None, {"fields": ("session_id", "app", "status", "user_or_anonymous", "same_browser")}),
        ("Connection", {"fields": ("client_address", "user_agent")}),
        ("Times", {"fields": ("connected_at", "last_seen_at", "closed_at", "closed_reason")}),
        ("Counts", {"fields": ("event_count", "error_count", "rejected_tokens")}),
    ]

    def empty_list_note(self, request: HttpRequest) -> str:
        if not setting("RECORD_SESSIONS"):
            return 'Sessions are not recorded: BLOCKSSTATE["RECORD_SESSIONS"] is off.'
        if not LiveSession.objects.exists():
            return "No session yet: one is recorded when a page of a registered app connects."
        if "status" not in request.GET and not request.GET.get(SEARCH_VAR):
            return format_html(
                'No page is connected now. <a href="{}">All sessions</a> lists the ended ones too.',
                "?status=all",
            )
        return ""

    @admin.display(description="status", ordering="closed_at")
    def status(self, obj: LiveSession) -> str:
        if obj.is_live:
            return "Live"
        return f"Ended ({obj.closed_reason})" if obj.closed_reason else "Ended"

    @admin.display(description="user")
    def user_or_anonymous(self, obj: LiveSession) -> str:
        return str(obj.user) if obj.user_id else "anonymous"

    @admin.display(description="browser")
    def same_browser(self, obj: LiveSession) -> str:
        """A link to the sessions of the same browser (by the keyed hash: no credential is kept)."""
        if not obj.browser_hash:
            return "no Django session"
        count = LiveSession.objects.filter(browser_hash=obj.browser_hash).count()
        url = reverse("admin:blocksstate_livesession_changelist")
        return format_html(
            '<a href="{}?{}">{} session(s) of this browser</a>',
            url,
            urlencode({"browser_hash": obj.browser_hash, "status": "all"}),
            count,
        )

    def has_manage_permission(self, request: HttpRequest) -> bool:
        """May disconnect sessions and clear their state."""
        return request.user.has_perm(MANAGE_PERMISSION)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        request._blocksstate_session = obj  # type: ignore[attr-defined]  # for EventLogInline
        return super().get_inline_instances(request, obj)

    # -- the session's page

    def get_urls(self) -> list[Any]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/disconnect/",
                view(self.disconnect_view),
                name=f"{prefix}_disconnect",
            ),
            path(
                "<path:object_id>/clear-state/",
                view(self.clear_state_view),
                name=f"{prefix}_clear_state",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None and self.has_view_permission(request, obj):
            can_see_state = request.user.has_perm(STATE_PERMISSION)
            context.update(
                can_see_state=can_see_state,
                can_manage=self.has_manage_permission(request),
                recent_errors=obj.events.filter(ok=False).order_by("-started_at", "-id")[
                    :RECENT_ERRORS
                ],
                app_registered=obj.app in registered(),
            )
            if can_see_state:
                context.update(session_values(obj))
        return super().change_view(request, object_id, form_url, context)

    def _session_for_action(self, request: HttpRequest, object_id: str) -> LiveSession:
        if not self.has_manage_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("no such live session")
        return obj

    def _back(self, obj: LiveSession) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:blocksstate_livesession_change", args=[obj.pk]))

    @staticmethod
    def _clear_all(sessions: Iterable[LiveSession]) -> list[Any]:
        """Clear each session's state in order; an error is a result, not a failure of the rest."""

        async def run_all() -> list[Any]:
            results: list[Any] = []
            for session in sessions:
                try:
                    results.append(await actions.clear_state(session.app, session.session_id))
                except (AppNotFound, SessionBusy) as exc:
                    results.append(exc)
            return results

        return async_to_sync(run_all)()

    @staticmethod
    def _disconnect_all(sessions: Iterable[LiveSession]) -> list[bool]:
        async def run_all() -> list[bool]:
            return [await actions.disconnect(s.session_id) for s in sessions]

        return async_to_sync(run_all)()

    def _report_disconnect(self, request: HttpRequest, sessions: list[LiveSession]) -> None:
        live = [s for s in sessions if s.is_live]
        if not live:
            self.message_user(request, "No live session was selected.", messages.WARNING)
            return
        if not all(self._disconnect_all(live)):
            self.message_user(
                request,
                "There is no channel layer (CHANNEL_LAYERS) to reach the sessions through.",
                messages.ERROR,
            )
            return
        names = ", ".join(str(s) for s in live)
        self.message_user(
            request,
            f"Disconnected {len(live)} session(s): {names}. Their pages say so; "
            "the status shows it once the end is recorded.",
            messages.SUCCESS,
        )

    def _report_clear(self, request: HttpRequest, sessions: list[LiveSession]) -> None:
        for session, result in zip(sessions, self._clear_all(sessions), strict=True):
            if result is True:
                self.message_user(
                    request, f"Cleared the state of session {session}.", messages.SUCCESS
                )
            elif result is False:
                self.message_user(
                    request,
                    f"Session {session} has no values in the cache any more: nothing to clear.",
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request, f"Could not clear session {session}: {result}", messages.ERROR
                )

    @method_decorator(require_POST)
    def disconnect_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._session_for_action(request, object_id)
        self._report_disconnect(request, [obj])
        return self._back(obj)

    @method_decorator(require_POST)
    def clear_state_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._session_for_action(request, object_id)
        self._report_clear(request, [obj])
        return self._back(obj)

    # -- actions on the list

    @admin.action(description="Disconnect the selected sessions", permissions=["manage"])
    def disconnect_sessions(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._report_disconnect(request, list(queryset))

    @admin.action(description="Clear the state of the selected sessions", permissions=["manage"])
    def clear_session_state(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._report_clear(request, list(queryset))


@admin.register(EventLog)
class EventLogAdmin(ExplainedList, ReadOnlyModelAdmin):
    """Every recorded event, across sessions: find the failing ones."""

    list_display = ("started_at", "event", "app", "session_link", "duration_ms", "ok", "error")
    list_filter = (OutcomeFilter, "session__app")
    search_fields = ("event", "error", "^session__session_id")
    date_hierarchy = "started_at"
    list_select_related = ("session",)
    ordering = ("-started_at", "-id")
    Media = AdminMedia

    def empty_list_note(self, request: HttpRequest) -> str:
        if not setting("RECORD_SESSIONS"):
            return 'Events are not recorded: BLOCKSSTATE["RECORD_SESSIONS"] is off.'
        if not setting("EVENT_LOG"):
            return (
                'The event log is off (BLOCKSSTATE["EVENT_LOG"] is False): sessions still count '
                "their events and errors, but events are not kept one by one."
            )
        return ""

    @admin.display(description="app", ordering="session__app")
    def app(self, obj: EventLog) -> str:
        return obj.session.app

    @admin.display(description="session")
    def session_link(self, obj: EventLog) -> Any:
        url = reverse("admin:blocksstate_livesession_change", args=[obj.session_id])
        return format_html('<a href="{}">{}</a>', url, obj.session)
