"""Calling a handler: its arguments, and its results whatever kind of function it is.

Synchronous functions run in a thread pool (in the page's language, so a handler's
``gettext`` speaks it), or on the event loop once their calls proved short and free of
sync-only APIs (``inline``); async ones are awaited, generators
(sync or async) yield one result per step.
``request: gr.Request``, ``progress=gr.Progress()`` and ``evt: gr.EventData`` (or any
kind of it: ``gr.SelectData``, ``gr.KeyUpData``...) parameters are filled in by name,
in any position and whatever their default, as Gradio does; the inputs fill the other
parameters in order.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.exceptions import SynchronousOnlyOperation

from .. import eager
from ..app.event_data import EventData, event_data_classes
from ..conf import setting
from ..i18n import carrying_language
from . import inline
from .concurrency import Limit, admission
from .feedback import Progress, current_feedback
from .request import Request
from .updates import BadResult

_END = object()


@functools.cache
def handler_executor() -> ThreadPoolExecutor:
    """The threads that run synchronous handlers (``HANDLER_THREADS``)."""
    return ThreadPoolExecutor(
        max_workers=setting("HANDLER_THREADS"), thread_name_prefix="blocksstate"
    )


def takes_special(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` has a Request, Progress or EventData parameter (``arguments``)."""
    return bool(_special_parameters(fn))


def arguments(
    fn: Callable[..., Any],
    values: list[Any],
    request: Callable[[], Request],
    event_data: Callable[[type[EventData]], EventData] | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """Return ``(args, kwargs)`` for ``fn``: the input ``values``, plus Request/Progress/EventData."""
    special = _special_parameters(fn)
    if not special:
        return values, {}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    remaining = deque(values)
    by_name = False
    for name, kind in special:
        if kind == "request":
            kwargs[name] = request()
            by_name = True
        elif isinstance(kind, Progress):
            kwargs[name] = kind
            by_name = True
        elif isinstance(kind, type) and issubclass(kind, EventData):
            kwargs[name] = event_data(kind) if event_data is not None else kind(None, None)
            by_name = True
        elif remaining:
            if by_name:
                kwargs[name] = remaining.popleft()
            else:
                args.append(remaining.popleft())
    args.extend(remaining)
    return args, kwargs


# What ``call_now`` gives for a handler it did not call: ``results`` calls it.
LATER: Any = object()


def call_now(
    fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], limit: Limit | None = None
) -> Any:
    """Call ``fn`` here and now if it is a short synchronous handler (``inline``) whose place
    is free at once; return its result, or ``LATER`` without calling it.

    Most events are such a call. It is run as ``results`` runs it (its place within
    ``limit`` and a thread's, its own context, on the loop), without the generator,
    the coroutines and the waits that a run which may wait needs. A result that is
    itself a generator or an awaitable (a plain function may return one) goes on in
    ``results`` (``called``). One that meets an API that refuses the loop is called
    again in a thread, by ``results``, as ``_call_sync`` does.
    """
    if _kind(fn) != (False, False):
        return LATER
    place = inline.placement(fn, kwargs)
    if place is None or not place.inline:
        return LATER
    # Its place and a thread's, free now (it holds them only while nothing else runs).
    if not admission().free_now(limit or Limit(fn, None), True):
        return LATER
    call = functools.partial(fn, *args, **kwargs)
    return _inline(place, call, contextvars.copy_context())


def _inline(place: inline.Placement, call: Callable[[], Any], context: contextvars.Context) -> Any:
    """``call`` run on the loop (``place.run_inline``), in ``context``; ``LATER`` if it met
    an API that refuses the loop: its function is threaded for good, and the caller calls
    it again in a thread."""
    try:
        return context.run(place.run_inline, call)
    except SynchronousOnlyOperation:
        place.stay_threaded("it uses an API that must not run on the event loop")
        return LATER


def goes_on(result: Any) -> bool:
    """Whether a handler's ``result`` is a generator or an awaitable, for ``results`` to finish."""
    return inspect.isawaitable(result) or inspect.isasyncgen(result) or inspect.isgenerator(result)


async def results(
    fn: Callable[..., Any],
    args: list[Any],
    kwargs: dict[str, Any],
    limit: Limit | None = None,
    called: Any = LATER,
) -> AsyncIterator[Any]:
    """Call ``fn`` and yield what it returns: once, or once per generator yield.

    The whole run (every step of a generator) first waits for its place within ``limit``
    (its listener's), and a synchronous one for a handler thread (see ``concurrency``);
    a run that waits tells its page (``queued``, then ``started``). One generator per
    run, the place taken and given back in it. ``called``: what ``call_now`` got from
    ``fn`` already (a generator or an awaitable, to go on with).
    """
    synchronous = not is_async(fn)
    places = admission()
    group = await places.enter(limit or Limit(fn, None), synchronous, current_feedback.get())
    try:
        context = contextvars.copy_context()
        if called is not LATER:
            result = called
        elif not synchronous:
            await eager.leave()  # it may keep the current task (asyncio.timeout): its own
            result = fn(*args, **kwargs)
        else:
            result = await _call_sync(fn, args, kwargs, context)
        if inspect.isawaitable(result):
            result = await result
        if inspect.isasyncgen(result):
            try:
                async for item in result:
                    yield item
            finally:
                await result.aclose()  # stopped early (cancels=, time_limit): end it where it waits
        elif inspect.isgenerator(result):
            async for item in _generator_steps(result, context):
                yield item
        else:
            yield result
    finally:
        places.leave(group, synchronous)


# Per handler function while it lives: (is async, streams). Weak: a ``@gr.render`` region
# makes new functions on every rebuild, and a plain cache would keep each one for good.
_kinds: weakref.WeakKeyDictionary[Callable[..., Any], tuple[bool, bool]] = (
    weakref.WeakKeyDictionary()
)


def _kind(fn: Callable[..., Any]) -> tuple[bool, bool]:
    try:
        return _kinds[fn]
    except KeyError:
        found = _kinds[fn] = _inspect_kind(fn)
        return found
    except TypeError:  # not weakly referable: asked each time
        return _inspect_kind(fn)


def _inspect_kind(fn: Callable[..., Any]) -> tuple[bool, bool]:
    is_async = inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn)
    streams = any(
        inspect.isgeneratorfunction(f) or inspect.isasyncgenfunction(f)
        for f in (fn, type(fn).__call__)  # a function, a partial of one, or a callable object
    )
    return is_async, streams


def is_async(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` is a coroutine or async generator function."""
    return _kind(fn)[0]


def streams(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` is a generator (sync or async), whose yields are sent as they come."""
    return _kind(fn)[1]


async def _call_sync(
    fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], context: contextvars.Context
) -> Any:
    """Call a synchronous ``fn`` in a handler thread, or on the loop when it is short (``inline``)."""
    call = functools.partial(fn, *args, **kwargs)
    place = inline.placement(fn, kwargs)
    if place is not None and place.inline:
        if (result := _inline(place, call, context)) is not LATER:
            return result
    elif place is not None:
        call = place.watch(call)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        handler_executor(), context.run, _as_request, carrying_language(call)
    )


async def _generator_steps(generator: Any, context: contextvars.Context) -> AsyncIterator[Any]:
    """Each step of a synchronous generator in a handler thread; closed there if stopped early."""
    step: Any = None
    finished = False
    try:
        while True:
            call = carrying_language(functools.partial(next, generator, _END))
            step = handler_executor().submit(context.run, _as_request, call)
            item = await asyncio.wrap_future(step)
            if item is _END:
                finished = True
                return
            yield item
    finally:
        if not finished:
            # Its current step (if any) runs to its end in its thread; then it is closed there.
            def close(_: Any = None) -> None:
                handler_executor().submit(context.run, generator.close)

            if step is not None and not step.done():
                step.add_done_callback(close)
            else:
                close()


async def off_loop(call: Callable[[], Any]) -> Any:
    """Run blocking work (a component's files) in a handler thread, with this context."""
    context = contextvars.copy_context()
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(handler_executor(), context.run, carrying_language(call))


def _as_request(call: Callable[[], Any]) -> Any:
    """Run a handler call in its thread as Django runs a request, for database connections.

    Connections the handler opens are closed or kept as ``CONN_MAX_AGE`` says, and a
    broken one is replaced, as at the start and end of each request.
    """
    from django.db import close_old_connections

    close_old_connections()
    try:
        return call()
    finally:
        close_old_connections()


def first_of_batch(dependency: Any, result: Any) -> Any:
    """The one result of a batch of one (``batch=True``): as in Gradio, a tuple (or list) of
    one list per output, even for a single output; here each list holds one item."""
    if not isinstance(result, (list, tuple)) or len(result) != len(dependency.outputs):
        raise BadResult(
            f"a batch=True function returns one list per output ({len(dependency.outputs)}), "
            f"got {result!r}"
        )
    firsts = []
    for each in result:
        if not isinstance(each, (list, tuple)) or len(each) != 1:
            raise BadResult(f"a batch=True function's lists hold one item here; got {each!r}")
        firsts.append(each[0])
    return tuple(firsts) if len(firsts) > 1 else firsts[0]


def event_data_class(annotation: Any) -> type[EventData] | None:
    """The EventData class a parameter's annotation names (a class, or its name as text)."""
    if isinstance(annotation, type) and issubclass(annotation, EventData):
        return annotation
    if isinstance(annotation, str):
        name = annotation.rsplit(".", 1)[-1]
        return next((c for c in event_data_classes() if c.__name__ == name), None)
    return None


@functools.cache
def _special_parameters(fn: Callable[..., Any] | None) -> tuple[tuple[str, Any], ...]:
    """Name each parameter's role: "request", a Progress instance, or "input"; () when none is special."""
    try:
        parameters = inspect.signature(fn).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ()
    kinds: list[tuple[str, Any]] = []
    for parameter in parameters:
        if parameter.kind in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
            parameter.KEYWORD_ONLY,
        ):
            continue
        annotation = parameter.annotation
        name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if annotation is Request or name.rsplit(".", 1)[-1] == "Request":
            kinds.append((parameter.name, "request"))
        elif event_data_class(annotation) is not None:
            kinds.append((parameter.name, event_data_class(annotation)))
        elif isinstance(parameter.default, Progress):
            kinds.append((parameter.name, parameter.default))
        else:
            kinds.append((parameter.name, "input"))
    return tuple(kinds) if any(kind != "input" for _, kind in kinds) else ()
