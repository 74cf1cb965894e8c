"""Waiting for a condition instead of sleeping: a slow machine makes a test slower, not red."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Generous: a frame that does not come is a failure, not a race; slow CI must not flake.
TIMEOUT = 15.0


async def eventually(
    predicate: Callable[[], T | Awaitable[T]],
    timeout: float = TIMEOUT,
    what: str = "",
    interval: float = 0.01,
) -> T:
    """Poll ``predicate`` (sync or async) until it returns something truthy; return that.

    Raise ``AssertionError`` naming ``what`` if it is still falsy after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        result: Any = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        await asyncio.sleep(interval)
