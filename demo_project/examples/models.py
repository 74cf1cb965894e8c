"""The demo's one model: announcements staff write in the admin and post to open pages."""

from django.db import models

from .announcements import MAX_LENGTH


class Announcement(models.Model):
    """A text staff may post, with an admin action, to every open page of the example."""

    text = models.CharField(max_length=MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"
