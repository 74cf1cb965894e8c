"""Views: a bare page for any registered app (handy without templates of your own)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .app.registry import AppNotFound, get_app


def app_page(request: HttpRequest, app: str) -> HttpResponse:
    """Render one registered app on a page of its own."""
    try:
        blocks = get_app(app)
    except AppNotFound:
        raise Http404(f"no app named {app!r}") from None
    return render(request, "blocksstate/page.html", {"app": app, "blocks": blocks})
