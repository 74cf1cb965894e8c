"""What the admin shows of live sessions: one row per session, one per event.

The rows are written by the activity recorder (``blocksstate.activity``), in
batches and off the event path; the session's values stay in the cache and
are never copied here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LiveSession(models.Model):
    """One page view of one app, from its hello to its end."""

    session_id = models.CharField("session id", max_length=64, unique=True)
    app = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blocksstate_sessions",
    )
    browser_hash = models.CharField(
        "browser",
        max_length=64,
        blank=True,
        help_text="A keyed hash of the visitor's Django session key: the same for the sessions "
        "of one browser until it logs in or out. Not a credential.",
    )
    client_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    connected_at = models.DateTimeField("connected")
    last_seen_at = models.DateTimeField("last seen")
    closed_at = models.DateTimeField("ended", null=True, blank=True)
    closed_reason = models.CharField("ended because", max_length=100, blank=True)
    event_count = models.PositiveIntegerField("events", default=0)
    error_count = models.PositiveIntegerField("errors", default=0)
    rejected_tokens = models.PositiveIntegerField(
        default=0, help_text="BrowserState tokens the page sent that did not verify."
    )

    class Meta:
        verbose_name = "live session"
        ordering = ["-connected_at"]
        permissions = [("view_session_state", "Can view session state values")]
        indexes = [
            models.Index(fields=["app", "-connected_at"], name="bs_session_app_connected"),
            models.Index(fields=["-connected_at"], name="bs_session_connected"),
            models.Index(fields=["closed_at"], name="bs_session_closed"),
            models.Index(fields=["last_seen_at"], name="bs_session_last_seen"),
            models.Index(fields=["browser_hash"], name="bs_session_browser"),
        ]

    def __str__(self) -> str:
        return f"{self.app} {self.session_id[:8]}"

    @property
    def is_live(self) -> bool:
        """Not yet recorded as ended (its page is connected, or may still resume)."""
        return self.closed_at is None


class EventLog(models.Model):
    """One event a page sent, with everything it triggered: when, how long, how it went."""

    # No index of its own: bs_event_session_started (session first) serves every lookup by
    # session (the admin's, the cascade's), and one index fewer per row is written.
    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    dependency_id = models.IntegerField("event id", null=True, blank=True)
    event = models.CharField(max_length=300)
    started_at = models.DateTimeField("started")
    duration_ms = models.FloatField("duration (ms)")
    ok = models.BooleanField("succeeded", default=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "event log entry"
        verbose_name_plural = "event log entries"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["session", "-started_at"], name="bs_event_session_started"),
            models.Index(fields=["started_at"], name="bs_event_started"),
            models.Index(fields=["ok", "-started_at"], name="bs_event_ok_started"),
        ]

    def __str__(self) -> str:
        return self.event


class RegisteredApp(models.Model):
    """No table: gives the admin a page listing the registered apps and how they are wired."""

    name = models.CharField(max_length=64, primary_key=True)

    class Meta:
        managed = False
        verbose_name = "registered app"
        default_permissions = ("view",)

    def __str__(self) -> str:
        return self.name
