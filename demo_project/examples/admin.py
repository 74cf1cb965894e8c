"""The demo's admin: write an announcement, then post it to every open page with an action."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .announcements import announce
from .models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["text", "created_at", "posted_at"]
    actions = ["post_to_open_pages"]

    @admin.action(description="Show on every open page")
    def post_to_open_pages(self, request: HttpRequest, queryset: QuerySet[Announcement]) -> None:
        if queryset.count() != 1:
            self.message_user(
                request, "Choose exactly one announcement to show.", level=messages.ERROR
            )
            return
        chosen = queryset.get()
        announce(chosen.text)  # a GlobalState set from an admin action: every page hears it
        Announcement.objects.filter(pk=chosen.pk).update(posted_at=timezone.now())
        self.message_user(request, f"Every open page now shows “{chosen}”.", messages.SUCCESS)
