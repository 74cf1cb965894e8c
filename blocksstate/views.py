"""Views: a bare page for any registered app (handy without templates of your own)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from .app import access
from .app.registry import AppNotFound, access_rule, get_app


def app_page(request: HttpRequest, app: str) -> HttpResponse:
    """Render one registered app on a page of its own, to the users its access rule lets in.

    Refused, a signed-out visitor is sent to ``LOGIN_URL`` (as ``@login_required``
    does) and a signed-in one gets 403 with the refusal said on the page.
    """
    try:
        blocks = get_app(app)
    except AppNotFound:
        raise Http404(f"no app named {app!r}") from None
    decision = access.decide_for_request(request, app, access_rule(app))
    if not decision.allowed and decision.sign_in:
        return HttpResponseRedirect(access.login_url(request))
    status = 200 if decision.allowed else 403
    return render(request, "blocksstate/page.html", {"app": app, "blocks": blocks}, status=status)
