"""The list filters of the admin's sessions and events, each with a title that reads well.

A filter given a value it does not know raises ``IncorrectLookupParameters``: Django's admin
then shows the list without filters, and ``display.ExplainedList`` says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import QuerySet
from django.http import HttpRequest


class StatusFilter(admin.SimpleListFilter):
    """Live (no end recorded), ended, or all: live by default, as the list's name says.

    A search looks through all sessions unless a status is chosen: the session of a
    bug report has usually ended by the time someone looks for it.
    """

    title = "status"
    parameter_name = "status"

    def __init__(self, request: HttpRequest, *args: Any) -> None:
        self.searched = bool(request.GET.get(SEARCH_VAR, "").strip())
        super().__init__(request, *args)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("all", "All"), ("live", "Live"), ("ended", "Ended")]

    def value(self) -> str:
        chosen = super().value()
        if chosen is None:
            return "all" if self.searched else "live"
        return chosen

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:
        options = super().choices(changelist)
        next(options)  # Django's own "All" drops the parameter, which here means the default
        yield from options

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        status = self.value()
        if status == "live":
            return queryset.filter(closed_at__isnull=True)
        if status == "ended":
            return queryset.filter(closed_at__isnull=False)
        if status == "all":
            return queryset
        raise IncorrectLookupParameters(f"status must be all, live or ended, not {status!r}")


class UserFilter(admin.RelatedOnlyFieldListFilter):
    """Sessions of one user (among those who have sessions), or of anonymous visitors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.empty_value_display = "anonymous"


class OutcomeFilter(admin.SimpleListFilter):
    """Events that failed, or went well."""

    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("failed", "Failed"), ("succeeded", "Succeeded")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        outcome = self.value()
        if outcome is None:
            return queryset
        if outcome not in ("failed", "succeeded"):
            raise IncorrectLookupParameters(f"outcome must be failed or succeeded, not {outcome!r}")
        return queryset.filter(ok=outcome == "succeeded")
