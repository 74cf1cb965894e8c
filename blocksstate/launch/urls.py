"""The URLconf of the embedded project: the launched app at ``/``, blocksstate's own URLs below."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

# The scope key through which a server tells the page at ``/`` which app it serves.
SCOPE_APP_KEY = "blocksstate.launched_app"


def launched_app_page(request: HttpRequest) -> HttpResponse:
    """Render the app this server was launched with."""
    from ..views import app_page

    name = getattr(request, "scope", {}).get(SCOPE_APP_KEY)
    if name is None:
        raise Http404("no app was launched on this server")
    return app_page(request, name)


urlpatterns = [
    path("", launched_app_page, name="launched_app"),
    path("blocksstate/", include("blocksstate.urls")),
]
