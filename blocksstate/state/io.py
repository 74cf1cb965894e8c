"""Cache calls from async code: at once for a local-memory cache, in a thread for anything else."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def is_local(cache: Any) -> bool:
    """Whether a cache lives in this process's memory (its calls never block on I/O)."""
    return type(cache).__name__ == "LocMemCache"


async def cache_call(cache: Any, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)``, a call on ``cache``, without blocking the event loop."""
    if is_local(cache):
        return fn(*args)
    return await asyncio.to_thread(fn, *args)
