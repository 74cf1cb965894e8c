"""HTTP views of the test workers that change the tally GlobalState, as a site's views would."""

import asyncio

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

import blocksstate as gr

from .tally_app import KEY


def _count(request: HttpRequest) -> int | None:
    try:
        n = int(request.GET.get("n", "1"))
    except ValueError:
        return None
    return n if 0 < n <= 1000 else None


async def add_async(request: HttpRequest) -> HttpResponse:
    """``n`` concurrent ``aincr(1)``: an async view."""
    n = _count(request)
    if n is None:
        return HttpResponseBadRequest("n must be 1 to 1000")
    tally = gr.GlobalState.named(KEY)
    await asyncio.gather(*(tally.aincr(1) for _ in range(n)))
    return HttpResponse(str(n))


def add_sync(request: HttpRequest) -> HttpResponse:
    """``n`` ``incr(1)``: a plain synchronous view (Django runs it in a thread)."""
    n = _count(request)
    if n is None:
        return HttpResponseBadRequest("n must be 1 to 1000")
    tally = gr.GlobalState.named(KEY)
    for _ in range(n):
        tally.incr(1)
    return HttpResponse(str(n))
